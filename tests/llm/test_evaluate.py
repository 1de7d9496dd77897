"""End to end: prompt -> replayed samples over HTTP -> evaluation in the sandbox -> selection."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.llm import evaluate as evaluate_module
from planner.llm.cache import ResponseCache
from planner.llm.evaluate import EvaluationSettings, evaluate
from planner.llm.prompt import build_prompt
from planner.llm.sampler import Sampler, SamplerConfig
from planner.llm.select import select_best
from tests.llm.replay_server import Reply, ReplayServer, recorded


NAMES = ["syntax_error", "good_blocksworld", "fork_attempt", "nan_return", "slow_but_correct",
         "prose_only", "good_blocksworld"]
SETTINGS = EvaluationSettings(time_limit=10, memory_mb=1024, probe_cpu_seconds=5, workers=2)


def test_sampled_candidates_are_screened_evaluated_and_the_good_one_selected(
        tmp_path, blocksworld, training_tasks, monkeypatch):
    prompt = build_prompt(blocksworld / "domain.pddl", training_tasks)
    with ReplayServer([Reply(recorded(n)) for n in NAMES]) as server:
        config = SamplerConfig(model="replay", n=len(NAMES), concurrency=1, api_key="k",
                               base_url=server.base_url)
        samples = Sampler(config, ResponseCache(tmp_path / "cache")).sample(prompt.as_list())
    provenance = {"model": "replay", "template": prompt.template,
                  "template_sha256": prompt.template_sha256}
    tasks = training_tasks[:2]
    results = tmp_path / "results.json"
    records = evaluate(samples, provenance, blocksworld / "domain.pddl", tasks, SETTINGS,
                       class_name=prompt.class_name, results_path=results)

    stages = [r.stage for r in records]
    assert stages == ["rejected", "evaluated", "rejected", "probe-failed", "evaluated", "no-code",
                      "evaluated"]
    assert records[0].static["rule"] == "syntax" and records[2].static["rule"] == "import"
    assert records[3].probe["outcome"] == "invalid-value"
    assert "NaN" in records[3].reason()
    good = records[1]
    assert len(good.solved) == 2 and all(r["plan_cost"] > 0 for r in good.runs.values())
    assert records[6].runs == good.runs  # identical code is evaluated once
    best = select_best(records, SETTINGS.time_limit)
    assert best is not None and best.code_sha256 == good.code_sha256
    assert best.provenance["template_sha256"] == prompt.template_sha256

    saved = json.loads(results.read_text())
    assert saved["settings"]["time_limit"] == 10 and len(saved["records"]) == len(set(s.key for s in samples))

    def no_more_jobs(*args, **kwargs):
        raise AssertionError("a finished candidate was evaluated again")

    monkeypatch.setattr(evaluate_module, "probe_candidate", no_more_jobs)
    monkeypatch.setattr(evaluate_module, "solve_candidate", no_more_jobs)
    again = evaluate(samples, provenance, blocksworld / "domain.pddl", tasks, SETTINGS,
                     class_name=prompt.class_name, results_path=results)
    assert [r.reason() for r in again] == [r.reason() for r in records]


def test_changed_settings_invalidate_stored_results(tmp_path, blocksworld, training_tasks):
    sample = type("S", (), {"index": 0, "key": "k0", "content": recorded("nan_return"), "error": None})()
    results = tmp_path / "results.json"
    first = evaluate([sample], {}, blocksworld / "domain.pddl", training_tasks[:1], SETTINGS,
                     results_path=results)
    assert first[0].stage == "probe-failed"
    other = EvaluationSettings(time_limit=11, memory_mb=1024, probe_cpu_seconds=5)
    store = evaluate_module._ResultStore(results, other, {}, blocksworld / "domain.pddl",
                                         [str(training_tasks[0])])
    assert store.records == {}


def test_identical_code_is_evaluated_once_even_concurrently(tmp_path, blocksworld, training_tasks,
                                                            monkeypatch):
    calls = []
    real = evaluate_module._run

    def counting(record, *args):
        calls.append(record.sample_index)
        real(record, *args)

    monkeypatch.setattr(evaluate_module, "_run", counting)
    samples = [type("S", (), {"index": i, "key": f"k{i}", "content": recorded("good_blocksworld"),
                              "error": None})() for i in range(3)]
    records = evaluate(samples, {}, blocksworld / "domain.pddl", training_tasks[:1],
                       EvaluationSettings(time_limit=10, memory_mb=1024, probe_cpu_seconds=5, workers=3))
    assert len(calls) == 1
    assert records[0].runs == records[1].runs == records[2].runs and records[0].solved


def test_training_runs_go_through_the_bench_executor_locally_and_on_dask(
        blocksworld, training_tasks):
    """Candidate evaluation uses planner.bench.executors: the same records come
    back from the local pool and from a Dask LocalCluster on 127.0.0.1."""
    distributed = pytest.importorskip("distributed")
    sample = type("S", (), {"index": 0, "key": "k0", "content": recorded("good_blocksworld"),
                            "error": None})()
    tasks = training_tasks[:2]
    settings = EvaluationSettings(time_limit=20, memory_mb=1024, probe_cpu_seconds=10, workers=2)
    local = evaluate([sample], {}, blocksworld / "domain.pddl", tasks, settings)[0]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        on_dask = EvaluationSettings(time_limit=20, memory_mb=1024, probe_cpu_seconds=10,
                                     workers=2, scheduler=cluster.scheduler_address)
        remote = evaluate([sample], {}, blocksworld / "domain.pddl", tasks, on_dask)[0]
    assert local.solved and sorted(local.solved) == sorted(remote.solved)
    assert list(local.runs) == list(remote.runs) == sorted(map(str, tasks), key=lambda t: (
        Path(t).stat().st_size, t))
    assert [r["outcome"] for r in local.runs.values()] == [r["outcome"] for r in remote.runs.values()]


FAST = "class Fast:\n    def __init__(self, task):\n        pass\n    def __call__(self, node):\n        return 0\n"
LEAN = FAST.replace("Fast", "Lean")


class _Result:
    def __init__(self, data: dict) -> None:
        self.data = data
        self.outcome = data["outcome"]

    def as_dict(self) -> dict:
        return dict(self.data)


def _spiky_runs(monkeypatch, tasks: list[Path], spike: dict[tuple[str, str], list[float]]):
    """Deterministic training runs: Fast needs 135 expansions and Lean 60 on every
    task, both in 0.5 s, except where `spike` lists the successive wall-clock
    times of (program, task file name) runs. Returns the calls made."""
    calls: list[tuple[str, str]] = []

    def solve_candidate(code, domain, task, class_name, **kwargs):
        program = "Lean" if "Lean" in code else "Fast"
        calls.append((program, Path(task).name))
        times = spike.get(calls[-1])
        seconds = times[calls.count(calls[-1]) - 1] if times else 0.5
        return _Result({"outcome": "solved", "total_time": seconds, "plan": ["(x)"],
                        "expansions": 60 if program == "Lean" else 135})

    monkeypatch.setattr(evaluate_module, "probe_candidate",
                        lambda *a, **k: _Result({"outcome": "ok"}))
    monkeypatch.setattr(evaluate_module, "solve_candidate", solve_candidate)
    return calls


def test_a_single_spiked_training_run_no_longer_changes_the_selection(tmp_path, monkeypatch):
    """The rovers relearn: one run of the leaner program took 2.4 s under load.
    Its agile band then fell below the other's and the other was selected; the
    re-timed run (0.6 s) restores the choice the expansions make, and only that
    slow run is repeated."""
    from planner.llm.sampler import Sample
    from planner.llm.select import score

    tasks = []
    for i in range(6):
        task = tmp_path / f"t{i}.pddl"
        task.write_text("(define (problem p))" + " " * i)
        tasks.append(task)
    samples = [Sample(0, "k0", f"```python\n{FAST}```", False), Sample(1, "k1", f"```python\n{LEAN}```", False)]
    settings = EvaluationSettings(time_limit=10, memory_mb=1024, workers=1)
    spike = {("Lean", "t5.pddl"): [2.4, 0.6]}

    # Without re-timing, the spike decides: what the last session's selection saw
    spiked = evaluate_module.CandidateRecord(1, "k1", {}, code=LEAN, static={"ok": True})
    spiked.runs = {t.name: {"outcome": "solved", "total_time": 2.4 if t.name == "t5.pddl" else 0.5,
                            "expansions": 60} for t in tasks}
    other = evaluate_module.CandidateRecord(0, "k0", {}, code=FAST, static={"ok": True})
    other.runs = {t.name: {"outcome": "solved", "total_time": 0.5, "expansions": 135} for t in tasks}
    assert select_best([other, spiked], 10).sample_index == 0
    assert score(spiked, 10).agile_band < score(other, 10).agile_band

    calls = _spiky_runs(monkeypatch, tasks, spike)
    records = evaluate(samples, {}, tmp_path / "domain.pddl", tasks, settings)
    lean = records[1]
    assert lean.runs[str(tasks[5])]["timings"] == [2.4, 0.6] and lean.runs[str(tasks[5])]["total_time"] == 0.6
    assert select_best(records, 10).sample_index == 1
    # one more run, of the slow one only
    assert len(calls) == 13 and calls.count(("Lean", "t5.pddl")) == 2


def test_a_run_slow_both_times_or_failing_on_the_rerun_keeps_its_first_timing(tmp_path, monkeypatch):
    from planner.llm.evaluate import retime

    assert retime(iter([{"outcome": "solved", "total_time": 3.0}, {"outcome": "solved", "total_time": 4.0}]
                       ).__next__) == {"outcome": "solved", "total_time": 3.0, "timings": [3.0, 4.0]}
    assert retime(iter([{"outcome": "solved", "total_time": 3.0}, {"outcome": "timeout", "total_time": 10.0}]
                       ).__next__) == {"outcome": "solved", "total_time": 3.0, "timings": [3.0, 10.0]}
    once = iter([{"outcome": "solved", "total_time": 0.9}])
    assert retime(once.__next__) == {"outcome": "solved", "total_time": 0.9}  # not re-run: within a second
