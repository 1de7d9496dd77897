"""The compiled search engine against an explicit-state reference.

Random small tasks (negative preconditions, conditional effects, zero-cost
operators) are solved by every algorithm; plans are replayed with
GroundTask's reference semantics and A* costs compared with Dijkstra.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import _core
from planner.search.engine import SearchStatus, search
from tests.random_tasks import (
    OpSpec,
    build_task,
    is_valid_plan,
    mutex_groups_of,
    optimal_cost,
    random_tasks,
    reachable_states,
)

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO.parent / "shared" / "benchmarks" / "ipc2023-learning"

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CONFIGS = [
    ("gbfs", ["goalcount"], None),
    ("gbfs", ["goalcount", "blind"], None),
    ("lazy-gbfs", ["goalcount"], None),
    ("astar", ["blind"], None),
    ("wastar", ["goalcount"], None),
    ("lazy-wastar", ["goalcount"], None),
]


@SETTINGS
@given(random_tasks())
def test_plans_valid_and_unsolvable_exactly_when_no_goal_reachable(task):
    expected = optimal_cost(task)
    for algorithm, evaluators, preferred in CONFIGS:
        for tie in ("fifo", "lifo"):
            result = search(task, algorithm, evaluators=evaluators, preferred=preferred,
                            tie_breaking=tie)
            if expected is None:
                assert result.status is SearchStatus.UNSOLVABLE, (algorithm, tie)
                assert result.plan is None
            else:
                assert result.status is SearchStatus.SOLVED, (algorithm, tie)
                assert is_valid_plan(task, result.plan), (algorithm, tie)
                assert result.cost == task.plan_cost(result.plan)
                assert result.cost >= expected


@SETTINGS
@given(random_tasks())
def test_astar_blind_is_optimal(task):
    result = search(task, "astar", evaluators=["blind"])
    assert result.cost == optimal_cost(task)


@pytest.mark.parametrize("name", ["max", "lmcut"])
@SETTINGS
@given(task=random_tasks(negative=False, conditional=False))
def test_astar_with_admissible_relaxation_heuristics_is_optimal(name, task):
    result = search(task, "astar", evaluators=[name])
    assert result.cost == optimal_cost(task)


@SETTINGS
@given(random_tasks())
def test_wastar_weight_one_is_optimal(task):
    result = search(task, "wastar", weight=1.0, evaluators=["blind"])
    assert result.cost == optimal_cost(task)


@SETTINGS
@given(random_tasks(), st.data())
def test_random_preferred_operators_keep_plans_valid(task, data):
    """Whatever a heuristic prefers (even inapplicable operators), plans stay valid."""
    seed = data.draw(st.integers(0, 2**16))

    def noisy(state):
        chosen = [o for o in range(task.num_operators) if (o * 7919 + seed + len(state)) % 3 == 0]
        names = [task.operators[o] for o in chosen[:2]]
        return float(len(state) % 3), chosen[2:] + names

    noisy.provides_preferred = True
    expected = optimal_cost(task)
    for algorithm in ("gbfs", "lazy-gbfs", "wastar"):
        result = search(task, algorithm, evaluators=[noisy], preferred=[noisy], boost=3)
        assert (result.plan is None) == (expected is None)
        if result.plan is not None:
            assert is_valid_plan(task, result.plan)


@SETTINGS
@given(random_tasks())
def test_successor_generator_matches_brute_force(task):
    gen = _core.SuccessorGenerator(_core.CompiledTask(task))
    for state in reachable_states(task):
        expected = [o for o in range(task.num_operators) if task.applicable(state, o)]
        assert gen.applicable_ops(state) == expected


@SETTINGS
@given(random_tasks())
def test_mutex_packing_round_trips_reachable_states_and_keeps_results(task):
    groups = mutex_groups_of(task)
    packed = build_task(task.num_facts, _specs(task), set(map(int, task.init)),
                        set(map(int, task.goal_pos)), set(map(int, task.goal_neg)), groups)
    packer = _core.StatePacker(_core.CompiledTask(packed), packed.mutex_groups)
    for state in reachable_states(task):
        assert packer.roundtrip(state) == state
    assert search(packed, "astar", evaluators=["blind"]).cost == optimal_cost(task)


def _specs(task) -> list[OpSpec]:
    ce = task.conditional
    specs = []
    for o in range(task.num_operators):
        effects = ()
        if ce is not None:
            effects = tuple(
                (tuple(ce.cond_pos.row(e)), tuple(ce.cond_neg.row(e)), tuple(ce.add.row(e)),
                 tuple(ce.delete.row(e)))
                for e in ce.ops.row(o)
            )
        specs.append(OpSpec(tuple(task.pre_pos.row(o)), tuple(task.pre_neg.row(o)),
                            tuple(task.add.row(o)), tuple(task.delete.row(o)), int(task.cost[o]), effects))
    return specs


def test_packing_uses_fewer_words_with_mutex_groups():
    n = 64
    ops = [OpSpec((i,), (), ((i + 1) % n,), (i,), 1) for i in range(n)]
    plain = build_task(n, ops, {0}, {n - 1})
    grouped = build_task(n, ops, {0}, {n - 1}, mutex_groups=(list(range(n)),))
    assert _core.StatePacker(_core.CompiledTask(plain)).num_words == 2
    packer = _core.StatePacker(_core.CompiledTask(grouped), grouped.mutex_groups)
    assert packer.num_words == 1 and packer.num_bits == 7
    result = search(grouped, "astar", evaluators=["blind"])
    assert result.cost == n - 1


def test_constant_facts_take_no_bits():
    ops = [OpSpec((0, 1), (), (2,), (), 1)]
    task = build_task(3, ops, {0, 1}, {2})
    packer = _core.StatePacker(_core.CompiledTask(task))
    assert packer.num_bits == 1
    assert packer.roundtrip({0, 1}) == {0, 1}


def test_unsolvable_initial_dead_end_and_goal_at_init():
    task = build_task(2, [OpSpec((0,), (), (1,), (), 1)], set(), {1})
    for algorithm in ("gbfs", "lazy-gbfs", "astar"):
        assert search(task, algorithm).status is SearchStatus.UNSOLVABLE
    at_goal = build_task(2, [OpSpec((0,), (), (1,), (), 1)], {1}, {1})
    result = search(at_goal, "lazy-gbfs")
    assert result.solved and result.plan == () and result.cost == 0


def test_statistics_are_counted():
    n = 6
    ops = [OpSpec((), (), (i,), (), 1) for i in range(n)]
    task = build_task(n, ops, set(), set(range(n)))
    result = search(task, "astar", evaluators=["blind"])
    s = result.statistics
    assert result.cost == n
    assert s.expansions >= n and s.evaluations >= s.expansions
    assert s.generated >= s.expansions
    assert s.initial_h == {"blind": 1.0}
    assert s.registered_states <= 2**n and s.registry_bytes > 0


def _big_task(n: int = 40):
    """2^n states, goal never reachable (fact n is never added)."""
    ops = [OpSpec((), (), (i,), (), 1) for i in range(n)] + [OpSpec((i,), (), (), (i,), 1) for i in range(n)]
    return build_task(n + 1, ops, set(), {n})


def test_time_limit_stops_search():
    result = search(_big_task(), "gbfs", evaluators=["blind"], time_limit=0.3)
    assert result.status is SearchStatus.OUT_OF_TIME
    assert 0.25 < result.statistics.search_time < 2.0
    assert result.plan is None


def test_the_time_limit_counts_from_the_engines_construction():
    """The set-up (successor generator, state packer) is part of the budget: on a
    task with millions of operators it takes seconds that the deadline cannot
    interrupt, and a limit counted from run() overran the caller's deadline by
    as much. Here the time between construction and run() stands for it."""
    import time

    task = _big_task()
    engine = _core.SearchEngine(task, "gbfs", [_core.HEURISTICS["blind"](task)], time_limit=0.3)
    time.sleep(0.4)
    raw = engine.run()
    assert raw["status"] == SearchStatus.OUT_OF_TIME.value
    assert raw["statistics"]["search_time"] < 0.2


def test_memory_limit_stops_search():
    import psutil

    rss_mib = psutil.Process().memory_info().rss / 2**20
    result = search(_big_task(), "gbfs", evaluators=["blind"], time_limit=60, memory_limit=rss_mib + 40)
    assert result.status is SearchStatus.OUT_OF_MEMORY
    assert result.statistics.registered_states > 100_000


def test_python_heuristic_errors_become_heuristic_errors():
    from planner.errors import HeuristicError

    task = build_task(2, [OpSpec((), (), (1,), (), 1)], set(), {1})

    def broken(state):
        raise KeyError("boom")

    with pytest.raises(HeuristicError, match="boom"):
        search(task, "gbfs", evaluators=[broken])
    with pytest.raises(HeuristicError, match="None"):
        search(task, "gbfs", evaluators=[lambda s: None])
    with pytest.raises(HeuristicError, match="non-negative"):
        search(task, "gbfs", evaluators=[lambda s: -1])


def test_python_dead_ends_make_search_incomplete_not_unsolvable():
    task = build_task(2, [OpSpec((), (), (1,), (), 1)], set(), {1})
    result = search(task, "gbfs", evaluators=[lambda s: math.inf])
    assert result.status is SearchStatus.INCOMPLETE
    assert result.status.exit_code == 12


def test_bad_arguments():
    from planner.errors import ArgumentError

    task = build_task(2, [OpSpec((), (), (1,), (), 1)], set(), {1})
    with pytest.raises(ArgumentError):
        search(task, "dfs")
    with pytest.raises(ArgumentError):
        search(task, "gbfs", evaluators=["nonsense"])
    with pytest.raises(ArgumentError):
        search(task, "gbfs", evaluators=[])


@pytest.mark.skipif(not BENCHMARKS.is_dir(), reason="IPC 2023 benchmarks not present")
def test_blocksworld_lazy_ff_with_preferred_operators_is_fast_and_compact():
    from planner.frontend.grounding import ground_files

    task = ground_files(BENCHMARKS / "blocksworld" / "domain.pddl",
                        BENCHMARKS / "blocksworld" / "testing" / "easy" / "p20.pddl")
    lazy = search(task, "lazy-gbfs", evaluators=["ff"], preferred=["ff"], time_limit=60)
    assert lazy.solved and is_valid_plan(task, lazy.plan)
    assert lazy.statistics.expansions < 2000
    blind = search(task, "astar", evaluators=["blind"], time_limit=2)
    assert blind.status is SearchStatus.OUT_OF_TIME
    assert blind.statistics.registered_states > 50_000
    assert blind.statistics.bytes_per_state <= 100
