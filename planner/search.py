"""Python API over the compiled search core.

`search(task, ...)` runs one of the compiled searches on a GroundTask and
returns a SearchResult. Heuristics may be given as names ("ff", "goalcount",
...), compiled Evaluator instances, or Python heuristics (a class taking a
TaskView, or an instance / function taking a StateView), which are wrapped
so that the compiled loop can call them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable, Sequence

from planner import _core
from planner.errors import ArgumentError
from planner.exitcodes import ExitCode
from planner.heuristic_api import HeuristicError, make_python_evaluator
from planner.task import GroundTask, is_artificial

ALGORITHMS = tuple(_core.ALGORITHMS)
"""Search names accepted everywhere (the table is planner._core.ALGORITHMS)."""

COMPILED_HEURISTICS = {name: cls.__name__ for name, cls in _core.HEURISTICS.items()}
"""Heuristic names accepted everywhere -> class name in planner._core (the
table is planner._core.HEURISTICS)."""


class SearchStatus(str, Enum):
    SOLVED = "solved"
    UNSOLVABLE = "unsolvable"
    INCOMPLETE = "incomplete"
    OUT_OF_TIME = "out_of_time"
    OUT_OF_MEMORY = "out_of_memory"

    @property
    def exit_code(self) -> ExitCode:
        """Fast Downward's exit code for a search ending this way."""
        return ExitCode(_core.STATUSES[self.value][0])

    @property
    def message(self) -> str:
        """Fast Downward's log line for a search ending this way."""
        return str(_core.STATUSES[self.value][1])


@dataclass(frozen=True)
class SearchStatistics:
    expansions: int
    evaluations: int
    """States evaluated (FD's 'Evaluated N state(s)')."""
    generated: int
    dead_ends: int
    reopened: int
    initial_h: dict[str, float]
    search_time: float
    registered_states: int
    registry_bytes: int
    bytes_per_state: float
    open_list_bytes: int
    heuristic_calls: int
    state_words: int
    peak_memory_kb: int


@dataclass(frozen=True)
class SearchResult:
    status: SearchStatus
    plan: tuple[int, ...] | None
    """Operator ids from the initial state to a goal, or None."""
    cost: int | None
    statistics: SearchStatistics
    evaluator_names: tuple[str, ...] = field(default=())

    @property
    def solved(self) -> bool:
        return self.status is SearchStatus.SOLVED


def compiled_heuristic_names() -> tuple[str, ...]:
    """Names of the compiled heuristics available in this build."""
    return tuple(_core.HEURISTICS)


def make_evaluator(spec: Any, task: GroundTask) -> _core.Evaluator:
    """An Evaluator for a heuristic given by name, instance, class or callable."""
    if isinstance(spec, _core.Evaluator):
        return spec
    if isinstance(spec, str):
        cls = _core.HEURISTICS.get(spec.lower())
        if cls is None:
            raise ArgumentError(
                f"unknown heuristic {spec!r}; choose from {', '.join(_core.HEURISTICS)}"
            )
        return cls(task)
    return make_python_evaluator(spec, task)


def search(
    task: GroundTask,
    algorithm: str = "gbfs",
    *,
    evaluators: Sequence[Any] = ("goalcount",),
    preferred: Sequence[Any] | None = None,
    weight: float = 1.0,
    time_limit: float | None = None,
    memory_limit: float | None = None,
    boost: int | None = None,
    tie_breaking: str = "fifo",
    reopen: bool | None = None,
    verbosity: int = 0,
) -> SearchResult:
    """Run a compiled search on `task`.

    algorithm: gbfs (eager greedy), lazy-gbfs (FD's lazy_greedy), astar,
    wastar (eager weighted A* with `weight`), lazy-wastar.
    evaluators: heuristics whose values order the open lists (alternated
    FD-style when several); preferred: heuristics whose preferred operators
    feed extra preferred-only open lists (the same name or object as in
    evaluators is evaluated once). time_limit in seconds, memory_limit in MiB
    (resident memory of the whole process). boost: priority bonus for the
    preferred lists on progress (default: FD's 1000 lazy, 0 eager).
    verbosity: 0 (the default, for library callers) prints nothing; 1 prints
    Fast Downward-style progress lines on stderr (initial and new best
    heuristic values, A*'s f layers, expansions per second every 5 s).
    """
    if algorithm not in ALGORITHMS:
        raise ArgumentError(f"unknown search {algorithm!r}; choose from {', '.join(ALGORITHMS)}")
    if tie_breaking not in ("fifo", "lifo"):
        raise ArgumentError("tie_breaking must be 'fifo' or 'lifo'")
    if not evaluators:
        raise ArgumentError("search needs at least one evaluator")
    spec = _core.ALGORITHMS[algorithm]
    if not spec.greedy and spec.weight is None and not (weight >= 0 and math.isfinite(weight)):
        raise ArgumentError(f"weight must be a finite number >= 0, got {weight}")
    built: dict[Any, _core.Evaluator] = {}

    def resolve(spec: Any) -> _core.Evaluator:
        key = spec.lower() if isinstance(spec, str) else id(spec)
        if key not in built:
            built[key] = make_evaluator(spec, task)
        return built[key]

    evals = [resolve(s) for s in evaluators]
    prefs = [resolve(s) for s in (preferred or ())]
    engine = _core.SearchEngine(
        task,
        algorithm,
        evals,
        prefs,
        weight=float(weight),
        boost=boost,
        lifo=tie_breaking == "lifo",
        reopen=reopen,
        time_limit=math.inf if time_limit is None else float(time_limit),
        memory_limit_mb=math.inf if memory_limit is None else float(memory_limit),
        verbosity=verbosity,
    )
    try:
        raw = engine.run()
    except Exception as exc:
        python_evals = [e for e in dict.fromkeys(evals + prefs) if isinstance(e, _core.PythonEvaluator)]
        failed = [e for e in python_evals if e.failed] or python_evals
        if failed:
            names = ", ".join(e.name for e in failed)
            error = HeuristicError(f"heuristic {names} failed: {type(exc).__name__}: {exc}")
            error.failed_evaluators = tuple(failed)
            raise error from exc
        raise
    return _result(raw, [e.name or type(e).__name__ for e in evals])


def _result(raw: dict, names: list[str]) -> SearchResult:
    stats = raw["statistics"]
    initial = dict(zip(names, stats["initial_h"]))
    statistics = SearchStatistics(
        expansions=stats["expansions"],
        evaluations=stats["evaluations"],
        generated=stats["generated"],
        dead_ends=stats["dead_ends"],
        reopened=stats["reopened"],
        initial_h=initial,
        search_time=stats["search_time"],
        registered_states=stats["registered_states"],
        registry_bytes=stats["registry_bytes"],
        bytes_per_state=stats["bytes_per_state"],
        open_list_bytes=stats["open_list_bytes"],
        heuristic_calls=stats["heuristic_calls"],
        state_words=stats["state_words"],
        peak_memory_kb=_core.peak_memory_kb(),
    )
    plan = tuple(int(o) for o in raw["plan"]) if raw["plan"] is not None else None
    cost = int(raw["cost"]) if raw["cost"] is not None else None
    return SearchResult(SearchStatus(raw["status"]), plan, cost, statistics, tuple(names))


def plan_names(task: GroundTask, plan: Iterable[int]) -> list[str]:
    """Operator names of a plan, as written in plan files (without the
    grounder's artificial operators, such as those reaching complex goals)."""
    names = (task.operators[o] for o in plan)
    return [n for n in names if not is_artificial(n)]
