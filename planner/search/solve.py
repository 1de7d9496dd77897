"""`planner.search.solve`: PDDL in, validated plan out.

Parses, grounds, searches and validates in one call, with one time budget
for the whole run, and reports where the time went. Domain and problem may
be file paths or PDDL text.
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from planner import _core
from planner.errors import ArgumentError, HeuristicError, PlannerError
from planner.exitcodes import ExitCode
from planner.frontend.parsing import ParsedTask
from planner.frontend.inputs import looks_like_pddl, parse_files, parse_strings
from planner.plans.postprocess import improve_plan
from planner.search.engine import ALGORITHMS, COMPILED_HEURISTICS, SearchResult, SearchStatus, make_evaluator, plan_names, search
from planner.task import GroundTask
from planner.util.limits import check_limits, peak_memory_kb, reset_peak_memory

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
    """'validator' (planner.plans.validate) or 'ground-replay' when it could not run."""
    task: GroundTask | None = field(default=None, repr=False, compare=False)

    @property
    def solved(self) -> bool:
        return self.status is SearchStatus.SOLVED


def search_choices() -> list[str]:
    """Every valid --search value from the algorithm table, weighted ones with their ':W'."""
    return [f"{name}:W" if _takes_weight(name) else name for name in ALGORITHMS]


def _takes_weight(name: str) -> bool:
    spec = _core.ALGORITHMS[name]
    return not spec.greedy and spec.weight is None


def heuristic_choices() -> list[str]:
    """Every valid --heuristic value."""
    return [*COMPILED_HEURISTICS, "auto", "PATH.py[:ClassName]"]


def parse_search_spec(spec: str) -> tuple[str, float]:
    """'gbfs' | 'lazy-gbfs' | 'astar' | 'wastar:W' | 'lazy-wastar:W' -> (algorithm, weight)."""
    name, _, weight_text = spec.strip().lower().partition(":")
    if name not in ALGORITHMS:
        raise ArgumentError(f"unknown search '{spec}'; choose from {', '.join(search_choices())}")
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


def parse_inputs(domain: str | Path, problem: str | Path) -> ParsedTask:
    """Parse paths or PDDL strings (text is recognised by '(define')."""
    d_text = isinstance(domain, str) and looks_like_pddl(domain)
    p_text = isinstance(problem, str) and looks_like_pddl(problem)
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


MAX_SHARES = 64
"""Upper bound of N in 'NAME*N' (the open list's stride arithmetic stays small)."""


def split_shares(spec: Any) -> tuple[Any, int]:
    """'NAME*N' -> ('NAME', N): the member gets N turns per round of the
    alternation instead of one. Measured on blocksworld training (see
    bench/examples/portfolio-alternation/weighted): equal turns with h^FF let
    the weaker member spend half the expansions. Other specs -> (spec, 1)."""
    if not isinstance(spec, str) or "*" not in spec:
        return spec, 1
    base, _, count = spec.rpartition("*")
    if not base.strip() or not count.strip().isdigit() or not 1 <= int(count) <= MAX_SHARES:
        raise ArgumentError(f"heuristic '{spec}': expected NAME*N with N a whole number 1..{MAX_SHARES}")
    return base.strip(), int(count)


def resolve_heuristic(spec: Any, task: GroundTask):
    """An Evaluator for 'ff'|'add'|'max'|'lmcut'|'goalcount'|'blind'|'auto',
    'PATH.py[:Class]', or a Python heuristic class/instance/callable; 'NAME*N'
    gives it N turns per round of a portfolio's alternation."""
    spec, shares = split_shares(spec)
    evaluator = _resolve_one(spec, task)
    evaluator.shares = shares
    return evaluator


def _resolve_one(spec: Any, task: GroundTask):
    if isinstance(spec, str):
        low = spec.strip().lower()
        if low == "auto":
            low = "ff"
        if _is_file_spec(spec):
            raise ArgumentError(f"heuristic file {spec} runs only in the jail (planner.search.jailed)")
        if low not in COMPILED_HEURISTICS:
            raise ArgumentError(f"unknown heuristic '{spec}'; choose from {', '.join(heuristic_choices())}"
                                " (several joined by commas run in alternation)")
        return make_evaluator(low, task)
    return make_evaluator(spec, task)


def _is_file_spec(spec: Any) -> bool:
    return isinstance(spec, str) and (spec.strip().lower().endswith(".py") or ".py:" in spec)


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
    domain's fingerprint (planner.heuristics.store), else 'ff', and heuristic
    files into their text (planner.heuristics.untrusted: they run only in the
    jail). Returns the member specs and the stored file used, if any."""
    from planner.heuristics.untrusted import from_file_spec

    members: list[Any] = []
    stored: Path | None = None
    for item in heuristic_specs(spec):
        base, shares = split_shares(item)
        if _is_file_spec(base):
            members.append(replace(from_file_spec(base.strip()), shares=shares))
            continue
        if isinstance(base, str) and base.strip().lower() == "auto":
            from planner.heuristics.store import auto_heuristic

            found = auto_heuristic(domain)
            if found is not None:
                sources, path = found
                members.extend(replace(source, shares=min(MAX_SHARES, shares * source.shares))
                               for source in sources)
                stored = Path(path)
                continue
            item = "ff" if shares == 1 else f"ff*{shares}"
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
    fast_path: Callable[..., Any] | None = None,
    allow_unjailed: bool = False,
    fallback: bool = True,
    verbosity: int = 0,
) -> SolveResult:
    """Solve a PDDL task.

    verbosity: 1 prints the search's Fast Downward-style progress lines on
    stderr (the CLI does); 0 is quiet.

    search: gbfs, lazy-gbfs, astar, wastar:W (weighted A*, default W=5).
    heuristic: ff (the 'auto' default), add, max, lmcut, goalcount, blind,
    'PATH.py[:Class]', or a Python heuristic class or callable; or a
    portfolio of these (a list, or names joined by commas) searched in
    alternation, one open list per heuristic, as learned portfolios are;
    'NAME*N' gives a member N turns per round ('auto*3,ff').
    time_limit: seconds for the whole call; memory_limit: MiB of resident
    memory, checked during search. preferred: use the heuristic's preferred
    operators (default: yes for greedy and weighted searches when the
    heuristic provides them, never for A*).
    fast_path: a hook tried before the plain search (planner.subroutines
    builds one; this layer does not know what it searches):
    fast_path(task, search_on, check, deadline) returns an object with
    .result (a SearchResult whose plan is of `task`, already checked, or
    None), .validated_by and .info (a dict, reported as statistics
    "subroutines"); search_on(other_task, deadline) runs the configured
    search on another task, check(result) validates a plan of `task`. When it
    returns no result, the plain search runs from the initial state in the
    time left, and the statistics count the work of both.
    Heuristic files and stored (LLM-written) heuristics run only in the jail
    (planner.search.jailed); when this host cannot build it they are refused
    (JailUnavailable) unless allow_unjailed. Classes and callables passed here
    are the caller's own code and run in this process. fallback=False (learn's
    evaluation) raises planner.jail.HeuristicFailure where a failed jailed
    search would otherwise be replaced by the trusted members or h^FF.
    """
    _check_arguments(domain, problem, search, time_limit, memory_limit, preferred, validate)
    algorithm, weight = parse_search_spec(search)
    reset_peak_memory()
    start = time.perf_counter()
    deadline = start + time_limit if time_limit else math.inf
    parsed = parse_inputs(domain, problem)
    parsed_at = time.perf_counter()
    log.info("parsed domain %s: %d action schemas, %d objects [%.3f s]", parsed.domain.name,
             len(parsed.domain.actions), len(parsed.problem.objects) + len(parsed.domain.constants),
             parsed_at - start)
    from planner.frontend.grounding import UnsolvableTaskError, ground

    try:
        task = ground(parsed, time_limit=_remaining(deadline))
    except UnsolvableTaskError:
        grounded_at = time.perf_counter()
        stats = _times(start, parsed_at, grounded_at, 0.0)
        return SolveResult(SearchStatus.UNSOLVABLE, None, None, True, ExitCode.TRANSLATE_UNSOLVABLE, stats)
    grounded_at = time.perf_counter()
    log.info("grounded: %d facts, %d operators [%.3f s]", task.num_facts, task.num_operators,
             grounded_at - parsed_at)
    members, stored_file = resolve_auto(heuristic, domain)
    from planner.heuristics.untrusted import is_untrusted

    untrusted = any(is_untrusted(m) for m in members)
    fast = None
    if fast_path is not None:
        fast, chosen = _run_fast_path(fast_path, parsed, task, members, algorithm, weight, preferred,
                                      deadline, memory_limit, validate, untrusted, allow_unjailed)
    jailed: dict[str, Any] | None = None
    post: dict[str, Any] | None = None
    if fast is not None and fast.result is not None:
        result, validated_by = fast.result, fast.validated_by
        evaluators, dropped = chosen["evaluators"], chosen["dropped"]
        names = [e.name for e in evaluators]
        searched_at = time.perf_counter()
        result, post = post_process(task, result, deadline)
        if post is not None and post["removed"] and validate:  # the hook checked the longer plan
            validated_by = validate_result(parsed, task, result)
    else:
        if untrusted:
            jailed = _solve_jailed(parsed, task, algorithm, weight, members, preferred, deadline,
                                   memory_limit, allow_unjailed, fallback, verbosity)
            left = _remaining(deadline)
            retry = _python_forms(members) if _kernel_failed(jailed) and \
                (left is None or left > fallback_reserve(task) + 1.0) else None
            if retry is not None:
                log.warning("searching with the Python form of %s in the jail instead",
                            ", ".join(m.label for m in members if getattr(m, "python_form", None)))
                first = jailed["jail"]
                jailed = _solve_jailed(parsed, task, algorithm, weight, retry, preferred, deadline,
                                       memory_limit, allow_unjailed, fallback, verbosity)
                jailed["jail"]["kernel_attempt"] = first
        if jailed is not None and jailed["result"] is not None:
            result, names, dropped = jailed["result"], jailed["heuristic"], jailed["dropped"]
            validated_by, post = jailed["validated_by"], jailed["post_processing"]
            searched_at = time.perf_counter()
        else:
            if jailed is not None and not fallback:
                raise jailed["error"]
            if jailed is not None:  # the jailed search failed: the trusted members, else h^FF, here
                members = [m for m in members if not is_untrusted(m)] or ["ff"]
            evaluators = resolve_heuristics(members, task)
            if log.isEnabledFor(logging.INFO):
                log.info("search started: %s with %s, initial h = %s", search,
                         ", ".join(e.name for e in evaluators), _initial_h(task, evaluators))
            result, evaluators, dropped = _search_portfolio(task, algorithm, weight, evaluators,
                                                            preferred, deadline, memory_limit, verbosity)
            names = [e.name for e in evaluators]
            if jailed is not None:
                dropped = jailed["dropped"] + dropped
            searched_at = time.perf_counter()
            result, post = post_process(task, result, deadline)
            validated_by = None
            if result.solved and validate:
                validated_by = validate_result(parsed, task, result)
    stats = _times(start, parsed_at, grounded_at, result.statistics.search_time)
    stats.update(_search_stats(result))
    if jailed is not None and "search" in jailed["jail"]:
        # The jailed search ran out of time before the fallback searched: totals
        # cover both, as after a failed fast path (its own figures are in "jail").
        for key, value in jailed["jail"]["search"].items():
            if key in ("search_time", "evaluations", "expansions", "generated"):
                stats[key] += value
    if fast is not None:
        info = dict(fast.info)
        stats["subroutines"] = info
        if fast.result is None:
            # Totals cover both paths: the failed fast path's work is part of the run's cost.
            stats["search_time"] += info.get("fast_time", 0.0)
            for key in ("evaluations", "expansions", "generated"):
                stats[key] += info.get(f"fast_{key}", 0)
    stats["algorithm"] = f"{algorithm}:{weight:g}" if _takes_weight(algorithm) else algorithm
    stats["heuristic"] = ", ".join(names)
    if jailed is not None:
        stats["jail"] = jailed["jail"]
    stats["dropped_heuristics"] = dropped
    if post is not None:
        stats["post_processing"] = post
    stats["heuristic_file"] = str(stored_file) if stored_file is not None else None
    stats["validate_time"] = time.perf_counter() - searched_at
    stats["peak_memory_kb"] = peak_memory_kb()  # this call's peak, not the process's
    stats["total_time"] = time.perf_counter() - start
    plan = tuple(plan_names(task, result.plan)) if result.plan is not None else None
    log.info("search finished: %s%s, %d expansions, %d evaluations, %d generated [%.3f s search, "
             "%.3f s total]", result.status.value,
             f", cost {result.cost}" if result.cost is not None else "", stats.get("expansions", 0),
             stats.get("evaluations", 0), stats.get("generated", 0), stats.get("search_time", 0.0),
             stats["total_time"])
    return SolveResult(result.status, plan, result.cost, task.is_unit_cost, result.status.exit_code,
                       stats, validated_by, task)


def _run_fast_path(hook: Callable[..., Any], parsed: ParsedTask, task: GroundTask, members: list[Any],
                   algorithm: str, weight: float, preferred: bool | None, deadline: float,
                   memory_limit: float | None, validate: bool, untrusted: bool = False,
                   allow_unjailed: bool = False) -> tuple[Any, dict[str, Any]]:
    """Call the fast-path hook with this run's search and validation. The
    evaluators are built on the task the hook passes (e.g. with macro
    operators), so heuristics see its operators as ordinary ones; a failing
    Python heuristic (HeuristicError) ends the hook's search, not the run.
    With heuristic code from files or stored (LLM-written) heuristics the
    hook's search runs in the jail like the plain one (the child inherits the
    hook's task by fork); a failure there (HeuristicFailure) also ends only
    the hook's search, and the parent never believes an 'unsolvable' from it
    (the fast path only takes a validated plan)."""
    chosen: dict[str, Any] = {}

    def search_on(other: GroundTask, fast_deadline: float) -> SearchResult:
        if untrusted:
            return _search_jailed_on(other, fast_deadline)
        evaluators = resolve_heuristics(members, other)
        result, used, dropped = _search_portfolio(other, algorithm, weight, evaluators, preferred,
                                                  fast_deadline, memory_limit)
        chosen.update(evaluators=used, dropped=dropped)
        return result

    def _search_jailed_on(other: GroundTask, fast_deadline: float) -> SearchResult:
        from planner.heuristics.untrusted import is_untrusted
        from planner.search.jailed import jailed_search, log_child_output, parse_child_result

        labels = [m.label for m in members if is_untrusted(m)]
        outcome = jailed_search(other, algorithm, weight, members, preferred, _remaining(fast_deadline),
                                memory_limit, allow_unjailed,
                                hooks=(resolve_heuristic, _search_portfolio, _search_stats))
        log_child_output(outcome, log)
        child = parse_child_result(outcome.unwrap(", ".join(labels)), other)  # HeuristicFailure
        chosen.update(evaluators=[_Named(n) for n in child.heuristic], dropped=list(child.dropped))
        return _child_search_result(other, child, SearchStatus(child.status))

    def check(result: SearchResult) -> str:
        # Even with validate=False a plan the hook built is replayed: it is not the search's own.
        if validate:
            return validate_result(parsed, task, result)
        replay_on_task(task, result.plan)
        return "ground-replay"

    return hook(task, search_on, check, deadline), chosen


@dataclass(frozen=True)
class _Named:
    """A heuristic the jailed fast path searched with, by the name the child reported."""

    name: str


def _solve_jailed(parsed: ParsedTask, task: GroundTask, algorithm: str, weight: float,
                  members: list[Any], preferred: bool | None, deadline: float,
                  memory_limit: float | None, allow_unjailed: bool,
                  fallback: bool = True, verbosity: int = 0) -> dict[str, Any]:
    """Search in the jail and judge the answer here. 'result' is None when the
    parent must search again without the untrusted members: the child failed
    (crash, hang, garbage, every member failed), its plan does not validate, or
    it claims unsolvable/incomplete (not believed from candidate code).

    With fallback, the jail ends fallback_reserve(task) before the deadline, so
    that the parent's search without the untrusted members has time to build
    h^FF and start before the deadline. The compiled task is built here, before
    the fork: the child inherits it (its search would build the same), and the
    fallback then does not build it again after the jail."""
    from planner.jail import HeuristicFailure, JailUnavailable
    from planner.heuristics.untrusted import is_untrusted
    from planner.search.jailed import jailed_search, log_child_output, parse_child_result

    labels = [m.label for m in members if is_untrusted(m)]
    built = time.perf_counter()
    _core.compiled_task(task)  # cached on the task: the child and the fallback share it
    built = time.perf_counter() - built
    remaining = _remaining(deadline)
    reserve = 0.0
    if fallback and remaining is not None:
        reserve = min(fallback_reserve(task), FALLBACK_RESERVE_SHARE * remaining)
        remaining -= reserve
    if built > 0.5 or reserve > 0.5:
        log.info("compiled task built before the jail in %.2f s; %.2f s kept for the fallback", built, reserve)
    outcome = jailed_search(task, algorithm, weight, members, preferred, remaining,
                            memory_limit, allow_unjailed,
                            hooks=(resolve_heuristic, _search_portfolio, _search_stats),
                            verbosity=verbosity)
    log_child_output(outcome, log)
    jail = {"outcome": outcome.outcome, "wall_time": outcome.wall_time, "reserve": reserve,
            "compile_time": built,
            "layers": sorted(k for k, v in outcome.layers.get("held", {}).items() if v),
            "output": outcome.output[-4000:]}
    if outcome.outcome == "unjailed":
        raise JailUnavailable(f"{outcome.detail}; refusing to run LLM-written or file heuristic code "
                              "outside the jail (`planner doctor` shows why; --unsafe-no-jail runs it "
                              "anyway with your privileges)")
    if allow_unjailed and outcome.layers.get("held"):
        missing = [k for k in ("uid", "pid_namespace", "seccomp") if not outcome.layers["held"].get(k)]
        if missing:
            log.warning("running heuristic code WITHOUT a complete jail (missing %s): "
                        "--unsafe-no-jail", ", ".join(missing))
    failed = {"result": None, "heuristic": [], "dropped": labels, "validated_by": None, "jail": jail,
              "error": None}
    try:
        child = parse_child_result(outcome.unwrap(", ".join(labels)), task)
    except HeuristicFailure as err:
        jail["failure"] = err.reason
        failed["error"] = err
        log.warning("heuristic %s failed in the jail (%s); searching with %s instead",
                    ", ".join(labels), str(err)[:500], _fallback_name(members))
        return failed
    for said in child.warnings:
        log.warning("in the jail: %s", said)
    if child.statistics.get("cpu_time"):
        # the child's own CPU seconds (its report: a measurement, decides nothing)
        jail["child_cpu_time"] = child.statistics["cpu_time"]
    if child.statistics.get("kernel_compile_time"):
        jail["kernel_compile_time"] = child.statistics["kernel_compile_time"]
        jail["kernel_cache_hits"] = child.statistics.get("kernel_cache_hits", 0)
        if child.statistics.get("kernel_preparation"):
            jail["kernel_preparation"] = child.statistics["kernel_preparation"]
        log.info("kernel heuristics %s in the jail in %.2f s",
                 "loaded from the cache" if jail["kernel_cache_hits"] else "compiled",
                 jail["kernel_compile_time"])
    _store_kernel_objects(members, child)
    status = SearchStatus(child.status)
    if fallback and status is SearchStatus.OUT_OF_TIME:
        # The child stopped itself at its deadline, which the reserve put before
        # ours: h^FF gets what is left, as after a kill (the corpus's
        # sigalrm_handler, 0.5 s per call, ends this way in a 4 s limit).
        jail["failure"] = "out of time"
        jail["search"] = _child_work(child)
        failed["error"] = HeuristicFailure("the jailed search ran out of time", "timeout")
        log.warning("the jailed search with %s ran out of time; searching with %s in the %.2f s left",
                    ", ".join(child.heuristic), _fallback_name(members), _remaining(deadline) or 0.0)
        return failed
    if status in (SearchStatus.UNSOLVABLE, SearchStatus.INCOMPLETE):
        jail["failure"] = f"claimed {status.value}"
        failed["error"] = HeuristicFailure(f"the jailed search ended {status.value}", status.value)
        log.warning("the jailed search with %s ended %s; not taken on trust from heuristic code, "
                    "searching with %s", ", ".join(child.heuristic), status.value,
                    _fallback_name(members))
        return failed
    result = _child_search_result(task, child, status)
    result, post = post_process(task, result, deadline)
    validated_by = None
    if result.solved:
        try:
            validated_by = validate_result(parsed, task, result)
        except PlanValidationError as err:
            jail["failure"] = "invalid plan"
            failed["error"] = HeuristicFailure(f"invalid plan: {str(err)[:300]}", "invalid-plan")
            log.warning("the jailed search returned an invalid plan (%s); searching with %s",
                        str(err)[:300], _fallback_name(members))
            return failed
    return {"result": result, "heuristic": list(child.heuristic), "dropped": list(child.dropped),
            "validated_by": validated_by, "jail": jail, "post_processing": post}


POST_PROCESS_SHARE = 0.05
"""Plan post-processing (planner.plans.postprocess) gets at most this share of
the time left after the search, so that it never costs a plan its deadline."""
POST_PROCESS_SECONDS = 5.0
"""And at most this many seconds (the whole budget without a time limit).
Greedy elimination of the generated miconic plans (bench/examples/plan-post-processing/)
finishes far below it."""


def post_process(task: GroundTask, result: SearchResult, deadline: float) -> tuple[SearchResult, dict[str, Any] | None]:
    """The search's plan improved by planner.plans.postprocess (shortcuts, greedy
    action elimination) within a small share of the time left, before the
    validator checks it; and what it did (statistics "post_processing")."""
    if not result.solved or not result.plan:
        return result, None
    remaining = _remaining(deadline)
    budget = POST_PROCESS_SECONDS if remaining is None else min(POST_PROCESS_SECONDS,
                                                                 POST_PROCESS_SHARE * remaining)
    done = improve_plan(task, result.plan, time.perf_counter() + budget)
    info = {"cost_before": done.cost_before, "cost_after": done.cost_after, "removed": done.removed,
            "replaced": done.replaced, "eliminated": done.eliminated,
            "length_before": len(result.plan), "time": round(done.seconds, 4),
            "complete": done.complete, "method": done.method}
    if done.plan != tuple(result.plan):
        log.info("post-processing: %d of %d steps fewer (%d runs shortcut, %d steps eliminated): "
                 "cost %d -> %d [%.3f s]", done.removed, len(result.plan), done.replaced,
                 done.eliminated, done.cost_before, done.cost_after, done.seconds)
        result = replace(result, plan=done.plan, cost=done.cost_after)
    return result, info


FALLBACK_RESERVE_BASE = 0.6
"""Seconds kept for the fallback on any task: planner.jail.runner.KILL_GRACE
(0.5 s; not imported, so that solving without the jail does not load it) and
0.1 s. A heuristic that ignores signals and blocks the child's own deadline
check is killed KILL_GRACE after the jail's limit
(the jail corpus's sigalrm_handler: 0.5 s per call), so the jail may end that
late; the 0.1 s left then is what a small task needs: h^FF and the search start
in ~1 ms on blocksworld p01, which that corpus case must still solve in what is
left of a 4 s limit."""
FALLBACK_SECONDS_PER_ENTRY = 6e-7
"""Seconds per entry of the task (task_entries) to build h^FF and set up the
search after a failed jailed search (the compiled task is built before the
jail). Measured under load (load average 6 on the 2-core machine): a generated
hard floortile task (seed 1: 1.9 M operators, 12.0 M entries) takes 0.87 s for
h^FF and 3.5 s for the search's set-up (successor generator 3.0 s, state packer
1.1 s), a medium one (94 k entries) 0.12 s: 0.36 us per entry, here with a
margin of 1.6x (7.8 s kept on the hard task, with the base)."""
FALLBACK_RESERVE_SHARE = 0.5
"""The reserve never takes more than this share of the time left, so the jailed
heuristic always gets most of a short limit."""


def task_entries(task: GroundTask) -> int:
    """The size that the fallback's build cost follows: operators plus the
    entries of their precondition, add and delete lists (and of conditional
    effects)."""
    n = task.num_operators + len(task.pre_pos.idx) + len(task.pre_neg.idx) + len(task.add.idx) \
        + len(task.delete.idx)
    ce = task.conditional
    if ce is not None:
        n += len(ce.cond_pos.idx) + len(ce.cond_neg.idx) + len(ce.add.idx) + len(ce.delete.idx)
    return int(n)


def fallback_reserve(task: GroundTask | int) -> float:
    """Seconds a jailed search leaves before the deadline for the fallback to
    start: building h^FF and setting up the search, neither of which the
    deadline can interrupt, grow linearly with the task's size (task_entries,
    or that number given directly). Without it a hard floortile task with
    1.9 M operators, whose jailed heuristic used up a 60 s limit, ended at
    71.1 s. The base (FALLBACK_RESERVE_BASE) covers a jail that ends
    KILL_GRACE past its limit."""
    entries = task if isinstance(task, int) else task_entries(task)
    return FALLBACK_RESERVE_BASE + FALLBACK_SECONDS_PER_ENTRY * entries


def _store_kernel_objects(members: list[Any], child: Any) -> None:
    """Keep the object code the jailed child compiled for the next jailed run of
    the same kernel code (planner.heuristics.kernel: the parent writes the bytes
    into the folder of the code *it* handed over and never loads them). Only when
    this run had one untrusted heuristic: in a portfolio, one member's child
    could otherwise fill another member's folder."""
    from planner.heuristics.kernel import code_key, store_objects
    from planner.heuristics.untrusted import is_untrusted

    untrusted = [m for m in members if is_untrusted(m)]
    if len(untrusted) != 1 or not child.kernel_objects:
        return
    objects = child.kernel_objects.get(code_key(untrusted[0].code))
    if objects:
        written = store_objects(untrusted[0].code, objects)
        if written:
            log.info("kept %d compiled kernel(s) for later jailed runs", written)


