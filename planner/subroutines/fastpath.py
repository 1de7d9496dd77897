"""The fast path: search the task augmented with subroutine instances under a
share of the time limit, expand and validate the plan; the caller runs the
plain search (the slow path) when this returns nothing.

The search and validation are passed in by planner.search.solve (through its
fast-path hook, which planner.subroutines.solve builds), so the search layer
knows nothing of subroutines.

Preferred successors: the augmented task is a MacroTask that names each
macro's first primitive step, and the compiled core prefers macro successors
(planner.core.search.Search): in greedy and weighted searches they go to the
preferred-only open lists, which FD-style boosting pops first after progress
(with a heuristic that gives preferred operators, a macro counts when it or
its first step is preferred: Macro-FF's helpful macros); in the default lazy
search they are therefore evaluated lazily, first, when popped. A* with an
admissible heuristic stays optimal on the augmented task: every instance
costs the sum of its steps, so the augmented task has the same optimal cost;
h^max / LM-cut computed on it stay admissible because every macro is a
sequence of original operators; and macros only win ties on (g + h, h), never
the order by g + h (tests/subroutines check the optimal costs agree).

The search runs in this process with built-in heuristics, and in the jail
with heuristic files and stored (LLM-written) heuristics, exactly as the
plain search does (planner.search.solve passes the right search_on).
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

from planner.errors import PlannerError
from planner.search.engine import SearchResult
from planner.subroutines.instances import AugmentedTask, augment
from planner.subroutines.lifted import Subroutine
from planner.task import GroundTask

log = logging.getLogger(__name__)

DEFAULT_SHARE = 0.5
"""Share of the remaining time the fast path may use: a failed fast path
costs at most half the budget, and the slow path keeps the other half."""


@dataclass
class FastPathOutcome:
    result: SearchResult | None
    """The expanded, validated plan's result (plan of primitive ids), or None."""
    validated_by: str | None
    info: dict[str, Any] = field(default_factory=dict)
    """path ('fast' | 'fast-failed'), instances, fast_time, fast_evaluations,
    fast_expansions, used (subroutine name -> count), failure."""


def run_fast_path(task: GroundTask, subroutines: Sequence[Subroutine],
                  search: Callable[[GroundTask, float], SearchResult],
                  validate: Callable[[SearchResult], str],
                  deadline: float, share: float = DEFAULT_SHARE) -> FastPathOutcome:
    """search(task, deadline) runs the configured search; validate(result)
    raises PlannerError for an invalid plan of the original task."""
    start = time.perf_counter()
    remaining = deadline - start
    fast_deadline = start + remaining * share if math.isfinite(remaining) else math.inf
    info: dict[str, Any] = {"path": "fast-failed", "subroutines": [s.name for s in subroutines]}
    aug: AugmentedTask = augment(task, subroutines,
                                 deadline=fast_deadline if math.isfinite(fast_deadline) else None)
    info.update(instances=len(aug.instances), augment_time=aug.build_time, dropped=dict(aug.dropped))
    if not aug.instances:
        info["failure"] = "no subroutine instance in this task"
        info["fast_time"] = time.perf_counter() - start
        return FastPathOutcome(None, None, info)
    try:
        result = search(aug.task, fast_deadline)
    except PlannerError as err:  # e.g. a Python heuristic that fails on the macro operators
        info["failure"] = f"search failed: {err}"
        info["fast_time"] = time.perf_counter() - start
        return FastPathOutcome(None, None, info)
    st = result.statistics
    info.update(fast_evaluations=st.evaluations, fast_expansions=st.expansions,
                fast_generated=st.generated, fast_search_time=st.search_time)
    if not result.solved or result.plan is None:
        info["failure"] = result.status.value
        info["fast_time"] = time.perf_counter() - start
        return FastPathOutcome(None, None, info)
    used = aug.used(result.plan)
    expanded = aug.expand(result.plan)
    primitive = replace(result, plan=expanded, cost=task.plan_cost(expanded))
    try:
        validated_by = validate(primitive)
    except PlannerError as err:
        log.warning("subroutines: discarding the fast path's plan: %s", err)
        info["failure"] = f"invalid plan: {err}"
        info["fast_time"] = time.perf_counter() - start
        return FastPathOutcome(None, None, info)
    info.update(path="fast", used=used, macro_steps=sum(used.values()),
                fast_time=time.perf_counter() - start)
    return FastPathOutcome(primitive, validated_by, info)
