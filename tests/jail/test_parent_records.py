"""What only the parent writes and believes: cache entries with digests, store
ranks from learn's records, compiler directives refused."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.errors import LLMError
from planner.heuristics.compile import compile_heuristic, strip_comments
from planner.heuristics.format import domain_fingerprint, write_heuristic
from planner.heuristics.store import find_stored_heuristic
from planner.llm.cache import ResponseCache
from tests.fixtures import GRIPPER_DOMAIN

CODE = "class H:\n    def __call__(self, state):\n        return 0\n"


def test_a_changed_cache_entry_is_a_miss(tmp_path: Path):
    cache = ResponseCache(tmp_path / "cache")
    key = "cd" * 32
    cache.put(key, {"content": "```python\n" + CODE + "```"})
    assert cache.get(key)["content"].startswith("```python")
    path = cache.path(key)
    entry = json.loads(path.read_text())
    entry["content"] = "```python\nimport os\nos.system('touch /tmp/x')\n```"
    path.write_text(json.dumps(entry))
    assert cache.get(key) is None and key not in cache
    del entry["digest"]  # an entry without a digest is not trusted either
    path.write_text(json.dumps(entry))
    assert cache.get(key) is None


def test_the_store_ranks_from_learns_record_not_from_the_file(tmp_path: Path):
    root = tmp_path / "store"
    meta = {"domain_fingerprint": domain_fingerprint(GRIPPER_DOMAIN)}
    honest = write_heuristic(root / "gripper" / "a.py", CODE, "H", {**meta, "solved": 3})
    forged = write_heuristic(root / "gripper" / "b.py", CODE, "H", {**meta, "solved": 1})
    assert find_stored_heuristic(GRIPPER_DOMAIN, [root])[0] == honest
    # A score written into b.py's own header (as a candidate able to write files once did)...
    text = forged.read_text().replace('"solved": 1', '"solved": 999')
    forged.write_text(text)
    assert '"solved": 999' in forged.read_text()
    assert find_stored_heuristic(GRIPPER_DOMAIN, [root])[0] == honest  # ...is not believed
    # nor is a record rewritten without the file's digest
    sidecar = forged.with_suffix(".py.json")
    record = json.loads(sidecar.read_text())
    record.update(solved=999, file_sha256="0" * 64)
    sidecar.write_text(json.dumps(record))
    assert find_stored_heuristic(GRIPPER_DOMAIN, [root])[0] == honest


@pytest.mark.parametrize("directive", ["# distutils: extra_compile_args = -fplugin=/tmp/x.so",
                                       "#cython: language_level=3", "  # Distutils: libraries = evil"])
def test_compiler_directives_are_refused(tmp_path: Path, directive: str):
    with pytest.raises(LLMError, match="directive comment is refused"):
        compile_heuristic(directive + "\n" + CODE, tmp_path / "dk.py")
    assert not (tmp_path / "dk.py.ext").exists()


def test_comments_are_stripped_before_cython():
    text = strip_comments("x = 1  # cython-ish: no\ny = '# distutils: in a string'\n")
    assert "#" not in text.replace("'# distutils: in a string'", "")
