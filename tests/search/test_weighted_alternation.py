"""Weighted alternation: a portfolio member given N shares ('NAME*N') gets N
pops of the open lists per round instead of FD's one each."""
from __future__ import annotations

from pathlib import Path

import pytest

from planner.core.openlist import AlternationOpenList
from planner.errors import ArgumentError
from planner.frontend.grounding import ground_files
from planner.search.engine import make_evaluator, search
from planner.search.solve import resolve_auto, resolve_heuristic, solve, split_shares

BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "ipc2023-learning"
BW = BENCH / "blocksworld"


def test_equal_shares_alternate_like_fast_downward():
    assert AlternationOpenList(2, 0, 0).schedule(6) == [0, 1, 0, 1, 0, 1]


def test_shares_give_turns_in_proportion():
    order = AlternationOpenList(2, 0, 0).schedule(40, [3, 1])
    assert order.count(0) == 30 and order.count(1) == 10
    # spread over the round, not three in a row then one: never more than 3 without list 1
    runs = "".join(map(str, order)).split("1")
    assert max(len(r) for r in runs) <= 3


def test_preferred_lists_follow_their_members_shares():
    order = AlternationOpenList(2, 2, 0).schedule(60, [2, 1])
    counts = [order.count(i) for i in range(4)]
    assert counts == [20, 10, 20, 10]


def test_shares_out_of_range_are_refused():
    with pytest.raises(ValueError):
        AlternationOpenList(2, 0, 0).schedule(1, [0, 1])
    with pytest.raises(ValueError):
        AlternationOpenList(2, 0, 0).schedule(1, [1])


@pytest.mark.parametrize("spec,expected", [("ff", ("ff", 1)), ("ff*3", ("ff", 3)), ("auto * 2", ("auto", 2)),
                                           ("h.py:H*4", ("h.py:H", 4))])
def test_split_shares(spec, expected):
    assert split_shares(spec) == expected


@pytest.mark.parametrize("spec", ["ff*0", "ff*x", "*3", "ff*65", "ff*-1"])
def test_bad_shares_name_the_spec(spec):
    with pytest.raises(ArgumentError, match=r"NAME\*N"):
        split_shares(spec)


def test_shares_change_the_search_and_one_share_is_the_default():
    task = ground_files(str(BW / "domain.pddl"), str(BW / "testing" / "easy" / "p10.pddl"))

    def expansions(shares: tuple[int, int]) -> int:
        a, b = make_evaluator("goalcount", task), make_evaluator("ff", task)
        a.shares, b.shares = shares
        return search(task, "gbfs", evaluators=[a, b], time_limit=60).statistics.expansions

    plain = search(task, "gbfs", evaluators=["goalcount", "ff"], time_limit=60).statistics.expansions
    assert expansions((1, 1)) == plain
    # measured: 148 expansions with equal turns, 124 with goal counting x3, 193 with h^FF x3
    assert expansions((3, 1)) < plain < expansions((1, 3))


def test_specs_carry_shares_to_evaluators_and_stored_members():
    task = ground_files(str(BW / "domain.pddl"), str(BW / "testing" / "easy" / "p01.pddl"))
    assert resolve_heuristic("ff*3", task).shares == 3
    assert resolve_heuristic("ff", task).shares == 1
    members, stored = resolve_auto("auto*3,ff", BW / "domain.pddl")
    assert stored is not None and members[-1] == "ff"
    assert all(m.shares == 3 for m in members[:-1])


def test_solve_runs_a_weighted_portfolio_with_the_stored_heuristic_in_the_jail():
    result = solve(BW / "domain.pddl", BW / "testing" / "easy" / "p05.pddl", heuristic="auto*3,ff",
                   time_limit=60)
    assert result.solved and result.validated_by is not None
    assert not result.statistics["dropped_heuristics"]
