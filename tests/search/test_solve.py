"""planner.search.solve: PDDL (paths or text) to a validated plan."""
from __future__ import annotations

import pytest

from tests.fixtures import benchmarks_dir
from planner.errors import ArgumentError
from planner.exitcodes import ExitCode
from planner.search.engine import SearchStatus
from planner.search.solve import parse_search_spec, solve
from tests.fixtures import COST_DOMAIN, COST_PROBLEM, GRIPPER_DOMAIN, GRIPPER_PROBLEM, TRAP_PROBLEM


def test_solves_pddl_strings_and_reports_times():
    result = solve(GRIPPER_DOMAIN, GRIPPER_PROBLEM)
    assert result.solved and result.exit_code == ExitCode.SUCCESS
    assert result.validated_by == "validator"
    assert result.unit_cost and result.cost == len(result.plan)
    assert result.plan[0].startswith("(pick")
    for key in ("parse_time", "ground_time", "search_time", "total_time", "expansions",
                "evaluations", "generated", "peak_memory_kb"):
        assert key in result.statistics
    s = result.statistics
    assert s["total_time"] >= s["parse_time"] + s["ground_time"] + s["search_time"] * 0.99


def test_paths_and_text_can_be_mixed(tmp_path):
    domain = tmp_path / "domain.pddl"
    domain.write_text(GRIPPER_DOMAIN)
    assert solve(domain, GRIPPER_PROBLEM).solved
    assert solve(str(domain), GRIPPER_PROBLEM, search="astar", heuristic="blind").cost == 7
    with pytest.raises(ArgumentError, match="not found"):
        solve(tmp_path / "missing.pddl", tmp_path / "missing-too.pddl")


@pytest.mark.parametrize("search", ["gbfs", "lazy-gbfs", "astar", "wastar:2", "lazy-wastar:3"])
@pytest.mark.parametrize("heuristic", ["ff", "add", "max", "lmcut", "goalcount", "blind"])
def test_every_search_and_heuristic(search, heuristic):
    result = solve(GRIPPER_DOMAIN, GRIPPER_PROBLEM, search=search, heuristic=heuristic)
    assert result.solved
    if search == "astar" and heuristic in ("max", "lmcut", "blind"):
        assert result.cost == 7


def test_action_costs_give_general_cost_and_optimal_astar():
    result = solve(COST_DOMAIN, COST_PROBLEM, search="astar", heuristic="blind")
    assert result.solved and not result.unit_cost
    assert result.cost == 2 and result.plan == ("(go a b)", "(go b c)")


def test_unsolvable_is_reported_with_fd_exit_codes():
    result = solve(COST_DOMAIN, TRAP_PROBLEM)
    assert result.status is SearchStatus.UNSOLVABLE
    assert result.exit_code in (ExitCode.TRANSLATE_UNSOLVABLE, ExitCode.SEARCH_UNSOLVABLE)
    assert result.plan is None


def test_python_heuristic_file(tmp_path):
    path = tmp_path / "h.py"
    path.write_text(
        "class Balls:\n"
        "    def __init__(self, task):\n"
        "        self.goal = task.goal_atoms\n"
        "    def __call__(self, state):\n"
        "        return sum(a not in state for a in self.goal)\n"
    )
    result = solve(GRIPPER_DOMAIN, GRIPPER_PROBLEM, heuristic=str(path))
    assert result.solved and result.statistics["heuristic"] == "Balls"
    assert solve(GRIPPER_DOMAIN, GRIPPER_PROBLEM, heuristic=f"{path}:Balls", search="gbfs").solved


def test_search_spec_parsing():
    assert parse_search_spec("wastar:3") == ("wastar", 3.0)
    assert parse_search_spec("wastar") == ("wastar", 5.0)
    assert parse_search_spec("GBFS") == ("gbfs", 1.0)
    for bad in ("dfs", "gbfs:2", "wastar:x", "wastar:-1", "wastar:inf"):
        with pytest.raises(ArgumentError):
            parse_search_spec(bad)


