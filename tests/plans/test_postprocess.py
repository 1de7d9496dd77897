"""Plan post-processing (planner.plans.postprocess): on any valid plan, greedy
action elimination gives a valid plan that is a subsequence of the input and
never costlier; shortcuts and improve_plan (both) a valid plan never costlier
and never longer."""
from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.plans.postprocess import eliminate_actions, improve_plan, shortcut_steps
from tests.random_tasks import OpSpec, build_task, is_valid_plan


def _subset(n: int, max_size: int):
    return st.lists(st.integers(0, n - 1), max_size=max_size, unique=True).map(lambda xs: tuple(sorted(xs)))


@st.composite
def tasks_with_plans(draw):
    """A random task (negative preconditions, conditional effects, costs 0-5)
    and a random walk from its initial state; the goal is drawn from the
    walk's last state, so the walk is a valid plan, usually with detours."""
    n = draw(st.integers(2, 8))
    ops = []
    for _ in range(draw(st.integers(1, 12))):
        effects = ()
        if draw(st.booleans()):
            effects = tuple((draw(_subset(n, 2)), draw(_subset(n, 1)), draw(_subset(n, 2)), draw(_subset(n, 2)))
                            for _ in range(draw(st.integers(1, 2))))
        ops.append(OpSpec(draw(_subset(n, 3)), draw(_subset(n, 1)), draw(_subset(n, 3)), draw(_subset(n, 3)),
                          draw(st.integers(0, 5)), effects))
    init = set(draw(_subset(n, n)))
    task = build_task(n, ops, init, set())
    state, walk = frozenset(init), []
    for _ in range(draw(st.integers(0, 40))):
        applicable = [o for o in range(len(ops)) if task.applicable(state, o)]
        if not applicable:
            break
        o = draw(st.sampled_from(applicable))
        walk.append(o)
        state = task.apply(state, o)
    goal_pos = set(draw(st.lists(st.sampled_from(sorted(state)), unique=True, max_size=3))) if state else set()
    absent = sorted(set(range(n)) - state)
    goal_neg = set(draw(st.lists(st.sampled_from(absent), unique=True, max_size=2))) if absent else set()
    return build_task(n, ops, init, goal_pos, goal_neg), tuple(walk)


def _is_subsequence(short: tuple[int, ...], long: tuple[int, ...]) -> bool:
    it = iter(long)
    return all(any(o == x for x in it) for o in short)


@settings(max_examples=300, deadline=None)
@given(tasks_with_plans(), st.sampled_from([1000, 0]))
def test_the_result_is_a_valid_cheaper_or_equal_subsequence(task_plan, greedy_max_length):
    task, plan = task_plan
    assert is_valid_plan(task, plan)
    done = eliminate_actions(task, plan, greedy_max_length=greedy_max_length)
    assert is_valid_plan(task, done.plan)
    assert _is_subsequence(done.plan, plan)
    assert done.cost_after == task.plan_cost(done.plan) <= task.plan_cost(plan) == done.cost_before
    assert done.removed == len(plan) - len(done.plan) and done.complete
    assert done.method == ("greedy" if len(plan) <= greedy_max_length else "scan")
    # a fixpoint: no single step (with the steps that depend on it) can go
    again = eliminate_actions(task, done.plan, greedy_max_length=greedy_max_length)
    assert again.removed == 0


@settings(max_examples=100, deadline=None)
@given(tasks_with_plans())
def test_a_passed_deadline_still_gives_a_valid_subsequence(task_plan):
    task, plan = task_plan
    done = eliminate_actions(task, plan, deadline=time.perf_counter() - 1)
    assert is_valid_plan(task, done.plan) and _is_subsequence(done.plan, plan)


def test_a_detour_and_the_steps_that_depend_on_it_are_removed():
    # facts: 0 at-a, 1 at-b, 2 at-c, 3 holding, 4 done
    ops = [OpSpec((0,), (), (1,), (0,), 1),      # 0: a -> b
           OpSpec((1,), (), (0,), (1,), 1),      # 1: b -> a
           OpSpec((0,), (), (2,), (0,), 1),      # 2: a -> c
           OpSpec((2,), (3,), (3,), (), 1),      # 3: pick at c
           OpSpec((2, 3), (), (4,), (3,), 1)]    # 4: finish at c
    task = build_task(5, ops, {0}, {4})
    done = eliminate_actions(task, (0, 1, 0, 1, 2, 3, 4))
    assert done.plan == (2, 3, 4) and (done.cost_before, done.cost_after, done.removed) == (7, 3, 4)


@settings(max_examples=300, deadline=None)
@given(tasks_with_plans(), st.integers(2, 4))
def test_shortcuts_give_a_valid_plan_never_costlier_or_longer(task_plan, window):
    task, plan = task_plan
    cut = shortcut_steps(task, plan, window=window)
    assert is_valid_plan(task, cut.plan) and cut.complete
    assert cut.cost_after == task.plan_cost(cut.plan) <= task.plan_cost(plan) == cut.cost_before
    assert len(cut.plan) <= len(plan) - cut.replaced  # each replacement shortens the plan


@settings(max_examples=300, deadline=None)
@given(tasks_with_plans())
def test_improve_plan_gives_a_valid_plan_never_costlier_or_longer(task_plan):
    task, plan = task_plan
    done = improve_plan(task, plan)
    assert is_valid_plan(task, done.plan)
    assert done.cost_after == task.plan_cost(done.plan) <= task.plan_cost(plan) == done.cost_before
    assert done.removed == len(plan) - len(done.plan) >= 0


def test_two_lift_moves_become_one_and_a_round_trip_disappears():
    # facts: 0 lift-at-1, 1 lift-at-2, 2 lift-at-3; a move between any two floors
    moves = {(a, b): k for k, (a, b) in enumerate((a, b) for a in range(3) for b in range(3) if a != b)}
    ops = [OpSpec((a,), (), (b,), (a,), 1) for (a, b) in moves]
    task = build_task(3, ops, {2}, {0})
    plan = (moves[2, 1], moves[1, 0])  # 3 -> 2 -> 1, where 3 -> 1 does it in one
    assert shortcut_steps(task, plan).plan == (moves[2, 0],)
    task = build_task(3, ops, {2}, {2})
    assert improve_plan(task, (moves[2, 1], moves[1, 2])).plan == ()
