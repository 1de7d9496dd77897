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

import numpy as np

from planner import _core
from planner.errors import ArgumentError
from planner.exitcodes import ExitCode
from planner.errors import HeuristicError
from planner.heuristics.api import make_python_evaluator
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
        # axioms are zero-cost relaxed operators to the compiled heuristics
        return cls(relaxed_view(task))
    return make_python_evaluator(spec, task)


class _PaddedNames(Sequence[str]):
    """Operator names followed by placeholders for axioms seen as operators."""

    def __init__(self, names: Sequence[str], extra: int) -> None:
        self._names, self._extra = names, extra

    def __len__(self) -> int:
        return len(self._names) + self._extra

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        return self._names[i] if i < len(self._names) else f"(__axiom {i - len(self._names)})"


def relaxed_view(task: GroundTask) -> GroundTask:
    """The task as the compiled relaxation heuristics see it: each axiom one
    more operator of cost zero (body as precondition, head as its add), as in
    Fast Downward. Operator ids below task.num_operators are unchanged; the
    search ignores preferred operators beyond them."""
    from dataclasses import replace

    from planner.frontend.relevance import _concat_csr
    from planner.task import CSR

    ax = task.axioms
    if ax is None or len(ax) == 0:
        return task
    # A violated negative goal costs its cheapest deleter to the relaxation
    # heuristics; no operator deletes a derived fact, but any plan from a
    # state where it holds applies some operator first: one pseudo-operator
    # per such goal, of the cheapest real cost, deleting it and adding nothing,
    # keeps them goal-aware and admissible (a forall goal compiles to one).
    derived_neg = np.intersect1d(task.goal_neg, ax.derived).astype(np.int32)
    cheapest = int(task.cost.min()) if task.num_operators else 0
    n_ax, n_del = len(ax), len(derived_neg)
    n_new = n_ax + n_del
    empty = CSR(np.zeros(n_new + 1, dtype=np.int32), np.empty(0, dtype=np.int32))
    heads = CSR(np.concatenate([np.arange(n_ax + 1, dtype=np.int32),
                                np.full(n_del, n_ax, dtype=np.int32)]), ax.head.astype(np.int32))
    deletes = CSR(np.concatenate([np.zeros(n_ax, dtype=np.int32),
                                  np.arange(n_del + 1, dtype=np.int32)]), derived_neg)
    no_pre = CSR(np.zeros(n_del + 1, dtype=np.int32), np.empty(0, dtype=np.int32))
    conditional = task.conditional
    if conditional is not None:
        conditional = replace(conditional, ops=_concat_csr(conditional.ops, empty))
    return replace(
        task, operators=_PaddedNames(task.operators, n_new),
        cost=np.concatenate([task.cost, np.zeros(n_ax, dtype=np.int64),
                             np.full(n_del, cheapest, dtype=np.int64)]),
        pre_pos=_concat_csr(_concat_csr(task.pre_pos, ax.body_pos), no_pre),
        pre_neg=_concat_csr(_concat_csr(task.pre_neg, ax.body_neg), no_pre),
        add=_concat_csr(task.add, heads), delete=_concat_csr(task.delete, deletes),
        conditional=conditional, axioms=None)


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
    type_based: bool = False,
) -> SearchResult:
    """Run a compiled search on `task`.

    algorithm: gbfs (eager greedy), lazy-gbfs (FD's lazy_greedy), astar,
    wastar (eager weighted A* with `weight`), lazy-wastar.
    evaluators: heuristics whose values order the open lists (alternated
    FD-style when several); preferred: heuristics whose preferred operators
    feed extra preferred-only open lists (the same name or object as in
    evaluators is evaluated once). time_limit in seconds, counted from the
    search's set-up (successor generator, state packer: seconds on tasks with
    millions of operators), memory_limit in MiB (resident memory of the whole
    process). boost: priority bonus for the
    preferred lists on progress (default: FD's 1000 lazy, 0 eager).
    verbosity: 0 (the default, for library callers) prints nothing; 1 prints
    Fast Downward-style progress lines on stderr (initial and new best
    heuristic values, A*'s f layers, expansions per second every 5 s).
    type_based: greedy searches alternate also with a type-based exploration
    list (states typed by the first heuristic's h and g, popped from a random
    type; planner.core.openlist). Off by default: it did not change coverage
    on generated medium sokoban (bench/examples/medium-coverage-dev/). A* and
    weighted searches ignore it.
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
        type_based=type_based,
        # A task with macro operators (planner.subroutines.instances) names their first
        # steps; the core then prefers macro successors (see planner.core.search.Search).
        macro_first=getattr(task, "macro_first_step", None),
    )
    try:
        raw = engine.run()
    except Exception as exc:
        python_evals = [e for e in dict.fromkeys(evals + prefs)
                        if isinstance(e, (_core.PythonEvaluator, _core.KernelEvaluator))]
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
