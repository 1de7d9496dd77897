"""Searching with untrusted heuristic code: in a jailed child, judged by the parent.

The trusted parent has parsed and grounded; jailed_search forks a jailed
child (planner.jail) that loads the code (planner.heuristics.untrusted),
builds the evaluators and runs the compiled search on the task it inherited,
and sends back the plan as operator ids with the search statistics.
parse_child_result checks the shape and ranges of that answer; the parent
(planner.search.solve) validates the plan with the independent validator,
never believes an "unsolvable" or "incomplete" from the child (a candidate
may claim safe_dead_ends) and writes every file itself.
"""
from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from planner.heuristics.loader import load_in_jail
from planner.heuristics.untrusted import (cache_miss, guarded_evaluator, is_kernel, is_untrusted,
                                          prepare_for_jail)
from planner.jail import HeuristicFailure, JailLimits, JailResult, run_jailed
from planner.jail.runner import SEARCH_MARGIN
from planner.task import GroundTask

MAX_PLAN_LENGTH = 1 << 20
MAX_RELAYED_LINES = 20_000
"""Progress lines shown per jailed search; a child printing more is not shown more."""

_NAME = r"[A-Za-z0-9_.:#<>*+-]{1,120}"
_VALUE = r"(?:-?inf|-?[0-9]+(?:\.[0-9]+)?)"
_PROGRESS = re.compile(
    rb"(?:New best heuristic value for " + _NAME.encode() + rb": " + _VALUE.encode()
    + rb"|Initial heuristic value for " + _NAME.encode() + rb": " + _VALUE.encode()
    + rb"|Initial state is a dead end\."
    + rb"|\[g=[0-9]+, [0-9]+ evaluated, [0-9]+ expanded, t=[0-9.]+s, [0-9]+ KB\]"
    + rb"|\[t=[0-9.]+s\] [0-9]+ expanded \([0-9]+/s\), [0-9]+ evaluated, [0-9]+ generated, "
      rb"[0-9]+ registered, [0-9]+ KB"
    + rb"|f = " + _VALUE.encode() + rb" \[[0-9]+ evaluated, [0-9]+ expanded, t=[0-9.]+s, [0-9]+ KB\])")
"""The compiled search's own progress lines (planner.core.search, verbosity 1),
exactly: digits, names and fixed words only, so a relayed line can carry no
terminal control sequence and no text of the heuristic's choosing."""


class ProgressRelay:
    """Shows the jailed search's progress lines on stderr as they arrive, like
    the same search run in this process (a 30-minute jailed search used to show
    nothing until it ended). The child's output is untrusted: only lines of the
    search's exact formats are shown, at most MAX_RELAYED_LINES; everything else
    stays in the output that log_child_output reports, marked as the heuristic's."""

    def __init__(self, stream: Any = None) -> None:
        self._stream = stream
        self.relayed = 0

    def __call__(self, line: bytes) -> bool:
        if not _PROGRESS.fullmatch(line):
            return False
        if self.relayed < MAX_RELAYED_LINES:
            stream = self._stream if self._stream is not None else sys.stderr
            stream.write(line.decode("ascii") + "\n")
            stream.flush()
        elif self.relayed == MAX_RELAYED_LINES:
            stream = self._stream if self._stream is not None else sys.stderr
            stream.write("(further progress lines of the jailed search are not shown)\n")
        self.relayed += 1
        return True


