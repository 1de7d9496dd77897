"""Experiments: suites, resuming from results.jsonl, properties, executors (local and Dask)."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from planner.bench.executors import LocalExecutor
from planner.bench.experiment import Limits, collect_tasks, shared_suite
from planner.bench.orchestrate import run_experiment
from planner.bench.properties import read_properties
from planner.bench.runner import execute
from planner.bench.store import ResultsStore
from planner.errors import ArgumentError

LIMITS = Limits(time=10, memory=2**30)


class CountingRun:
    """The real runner, counting the runs it executes."""

    def __init__(self) -> None:
        self.ran: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, spec):
        with self.lock:
            self.ran.append(spec.run_id)
        return execute(spec)


def test_folder_suite_uses_easy_test_tasks_and_upper_bound_keys(tmp_path):
    root = tmp_path / "ipc" / "dom"
    (root / "testing" / "easy").mkdir(parents=True)
    (root / "domain.pddl").write_text("(define (domain d))")
    for n in (2, 1, 3):
        (root / "testing" / "easy" / f"p0{n}.pddl").write_text("")
    tasks = shared_suite(root, first=2)
    assert [t.problem for t in tasks] == ["p01.pddl", "p02.pddl"]
    assert tasks[0].key == "dom/testing/easy/p01.pddl"
    assert Path(tasks[0].problem_file).is_absolute()
    assert [t.problem for t in collect_tasks([f"{root}:testing/easy/p03.pddl"], tmp_path)] == ["p03.pddl"]
    with pytest.raises(ArgumentError):
        shared_suite(root, "nothing/*.pddl")


def test_generated_suite_is_written_once_with_its_seeds(tmp_path):
    tasks = collect_tasks(["gen:blocksworld:easy:2:5"], tmp_path)
    assert [t.problem for t in tasks] == ["s5.pddl", "s6.pddl"]
    assert tasks[0].domain == "blocksworld-gen-easy"
    assert "seed=5" in Path(tasks[0].problem_file).read_text()


def test_interrupted_experiment_resumes_with_missing_runs_only(tmp_path, toy_tasks, fake_planner):
    out = tmp_path / "results"
    algs = [fake_planner("good"), fake_planner("crash")]
    first = CountingRun()
    with LocalExecutor(2) as pool:
        summary = run_experiment(out, toy_tasks, algs, LIMITS, pool, progress=False, run=first)
    assert (summary.ran, summary.solved, summary.unexplained) == (4, 2, 2)
    lines = (out / "results.jsonl").read_text().splitlines()
    # simulate an interruption: one run lost, the next one cut mid-line
    kept = [l for l in lines if '"fake-crash-toy-p02.pddl"' not in l and '"fake-good-toy-p02.pddl"' not in l]
    cut = next(l for l in lines if '"fake-good-toy-p02.pddl"' in l)
    (out / "results.jsonl").write_text("\n".join(kept) + "\n" + cut[: len(cut) // 2])
    again = CountingRun()
    with LocalExecutor(1) as pool:
        summary = run_experiment(out, toy_tasks, algs, LIMITS, pool, progress=False, run=again)
    assert sorted(again.ran) == ["fake-crash-toy-p02.pddl", "fake-good-toy-p02.pddl"]
    assert summary.skipped == 2
    props = read_properties(out)
    assert len(props) == 4
    good = props["fake-good-toy-p01.pddl"]
    assert good["id"] == ["fake-good", "toy", "p01.pddl"] and good["coverage"] == 1 and good["cost"] == 2
    assert props["fake-crash-toy-p01.pddl"]["unexplained_errors"]
    assert (out / "logs" / "fake-crash-toy-p01.pddl.log").read_text().count("boom") == 1
    assert (out / "plans" / "fake-good-toy-p01.pddl.plan").exists()
    csv_lines = (out / "results.csv").read_text().splitlines()
    assert csv_lines[0].startswith("run_id,algorithm,domain,problem,coverage,error") and len(csv_lines) == 5


def test_results_folder_refuses_other_limits_or_a_redefined_algorithm(tmp_path, toy_tasks, fake_planner):
    store = ResultsStore(tmp_path)
    base = {"limits": LIMITS.as_dict(), "algorithms": [{"name": "a", "kind": "ours", "args": ["x"]}],
            "tasks": [], "suites": []}
    store.begin(base)
    with pytest.raises(ArgumentError, match="other limits"):
        store.begin({**base, "limits": Limits(time=5).as_dict()})
    with pytest.raises(ArgumentError, match="defined differently"):
        store.begin({**base, "algorithms": [{"name": "a", "kind": "ours", "args": ["y"]}]})
    grown = store.begin({**base, "algorithms": [{"name": "b", "kind": "fd", "args": []}]})
    assert [a["name"] for a in grown["algorithms"]] == ["a", "b"]


def test_local_and_dask_executors_give_identical_coverage(tmp_path, toy_tasks, fake_planner):
    distributed = pytest.importorskip("distributed")
    from planner.bench.algorithms import parse_algorithm
    from planner.bench.executors import DaskExecutor

    algs = [parse_algorithm("ours-gbfs-ff"), fake_planner("good"), fake_planner("bad")]
    with LocalExecutor(2) as pool:
        run_experiment(tmp_path / "local", toy_tasks, algs, LIMITS, pool, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, \
            DaskExecutor(cluster.scheduler_address) as dask:
        assert dask.workers() == 2
        run_experiment(tmp_path / "dask", toy_tasks, algs, LIMITS, dask, progress=False)

    def coverage(folder):
        return {k: (p["coverage"], p["error"], p["cost"]) for k, p in read_properties(folder).items()}
    local, remote = coverage(tmp_path / "local"), coverage(tmp_path / "dask")
    assert local == remote
    assert sum(c for c, _, _ in local.values()) == 4
    assert json.loads((tmp_path / "dask" / "experiment.json").read_text())["executor"].startswith("dask")


def test_executor_submit_returns_a_handle(toy_tasks):
    with LocalExecutor(1) as pool:
        assert pool.submit(len, [1, 2, 3]).result() == 3


HARNESS = ("import sys, planner.cli.main as cli; cli.COMMANDS = tuple(dict.fromkeys(cli.COMMANDS + ('bench',))); "
           "sys.exit(cli.main(sys.argv[1:]))")


def test_sigterm_kills_live_runs_and_keeps_recorded_results(tmp_path, toy_tasks):
    import os
    import signal
    import subprocess
    import sys
    import time

    from planner.bench.orchestrate import PROJECT_ROOT

    token = f"hang-{os.getpid()}-{time.time_ns()}"
    folder = Path(toy_tasks[0].domain_file).parent
    out = tmp_path / "out"
    argv = [sys.executable, "-c", HARNESS, "bench", "--suite", f"{folder}:p*.pddl", "--algorithms", "",
            "--algorithm", f"hang=command:{{python}} -c \"import time; time.sleep(300)\" {token}",
            "--time-limit", "60s", "--jobs", "2", "--out", str(out), "--no-progress", "--no-report"]
    env = {**os.environ, "PYTHONPATH": PROJECT_ROOT}
    coordinator = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 20
        runs = lambda: [p for p in _processes_with(token) if p != coordinator.pid]  # noqa: E731
        while len(runs()) < 2 and time.time() < deadline:
            time.sleep(0.2)
        assert len(runs()) == 2, "both runs should be live"
        coordinator.send_signal(signal.SIGTERM)
        _, err = coordinator.communicate(timeout=20)
    finally:
        coordinator.kill()
    assert coordinator.returncode == 130, err
    time.sleep(0.3)
    assert _processes_with(token) == []
    assert not (out / "results.jsonl").exists() or "hang" not in (out / "results.jsonl").read_text()
    assert (out / "properties").exists()


def _processes_with(token: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if token.encode() in cmdline and state != "Z":
                found.append(int(entry.name))
    return found
