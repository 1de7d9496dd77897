"""One run end to end: outcomes, validation, limits and killing (planner.bench.runner)."""
from __future__ import annotations

import os
import time
from pathlib import Path


from planner.bench.experiment import Limits
from planner.bench.runner import execute


def test_valid_plan_counts_with_validator_cost(toy_tasks, fake_planner, make_spec):
    result = execute(make_spec(fake_planner("good"), toy_tasks[0]))
    assert result["coverage"] == 1
    assert result["error"] == "success"
    assert result["unexplained_errors"] == []
    assert (result["cost"], result["plan_length"]) == (2, 2)
    assert (result["expansions"], result["evaluations"], result["generated"]) == (3, 4, 5)
    assert result["memory"] == 1234
    assert result["id"] == ["fake-good", "toy", "p01.pddl"]
    assert "(move b c)" in result["_plan"]


def test_invalid_plan_is_an_unexplained_error(toy_tasks, fake_planner, make_spec):
    result = execute(make_spec(fake_planner("bad"), toy_tasks[0]))
    assert result["coverage"] == 0
    assert result["cost"] is None
    assert result["error"] == "invalid-plan"
    assert any("invalid plan" in e for e in result["unexplained_errors"])


def test_claimed_plan_without_file_is_unexplained(toy_tasks, fake_planner, make_spec):
    result = execute(make_spec(fake_planner("noplan"), toy_tasks[0]))
    assert (result["coverage"], result["error"]) == (0, "missing-plan")
    assert result["unexplained_errors"]


def test_critical_exit_code_is_unexplained_with_stderr(toy_tasks, fake_planner, make_spec):
    result = execute(make_spec(fake_planner("crash"), toy_tasks[0]))
    assert result["error"] == "driver-critical-error"
    assert result["exit_code"] == 35
    assert "boom" in result["unexplained_errors"][0]


def test_address_space_backstop_is_limit_plus_margin(toy_tasks, fake_planner, make_spec):
    limits = Limits(time=10, memory=300 * 2**20, margin=100 * 2**20)
    result = execute(make_spec(fake_planner("rlimit"), toy_tasks[0], limits))
    assert f"limit {400 * 2**20}" in result["_log"]
    assert (result["error"], result["unexplained_errors"]) == ("search-unsolvable-incomplete", [])


def test_hanging_run_is_killed_with_its_whole_process_group(toy_tasks, fake_planner, make_spec):
    limits = Limits(time=1, memory=2**30, grace=0.5)
    start = time.perf_counter()
    result = execute(make_spec(fake_planner("hang"), toy_tasks[0], limits))
    assert time.perf_counter() - start < 8
    assert result["killed"] is True
    assert (result["coverage"], result["error"], result["unexplained_errors"]) == (0, "search-out-of-time", [])
    pid = int((Path(toy_tasks[0].problem_file).parent / "grandchild.pid").read_text())
    time.sleep(0.2)
    assert not _alive(pid), "the planner's child survived the kill"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie has exited; only its parent (gone) could reap it
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_our_planner_solves_and_is_validated(toy_tasks, make_spec):
    from planner.bench.algorithms import parse_algorithm

    result = execute(make_spec(parse_algorithm("ours-gbfs-ff"), toy_tasks[1]))
    assert (result["coverage"], result["error"], result["cost"]) == (1, "success", 2)
    assert result["claimed_cost"] == 2 and result["expansions"] >= 1
