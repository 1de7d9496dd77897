"""`planner solve [DOMAIN] PROBLEM`: find a plan, Fast Downward style.

The domain is guessed from the problem's folder when omitted. The plan is
validated before it is written (atomically) to --plan-file (default
sas_plan). Exit codes are Fast Downward's: 0 plan found, 10/11 unsolvable,
12 search incomplete, 20/22 out of memory, 21/23 out of time, 30+ errors.
Log lines go to stderr; --json prints one summary object on stdout.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any, Iterator

from contextlib import contextmanager

from planner.exitcodes import ExitCode
from planner.util.limits import apply_memory_limit, parse_memory, parse_time
from planner.plans.files import remove_stale_plans, write_plan
from planner.frontend.problem_files import resolve_domain
from planner.search.engine import COMPILED_HEURISTICS
from planner.search.solve import DEFAULT_HEURISTIC, DEFAULT_SEARCH, SolveResult, parse_search_spec, search_choices
from planner.subroutines.solve import solve

GRACE_SECONDS = 2.0
"""The search checks its time limit itself; the alarm is only a backstop for
Python code (parsing, grounding, Python heuristics) that overruns it."""


class _HardTimeLimit(BaseException):
    """Raised by the backstop alarm; a BaseException so no handler swallows it."""


class _Terminated(BaseException):
    """Raised on SIGTERM (how run limiters such as the IPC's end a run): the
    search sees it at its next signal check (every 2 ms) and stops, logging
    its statistics so far."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("solve", help="find a plan (Fast Downward conventions)", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("domain", nargs="?", help="domain file (guessed from the problem's folder)")
    p.add_argument("problem", help="problem file")
    p.add_argument("--plan-file", default="sas_plan", help="where to write the plan (default sas_plan)")
    p.add_argument("--search", default=DEFAULT_SEARCH,
                   help=f"{' | '.join(search_choices())} (default %(default)s)")
    p.add_argument("--heuristic", default=DEFAULT_HEURISTIC,
                   help=f"{' | '.join(COMPILED_HEURISTICS)} | PATH.py[:ClassName] | auto "
                        "(default %(default)s: the stored heuristic or portfolio for this domain, "
                        "else ff); several joined by commas are searched in alternation, "
                        "NAME*N giving one N turns per round (e.g. 'auto*3,ff')")
    pref = p.add_mutually_exclusive_group()
    pref.add_argument("--preferred", dest="preferred", action="store_true", default=None,
                      help="use the heuristic's preferred operators (default for greedy searches)")
    pref.add_argument("--no-preferred", dest="preferred", action="store_false",
                      help="ignore preferred operators")
    p.add_argument("--time-limit", type=parse_time, default=None, help="e.g. 300, 30s, 5m, 1h")
    p.add_argument("--memory-limit", type=parse_memory, default=None, help="e.g. 2048, 512M, 8G")
    p.add_argument("--subroutines", default="off", metavar="auto|off|PATH",
                   help="mined macro operators tried first under half the time, then the plain "
                        "search: 'auto' uses the stored library for this domain, search and "
                        "heuristic (python -m planner.subroutines learn; else the one shipped "
                        "beside the domain's heuristic), PATH a library file "
                        "(default %(default)s)")
    p.add_argument("--json", action="store_true", help="print one JSON summary on stdout")
    p.add_argument("--unsafe-no-jail", action="store_true",
                   help="run heuristic files and stored (LLM-written) heuristics even where the "
                        "jail cannot be built (`planner doctor`), with your privileges: they could "
                        "then read, write or delete your files and reach the network")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    parse_search_spec(args.search)  # reject a bad --search before any work
    if args.memory_limit:
        apply_memory_limit(args.memory_limit)
    domain = resolve_domain(args.domain, args.problem)
    memory_mib = args.memory_limit / 2**20 if args.memory_limit else None
    plan_file = Path(args.plan_file)
    remove_stale_plans(plan_file)
    try:
        with _alarm(args.time_limit), _terminate_on_sigterm():
            result = solve(domain, args.problem, search=args.search, heuristic=args.heuristic,
                           time_limit=args.time_limit, memory_limit=memory_mib,
                           preferred=args.preferred,
                           subroutines=getattr(args, "subroutines", "off"),  # `plan` builds its own args
                           allow_unjailed=bool(getattr(args, "unsafe_no_jail", False)), verbosity=1)
    except _Terminated:
        return _abort(args, start, "out_of_time", ExitCode.SEARCH_OUT_OF_TIME,
                      "Terminated (SIGTERM). Abort search.")
    except _HardTimeLimit:
        return _abort(args, start, "out_of_time", ExitCode.SEARCH_OUT_OF_TIME, "Time limit reached. Abort search.")
    except MemoryError:
        return _abort(args, start, "out_of_memory", ExitCode.SEARCH_OUT_OF_MEMORY, "Memory limit reached.")
    if result.solved:
        assert result.plan is not None and result.cost is not None
        write_plan(plan_file, list(result.plan), result.cost, result.unit_cost)
    _log(result, start)
    if args.json:
        # `plan` adds what it chose before the search (heuristic_form)
        print(json.dumps({**_summary(result, start), **(getattr(args, "summary_extra", None) or {})}))
    return int(result.exit_code)


@contextmanager
def _alarm(time_limit: float | None) -> Iterator[None]:
    if not time_limit or not hasattr(signal, "setitimer"):
        yield
        return

    def fire(signum: int, frame: Any) -> None:
        raise _HardTimeLimit()

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, time_limit + GRACE_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _terminate_on_sigterm() -> Iterator[None]:
    def fire(signum: int, frame: Any) -> None:
        raise _Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, fire)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _log(result: SolveResult, start: float) -> None:
    s = result.statistics
    err = sys.stderr
    if s.get("heuristic_file"):
        print(f"Heuristic auto: using stored {s.get('heuristic')} from {s['heuristic_file']}",
              file=err)
    if s.get("dropped_heuristics"):
        print(f"Portfolio: dropped {', '.join(s['dropped_heuristics'])} after a failure; "
              f"searched with {s.get('heuristic')}", file=err)
    sub = s.get("subroutines")
    if sub:
        if sub.get("path") == "fast":
            used = ", ".join(f"{k} x{v}" for k, v in (sub.get("used") or {}).items()) or "none"
            print(f"Subroutines: fast path solved the task ({sub.get('instances')} instances; used {used})",
                  file=err)
        elif sub.get("path") == "fast-failed":
            print(f"Subroutines: fast path failed ({sub.get('failure')}) after "
                  f"{sub.get('fast_time', 0.0):.2f}s; plain search", file=err)
        else:
            print("Subroutines: none for this domain and configuration; plain search", file=err)
    # "Initial heuristic value for NAME: N" is printed by the search at its start.
    if result.exit_code == ExitCode.TRANSLATE_UNSOLVABLE:
        print("Goal is unreachable (proved while grounding) -- no solution!", file=err)
    else:
        print(result.status.message, file=err)
    post = s.get("post_processing")
    if post and post.get("removed"):
        print(f"Post-processing: {post['removed']} of {post['length_before']} step(s) fewer "
              f"({post['replaced']} run(s) shortcut, {post['eliminated']} step(s) eliminated), "
              f"cost {post['cost_before']} -> {post['cost_after']} ({post['time']:.3f}s)", file=err)
    if result.solved and result.plan is not None:
        print(f"Plan length: {len(result.plan)} step(s).", file=err)
        print(f"Plan cost: {result.cost}", file=err)
    for key, label in (("expansions", "Expanded"), ("reopened", "Reopened"),
                       ("evaluations", "Evaluated"), ("generated", "Generated"),
                       ("dead_ends", "Dead ends:")):
        if key in s:
            print(f"{label} {s[key]} state(s).", file=err)
    print(f"Search time: {s.get('search_time', 0.0):.4f}s", file=err)
    print(f"Total time: {time.perf_counter() - start:.4f}s", file=err)
    print(f"Peak memory: {s.get('peak_memory_kb', 0)} KB", file=err)


def _summary(result: SolveResult, start: float) -> dict[str, Any]:
    s = result.statistics
    return {
        "status": result.status.value,
        "exit_code": int(result.exit_code),
        "plan_length": len(result.plan) if result.plan is not None else None,
        "plan_cost": result.cost,
        "unit_cost": result.unit_cost,
        "expansions": s.get("expansions", 0),
        "evaluations": s.get("evaluations", 0),
        "generated": s.get("generated", 0),
        "dead_ends": s.get("dead_ends", 0),
        "reopened": s.get("reopened", 0),
        "initial_h": s.get("initial_h", {}),
        "parse_time": s.get("parse_time"),
        "ground_time": s.get("ground_time"),
        "search_time": s.get("search_time"),
        "total_time": time.perf_counter() - start,
        "peak_memory_kb": s.get("peak_memory_kb"),
        "algorithm": s.get("algorithm"),
        "heuristic": s.get("heuristic"),
        "heuristic_file": s.get("heuristic_file"),
        "dropped_heuristics": s.get("dropped_heuristics", []),
        "validated_by": result.validated_by,
        "subroutines": s.get("subroutines"),
        "post_processing": s.get("post_processing"),
        "jail": ({k: v for k, v in s["jail"].items() if k != "output"}  # the child's text stays off stdout
                 if isinstance(s.get("jail"), dict) else None),
    }


def _abort(args: argparse.Namespace, start: float, status: str, code: ExitCode, message: str) -> int:
    from planner.util.limits import peak_memory_kb

    print(message, file=sys.stderr)
    print(f"Total time: {time.perf_counter() - start:.4f}s", file=sys.stderr)
    print(f"Peak memory: {peak_memory_kb()} KB", file=sys.stderr)
    if args.json:
        print(json.dumps({"status": status, "exit_code": int(code), "plan_length": None,
                          "plan_cost": None, "expansions": None, "evaluations": None,
                          "generated": None, "parse_time": None, "ground_time": None,
                          "search_time": None, "total_time": time.perf_counter() - start,
                          "peak_memory_kb": peak_memory_kb()}))
    return int(code)
