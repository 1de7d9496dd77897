"""`planner validate DOMAIN PROBLEM PLAN`: check a plan independently of the planner.

Exit codes follow VAL for the verdict and Fast Downward for input mistakes,
so scripts can tell "the plan is wrong" from "the files are wrong":
0 the plan is valid, 1 the plan is invalid, and the PlannerError codes
(31 bad PDDL or unsupported feature, 36 unreadable/malformed plan file).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pddl.core import Domain, Problem

from planner.errors import PDDLInputError
from planner.plan import read_plan
from planner.validate import validate_plan

INVALID_PLAN_EXIT = 1
"""Exit code for a plan that fails validation (VAL's convention)."""

_EPILOG = """\
exit status:
  0   plan valid (prints "Plan valid" and "Plan cost: N")
  1   plan invalid (prints the failing step and the false precondition,
      or the goals left unsatisfied)
  31  the domain or problem is malformed or uses an unsupported feature
  36  the plan file is missing or malformed
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
    parser.add_argument("domain", type=Path, metavar="DOMAIN", help="PDDL domain file")
    parser.add_argument("problem", type=Path, metavar="PROBLEM", help="PDDL problem file")
    parser.add_argument("plan", type=Path, metavar="PLAN", help="plan file: one (action arg ...) per line")
    parser.set_defaults(run=run)


def load_task(domain_path: Path, problem_path: Path) -> tuple[Domain, Problem]:
    """Parse the PDDL files with the project's parser (errors carry file:line)."""
    try:
        from planner.parsing import parse_files
    except ImportError:  # until planner.parsing lands: plain pddl, no line numbers
        import pddl

        try:
            return pddl.parse_domain(domain_path), pddl.parse_problem(problem_path)
        except Exception as err:  # noqa: BLE001 - any parser failure is bad input
            raise PDDLInputError(str(err).splitlines()[0] if str(err) else type(err).__name__) from None
    parsed = parse_files(domain_path, problem_path)
    return parsed.domain, parsed.problem


def run(args: argparse.Namespace) -> int:
    plan = read_plan(args.plan)
    domain, problem = load_task(args.domain, args.problem)
    report = validate_plan(domain, problem, plan.steps)
    print(report.describe())
    if report.valid and plan.declared_cost is not None and plan.declared_cost != report.cost:
        print(
            f"Warning: {args.plan} claims cost {plan.declared_cost}, but the plan costs {report.cost}",
            file=sys.stderr,
        )
    return 0 if report.valid else INVALID_PLAN_EXIT