def _fallback_name(members: list[Any]) -> str:
    from planner.heuristics.untrusted import is_untrusted

    trusted = [str(m) for m in members if not is_untrusted(m)]
    return ", ".join(trusted) if trusted else "h^FF"


def _child_search_result(task: GroundTask, child: Any, status: SearchStatus) -> SearchResult:
    from planner.search.engine import SearchStatistics

    s = child.statistics
    cost = None
    if child.plan is not None:
        cost = int(sum(int(task.cost[o]) for o in child.plan))
    statistics = SearchStatistics(
        expansions=s["expansions"], evaluations=s["evaluations"], generated=s["generated"],
        dead_ends=s["dead_ends"], reopened=s["reopened"], initial_h=s["initial_h"],
        search_time=s["search_time"], registered_states=s["registered_states"], registry_bytes=0,
        bytes_per_state=s["bytes_per_state"], open_list_bytes=0, heuristic_calls=0, state_words=0,
        peak_memory_kb=s["peak_memory_kb"])
    return SearchResult(status, child.plan, cost, statistics, child.heuristic)


def _check_arguments(domain: Any, problem: Any, search: Any, time_limit: Any, memory_limit: Any,
                     preferred: Any, validate: Any) -> None:
    """ArgumentError naming the bad argument, before any work."""
    for name, value in (("domain", domain), ("problem", problem)):
        if not isinstance(value, (str, Path)):
            raise ArgumentError(f"{name} must be a file path or PDDL text, got {type(value).__name__}")
    if not isinstance(search, str):
        raise ArgumentError(f"search must be a string such as 'gbfs' or 'astar', got {search!r}")
    check_limits(time_limit, memory_limit)
    for name, value in (("preferred", preferred), ("validate", validate)):
        if value is not None and not isinstance(value, bool):
            raise ArgumentError(f"{name} must be True, False or None, got {value!r}")
    if validate is None:
        raise ArgumentError("validate must be True or False, got None")


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


