"""`planner solve` as a subprocess: plan files, FD log lines, exit codes, limits."""
from __future__ import annotations

import json
import shutil

import pytest

from tests.fixtures import benchmarks_dir, run_planner
from tests.fixtures import COST_DOMAIN, COST_PROBLEM, GRIPPER_DOMAIN, GRIPPER_PROBLEM, TRAP_PROBLEM



@pytest.fixture
def gripper(tmp_path):
    (tmp_path / "domain.pddl").write_text(GRIPPER_DOMAIN)
    problem = tmp_path / "p01.pddl"
    problem.write_text(GRIPPER_PROBLEM)
    return problem


def test_solves_with_guessed_domain_and_writes_plan(gripper, tmp_path):
    plan = tmp_path / "sas_plan"
    proc = run_planner("solve", gripper, "--plan-file", plan)
    assert proc.returncode == 0, proc.stderr
    lines = plan.read_text().splitlines()
    assert lines[-1] == f"; cost = {len(lines) - 1} (unit cost)"
    assert all(line.startswith("(") for line in lines[:-1])
    for expected in ("Solution found!", f"Plan length: {len(lines) - 1} step(s).", "Plan cost:",
                     "Expanded", "Evaluated", "Generated", "Search time:", "Total time:",
                     "Peak memory:", "Initial heuristic value for ff:"):
        assert expected in proc.stderr
    assert not list(tmp_path.glob(".sas_plan*"))  # no temporary file left behind


def test_json_summary_and_general_cost(tmp_path):
    (tmp_path / "domain.pddl").write_text(COST_DOMAIN)
    (tmp_path / "p.pddl").write_text(COST_PROBLEM)
    plan = tmp_path / "plan.txt"
    proc = run_planner("solve", tmp_path / "domain.pddl", tmp_path / "p.pddl", "--plan-file", plan,
                       "--search", "astar", "--heuristic", "blind", "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    for key in ("status", "plan_length", "plan_cost", "expansions", "evaluations", "generated",
                "parse_time", "ground_time", "search_time", "total_time", "peak_memory_kb"):
        assert key in summary
    assert summary["status"] == "solved" and summary["plan_cost"] == 2
    assert plan.read_text().splitlines() == ["(go a b)", "(go b c)", "; cost = 2 (general cost)"]


def test_unsolvable_exit_code_and_no_plan(tmp_path):
    (tmp_path / "domain.pddl").write_text(COST_DOMAIN)
    (tmp_path / "p.pddl").write_text(TRAP_PROBLEM)
    plan = tmp_path / "sas_plan"
    proc = run_planner("solve", tmp_path / "p.pddl", "--plan-file", plan)
    assert proc.returncode in (10, 11), proc.stderr
    assert not plan.exists()


@pytest.mark.parametrize("args, message", [
    (["--search", "dfs"], "unknown search"),
    (["--heuristic", "nonsense"], "unknown heuristic"),
    (["--time-limit", "soon"], "invalid time limit"),
    (["--heuristic", "missing.py"], "not found"),
])
def test_argument_errors(gripper, tmp_path, args, message):
    proc = run_planner("solve", gripper, "--plan-file", tmp_path / "sas_plan", *args)
    assert proc.returncode == 36
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_heuristic_file_errors_are_reported_cleanly(gripper, tmp_path):
    h = tmp_path / "h.py"
    h.write_text("class H:\n    def __init__(self, task): pass\n    def __call__(self, s): return 1 / 0\n")
    proc = run_planner("solve", gripper, "--plan-file", tmp_path / "sas_plan", "--heuristic", h)
    # The heuristic runs in the jail; its failure is its own: a warning naming the
    # error, then h^FF in the parent finds the plan.
    assert proc.returncode == 0, proc.stderr
    assert "ZeroDivisionError" in proc.stderr and "Traceback" not in proc.stderr
    assert "searching with h^FF instead" in proc.stderr
    assert (tmp_path / "sas_plan").exists()


def test_no_domain_found(tmp_path):
    problem = tmp_path / "p.pddl"
    problem.write_text(GRIPPER_PROBLEM)
    proc = run_planner("solve", problem, "--plan-file", tmp_path / "sas_plan")
    assert proc.returncode == 36 and "domain" in proc.stderr


def _hard_task(tmp_path):
    bench = benchmarks_dir()
    folder = tmp_path / "bw"
    folder.mkdir()
    shutil.copy(bench / "blocksworld" / "domain.pddl", folder / "domain.pddl")
    shutil.copy(bench / "blocksworld" / "testing" / "easy" / "p30.pddl", folder / "p30.pddl")
    return folder / "p30.pddl"


def test_time_limit_exit_code_and_no_plan(tmp_path):
    problem = _hard_task(tmp_path)
    plan = tmp_path / "sas_plan"
    proc = run_planner("solve", problem, "--plan-file", plan, "--search", "astar",
                       "--heuristic", "blind", "--time-limit", "2s", "--json")
    assert proc.returncode == 23, proc.stderr
    assert json.loads(proc.stdout)["status"] == "out_of_time"
    assert "Time limit reached" in proc.stderr
    assert not plan.exists()


def test_memory_limit_exit_code_and_no_plan(tmp_path):
    problem = _hard_task(tmp_path)
    plan = tmp_path / "sas_plan"
    proc = run_planner("solve", problem, "--plan-file", plan, "--search", "astar",
                       "--heuristic", "blind", "--memory-limit", "400M", "--time-limit", "120")
    assert proc.returncode == 22, proc.stderr
    assert "Memory limit reached" in proc.stderr
    assert not plan.exists()


def test_benchmark_task_plan_validates(tmp_path):
    bench = benchmarks_dir()
    plan = tmp_path / "sas_plan"
    problem = bench / "ferry" / "testing" / "easy" / "p10.pddl"
    proc = run_planner("solve", problem, "--plan-file", plan)
    assert proc.returncode == 0, proc.stderr
    check = run_planner("validate", bench / "ferry" / "domain.pddl", problem, plan)
    assert check.returncode == 0, check.stdout + check.stderr
