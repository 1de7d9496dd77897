"""Blocksworld's and miconic's stored heuristics descend at every step of their own strategy.

Both programs (heuristics/pools/blocksworld/13-greedy-tower-actions.md,
heuristics/pools/miconic/13-look-elevator-stops.md) were written so that the
greedy strategy their preferred operators follow lowers h at every step: on
generated hard tasks the earlier programs had plateaus (an unstack to the table
or a lift move left h unchanged) that a greedy search could not cross in 60 s.
Here, from the initial state and from states of seeded random walks of small
generated tasks, applying the first preferred operator again and again must
lower h by at least 1 each time and reach a goal state (h = 0).
"""
from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from planner import _core
from planner.frontend.grounding import ground_files
from tests.heuristics.test_stored_off_plan import BENCH, random_applicable, stored

REPO = Path(__file__).resolve().parents[2]
CASES = [("blocksworld", ["--blocks", "12"]), ("miconic", ["--passengers", "12", "--floors", "9"])]


def value_and_preferred(heuristic, context, state):
    out = heuristic(_core.StateView.from_ids(context, sorted(state)))
    return (out[0], list(out[1])) if isinstance(out, tuple) else (out, [])


@pytest.mark.parametrize("domain,size", CASES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_preferred_operators_lower_h_at_every_step(domain, size, seed, tmp_path):
    problem = tmp_path / f"{domain}-{seed}.pddl"
    subprocess.run([sys.executable, "-m", "domains.generate", domain, "--seed", str(seed), *size,
                    "-o", str(problem)], check=True, cwd=REPO, capture_output=True)
    task = ground_files(str(BENCH / domain / "domain.pddl"), str(problem))
    heuristic = stored(domain, task)[0]
    context = _core.ViewContext(task)
    rng = random.Random(f"{domain}-{seed}")
    init = frozenset(int(f) for f in task.init)
    starts = [init]
    for _ in range(6):
        state = init
        for _ in range(rng.randrange(1, 30)):
            op = random_applicable(task, state, rng)
            if op is None:
                break
            state = task.apply(state, op)
        starts.append(state)
    for start in starts:
        state = start
        h, preferred = value_and_preferred(heuristic, context, state)
        steps = 0
        while h > 0:
            assert preferred, f"no preferred operator at h = {h}"
            op = preferred[0]
            assert task.applicable(state, op), task.operators[op]
            state = task.apply(state, op)
            h_next, preferred = value_and_preferred(heuristic, context, state)
            assert h_next <= h - 1, f"{task.operators[op]}: h {h} -> {h_next}"
            h = h_next
            steps += 1
        assert task.is_goal(state)
        assert steps >= 0
