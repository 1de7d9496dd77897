"""`planner validate [DOMAIN] PROBLEM PLAN`: check a plan independently of the planner.

Exit codes follow VAL for the verdict and Fast Downward for input mistakes,
so scripts can tell "the plan is wrong" from "the files are wrong":
0 the plan is valid, 1 the plan is invalid, and the PlannerError codes
(31 bad PDDL or unsupported feature, 36 unreadable/malformed plan file
or no domain file found).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planner.frontend.parsing import ParsedTask
from planner.frontend.inputs import parse_files
from planner.plans.files import read_plan
from planner.frontend.problem_files import resolve_domain
from planner.plans.validate import validate_parsed

INVALID_PLAN_EXIT = 1
"""Exit code for a plan that fails validation (VAL's convention)."""

_EPILOG = """\
exit status:
  0   plan valid (prints "Plan valid" and "Plan cost: N")
  1   plan invalid (prints the failing step and the false precondition,
      or the goals left unsatisfied)
  31  the domain or problem is malformed or uses an unsupported feature
  36  the plan file is missing or malformed, or no domain file was found
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check that a plan solves a task (exit 0 valid, 1 invalid)",
        description="Execute PLAN from PROBLEM's initial state under DOMAIN's PDDL semantics, "
        "independently of the planner's grounder, and report the first failing step or unmet goals.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "domain", type=Path, metavar="DOMAIN", nargs="?",
        help="PDDL domain file (if omitted, guessed from PROBLEM's folder as Fast Downward does)",
    )
    parser.add_argument("problem", type=Path, metavar="PROBLEM", help="PDDL problem file")
    parser.add_argument("plan", type=Path, metavar="PLAN", help="plan file: one (action arg ...) per line")
    parser.set_defaults(run=run)


def load_task(domain_path: Path | None, problem_path: Path) -> ParsedTask:
    """Parse the PDDL files (errors carry file:line); guess the domain like FD if omitted."""
    return parse_files(resolve_domain(domain_path, problem_path), problem_path)


def run(args: argparse.Namespace) -> int:
    plan = read_plan(args.plan)
    report = validate_parsed(load_task(args.domain, args.problem), plan.steps)
    print(report.describe())
    if report.valid and plan.declared_cost is not None and plan.declared_cost != report.cost:
        print(
            f"Warning: {args.plan} claims cost {plan.declared_cost}, but the plan costs {report.cost}",
            file=sys.stderr,
        )
    return 0 if report.valid else INVALID_PLAN_EXIT