def jailed_search(task: GroundTask, algorithm: str, weight: float, members: Sequence[Any],
                  preferred: bool | None, time_limit: float | None, memory_limit: float | None,
                  allow_unjailed: bool = False, *, hooks: tuple[Callable[..., Any], ...],
                  verbosity: int = 0) -> JailResult:
    """Search with `members` (UntrustedHeuristic and trusted specs) in a jailed
    child; a portfolio drops failing members there and goes on. The value of an
    'ok' result is checked by parse_child_result, not here. hooks: solve's
    (resolve_heuristic, search_portfolio, search_stats), passed in so that this
    module does not import the one that imports it. verbosity 1: the child's
    search prints its progress lines, shown here as they come (ProgressRelay)."""
    resolve_heuristic, _search_portfolio, _search_stats = hooks
    sources = [m for m in members if is_untrusted(m)]
    prepare, extensions = prepare_for_jail(sources)
    # The child's search stops itself before the deadline (and the parent's SIGKILL
    # after it), so a search out of time still reports its statistics.
    search_limit = None if time_limit is None else max(time_limit - SEARCH_MARGIN, 0.01)

    def target() -> dict[str, Any]:
        # Counted from the child's start: loading and constructing the candidates
        # spend the same budget (a constructor that ran 10 s on a hard floortile
        # task pushed the search's own deadline past the parent's SIGKILL).
        deadline = math.inf if search_limit is None else _now() + search_limit
        import logging

        from planner.errors import HeuristicError

        notes: list[str] = []

        class Keep(logging.Handler):  # the search's warnings (a portfolio member dropped...)
            def emit(self, record: logging.LogRecord) -> None:
                notes.append(record.getMessage()[:500])

        logging.getLogger("planner").addHandler(Keep(logging.WARNING))
        evaluators, dropped, errors = [], [], []
        for member in members:
            try:
                if is_untrusted(member):
                    index = sources.index(member)
                    cls = load_in_jail(member, extensions.get(index))
                    evaluator = guarded_evaluator(cls, task, getattr(cls, "__name__", member.label))
                    evaluator.shares = member.shares
                    evaluators.append(evaluator)
                else:
                    evaluators.append(resolve_heuristic(member, task))
            except Exception as err:  # noqa: BLE001 - that member's failure
                label = member.label if is_untrusted(member) else str(member)
                dropped.append(label)
                errors.append(f"{label}: {type(err).__name__}: {err}"[:300])
        if not evaluators:
            return {"failed": errors}
        seen: dict[str, int] = {}
        names = [e.name for e in evaluators]
        for evaluator in evaluators:  # portfolio members often share a class name
            if names.count(evaluator.name) > 1:
                seen[evaluator.name] = seen.get(evaluator.name, 0) + 1
                evaluator.name = f"{evaluator.name}#{seen[evaluator.name]}"
        try:
            result, used, more = _search_portfolio(task, algorithm, weight, evaluators, preferred,
                                                   deadline, memory_limit, verbosity)
        except HeuristicError as err:
            return {"failed": errors + [str(err)[:300]], "kind": _failure_kind(err.__cause__)}
        stats = _search_stats(result)
        stats["search_time"] = result.statistics.search_time
        from planner.heuristics.kernel import compile_seconds, new_objects

        stats["kernel_compile_time"], stats["kernel_cache_hits"] = compile_seconds()
        import resource

        usage = resource.getrusage(resource.RUSAGE_SELF)
        stats["cpu_time"] = usage.ru_utime + usage.ru_stime  # preparation (Numba's start-up) included
        from planner.heuristics.kernel import PREPARATION

        if PREPARATION:
            stats["kernel_preparation"] = PREPARATION[-1]
        return {"status": result.status.value, "plan": list(result.plan) if result.plan is not None else None,
                "cost": result.cost, "statistics": stats, "heuristic": [e.name for e in used],
                "dropped": dropped + list(more), "errors": errors, "warnings": notes[:20],
                "kernel_objects": new_objects()}

    wall = math.inf if time_limit is None else time_limit
    memory = None if memory_limit is None else int(memory_limit) + 256
    limits = JailLimits(wall_seconds=wall, memory_mb=memory if memory else 4096)
    started = _now()
    relay = ProgressRelay() if verbosity > 0 else None
    outcome = run_jailed(target, limits, prepare=prepare, allow_unjailed=allow_unjailed, on_line=relay)
    if any(is_kernel(s) for s in sources) and cache_miss(outcome):
        # A kernel's array types had no cached object code: the child was prepared
        # only to load (0.2 s instead of 1-1.5 s of Numba start-up), so run it again
        # fully prepared; it compiles and its object code is cached for next time.
        prepare, extensions = prepare_for_jail(sources, loading_only=False)
        spent = _now() - started  # the rerun gets what is left of the limit
        if search_limit is not None:
            search_limit = max(search_limit - spent, 0.01)
        limits = JailLimits(wall_seconds=max(wall - spent, 0.5), memory_mb=limits.memory_mb)
        outcome = run_jailed(target, limits, prepare=prepare, allow_unjailed=allow_unjailed, on_line=relay)
    return outcome


def _failure_kind(cause: BaseException | None) -> str:
    """'invalid-value' when the compiled search (or the bool guard) rejected a
    value, 'memout' for MemoryError, else 'crash'."""
    if isinstance(cause, MemoryError):
        return "memout"
    text = str(cause)
    if isinstance(cause, (TypeError, ValueError)) and any(
            mark in text for mark in ("expected a number", "expected a non-negative", "expected h or",
                                      "preferred operator", "out of range")):
        return "invalid-value"
    return "crash"


