"""heuristics/README.md's steps for adding a domain's kernel form, run as written
(on a copy of spanner's stored Python form, with --root pointing at the copy),
and the shipped kernel forms' provenance: each one is what build_kernels stored
from a recorded answer."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planner.heuristics.format import stored_code
from planner.heuristics.kernel import KERNEL_CLASS_NAME
from planner.llm.extract import extract
from planner.llm.replay import load_pool
from tests.fixtures import HEURISTICS_FOLDER_OF as FOLDER_OF
from tests.fixtures import ROOT

pytest.importorskip("numba")

HEURISTICS = ROOT / "heuristics"
SHIPPED = ("blocksworld", "childsnack", "ferry", "floortile", "miconic", "rovers", "satellite",
           "sokoban", "spanner", "transport")
PROVENANCE = "written by the project's developers, not sampled from an LLM endpoint"


def documented_steps() -> list[str]:
    """The `python -m heuristics.*` lines of the README's "Adding a domain's kernel form"."""
    text = (HEURISTICS / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Adding a domain's kernel form"):]
    section = section[: section.find("\n## ", 1) if "\n## " in section[1:] else len(section)]
    lines = [line.strip() for line in section.splitlines() if line.startswith("    python -m heuristics.")]
    return [re.sub(r"\s+#.*$", "", line) for line in lines]


def _kernel_file(domain: str) -> Path:
    (path,) = sorted((HEURISTICS / FOLDER_OF.get(domain, domain)).glob("*.kernel.py"))
    return path


def test_the_readme_steps_add_a_kernel_form(tmp_path):
    steps = documented_steps()
    assert [s.split()[2] for s in steps] == ["heuristics.record_kernel", "heuristics.build_kernels"]
    root = tmp_path / "root"
    (root / "pools").mkdir(parents=True)
    shutil.copytree(HEURISTICS / "pools" / "spanner", root / "pools" / "spanner",
                    ignore=shutil.ignore_patterns("kernel"))
    (root / "spanner").mkdir()
    shipped_kernel = _kernel_file("spanner")
    python_form = shipped_kernel.with_name(shipped_kernel.name.replace(".kernel.py", ".py"))
    for path in (python_form, python_form.with_name(python_form.name + ".json")):
        shutil.copyfile(path, root / "spanner" / path.name)
    source = tmp_path / "_kernels" / "spanner.py"
    source.parent.mkdir()
    source.write_text(stored_code(shipped_kernel), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLANNER_KERNEL_CACHE": str(tmp_path / "cache")}
    for step in steps:
        command = (step.replace("K.py", str(source)).replace("<domain>", "spanner")
                   .replace("<idea>", "corridor-positions"))
        argv = shlex.split(command)[1:] + ["--root", str(root), *(
            ["--work", str(tmp_path / "work")] if "build_kernels" in command else [])]
        done = subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, (command, done.stdout, done.stderr[-3000:])
    recording = root / "pools" / "spanner" / "kernel" / "01-corridor-positions.md"
    assert recording.is_file()
    stored = root / "spanner" / shipped_kernel.name
    assert stored_code(stored) == stored_code(shipped_kernel)
    meta = json.loads(stored.with_name(stored.name + ".json").read_text())
    assert meta["selected"] is True and meta["provenance"] == PROVENANCE
    assert meta["pool_file"] == "kernel/01-corridor-positions.md" and meta["python_form"] == python_form.name


@pytest.mark.parametrize("domain", SHIPPED)
def test_each_shipped_kernel_form_is_its_recorded_answer(domain):
    path = _kernel_file(domain)
    meta = json.loads(path.with_name(path.name + ".json").read_text())
    assert meta["class_name"] == KERNEL_CLASS_NAME and meta["provenance"] == PROVENANCE
    assert meta["selected"] is True and meta["template"] == "translate_kernel_v1"
    assert "--kernel-only" in meta["learn_command"]
    name = meta["pool_file"].removeprefix("kernel/").removesuffix(".md").removesuffix(".repair")
    (entry,) = [e for e in load_pool(HEURISTICS / "pools" / domain / "kernel") if e.name == name]
    answer = entry.repair if meta["pool_file"].endswith(".repair.md") else entry.content
    assert extract(answer, KERNEL_CLASS_NAME).code == stored_code(path)
    assert all(row["equal"] for row in meta["differential"].values())
    python_form = path.with_name(meta["python_form"])
    import hashlib

    assert hashlib.sha256(stored_code(python_form).encode()).hexdigest() == meta["python_form_sha256"]