def test_time_limit_covers_the_whole_call():
    bench = benchmarks_dir()
    result = solve(bench / "blocksworld" / "domain.pddl", bench / "blocksworld" / "testing" / "easy" / "p30.pddl",
                   search="astar", heuristic="blind", time_limit=1.5)
    assert result.status is SearchStatus.OUT_OF_TIME
    assert result.exit_code == ExitCode.SEARCH_OUT_OF_TIME
    assert result.statistics["total_time"] < 4


def test_benchmark_task_solved_and_validated():
    bench = benchmarks_dir()
    result = solve(bench / "transport" / "domain.pddl", bench / "transport" / "testing" / "easy" / "p05.pddl")
    assert result.solved and result.validated_by == "validator"


class _Crashing:
    """A heuristic that fails on its first call."""

    def __init__(self, task):
        pass

    def __call__(self, state):
        raise RuntimeError("deliberate failure")


class _BadConstructor:
    def __init__(self, task):
        raise RuntimeError("cannot start")

    def __call__(self, state):
        return 0


class _GoalCount:
    def __init__(self, task):
        self.goal = list(task.goal_atoms)

    def __call__(self, state):
        return sum(1 for g in self.goal if g not in state)


def test_a_portfolio_alternates_and_names_members_apart():
    result = solve(GRIPPER_DOMAIN, GRIPPER_PROBLEM, search="gbfs", heuristic="ff,goalcount")
    assert result.solved and result.statistics["heuristic"] == "ff, goalcount"
    assert set(result.statistics["initial_h"]) == {"ff", "goalcount"}
    result = solve(GRIPPER_DOMAIN, GRIPPER_PROBLEM, search="gbfs", heuristic=[_GoalCount, _GoalCount])
    assert result.solved and result.statistics["heuristic"] == "_GoalCount#1, _GoalCount#2"


def test_a_failing_portfolio_member_is_dropped_and_the_others_solve(caplog):
    result = solve(GRIPPER_DOMAIN, GRIPPER_PROBLEM, search="gbfs",
                   heuristic=[_Crashing, _BadConstructor, _GoalCount])
    assert result.solved and result.statistics["heuristic"] == "_GoalCount"
    assert result.statistics["dropped_heuristics"] == ["_Crashing"]
    assert "deliberate failure" in caplog.text and "cannot start" in caplog.text


def test_a_lone_failing_heuristic_still_fails_the_run():
    from planner.errors import HeuristicError

    with pytest.raises(HeuristicError, match="_Crashing failed: RuntimeError: deliberate failure"):
        solve(GRIPPER_DOMAIN, GRIPPER_PROBLEM, search="gbfs", heuristic=_Crashing)
    with pytest.raises(HeuristicError, match="_Crashing#2 failed"):  # the last one standing
        solve(GRIPPER_DOMAIN, GRIPPER_PROBLEM, heuristic=[_Crashing, _Crashing])
    with pytest.raises(HeuristicError, match="every heuristic of the portfolio failed to start"):
        solve(GRIPPER_DOMAIN, GRIPPER_PROBLEM, heuristic=[_BadConstructor, _BadConstructor])
    with pytest.raises(ArgumentError, match="empty heuristic"):
        solve(GRIPPER_DOMAIN, GRIPPER_PROBLEM, heuristic="ff,")


def test_a_heuristic_that_hangs_in_the_jail_does_not_stretch_the_limit(tmp_path):
    """The jailed search is killed at the deadline and the h^FF fallback gets
    what is left, so the call ends within the limit (on this tiny task the
    fallback may still solve it in the moment that remains)."""
    import time

    path = tmp_path / "h.py"
    path.write_text(
        "class Slow:\n"
        "    def __init__(self, task):\n"
        "        while True:\n"
        "            pass\n"
        "    def __call__(self, state):\n"
        "        return 0\n"
    )
    start = time.perf_counter()
    result = solve(GRIPPER_DOMAIN, GRIPPER_PROBLEM, heuristic=str(path), time_limit=3)
    elapsed = time.perf_counter() - start
    assert result.status in (SearchStatus.OUT_OF_TIME, SearchStatus.SOLVED)
    assert elapsed < 3 + 1.0


HARD_FLOORTILE_ENTRIES = 11_973_648
"""task_entries of `python -m planner.domains.generate floortile --preset hard --seed 1`
(1,916,340 operators), where the fallback's start took 4.4 s under load."""


