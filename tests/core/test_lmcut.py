"""Tests of the compiled LM-cut heuristic: admissibility against h* from an
explicit Dijkstra, dominance over h^max, goal awareness and dead ends, on
random small tasks (with zero costs, action costs, negative conditions and
conditional effects), plus hand-made cases with known values."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from tests.core.reference import (
    BENCH,
    FD_TASKS,
    fd_reference,
    HMax,
    all_states,
    core,
    make_task,
    optimal_cost,
    random_tasks,
    relaxed_solvable,
)

LMCut = core.LMCut


@settings(max_examples=300, deadline=None)
@given(random_tasks())
def test_lmcut_between_hmax_and_optimal_cost(task):
    lmcut, hmax = LMCut(task), HMax(task)
    for state in all_states(task):
        value, preferred = lmcut.compute(state)
        assert preferred == []
        assert hmax.compute(state)[0] <= value <= optimal_cost(task, state)
        assert (value == math.inf) == (not relaxed_solvable(task, state))
        if task.is_goal(set(state)):
            assert value == 0


@settings(max_examples=100, deadline=None)
@given(random_tasks(negative=False, conditional=False, max_facts=7, max_ops=10), st.data())
def test_repeated_evaluation_is_deterministic(task, data):
    """Scratch state is fully reset between calls: evaluating other states
    in between must not change a state's value."""
    lmcut = LMCut(task)
    states = list(all_states(task))
    first = data.draw(st.sampled_from(states))
    before = lmcut.compute(first)
    for s in data.draw(st.lists(st.sampled_from(states), max_size=5)):
        lmcut.compute(s)
    assert lmcut.compute(first) == before


def test_disjoint_landmarks_add_up():
    # Two independent goals, each needing its own operator: LM-cut = 2 + 3
    # while h^max = 3.
    task = make_task(3, [([0], [], [1], [], 2), ([0], [], [2], [], 3)], init=[0], goal_pos=[1, 2])
    assert LMCut(task).compute([0])[0] == 5
    assert HMax(task).compute([0])[0] == 3


def test_chain_with_zero_cost_steps():
    # 0 -a(0)-> 1 -b(4)-> 2 -c(0)-> 3, alternative 0 -d(7)-> 3.
    ops = [([0], [], [1], [], 0), ([1], [], [2], [], 4), ([2], [], [3], [], 0),
           ([0], [], [3], [], 7)]
    task = make_task(4, ops, init=[0], goal_pos=[3])
    assert LMCut(task).compute([0])[0] == 4
    assert LMCut(task).compute([2])[0] == 0


def test_shared_operator_charged_once_with_conditional_effects():
    # One operator (cost 3) achieves both goals through two conditional
    # effects; charging it per effect would give 6 > h* = 3.
    cond = [[([], [], [1], []), ([], [], [2], [])]]
    task = make_task(3, [([0], [], [], [], 3)], init=[0], goal_pos=[1, 2], cond=cond)
    assert LMCut(task).compute([0])[0] == 3


def test_dead_end_and_no_goals():
    task = make_task(2, [([0], [], [0], [], 1)], init=[0], goal_pos=[1])
    assert LMCut(task).compute([0]) == (math.inf, [])
    assert LMCut(task).name == "lmcut"
    assert LMCut(task).is_safe


@pytest.mark.parametrize("task_name", FD_TASKS)
def test_initial_value_equals_fd_on_the_same_sas_task(task_name):
    """With FD's operator and precondition order, LM-cut's tie-breaking (and
    so its value) is FD's."""
    task, fd = fd_reference(task_name)
    assert LMCut(task).compute([int(f) for f in task.init])[0] == fd["lmcut"]


@pytest.mark.parametrize("task_name", FD_TASKS)
def test_initial_value_on_our_grounding_is_between_hmax_and_hff(task_name):
    grounding = pytest.importorskip("planner.frontend.grounding")
    _, fd = fd_reference(task_name)
    domain = BENCH / task_name.split("/")[0] / "domain.pddl"
    task = grounding.ground_files(domain, BENCH / (task_name + ".pddl"))
    value = LMCut(task).compute([int(f) for f in task.init])[0]
    assert fd["max"] <= value <= fd["ff"] or value == fd["lmcut"]