def _initial_h(task: GroundTask, evaluators: list[Any]) -> str:
    """The initial state's heuristic values for the "search started" log line
    (computed only when INFO is logged: one evaluation per heuristic, before
    the search core, which reports progress only at its end, starts)."""
    from planner._core import evaluate_state

    values = []
    for e in evaluators:
        try:
            h, _ = evaluate_state(e, task.num_facts, task.init.tolist(), False)
        except Exception as exc:  # a Python heuristic's failure is the search's to report
            values.append(f"? ({type(exc).__name__})")
            continue
        values.append("infinity" if math.isinf(h) else f"{h:g}")
    return ", ".join(values)


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
    return {
        "parse_time": parsed_at - start,
        "ground_time": grounded_at - parsed_at,
        "search_time": search_time,
        "total_time": time.perf_counter() - start,
        "peak_memory_kb": peak_memory_kb(),
    }


KERNEL_RETRY_REASONS = frozenset({"crash", "error", "garbage", "oversize", "prepare-failed", "failed",
                                  "invalid-value", "invalid-plan"})
"""Failures of a jailed kernel form after which its Python form is worth a search:
not running out of time or memory (the Python form is slower and no smaller),
not a claim of unsolvability (the Python form would make it too)."""


def _kernel_failed(jailed: dict[str, Any]) -> bool:
    error = jailed.get("error")
    return jailed["result"] is None and error is not None and \
        getattr(error, "reason", None) in KERNEL_RETRY_REASONS


def _python_forms(members: list[Any]) -> list[Any] | None:
    """The members with each kernel form replaced by its Python form, or None when
    none has one."""
    if not any(getattr(m, "python_form", None) is not None for m in members):
        return None
    return [replace(m.python_form, shares=m.shares) if getattr(m, "python_form", None) is not None
            else m for m in members]


def _child_work(child: Any) -> dict[str, Any]:
    """What a jailed search that ran out of time did (its figures are lost otherwise)."""
    work = {key: child.statistics.get(key, 0) for key in ("expansions", "evaluations", "generated",
                                                          "search_time")}
    work["heuristic"] = list(child.heuristic)
    work["initial_h"] = dict(child.statistics.get("initial_h", {}))
    return work


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
    from planner.plans.files import PlanStep
    from planner.plans.validate import validate_parsed

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
