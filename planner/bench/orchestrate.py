"""Run an experiment: record its settings, skip recorded runs, execute the rest.

Each result is appended to results.jsonl the moment it arrives, so killing
the coordinator loses at most the runs in flight; the next invocation with
the same --out runs only what is missing. Properties and CSV are rewritten
from all recorded runs at the end (and on interruption).
"""
from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from planner.bench.algorithms import Algorithm, check_available
from planner.bench.environment import environment
from planner.bench.executors import Executor
from planner.bench.experiment import Limits, RunSpec, Task, run_id
from planner.bench.properties import write_properties
from planner.bench.runner import execute
from planner.bench.store import ResultsStore

PROJECT_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass
class Summary:
    total: int
    skipped: int
    ran: int
    solved: int
    unexplained: int


def make_specs(tasks: Sequence[Task], algorithms: Sequence[Algorithm], limits: Limits,
               python: str = sys.executable) -> list[RunSpec]:
    """Task-major order, so parallel runs mix algorithms and the ETA is fair."""
    return [RunSpec(run_id(a.name, t.domain, t.problem), a.name, a.kind, a.args, t, limits, python,
                    PROJECT_ROOT)
            for t in tasks for a in algorithms]


def settings_of(tasks: Sequence[Task], algorithms: Sequence[Algorithm], limits: Limits,
                suites: Sequence[str], executor: str) -> dict[str, Any]:
    return {
        "limits": limits.as_dict(),
        "algorithms": [{"name": a.name, "kind": a.kind, "args": list(a.args)} for a in algorithms],
        "tasks": [asdict(t) for t in tasks],
        "suites": list(suites),
        "executor": executor,
        "seeds": {"PYTHONHASHSEED": "0",
                  "generated": [s for s in suites if s.startswith("gen:")]},
        "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "environment": environment(PROJECT_ROOT),
    }


def run_experiment(out: str | Path, tasks: Sequence[Task], algorithms: Sequence[Algorithm],
                   limits: Limits, executor: Executor, suites: Sequence[str] = (),
                   progress: bool = True, run: Callable[[RunSpec], dict[str, Any]] = execute) -> Summary:
    """Execute every (algorithm, task) run not yet recorded in `out`."""
    for algorithm in algorithms:
        check_available(algorithm)
    store = ResultsStore(out)
    store.begin(settings_of(tasks, algorithms, limits, suites, executor.describe()))
    specs = make_specs(tasks, algorithms, limits)
    done = store.recorded()
    todo = [s for s in specs if s.run_id not in done]
    solved = unexplained = 0
    try:
        for _spec, result in _progress(executor.map_unordered(run, todo), len(todo), progress):
            props = store.append(result)
            solved += props["coverage"]
            unexplained += bool(props["unexplained_errors"])
    finally:
        write_properties(store.recorded().values(), store.path)
    return Summary(len(specs), len(specs) - len(todo), len(todo), solved, unexplained)


def _progress(results, total: int, enabled: bool):
    """tqdm bar with ETA over finished runs, showing solved and unexplained counts."""
    from tqdm import tqdm

    solved = errors = 0
    with tqdm(total=total, unit="run", disable=not enabled or total == 0, dynamic_ncols=True) as bar:
        for spec, result in results:
            solved += result["coverage"]
            errors += bool(result["unexplained_errors"])
            bar.set_postfix(solved=solved, unexplained=errors, refresh=False)
            bar.update(1)
            yield spec, result
