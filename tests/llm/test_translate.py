"""The kernel translation step (planner.llm.translate, `planner learn --kernel`),
end to end against the replay endpoint: answers over HTTP, the static check,
compiling in the jail, the differential check against the Python form, the
repair round, storing beside DK and installing for `--heuristic auto`."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner.heuristics.format import domain_fingerprint, read_provenance, stored_code, write_heuristic
from planner.heuristics.kernel import KERNEL_CLASS_NAME
from planner.llm.cache import ResponseCache
from planner.llm.replay import ReplayServer, load_pool
from planner.llm.sampler import Sampler, SamplerConfig
from planner.llm.translate import TranslationSettings, kernel_path, translate
from tests.fixtures import GOALCOUNT_KERNEL, GOALCOUNT_PYTHON_FORM

pytest.importorskip("numba")

REPO = Path(__file__).resolve().parents[2]

PYTHON_FORM = GOALCOUNT_PYTHON_FORM

KERNEL = GOALCOUNT_KERNEL

OFF_KERNEL = KERNEL.replace("    return float(n)", "    return float(n + 1 if n > 2 else n)")
"""Differs from the Python form on every state with more than two open goals."""


@pytest.fixture(autouse=True)
def kernel_cache(tmp_path, monkeypatch):
    """A private object-code cache (the sandbox hands it to its workers)."""
    folder = tmp_path / "kernel-cache"
    monkeypatch.setenv("PLANNER_KERNEL_CACHE", str(folder))
    return folder


def answer(code: str) -> str:
    return f"Here is the kernel form.\n\n```python\n{code}```\n"


@pytest.fixture
def tasks(blocksworld: Path) -> list[Path]:
    files = sorted((blocksworld / "training" / "easy").glob("p*.pddl"), key=lambda p: p.stat().st_size)
    return files[:3]


@pytest.fixture
def dk(tmp_path: Path, blocksworld: Path) -> Path:
    fingerprint = domain_fingerprint((blocksworld / "domain.pddl").read_text(encoding="utf-8"))
    return write_heuristic(tmp_path / "dk.py", PYTHON_FORM, "DomainHeuristic",
                           {"domain_fingerprint": fingerprint, "solved": 3, "agile": 3.0})


def pool(folder: Path, kernel_files: dict[str, str], synthesis: dict[str, str] | None = None) -> Path:
    (folder / "kernel").mkdir(parents=True)
    for name, text in (synthesis or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    for name, text in kernel_files.items():
        (folder / "kernel" / name).write_text(text, encoding="utf-8")
    return folder


def learn(argv: list[str], env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "OPENAI_API_KEY": "replay", "PYTHONPATH": str(REPO), **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "planner", "learn", *argv], capture_output=True,
                          text=True, env=env, timeout=600)


def test_kernel_only_repairs_a_differing_translation_and_stores_the_fixed_one(
        tmp_path, blocksworld, tasks, dk, kernel_cache):
    folder = pool(tmp_path / "pool", {"01-off.md": answer(OFF_KERNEL), "01-off.repair.md": answer(KERNEL)})
    with ReplayServer.from_pool(folder) as server:
        done = learn([str(dk), str(blocksworld / "domain.pddl"), *map(str, tasks), "--model", "m",
                      "--base-url", server.base_url, "--kernel-only", "--kernel-tasks", "2",
                      "--concurrency", "1", "--cache-dir", str(tmp_path / "cache"), "--json"])
        requests = list(server.requests)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])["kernel"]
    assert summary["candidates"] == 2 and summary["passed"] == 1
    assert summary["best_round"] == 1 and summary["selected"] is True
    # the first answer was refused for its values, and the repair prompt showed why
    assert "kernel sample 0 round 0: failed: invalid-value" in done.stderr and "disagree" in done.stderr
    assert len(requests) == 2
    assert requests[0]["messages"][1]["content"].startswith("# Task: the kernel form of a Python heuristic")
    assert "class DomainHeuristic" in requests[0]["messages"][1]["content"]
    follow_up = requests[1]["messages"][-1]["content"]
    assert "disagree" in follow_up and "The state (task" in follow_up and "('" in follow_up
    stored = kernel_path(dk)
    assert stored == tmp_path / "dk.kernel.py" and stored_code(stored) == KERNEL
    meta = json.loads(stored.with_name(stored.name + ".json").read_text())
    assert meta["class_name"] == KERNEL_CLASS_NAME and meta["form"] == "kernel" and meta["selected"] is True
    assert meta["python_form"] == "dk.py" and meta["template"] == "translate_kernel_v1"
    assert meta["repair_round"] == 1 and (meta["solved"], meta["agile"]) == (3, 3.0)
    assert all(d["equal"] and d["states"] > 0 for d in meta["differential"].values())
    assert all(s["speedup"] > 1 for s in meta["speed"].values())
    assert read_provenance(stored)["domain_fingerprint"] == read_provenance(dk)["domain_fingerprint"]


def test_a_kernel_that_differs_from_its_python_form_is_refused(tmp_path, blocksworld, tasks, dk,
                                                              kernel_cache):
    folder = pool(tmp_path / "pool", {"01-off.md": answer(OFF_KERNEL)})
    sampler = Sampler(SamplerConfig(model="m", n=1, concurrency=1), ResponseCache(tmp_path / "cache"),
                      usage_path=tmp_path / "usage.json")
    with ReplayServer.from_pool(folder) as server:
        sampler.config = SamplerConfig(model="m", n=1, concurrency=1, base_url=server.base_url)
        import os

        os.environ.setdefault("OPENAI_API_KEY", "replay")
        result = translate(blocksworld / "domain.pddl", tasks, dk, sampler,
                           TranslationSettings(samples=1, repair_rounds=1, tasks=2), work=tmp_path)
    assert result.output is None and result.best is None and not kernel_path(dk).exists()
    assert len(result.records) == 2  # the answer, and the unfixed retry the repair prompt got back
    for record in result.records:
        assert record.probe["outcome"] == "invalid-value" and "disagree" in record.probe["detail"]
    saved = json.loads((tmp_path / "kernel-results.json").read_text())
    assert [r["passed"] for r in saved["records"]] == [False, False]


def test_learn_kernel_translates_the_selected_heuristic_and_install_prefers_it(
        tmp_path, blocksworld, tasks, kernel_cache):
    folder = pool(tmp_path / "pool", {"01-goal-count.md": answer(KERNEL)},
                  synthesis={"01-goal-count.md": answer(PYTHON_FORM)})
    data = tmp_path / "data"
    with ReplayServer.from_pool(folder) as server:
        done = learn([str(tmp_path / "dk"), str(blocksworld / "domain.pddl"), *map(str, tasks[:2]),
                      "--model", "m", "--base-url", server.base_url, "--samples", "1", "--kernel",
                      "--kernel-tasks", "1", "--concurrency", "1", "--time-limit", "20",
                      "--repair-rounds", "0", "--cache-dir", str(tmp_path / "cache"), "--install",
                      "--json"], {"XDG_DATA_HOME": str(data)})
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["best_solved"] == 2 and summary["kernel"]["selected"] is True
    assert (tmp_path / "dk.kernel.py").is_file() and "Kernel form (selected)" in done.stderr
    # installed beside the installed Python form, which its record names
    from planner.heuristics.store import find_stored_heuristic

    installed = Path(summary["installed"])
    found = find_stored_heuristic(blocksworld / "domain.pddl", roots=[installed.parent.parent])
    assert found == (kernel_path(installed), KERNEL_CLASS_NAME)
    record = json.loads(kernel_path(installed).with_name(kernel_path(installed).name + ".json").read_text())
    assert record["python_form"] == installed.name


def test_replay_serves_kernel_recordings_to_translation_requests_only(tmp_path):
    import openai

    folder = pool(tmp_path / "pool", {"01-k.md": "kernel A", "02-k2.md": "kernel B"},
                  synthesis={"01-a.md": "python A"})
    assert [e.name for e in load_pool(folder)] == ["01-a"]  # kernel/ is not a synthesis answer
    translation = [{"role": "system", "content": "s"},
                   {"role": "user", "content": "# Task: the kernel form of a Python heuristic\n..."}]
    synthesis = [{"role": "system", "content": "s"}, {"role": "user", "content": "# Task\n..."}]
    with ReplayServer.from_pool(folder) as server:
        client = openai.OpenAI(api_key="replay", base_url=server.base_url, max_retries=0, timeout=10)

        def ask(messages):
            return client.chat.completions.create(model="m", messages=messages).choices[0].message.content

        assert ask(translation) == "kernel A"
        assert ask(synthesis) == "python A"
        assert ask(translation) == "kernel B"


def test_record_kernel_wraps_a_kernel_file_into_the_next_recording(tmp_path):
    from heuristics.record_kernel import record
    from planner.llm.extract import extract

    (tmp_path / "pools" / "ferry").mkdir(parents=True)
    source = tmp_path / "ferry.py"
    source.write_text(KERNEL, encoding="utf-8")
    first = record(source, "ferry", "goal-count", tmp_path / "pools")
    second = record(source, "ferry", "again", tmp_path / "pools")
    assert (first.name, second.name) == ("01-goal-count.md", "02-again.md")
    text = first.read_text(encoding="utf-8")
    assert "written by the project's developers, not sampled from an LLM endpoint" in text
    got = extract(text, KERNEL_CLASS_NAME)
    assert got.code == KERNEL and got.class_name == KERNEL_CLASS_NAME
    source.write_text(PYTHON_FORM, encoding="utf-8")
    with pytest.raises(SystemExit, match="not a kernel program"):
        record(source, "ferry", "x", tmp_path / "pools")


def test_a_kernel_candidates_probe_compiles_it_once_for_its_training_runs(
        blocksworld, tasks, kernel_cache):
    """Learn's probe stores the object code its jailed child compiled (one
    untrusted program in that child); the training run's child loads it."""
    from planner.heuristics.kernel import code_key
    from planner.llm.sandbox import probe_candidate, solve_candidate

    probe = probe_candidate(KERNEL, blocksworld / "domain.pddl", tasks[0], KERNEL_CLASS_NAME)
    assert probe.outcome == "ok", probe.detail
    assert probe.data["objects_stored"] == 1
    assert len(list((kernel_cache / code_key(KERNEL)).glob("*.bin"))) == 1
    solved = solve_candidate(KERNEL, blocksworld / "domain.pddl", tasks[1], KERNEL_CLASS_NAME, time_limit=30)
    assert solved.outcome == "solved", solved.detail
    assert solved.data["kernel_cache_hits"] == 1


