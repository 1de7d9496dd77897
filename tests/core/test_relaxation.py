"""Tests of the compiled delete-relaxation heuristics h^max, h^add and h^FF.

Random small tasks are checked against slow reference implementations (a
fixpoint computation of h^max/h^add and an explicit Dijkstra for h*), and the
heuristics' known orderings are checked as invariants. Helpers here are also
used by test_lmcut.py.
"""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from tests.core.reference import (BENCH, FD_TASKS, HAdd, HFF, HMax, all_states, fd_reference, make_task,
                                   optimal_cost, random_tasks, reference_relaxed, relaxed_solvable)

# PLANNER_CORE_MODULE lets the heuristics be tested from a private build of
# the core while the rest of planner._core is being developed.


# -- building tasks ---------------------------------------------------------


# -- slow references ---------------------------------------------------------


# -- invariants on random tasks ------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(random_tasks(), st.data())
def test_hmax_and_hadd_match_reference(task, data):
    state = data.draw(st.sampled_from(list(all_states(task))))
    assert HMax(task).compute(state)[0] == reference_relaxed(task, state, max)
    assert HAdd(task).compute(state)[0] == reference_relaxed(task, state, sum)


@settings(max_examples=200, deadline=None)
@given(random_tasks())
def test_orderings_over_all_states(task):
    hmax, hadd, hff = HMax(task), HAdd(task), HFF(task)
    for state in all_states(task):
        vmax, vadd, vff = hmax.compute(state)[0], hadd.compute(state)[0], hff.compute(state)[0]
        assert vff <= vadd
        # h^FF counts each operator once; with conditional effects a relaxed
        # plan may need one operator twice, so only then can h^FF < h^max.
        assert vmax <= vff or task.conditional is not None
        assert vmax <= optimal_cost(task, state)
        solvable = relaxed_solvable(task, state)
        for v in (vmax, vadd, vff):
            assert (v == math.inf) == (not solvable)
            if task.is_goal(set(state)):
                assert v == 0


@settings(max_examples=200, deadline=None)
@given(random_tasks(negative=False), st.data())
def test_ff_preferred_operators_are_applicable_relaxed_plan_steps(task, data):
    state = set(data.draw(st.sampled_from(list(all_states(task)))))
    h, preferred = HFF(task).compute(state)
    assert len(preferred) == len(set(preferred))
    for o in preferred:
        assert task.applicable(state, o)
    goals_true = all(int(g) in state for g in task.goal_pos)
    if h < math.inf and not goals_true:
        assert preferred, "a relaxed plan always has a step applicable now"
    if goals_true or h == math.inf:
        assert preferred == []


def test_hff_below_hmax_when_an_operator_fires_twice():
    # op0 adds 1, and adds the goal 0 when 1 already holds: h^max = 2, but
    # the relaxed plan {op0} costs 1 (FD's h^FF behaves the same way).
    cond = [[([], [], [1], []), ([1], [], [0], [])]]
    task = make_task(2, [([], [], [], [], 1)], init=[], goal_pos=[0], cond=cond)
    assert HMax(task).compute([])[0] == 2
    assert HFF(task).compute([]) == (1, [0])


def test_hff_counts_shared_operators_once():
    # op0 achieves both goals; h^add counts it twice, h^FF once.
    task = make_task(3, [([0], [], [1, 2], [], 1)], init=[0], goal_pos=[1, 2])
    assert HAdd(task).compute([0])[0] == 2
    assert HMax(task).compute([0])[0] == 1
    h, preferred = HFF(task).compute([0])
    assert (h, preferred) == (1, [0])


def test_operators_without_preconditions_and_action_costs():
    # op0 (cost 5, no precondition) adds 1; op1 (cost 2) needs 0 and adds 1.
    task = make_task(2, [([], [], [1], [], 5), ([0], [], [1], [], 2)], init=[], goal_pos=[1])
    assert HFF(task).compute([]) == (5, [0])
    assert HFF(task).compute([0]) == (2, [1])
    assert HMax(task).compute([0])[0] == 2


def test_conditional_effect_condition_joins_precondition():
    # op0 adds goal 2 only when 1 holds; op1 adds 1.
    cond = [[([1], [], [2], [])], []]
    task = make_task(3, [([0], [], [], [], 1), ([0], [], [1], [], 3)], init=[0],
                     goal_pos=[2], cond=cond)
    assert HMax(task).compute([0])[0] == 4
    assert HFF(task).compute([0]) == (4, [1])
    assert HFF(task).compute([0, 1]) == (1, [0])


def test_dead_end_and_goal_values():
    task = make_task(3, [([0], [], [1], [], 1)], init=[0], goal_pos=[2])
    for h in (HMax(task), HAdd(task), HFF(task)):
        assert h.compute([0]) == (math.inf, [])
        assert h.compute([2])[0] == 0


def test_negative_goal_needs_a_deleter():
    task = make_task(2, [([0], [], [], [1], 3)], init=[0, 1], goal_pos=[0], goal_neg=[1])
    assert HFF(task).compute([0, 1])[0] == 3
    assert HMax(task).compute([0])[0] == 0
    no_deleter = make_task(2, [([0], [], [0], [], 3)], init=[0, 1], goal_pos=[0], goal_neg=[1])
    assert HAdd(no_deleter).compute([0, 1])[0] == math.inf


def test_large_costs_switch_queue_to_heap():
    big = 10**9
    task = make_task(3, [([0], [], [1], [], big), ([1], [], [2], [], big)], init=[0], goal_pos=[2])
    assert HMax(task).compute([0])[0] == 2 * big
    assert HFF(task).compute([0])[0] == 2 * big
    assert HMax(task).compute([1])[0] == big  # queue is reusable afterwards


def test_evaluator_metadata():
    task = make_task(1, [([], [], [0], [], 1)], init=[], goal_pos=[0])
    assert [HMax(task).name, HAdd(task).name, HFF(task).name] == ["max", "add", "ff"]
    assert HFF(task).provides_preferred and HAdd(task).provides_preferred
    assert not HMax(task).provides_preferred
    assert all(h.is_safe for h in (HMax(task), HAdd(task), HFF(task)))


# -- cross-check with Fast Downward on IPC tasks ----------------------------------


@pytest.mark.parametrize("task_name", FD_TASKS)
def test_initial_values_equal_fd_on_the_same_sas_task(task_name):
    """Same facts, operators and precondition order as FD: equal values,
    including h^FF (same best supporters under the same tie-breaking)."""
    task, fd = fd_reference(task_name)
    init = [int(f) for f in task.init]
    for name, cls in (("max", HMax), ("add", HAdd), ("ff", HFF)):
        assert cls(task).compute(init)[0] == fd[name], name


@pytest.mark.parametrize("task_name", FD_TASKS)
def test_initial_values_on_our_grounding(task_name):
    """Our grounder's task: h^max and h^add equal FD's; h^FF depends on
    tie-breaking among best supporters, so only its bounds are checked."""
    grounding = pytest.importorskip("planner.frontend.grounding")
    _, fd = fd_reference(task_name)
    domain = BENCH / task_name.split("/")[0] / "domain.pddl"
    task = grounding.ground_files(domain, BENCH / (task_name + ".pddl"))
    init = [int(f) for f in task.init]
    assert HMax(task).compute(init)[0] == fd["max"]
    assert HAdd(task).compute(init)[0] == fd["add"]
    assert fd["max"] <= HFF(task).compute(init)[0] <= fd["add"]
