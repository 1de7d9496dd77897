"""`planner.solve`: PDDL in, validated plan out.

Parses, grounds, searches and validates in one call, with one time budget
for the whole run, and reports where the time went. Domain and problem may
be file paths or PDDL text.
"""
from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import ArgumentError, PlannerError
from planner.exitcodes import ExitCode
from planner.heuristic_api import HeuristicError, load_heuristic_file, make_python_evaluator
from planner.parsing import ParsedTask, parse_files, parse_strings
from planner import _core
from planner.search import ALGORITHMS, SearchResult, SearchStatus, make_evaluator, plan_names, search
from planner.task import GroundTask

log = logging.getLogger(__name__)

DEFAULT_SEARCH = "lazy-gbfs"
DEFAULT_HEURISTIC = "auto"


class PlanValidationError(PlannerError):
    """The search returned a plan the validator rejects: a planner bug."""

    exit_code = ExitCode.SEARCH_CRITICAL_ERROR


@dataclass(frozen=True)
class SolveResult:
    status: SearchStatus
    plan: tuple[str, ...] | None
    """Operator names, '(op arg ...)', from the initial state to a goal."""
    cost: int | None
    unit_cost: bool
    """False when the domain uses action costs (FD's 'general cost')."""
    exit_code: ExitCode
    statistics: dict[str, Any]
    """expansions, evaluations, generated, dead_ends, reopened, initial_h,
    parse_time, ground_time, search_time, total_time, peak_memory_kb, ..."""
    validated_by: str | None = None
    """'validator' (planner.validate) or 'ground-replay' when it could not run."""
    task: GroundTask | None = field(default=None, repr=False, compare=False)

    @property
    def solved(self) -> bool:
        return self.status is SearchStatus.SOLVED


def search_choices() -> str:
    """'gbfs | lazy-gbfs | astar | wastar:W | ...' from the algorithm table."""
    return " | ".join(f"{name}:W" if _takes_weight(name) else name for name in ALGORITHMS)


def _takes_weight(name: str) -> bool:
    spec = _core.ALGORITHMS[name]
    return not spec.greedy and spec.weight is None


def parse_search_spec(spec: str) -> tuple[str, float]:
    """'gbfs' | 'lazy-gbfs' | 'astar' | 'wastar:W' | 'lazy-wastar:W' | ... -> (algorithm, weight)."""
    name, _, weight_text = spec.strip().lower().partition(":")
    if name not in ALGORITHMS:
        raise ArgumentError(f"unknown search '{spec}'; choose from {search_choices()}")
    weight = 1.0
    if weight_text:
        if not _takes_weight(name):
            raise ArgumentError(f"search '{name}' takes no weight")
        try:
            weight = float(weight_text)
        except ValueError:
            raise ArgumentError(f"invalid weight in '{spec}'") from None
        if not (math.isfinite(weight) and weight >= 0):
            raise ArgumentError(f"weight must be a finite number >= 0 in '{spec}'")
    elif _takes_weight(name):
        weight = 5.0
    return name, weight


def _looks_like_pddl(text: str) -> bool:
    return "(" in text and re.search(r"\(\s*define\b", text, re.IGNORECASE) is not None


def parse_inputs(domain: str | Path, problem: str | Path) -> ParsedTask:
    """Parse paths or PDDL strings (text is recognised by '(define')."""
    d_text = isinstance(domain, str) and _looks_like_pddl(domain)
    p_text = isinstance(problem, str) and _looks_like_pddl(problem)
    if d_text != p_text:
        d = Path(domain).read_text() if not d_text else str(domain)
        p = Path(problem).read_text() if not p_text else str(problem)
        return parse_strings(d, p)
    if d_text:
        return parse_strings(str(domain), str(problem))
    for path in (domain, problem):
        if not Path(path).is_file():
            raise ArgumentError(f"file not found: {path}", path=str(path))
    return parse_files(domain, problem)


def heuristic_specs(spec: Any) -> list[Any]:
    """One spec or a portfolio: a list/tuple, or names/files joined by commas
    ('ff,goalcount', 'a.py,b.py:H') searched in alternation."""
    if isinstance(spec, (list, tuple)):
        return list(spec)
    if isinstance(spec, str) and "," in spec:
        parts = [part.strip() for part in spec.split(",")]
        if not all(parts):
            raise ArgumentError(f"empty heuristic in '{spec}'")
        return parts
    return [spec]


