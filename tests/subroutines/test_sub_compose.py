"""Composition equals step-by-step execution (planner.subroutines.compose)."""
from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.subroutines.compose import (
    CompositionError, causally_linked, compose, run_steps, undoes_itself)
from tests.random_tasks import OpSpec, build_task, random_tasks


def all_states(n: int):
    for bits in itertools.product((0, 1), repeat=n):
        yield frozenset(i for i, b in enumerate(bits) if b)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_tasks(max_facts=6, max_ops=6), st.data())
def test_composition_equals_execution_on_every_state(task, data):
    steps = data.draw(st.lists(st.integers(0, task.num_operators - 1), min_size=1, max_size=4))
    states = list(all_states(task.num_facts))
    try:
        comp = compose(task, steps)
    except CompositionError as err:
        if "conditional" in err.reason:
            return  # rejected windows are never used
        # A contradictory window is applicable nowhere.
        assert all(run_steps(task, s, steps) is None for s in states)
        return
    assert comp.cost == sum(int(task.cost[o]) for o in steps)
    for s in states:
        after = run_steps(task, s, steps)
        assert comp.applicable(s) == (after is not None), (sorted(s), steps)
        if after is not None:
            assert comp.apply(s) == after


@settings(max_examples=200, deadline=None)
@given(random_tasks(max_facts=6, max_ops=6, conditional=False), st.data())
def test_strips_windows_are_never_rejected_for_conditions(task, data):
    steps = data.draw(st.lists(st.integers(0, task.num_operators - 1), min_size=1, max_size=4))
    try:
        compose(task, steps)
    except CompositionError as err:
        assert "conditional" not in err.reason


def test_conditional_effect_decided_by_earlier_step_is_folded():
    # op0 adds f0; op1 adds f2 when f0 holds and deletes f1 when f3 holds (f3 unknown -> reject)
    task = build_task(4, [OpSpec((), (), (0,), (), 1),
                          OpSpec((1,), (), (), (), 1, effects=(((0,), (), (2,), ()),)),
                          OpSpec((1,), (), (), (), 1, effects=(((3,), (), (), (1,)),))],
                      init={1}, goal_pos={2})
    comp = compose(task, [0, 1])
    assert comp.add == {0, 2} and comp.pre_pos == {1}
    with pytest.raises(CompositionError, match="conditional"):
        compose(task, [0, 2])


def test_deleted_precondition_rejects_the_window():
    task = build_task(2, [OpSpec((0,), (), (1,), (0,), 1), OpSpec((0,), (), (), (), 1)],
                      init={0}, goal_pos={1})
    with pytest.raises(CompositionError, match="deleted"):
        compose(task, [0, 1])


def test_self_undoing_and_causal_links():
    # op0: a -> b ; op1: b -> a ; op2: needs c (unrelated)
    task = build_task(3, [OpSpec((0,), (), (1,), (0,), 1), OpSpec((1,), (), (0,), (1,), 1),
                          OpSpec((2,), (), (2,), (), 1)], init={0, 2}, goal_pos={1})
    assert undoes_itself(task, [0, 1])
    assert not undoes_itself(task, [0])
    assert causally_linked(task, [0, 1])
    assert not causally_linked(task, [0, 2])
