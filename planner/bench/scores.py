"""Coverage, IPC quality and agile scores, per run and per domain.

Quality (IPC): C*/C for a solved task, 0 otherwise, where C* is the best
known cost: the smaller of upper_bounds.json's value and the cheapest valid
plan any algorithm of the experiment found (a bound beaten by a found plan
is no bound). Agile (IPC 2023): 1 if solved within 1 s, else
1 - log(t)/log(T) with T the time limit; t is the run's wall-clock time as
measured by the runner (start-up and translation included, as at the IPC).
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence


UPPER_BOUNDS = "upper_bounds.json"


def agile_score(seconds: float | None, limit: float) -> float:
    """IPC 2023 agile score of one run: 1 if solved within 1 s, 0 if unsolved."""
    if seconds is None:
        return 0.0
    if seconds <= 1.0:
        return 1.0
    if limit <= 1.0 or seconds >= limit:
        return 0.0
    return 1.0 - math.log(seconds) / math.log(limit)


def find_upper_bounds(task_files: Iterable[str]) -> Path | None:
    """upper_bounds.json in a folder above any task (the shared benchmark root)."""
    for file in task_files:
        for parent in Path(file).resolve().parents:
            candidate = parent / UPPER_BOUNDS
            if candidate.is_file():
                return candidate
    return None


def load_upper_bounds(path: str | Path | None) -> dict[str, float]:
    if path is None:
        return {}
    return {k: float(v) for k, v in json.loads(Path(path).read_text(encoding="utf-8")).items()
            if v is not None}


def best_costs(runs: Sequence[dict[str, Any]], bounds: dict[str, float]) -> dict[str, float]:
    """task_key -> C*, the reference cost of the quality score."""
    best: dict[str, float] = {}
    for run in runs:
        if run.get("coverage") and run.get("cost") is not None:
            key = run["task_key"]
            best[key] = min(best.get(key, float("inf")), float(run["cost"]))
    for key, bound in bounds.items():
        if key in best:
            best[key] = min(best[key], bound)
        else:
            best[key] = bound
    return best


def quality(run: dict[str, Any], best: dict[str, float]) -> float:
    if not run.get("coverage") or run.get("cost") is None:
        return 0.0
    cost, reference = float(run["cost"]), best.get(run["task_key"], float(run["cost"]))
    if cost == 0:
        return 1.0
    return min(1.0, reference / cost)


def agile(run: dict[str, Any]) -> float:
    if not run.get("coverage"):
        return 0.0
    return agile_score(run.get("planner_wall_clock_time"), float(run["time_limit"]))


@dataclass
class DomainScores:
    tasks: set[str] = field(default_factory=set)
    coverage: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    quality: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    agile: dict[str, float] = field(default_factory=lambda: defaultdict(float))


def per_domain(runs: Sequence[dict[str, Any]], bounds: dict[str, float]) -> dict[str, DomainScores]:
    """domain -> sums over its tasks for each algorithm."""
    best = best_costs(runs, bounds)
    table: dict[str, DomainScores] = defaultdict(DomainScores)
    for run in runs:
        scores = table[run["domain"]]
        scores.tasks.add(run["problem"])
        alg = run["algorithm"]
        scores.coverage[alg] += int(run.get("coverage") or 0)
        scores.quality[alg] += quality(run, best)
        scores.agile[alg] += agile(run)
    return dict(sorted(table.items()))