def resolve_heuristic(spec: Any, task: GroundTask):
    """An Evaluator for 'ff'|'add'|'max'|'lmcut'|'goalcount'|'blind'|'auto',
    'PATH.py[:Class]', or a Python heuristic class/instance/callable."""
    if isinstance(spec, str):
        low = spec.strip().lower()
        if low == "auto":
            low = "ff"
        if low.endswith(".py") or ".py:" in spec:
            cls = load_heuristic_file(spec)
            return make_python_evaluator(cls, task)
        return make_evaluator(low, task)
    return make_evaluator(spec, task)


def resolve_heuristics(specs: list[Any], task: GroundTask) -> list[Any]:
    """Evaluators for a portfolio, with distinct names (learned members often
    share a class name). A member whose constructor fails is dropped with a
    warning while others remain; a lone heuristic's failure is the run's."""
    evaluators = []
    for spec in specs:
        try:
            evaluators.append(resolve_heuristic(spec, task))
        except HeuristicError as err:
            if len(specs) == 1:
                raise
            log.warning("portfolio: dropping %s", err)
    if not evaluators:
        raise HeuristicError("every heuristic of the portfolio failed to start")
    names = [e.name for e in evaluators]
    seen: dict[str, int] = {}
    for evaluator in evaluators:
        if names.count(evaluator.name) > 1:
            seen[evaluator.name] = seen.get(evaluator.name, 0) + 1
            evaluator.name = f"{evaluator.name}#{seen[evaluator.name]}"
    return evaluators


def resolve_auto(spec: Any, domain: str | Path) -> tuple[list[Any], Path | None]:
    """Expand 'auto' into the stored heuristic (or portfolio) matching the
    domain's fingerprint (planner.heuristic_store), else 'ff'. Returns the
    member specs and the stored file used, if any."""
    members: list[Any] = []
    stored: Path | None = None
    for item in heuristic_specs(spec):
        if isinstance(item, str) and item.strip().lower() == "auto":
            from planner.heuristic_store import auto_heuristic

            found = auto_heuristic(domain)
            if found is not None:
                classes, path = found
                members.extend(classes)
                stored = Path(path)
                continue
            item = "ff"
        members.append(item)
    return members, stored


def solve(
    domain: str | Path,
    problem: str | Path,
    search: str = DEFAULT_SEARCH,
    heuristic: Any = DEFAULT_HEURISTIC,
    time_limit: float | None = None,
    memory_limit: float | None = None,
    preferred: bool | None = None,
    validate: bool = True,
    verbosity: int = 0,
) -> SolveResult:
    """Solve a PDDL task.

    search: gbfs, lazy-gbfs, astar, wastar:W (weighted A*, default W=5).
    heuristic: ff (the 'auto' default), add, max, lmcut, goalcount, blind,
    'PATH.py[:Class]', or a Python heuristic class or callable; or a
    portfolio of these (a list, or names joined by commas) searched in
    alternation, one open list per heuristic, as learned portfolios are.
    time_limit: seconds for the whole call; memory_limit: MiB of resident
    memory, checked during search. preferred: use the heuristic's preferred
    operators (default: yes for greedy and weighted searches when the
    heuristic provides them, never for A*). verbosity: 1 prints the search's
    Fast Downward-style progress lines on stderr (the CLI does); 0 is quiet.
    """
    algorithm, weight = parse_search_spec(search)
    start = time.perf_counter()
    deadline = start + time_limit if time_limit else math.inf
    parsed = parse_inputs(domain, problem)
    parsed_at = time.perf_counter()
    from planner.grounding import UnsolvableTaskError, ground

    try:
        task = ground(parsed, time_limit=_remaining(deadline))
    except UnsolvableTaskError:
        grounded_at = time.perf_counter()
        stats = _times(start, parsed_at, grounded_at, 0.0)
        return SolveResult(SearchStatus.UNSOLVABLE, None, None, True, ExitCode.TRANSLATE_UNSOLVABLE, stats)
    grounded_at = time.perf_counter()
    members, stored_file = resolve_auto(heuristic, domain)
    evaluators = resolve_heuristics(members, task)
    result, evaluators, dropped = _search_portfolio(task, algorithm, weight, evaluators, preferred,
                                                    deadline, memory_limit, verbosity)
    searched_at = time.perf_counter()
    validated_by = None
    if result.solved and validate:
        validated_by = validate_result(parsed, task, result)
    stats = _times(start, parsed_at, grounded_at, result.statistics.search_time)
    stats.update(_search_stats(result))
    stats["algorithm"] = f"{algorithm}:{weight:g}" if _takes_weight(algorithm) else algorithm
    stats["heuristic"] = ", ".join(e.name for e in evaluators)
    stats["dropped_heuristics"] = dropped
    stats["heuristic_file"] = str(stored_file) if stored_file is not None else None
    stats["validate_time"] = time.perf_counter() - searched_at
    stats["total_time"] = time.perf_counter() - start
    plan = tuple(plan_names(task, result.plan)) if result.plan is not None else None
    return SolveResult(result.status, plan, result.cost, task.is_unit_cost, result.status.exit_code,
                       stats, validated_by, task)


