"""Helpers the stored-heuristic tests share: seeded generated problems, the stored programs
loaded in process, random applicable operators.

Test modules import from here and from tests/fixtures.py, never from each other.
"""
from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from planner.heuristics.api import TaskView
from planner.heuristics.loader import load_candidate, load_stored_portfolio
from planner.heuristics.store import find_stored_heuristic, python_form_of
from tests.fixtures import BENCHMARKS as BENCH
from tests.fixtures import ROOT as REPO


def generated_problem(domain: str, args: Sequence[str], out: Path) -> Path:
    """A problem file from our seeded generator (`python -m domains.generate DOMAIN ARGS`),
    named after its arguments so that several fit in one folder."""
    path = out / f"{domain}-{'-'.join(a.lstrip('-') for a in args)}.pddl"
    subprocess.run([sys.executable, "-m", "domains.generate", domain, *args, "-o", str(path)],
                   check=True, cwd=REPO, capture_output=True)
    return path


def stored(domain: str, task) -> list:
    """The stored heuristic `--heuristic auto` picks for DOMAIN (each portfolio member), as
    instances on TASK."""
    found = find_stored_heuristic(BENCH / domain / "domain.pddl", roots=[REPO / "heuristics"])
    assert found is not None, f"no stored heuristic for {domain}"
    path, class_name = found
    # The Python form: the kernel form equals it on sampled states
    # (tests/heuristics/test_kernel.py) and is compiled only in the jail.
    path, class_name = python_form_of(path, class_name)
    # our own shipped code, loaded in this test process (planner solve runs it in the jail)
    return [load_candidate(u.code, u.class_name)(TaskView(task)) for u in load_stored_portfolio(path, class_name)]


def random_applicable(task, state: frozenset[int], rng: random.Random) -> int | None:
    """A uniformly random applicable operator: rejection sampling (tasks have up
    to ~10^5 operators, few applicable in a state), a full scan if that fails."""
    for _ in range(5000):
        op = rng.randrange(task.num_operators)
        if task.applicable(state, op):
            return op
    ops = [o for o in range(task.num_operators) if task.applicable(state, o)]
    return rng.choice(ops) if ops else None
