"""`planner.solve`: planner.search.solve.solve plus the `subroutines` option.

The search layer knows nothing of subroutines (they sit above it); it takes a
fast-path hook. This wrapper resolves 'off' | 'auto' | PATH | Subroutine
objects into the active subroutines (planner.subroutines.library), builds the
hook (planner.subroutines.fastpath.run_fast_path, then the usage counters of
the library the subroutines came from) and calls the plain solve with it. The
CLI, the unified-planning engine and `planner.solve` all call this.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from planner.search.engine import SearchResult
from planner.search.solve import DEFAULT_HEURISTIC, DEFAULT_SEARCH, SolveResult
from planner.search.solve import solve as plain_solve
from planner.subroutines.fastpath import DEFAULT_SHARE, FastPathOutcome, run_fast_path
from planner.subroutines.library import record_usage, resolve_subroutines
from planner.task import GroundTask

__all__ = ["solve", "DEFAULT_SEARCH", "DEFAULT_HEURISTIC", "SolveResult"]


def solve(domain: str | Path, problem: str | Path, search: str = DEFAULT_SEARCH,
          heuristic: Any = DEFAULT_HEURISTIC, time_limit: float | None = None,
          memory_limit: float | None = None, preferred: bool | None = None, validate: bool = True,
          subroutines: Any = "off", subroutine_share: float | None = None,
          allow_unjailed: bool = False, fallback: bool = True, verbosity: int = 0) -> SolveResult:
    """planner.search.solve.solve (see there for the other arguments) with
    subroutines: 'off' (default), 'auto' (the stored library for this domain,
    search and heuristic), a library file, a Library, or Subroutine objects.
    With any active subroutine, a fast path first searches the task plus the
    subroutines' instances under `subroutine_share` (default 0.5) of the time
    left; its plan is expanded to primitive steps and validated, and on any
    failure the plain search runs from the initial state in the rest.
    Statistics then carry "subroutines": path ('fast' | 'fast-failed'),
    instances, used, fast_time, failure, ..."""
    hook = None
    if not (isinstance(subroutines, str) and subroutines.strip().lower() == "off") and subroutines is not None:
        subs, library = resolve_subroutines(subroutines, domain, search, heuristic)
        share = DEFAULT_SHARE if subroutine_share is None else float(subroutine_share)
        if subs:
            hook = _hook(subs, library, share)
        else:
            hook = _nothing
    return plain_solve(domain, problem, search=search, heuristic=heuristic, time_limit=time_limit,
                       memory_limit=memory_limit, preferred=preferred, validate=validate, fast_path=hook,
                       allow_unjailed=allow_unjailed, fallback=fallback, verbosity=verbosity)


def _hook(subs: list, library: Path | None, share: float) -> Callable[..., FastPathOutcome]:
    def fast_path(task: GroundTask, search_on: Callable[[GroundTask, float], SearchResult],
                  check: Callable[[SearchResult], str], deadline: float) -> FastPathOutcome:
        outcome = run_fast_path(task, subs, search_on, check, deadline, share)
        if library is not None:
            record_usage(library, subs, outcome.info)
        return outcome

    return fast_path


def _nothing(task: GroundTask, search_on: Any, check: Any, deadline: float) -> FastPathOutcome:
    """'auto' without a library (or with every subroutine retired): no fast
    path, but the statistics say so."""
    return FastPathOutcome(None, None, {"path": "none", "subroutines": []})