def test_the_fallback_reserve_grows_with_the_task_size():
    """The jail leaves the h^FF fallback a reserve linear in the task's size
    (operators and their precondition/add/delete entries): building h^FF and the
    search cannot be interrupted, and on a hard floortile task (1.9 M operators)
    they overran a 60 s limit by 11 s when the jail had used all the time."""
    from planner.domains import domain_file, generate_problem
    from planner.frontend.grounding import ground
    from planner.search.solve import (FALLBACK_RESERVE_BASE, fallback_reserve, parse_inputs,
                                      task_entries)

    sizes = []
    for rows, columns in ((2, 2), (4, 5), (8, 10)):
        problem = generate_problem("floortile", 1, rows=rows, columns=columns, robots=2)
        task = ground(parse_inputs(domain_file("floortile"), problem))
        sizes.append((task_entries(task), fallback_reserve(task)))
    entries = [e for e, _ in sizes]
    reserves = [r for _, r in sizes]
    assert entries == sorted(entries) and len(set(entries)) == 3
    assert reserves == sorted(reserves) and len(set(reserves)) == 3
    assert reserves[0] >= FALLBACK_RESERVE_BASE
    from planner.jail.runner import KILL_GRACE

    assert FALLBACK_RESERVE_BASE >= KILL_GRACE + 0.1  # a jail killed late still leaves 0.1 s
    # linear: twice the entries, twice the part above the base
    above = fallback_reserve(2 * entries[2]) - FALLBACK_RESERVE_BASE
    assert above == pytest.approx(2 * (reserves[2] - FALLBACK_RESERVE_BASE))
    # the measured size of the hard floortile task that overran (see fallback_reserve)
    assert fallback_reserve(HARD_FLOORTILE_ENTRIES) >= 4.4 * 1.5


def test_a_hanging_jailed_heuristic_leaves_the_reserve_to_the_fallback(tmp_path):
    """A real run: the jail is given the limit minus fallback_reserve(task), and the
    statistics say so."""
    import time

    from planner.search.solve import fallback_reserve

    path = tmp_path / "h.py"
    path.write_text(
        "class Slow:\n"
        "    def __init__(self, task):\n"
        "        while True:\n"
        "            pass\n"
        "    def __call__(self, state):\n"
        "        return 0\n"
    )
    start = time.perf_counter()
    result = solve(GRIPPER_DOMAIN, GRIPPER_PROBLEM, heuristic=str(path), time_limit=3)
    elapsed = time.perf_counter() - start
    jail = result.statistics["jail"]
    assert jail["outcome"] == "timeout"
    assert jail["reserve"] == pytest.approx(fallback_reserve(result.task))
    assert jail["wall_time"] < 3 - jail["reserve"] + 0.6  # the jail's kill grace is 0.5 s
    assert result.status in (SearchStatus.OUT_OF_TIME, SearchStatus.SOLVED)
    assert elapsed < 3 + 1.0


def test_every_plan_is_post_processed_before_the_validator_checks_it():
    from planner.search.engine import SearchResult
    from planner.search.solve import post_process, replay_on_task

    result = solve(GRIPPER_DOMAIN, GRIPPER_PROBLEM, search="gbfs", heuristic="ff")
    post = result.statistics["post_processing"]
    assert post["cost_after"] == result.cost <= post["cost_before"] and result.validated_by == "validator"
    task = result.task
    index = {name: i for i, name in enumerate(task.operators)}
    plan = tuple(index[name] for name in result.plan)
    # a round trip of the robot, and a ball picked up and put down again, in front of the plan
    detour = (index["(move a b)"], index["(move b a)"], index["(pick b1 a)"], index["(drop b1 a)"])
    searched = SearchResult(SearchStatus.SOLVED, detour + plan, task.plan_cost(detour + plan), None)
    improved, info = post_process(task, searched, deadline=float("inf"))
    replay_on_task(task, improved.plan)
    assert len(improved.plan) <= len(plan) and improved.cost == info["cost_after"] <= task.plan_cost(plan)
    assert info["cost_before"] == task.plan_cost(detour + plan) and info["complete"]