def test_learn_jobs_rerun_a_kernel_whose_cached_entries_are_for_other_array_types(
        blocksworld, tasks, kernel_cache):
    from planner.heuristics.kernel import code_key
    from planner.llm.sandbox import states_candidate

    folder = kernel_cache / code_key(KERNEL)
    folder.mkdir(parents=True)
    (folder / ("e" * 32 + ".bin")).write_bytes(b"not object code")
    job = states_candidate(KERNEL, blocksworld / "domain.pddl", tasks[:1], KERNEL_CLASS_NAME)
    assert job.outcome == "ok", job.detail
    assert job.data["tasks"][0]["cached"] is False and job.data["objects_stored"] == 1
    again = states_candidate(KERNEL, blocksworld / "domain.pddl", tasks[:1], KERNEL_CLASS_NAME)
    assert again.outcome == "ok" and again.data["tasks"][0]["cached"] is True
    assert again.data["tasks"][0]["values"] == job.data["tasks"][0]["values"]


def test_learn_help_documents_the_kernel_options():
    import os

    done = subprocess.run([sys.executable, "-m", "planner", "learn", "--help"], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    assert done.returncode == 0
    for option in ("--kernel ", "--kernel-only", "--kernel-samples", "--kernel-tasks", "DK.kernel.py"):
        assert option in done.stdout, option


def test_repair_prompts_for_a_compile_failure_and_a_static_rejection(blocksworld):
    from planner.llm.evaluate import CandidateRecord
    from planner.llm.prompt import build_translation_prompt
    from planner.llm.translate import repair_messages

    prompt = build_translation_prompt(blocksworld / "domain.pddl", PYTHON_FORM)
    failed = CandidateRecord(0, "k", {}, code=KERNEL, class_name=KERNEL_CLASS_NAME, static={"ok": True},
                             probe={"outcome": "crash", "detail": "p01.pddl: compiling the kernel failed: "
                                    "TypingError: No implementation of function float(array(int32, 1d, C))",
                                    "traceback": "Traceback (most recent call last): ..."})
    messages = repair_messages(prompt, failed, answer(KERNEL), blocksworld / "domain.pddl")
    assert messages[:len(prompt.messages)] == prompt.as_list()
    assert messages[-2] == {"role": "assistant", "content": answer(KERNEL)}
    follow_up = messages[-1]["content"]
    assert "Your kernel program cannot be used" in follow_up and "TypingError" in follow_up
    assert "Traceback" in follow_up and "prepare(task)" in follow_up
    rejected = CandidateRecord(0, "k", {}, code=KERNEL, class_name=KERNEL_CLASS_NAME,
                               static={"ok": False, "rule": "kernel-construct", "line": 9,
                                       "message": "dict literals (use arrays) cannot be compiled"})
    text = repair_messages(prompt, rejected, answer(KERNEL), blocksworld / "domain.pddl")[-1]["content"]
    assert "rejected line 9" in text and "kernel-construct" in text
    passed = CandidateRecord(0, "k", {}, code=KERNEL, class_name=KERNEL_CLASS_NAME, static={"ok": True},
                             probe={"outcome": "ok"}, runs={"t": {"equal": True, "states": 3}})
    assert repair_messages(prompt, passed, answer(KERNEL), blocksworld / "domain.pddl") is None
