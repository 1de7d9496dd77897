"""`planner ground DOMAIN PROBLEM`: parse and ground a task and report its size.

Useful on its own to see what a task grounds to, and used by bench/grounding.py
to time the front-end in a separate process.
"""
from __future__ import annotations

import argparse
import json
import time

from planner.frontend.grounding import UnsolvableTaskError, ground
from planner.util.limits import apply_memory_limit, parse_memory, parse_time
from planner.frontend.inputs import parse_files
from planner.frontend.problem_files import resolve_domain


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ground", help="parse and ground a task; print its size",
                       description=__doc__)
    p.add_argument("domain", nargs="?", help="domain file (guessed from the problem's folder)")
    p.add_argument("problem", help="problem file")
    p.add_argument("--time-limit", type=parse_time, default=None, help="e.g. 30s, 5m")
    p.add_argument("--memory-limit", type=parse_memory, default=None, help="e.g. 2G, 512M")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--list", action="store_true", help="also list facts and operators")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.memory_limit:
        apply_memory_limit(args.memory_limit)
    domain = resolve_domain(args.domain, args.problem)
    start = time.perf_counter()
    parsed = parse_files(domain, args.problem)
    parsed_at = time.perf_counter()
    stats = {"parse_time": round(parsed_at - start, 4)}
    try:
        task = ground(parsed, time_limit=args.time_limit)
    except UnsolvableTaskError as exc:
        stats.update(status="unsolvable", reason=exc.message,
                     ground_time=round(time.perf_counter() - parsed_at, 4))
        _report(stats, args.json)
        return int(exc.exit_code)
    stats.update(
        status="grounded", ground_time=round(time.perf_counter() - parsed_at, 4),
        facts=task.num_facts, operators=task.num_operators,
        mutex_groups=len(task.mutex_groups),
        conditional_effects=0 if task.conditional is None else len(task.conditional.add),
        unit_cost=task.is_unit_cost,
    )
    _report(stats, args.json)
    if args.list:
        for name in task.fact_names:
            print("fact", name)
        for name, cost in zip(task.operators, task.cost):
            print("operator", name, int(cost))
    return 0


def _report(stats: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(stats))
    else:
        for key, value in stats.items():  # the summary is the command's output: stdout
            print(f"{key}: {value}")
