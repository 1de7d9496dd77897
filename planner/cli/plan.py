"""`planner plan DK DOMAIN TASK [PLAN]`: plan with a heuristic learned by `planner learn`
(the IPC 2023 learning-track interface).

plan refuses a DK learned for another domain or one that fails the safety
check, then runs the same code path as `planner solve --heuristic`: DK's code
runs only in the jail (planner.jail; `planner doctor` shows its layers), and
this process alone validates and writes the plan. A subroutine library in
DK (`planner learn --subroutines`) gives a fast path first (planner.subroutines).

DK's own heuristic is searched in its kernel form (compiled to machine code,
~27x faster per evaluation: bench/examples/kernel-speed/) when `planner learn
--kernel` wrote DK.kernel.py beside DK under the rules of `--heuristic auto`:
its record marks it selected and was made from DK's current code
(python_form_sha256), it was learned for this domain and passes the static
check, and Numba is installed; otherwise the Python form, with a line on
stderr saying why ("Kernel form: ..."; --json: "heuristic_form").
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from planner.cli import solve as solve_command
from planner.heuristics.loader import load_learned_portfolio
from planner.heuristics.store import learned_kernel_form
from planner.subroutines.library import library_from_dk
from planner.util.limits import parse_memory, parse_time


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="plan with a learned heuristic (IPC learning track)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dk", help="heuristic file written by `planner learn`")
    p.add_argument("domain", help="domain file")
    p.add_argument("problem", help="problem file")
    p.add_argument("plan_file", nargs="?", default="sas_plan", help="plan file (default sas_plan)")
    p.add_argument("--search", default="gbfs", help="search (default gbfs, as in learning)")
    p.add_argument("--time-limit", default=None, help="e.g. 1800, 30m")
    p.add_argument("--memory-limit", default=None, help="e.g. 8G")
    p.add_argument("--subroutines", default="dk", metavar="dk|auto|off|PATH",
                   help="macro subroutines for a fast path before the plain search: dk (default) "
                        "the library `planner learn --subroutines` put in DK (none if it has "
                        "none), auto the stored or shipped library, off none, PATH a library file")
    p.add_argument("--json", action="store_true", help="print one JSON summary on stdout")
    p.add_argument("--unsafe-no-jail", action="store_true",
                   help="run the LLM-written heuristic even where the jail cannot be built "
                        "(`planner doctor`), with your privileges: it could then read, write or "
                        "delete your files and reach the network")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    classes = load_learned_portfolio(args.dk, args.domain)
    kernel, why = learned_kernel_form(args.dk, args.domain)
    if kernel is not None:
        # only DK's own heuristic has a kernel form; portfolio members stay Python
        classes[0] = replace(kernel, shares=classes[0].shares, python_form=classes[0])
    print(f"Kernel form: {why}" + ("" if kernel is not None else "; searching with the Python form"),
          file=sys.stderr)
    subroutines = getattr(args, "subroutines", "dk")
    if str(subroutines).strip().lower() == "dk":
        # DK's domain was checked above; a broken library in it is a LibraryError naming DK
        library = library_from_dk(args.dk, Path(args.domain).read_text(encoding="utf-8"))
        subroutines = library if library is not None and library.subroutines else "off"
    solve_args = argparse.Namespace(
        domain=args.domain, problem=args.problem, plan_file=args.plan_file, search=args.search,
        heuristic=classes, preferred=None, json=args.json, unsafe_no_jail=args.unsafe_no_jail,
        subroutines=subroutines,
        time_limit=parse_time(args.time_limit) if args.time_limit else None,
        memory_limit=parse_memory(args.memory_limit) if args.memory_limit else None,
        summary_extra={"heuristic_form": {"form": "kernel" if kernel is not None else "python",
                                          "reason": why}})
    return int(solve_command.run(solve_args))