def _now() -> float:
    import time

    return time.perf_counter()


@dataclass(frozen=True)
class ChildSearch:
    """The child's search as the parent accepts it (shapes and ranges checked)."""

    status: str
    plan: tuple[int, ...] | None
    statistics: dict[str, Any]
    heuristic: tuple[str, ...]
    dropped: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    """The child's log warnings and member errors (its own words: for the log only)."""
    kernel_objects: dict[str, Any] = field(default_factory=dict)
    """Object code of kernels the child compiled, {code key: {signature key: base64}}:
    opaque bytes the parent may store for later jailed runs of the same code
    (planner.heuristics.kernel.store_objects), never loads."""


_STATUSES = ("solved", "unsolvable", "incomplete", "out_of_time", "out_of_memory")


def parse_child_result(value: Any, task: GroundTask) -> ChildSearch:
    """Check the untrusted child's answer; HeuristicFailure('garbage') when malformed,
    HeuristicFailure('failed') when every heuristic failed."""
    if not isinstance(value, dict):
        raise HeuristicFailure("the jailed search returned no result object", "garbage")
    if "failed" in value:
        errors = value["failed"] if isinstance(value["failed"], list) else [str(value["failed"])]
        kind = value.get("kind") if value.get("kind") in ("invalid-value", "memout") else "failed"
        raise HeuristicFailure("; ".join(str(e)[:300] for e in errors[:4]) or "heuristic failed", kind)
    status = value.get("status")
    if status not in _STATUSES:
        raise HeuristicFailure(f"the jailed search returned status {str(status)[:40]!r}", "garbage")
    plan = value.get("plan")
    if plan is not None:
        if (not isinstance(plan, list) or len(plan) > MAX_PLAN_LENGTH
                or not all(type(o) is int and 0 <= o < task.num_operators for o in plan)):
            raise HeuristicFailure("the jailed search returned a malformed plan", "garbage")
        plan = tuple(plan)
    if status == "solved" and plan is None:
        raise HeuristicFailure("the jailed search said solved without a plan", "garbage")
    raw_stats = value.get("statistics") if isinstance(value.get("statistics"), dict) else {}
    stats: dict[str, Any] = {}
    for key in ("expansions", "evaluations", "generated", "dead_ends", "reopened", "registered_states",
                "peak_memory_kb", "kernel_cache_hits"):
        item = raw_stats.get(key)
        stats[key] = item if type(item) is int and item >= 0 else 0
    for key in ("bytes_per_state", "search_time", "kernel_compile_time", "cpu_time"):
        item = raw_stats.get(key)
        stats[key] = float(item) if type(item) in (int, float) and math.isfinite(item) and item >= 0 else 0.0
    if raw_stats.get("kernel_preparation") in ("loading", "warm-up"):
        stats["kernel_preparation"] = raw_stats["kernel_preparation"]
    initial = raw_stats.get("initial_h") if isinstance(raw_stats.get("initial_h"), dict) else {}
    stats["initial_h"] = {str(k)[:80]: float(v) for k, v in list(initial.items())[:16]
                          if type(v) in (int, float) and not math.isnan(v)}
    names = value.get("heuristic") if isinstance(value.get("heuristic"), list) else []
    dropped = value.get("dropped") if isinstance(value.get("dropped"), list) else []
    said = [w for key in ("errors", "warnings") if isinstance(value.get(key), list) for w in value[key]]
    objects = value.get("kernel_objects")
    objects = {k: v for k, v in list(objects.items())[:16] if isinstance(k, str) and isinstance(v, dict)} \
        if isinstance(objects, dict) else {}
    return ChildSearch(status, plan, stats, tuple(str(n)[:80] for n in names[:16]),
                       tuple(str(n)[:200] for n in dropped[:16]), tuple(str(w)[:500] for w in said[:20]),
                       objects)


def log_child_output(result: JailResult, log: Any) -> None:
    """The child's stdout/stderr go to the log (stderr), marked, never to stdout."""
    if result.output.strip():
        lines = result.output.strip().splitlines()
        shown = "\n".join("  | " + _printable(line[:200]) for line in lines[:20])
        more = f"\n  | ... {len(lines) - 20} more line(s)" if len(lines) > 20 else ""
        log.warning("output of the jailed heuristic (not the planner's):\n%s%s", shown, more)


def _printable(text: str) -> str:
    """Control characters (terminal escape sequences...) shown escaped, not sent to the terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


__all__ = ["ChildSearch", "ProgressRelay", "jailed_search", "log_child_output", "parse_child_result"]
