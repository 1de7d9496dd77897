"""Cactus and scatter plots, as small PNGs readable on their own.

Every figure states what is plotted, the limits and how unsolved runs are
shown, so it can be pasted into a discussion without the report around it.
matplotlib runs with the Agg backend: no display needed on a cluster node.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

FIGSIZE = (5.2, 4.0)
DPI = 90


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def cactus(runs: Sequence[dict[str, Any]], algorithms: Sequence[str], time_limit: float,
           path: str | Path) -> Path:
    """Tasks solved (valid plans) within t seconds of wall-clock time, per algorithm."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI)
    total = len({(r["domain"], r["problem"]) for r in runs})
    for alg in algorithms:
        times = sorted(max(r["planner_wall_clock_time"], 1e-3) for r in runs
                       if r["algorithm"] == alg and r.get("coverage"))
        xs = [0.01, *times, time_limit]
        ys = [0, *range(1, len(times) + 1), len(times)]
        ax.step(xs, ys, where="post", label=f"{alg} ({len(times)})")
    ax.set_xscale("log")
    ax.set_xlim(0.1, time_limit * 1.05)
    ax.set_ylim(0, max(total, 1) * 1.05)
    ax.set_xlabel("wall-clock time per task (s, log)")
    ax.set_ylabel(f"tasks solved (of {total})")
    ax.set_title(f"Tasks solved over time (limit {time_limit:g} s)", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return _save(fig, plt, path)


def scatter(runs: Sequence[dict[str, Any]], x_alg: str, y_alg: str, attribute: str,
            label: str, path: str | Path) -> Path:
    """attribute of y_alg vs x_alg per task, log-log, coloured by domain; a task
    unsolved by one side sits on the 'unsolved' line beyond the largest value."""
    plt = _pyplot()
    by_task: dict[tuple[str, str], dict[str, Any]] = {}
    for r in runs:
        if r["algorithm"] in (x_alg, y_alg):
            by_task.setdefault((r["domain"], r["problem"]), {})[r["algorithm"]] = r
    values = [_value(r, attribute) for pair in by_task.values() for r in pair.values()]
    finite = [v for v in values if v is not None]
    top = max(finite, default=10.0)
    fail = 10 ** math.ceil(math.log10(max(top, 1.0)) + 0.5)
    low = max(min(finite, default=1.0), 1e-3)
    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI)
    domains = sorted({d for d, _ in by_task})
    for domain in domains:
        points = [(_or(pair.get(x_alg), attribute, fail), _or(pair.get(y_alg), attribute, fail))
                  for (d, _), pair in by_task.items() if d == domain and x_alg in pair and y_alg in pair]
        if points:
            ax.scatter([p[0] for p in points], [p[1] for p in points], s=18, label=domain, alpha=0.8)
    lo = low / 2
    ax.plot([lo, fail * 1.5], [lo, fail * 1.5], color="grey", lw=0.8)
    ax.axhline(fail, color="red", lw=0.6, ls="--")
    ax.axvline(fail, color="red", lw=0.6, ls="--")
    ax.text(lo * 1.2, fail * 1.1, "unsolved", color="red", fontsize=7)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, fail * 1.5)
    ax.set_ylim(lo, fail * 1.5)
    ax.set_xlabel(f"{x_alg}: {label}")
    ax.set_ylabel(f"{y_alg}: {label}")
    ax.set_title(f"{label}: {y_alg} vs {x_alg}\n(below the diagonal: {y_alg} lower; "
                 f"dashed: unsolved)", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(True, which="major", alpha=0.3)
    return _save(fig, plt, path)


def _value(run: dict[str, Any] | None, attribute: str) -> float | None:
    if run is None or not run.get("coverage") or run.get(attribute) is None:
        return None
    return max(float(run[attribute]), 1e-3)


def _or(run: dict[str, Any] | None, attribute: str, fail: float) -> float:
    value = _value(run, attribute)
    return fail if value is None else value


def _save(fig: Any, plt: Any, path: str | Path) -> Path:
    path = Path(path)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path