def _remaining(deadline: float) -> float | None:
    if deadline == math.inf:
        return None
    return max(deadline - time.perf_counter(), 0.001)


def _search_portfolio(task: GroundTask, algorithm: str, weight: float, evaluators: list[Any],
                      preferred: bool | None, deadline: float, memory_limit: float | None,
                      verbosity: int = 0) -> tuple[SearchResult, list[Any], list[str]]:
    """Search with all evaluators in alternation (one open list each). When a
    Python member of a portfolio fails, search again with the others in the
    remaining time: one bad member must not sink the rest."""
    dropped: list[str] = []
    while True:
        use_pref = preferred if preferred is not None else (
            algorithm != "astar" and any(e.provides_preferred for e in evaluators))
        try:
            return (_run_search(task, algorithm, weight, evaluators, use_pref, deadline, memory_limit,
                                verbosity), evaluators, dropped)
        except HeuristicError as err:
            failed = set(err.failed_evaluators)
            rest = [e for e in evaluators if e not in failed]
            if not failed or not rest:
                raise
            log.warning("portfolio: dropping %s, searching again with %s",
                        err, ", ".join(e.name for e in rest))
            dropped.extend(e.name for e in evaluators if e in failed)
            evaluators = rest


def _run_search(task: GroundTask, algorithm: str, weight: float, evaluators: list[Any],
                use_pref: bool, deadline: float, memory_limit: float | None,
                verbosity: int = 0) -> SearchResult:
    return search(
        task,
        algorithm,
        evaluators=evaluators,
        preferred=[e for e in evaluators if e.provides_preferred] if use_pref else None,
        weight=weight,
        time_limit=_remaining(deadline),
        memory_limit=memory_limit,
        verbosity=verbosity,
    )


def _times(start: float, parsed_at: float, grounded_at: float, search_time: float) -> dict[str, Any]:
    from planner.search import _core

    return {
        "parse_time": parsed_at - start,
        "ground_time": grounded_at - parsed_at,
        "search_time": search_time,
        "total_time": time.perf_counter() - start,
        "peak_memory_kb": _core.peak_memory_kb(),
    }


def _search_stats(result: SearchResult) -> dict[str, Any]:
    s = result.statistics
    return {
        "expansions": s.expansions,
        "evaluations": s.evaluations,
        "generated": s.generated,
        "dead_ends": s.dead_ends,
        "reopened": s.reopened,
        "initial_h": s.initial_h,
        "registered_states": s.registered_states,
        "bytes_per_state": s.bytes_per_state,
        "peak_memory_kb": s.peak_memory_kb,
    }


def validate_result(parsed: ParsedTask, task: GroundTask, result: SearchResult) -> str:
    """Check the plan with the independent validator; replay it on the
    grounded task only when the validator cannot interpret the PDDL.
    Raises PlanValidationError for an invalid plan (a planner bug)."""
    from planner.errors import UnsupportedFeatureError
    from planner.plan import PlanStep
    from planner.validate import validate_parsed

    assert result.plan is not None
    steps = []
    for text in plan_names(task, result.plan):
        name, *args = text.strip("()").split()
        steps.append(PlanStep(name, tuple(args)))
    try:
        report = validate_parsed(parsed, steps)
    except UnsupportedFeatureError:
        replay_on_task(task, result.plan)
        return "ground-replay"
    if not report.valid:
        raise PlanValidationError("search produced an invalid plan:\n" + report.describe())
    return "validator"


def replay_on_task(task: GroundTask, plan: tuple[int, ...]) -> None:
    """Execute a plan with the GroundTask's reference semantics."""
    state = frozenset(int(f) for f in task.init)
    for i, o in enumerate(plan):
        if not task.applicable(state, o):
            raise PlanValidationError(f"step {i + 1} {task.operators[o]} is not applicable")
        state = task.apply(state, o)
    if not task.is_goal(state):
        raise PlanValidationError("plan does not reach the goal")
