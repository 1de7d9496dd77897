"""Do two results folders agree on which runs solved their task?

Coverage must not depend on where runs execute (local pool or Dask) or on
the machine, so the same experiment run twice must agree run by run, up to
runs close to the time limit. Times and expansions are not compared: times
vary, and expansions may too for planners with time-dependent behaviour.
"""
from __future__ import annotations

from pathlib import Path

from planner.bench.store import ResultsStore


def coverage_table(folder: str | Path) -> dict[str, tuple[int, str]]:
    """run_id -> (coverage, error) of every recorded run."""
    return {k: (int(p["coverage"]), str(p["error"])) for k, p in ResultsStore(folder).recorded().items()}


def coverage_differences(first: str | Path, second: str | Path) -> list[str]:
    """One line per run that is missing from one folder or differs in coverage or outcome."""
    a, b = coverage_table(first), coverage_table(second)
    lines = []
    for run in sorted(a.keys() | b.keys()):
        if a.get(run) != b.get(run):
            lines.append(f"{run}: {a.get(run, 'missing')} vs {b.get(run, 'missing')}")
    return lines


def summary(folder: str | Path) -> dict[str, int]:
    """algorithm -> tasks solved."""
    solved: dict[str, int] = {}
    for p in ResultsStore(folder).recorded().values():
        solved[p["algorithm"]] = solved.get(p["algorithm"], 0) + int(p["coverage"])
    return solved
