"""The stored heuristics (what `--heuristic auto` runs) stay valid away from good plans.

Learning probes a candidate on states along a reference plan and their
successors, and runs it under a greedy search that rarely leaves a good
path: a program that breaks on states a weaker search (or a larger task)
reaches -- e.g. past a dead end -- is not caught there. Here every stored
heuristic of the ten domains is evaluated on states of seeded random walks
in a generated medium task (larger than the training tasks): it must return
a valid number (a crash would make `planner solve` discard its search and
start again with h^FF), zero exactly at goal states.

spanner gets its known risk spelled out: with the man walked past every
spanner to the gate the task is a dead end (links are one-way); the corridor
program indexes the sorted positions of the spanners (and nuts) ahead, which
would run off the list if the nuts' positions were not in the state. They
are (the grounder keeps `at` facts of nuts, a fluent predicate), so it returns
a finite value there; this test fails if that ever changes.
"""
from __future__ import annotations

import math
import random

import pytest

from planner import _core
from planner.frontend.grounding import ground_files
from planner.llm.jobs import check_value
from tests.heuristics.helpers import BENCH, generated_problem, random_applicable, stored
DOMAINS = ["blocksworld", "childsnack", "ferry", "floortile", "miconic", "rovers", "satellite",
           "sokoban", "spanner", "transport"]
WALKS, STEPS = 8, 40


def check_state(heuristics: list, task, context, state: frozenset[int], where: str) -> float:
    view = _core.StateView.from_ids(context, sorted(state))
    goal = task.is_goal(state)
    values = []
    for h in heuristics:
        value = check_value(h(view))  # raises on a crash or an invalid value
        assert (value == 0) == goal, f"{where}: h = {value} in a {'goal' if goal else 'non-goal'} state"
        values.append(value)
    return max(values)


@pytest.mark.parametrize("domain", DOMAINS)
def test_stored_heuristic_is_valid_on_random_walk_states(domain, tmp_path):
    problem = generated_problem(domain, ["--preset", "medium", "--seed", "7"], tmp_path)
    task = ground_files(str(BENCH / domain / "domain.pddl"), str(problem))
    heuristics = stored(domain, task)
    context = _core.ViewContext(task)
    rng = random.Random(f"{domain}-walks")
    init = frozenset(int(f) for f in task.init)
    checked = 0
    for walk in range(WALKS):
        state = init
        for step in range(STEPS):
            op = random_applicable(task, state, rng)
            if op is None:
                break
            state = task.apply(state, op)
            check_state(heuristics, task, context, state, f"{problem.name} walk {walk} step {step}")
            checked += 1
    assert checked >= WALKS * 5


def test_spanner_dead_end_past_every_spanner_gives_a_value(tmp_path):
    problem = generated_problem("spanner", ["--preset", "medium", "--seed", "1"], tmp_path)
    task = ground_files(str(BENCH / "spanner" / "domain.pddl"), str(problem))
    heuristics = stored("spanner", task)
    context = _core.ViewContext(task)
    state = frozenset(int(f) for f in task.init)
    walked = 0
    while True:
        walks = [o for o in range(task.num_operators)
                 if task.operators[o].startswith("(walk") and task.applicable(state, o)]
        if not walks:
            break
        state = task.apply(state, walks[0])
        walked += 1
        value = check_state(heuristics, task, context, state, f"after {walked} walks")
        assert not math.isnan(value)
    assert walked >= 29  # shed -> location1..29 -> gate: at the gate with no spanner, a dead end
    assert ("at", "bob", "gate") in {task.facts[f] for f in state}
