"""`planner solve --subroutines auto|off|PATH` and the unified-planning engine's option."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures import run_planner
from planner.exitcodes import ExitCode
from planner.subroutines.library import Library, config_key, domain_fingerprint, library_path
from planner.subroutines.lifted import Subroutine

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "domains" / "blocksworld" / "domain.pddl"
PROBLEM = ROOT / "domains" / "blocksworld" / "examples" / "p01.pddl"
PICK_STACK = Subroutine((("pickup", (0,)), ("stack", (0, 1))), ("object", "object"))
UNSTACK_PUT = Subroutine((("unstack", (0, 1)), ("putdown", (0,))), ("object", "object"))


def _library(path: Path, domain: Path = DOMAIN, search: str = "lazy-gbfs", heuristic: str = "ff") -> Path:
    text = domain.read_text()
    return Library(domain_fingerprint(text), config_key(search, heuristic), [PICK_STACK, UNSTACK_PUT]).write(path)


def test_solve_with_a_library_file_writes_a_valid_primitive_plan(tmp_path):
    lib = _library(tmp_path / "lib.json")
    plan = tmp_path / "plan"
    # --heuristic ff: the library was measured with h^FF (auto would run the shipped
    # heuristic in the jail, fast path included: tests/subroutines/test_sub_preferred.py)
    out = run_planner("solve", DOMAIN, PROBLEM, "--plan-file", plan, "--subroutines", lib, "--json",
                      "--heuristic", "ff", PLANNER_SUBROUTINES_DIR=str(tmp_path / "cache"))
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["subroutines"]["path"] == "fast"
    assert "Subroutines: fast path solved the task" in out.stderr
    assert "Solution found!" in out.stderr
    assert run_planner("validate", DOMAIN, PROBLEM, plan).returncode == 0
    assert "+" not in plan.read_text()  # no macro names in the plan file
    usage = json.loads(lib.with_name(lib.name + ".usage.json").read_text())
    assert usage[PICK_STACK.key]["fast_paths"] == 1


def test_auto_finds_the_stored_library_and_off_ignores_it(tmp_path):
    cache = tmp_path / "cache"
    text = DOMAIN.read_text()
    _library(library_path(text, "lazy-gbfs", "ff", root=cache))
    plan = tmp_path / "plan"
    auto = run_planner("solve", DOMAIN, PROBLEM, "--plan-file", plan, "--subroutines", "auto", "--json",
                       "--heuristic", "ff", PLANNER_SUBROUTINES_DIR=str(cache))
    assert auto.returncode == 0, auto.stderr
    assert json.loads(auto.stdout)["subroutines"]["path"] == "fast"
    off = run_planner("solve", DOMAIN, PROBLEM, "--plan-file", plan, "--json", "--heuristic", "ff",
                      PLANNER_SUBROUTINES_DIR=str(cache))
    assert off.returncode == 0 and json.loads(off.stdout)["subroutines"] is None


def test_a_bad_library_is_a_one_line_input_error(tmp_path):
    bad = tmp_path / "lib.json"
    bad.write_text("{broken")
    out = run_planner("solve", DOMAIN, PROBLEM, "--plan-file", tmp_path / "plan", "--subroutines", bad)
    assert out.returncode == ExitCode.DRIVER_INPUT_ERROR
    assert str(bad) in out.stderr and "Traceback" not in out.stderr
    other = _library(tmp_path / "other.json", domain=ROOT / "domains" / "ferry" / "domain.pddl")
    out = run_planner("solve", DOMAIN, PROBLEM, "--plan-file", tmp_path / "plan", "--subroutines", other)
    assert out.returncode == ExitCode.DRIVER_INPUT_ERROR and "another domain" in out.stderr


def test_unified_planning_engine_takes_the_option():
    pytest.importorskip("unified_planning")
    from unified_planning.io import PDDLReader

    from planner.up_engine import PlannerEngine

    problem = PDDLReader().parse_problem(str(DOMAIN), str(PROBLEM))
    with PlannerEngine(subroutines=[PICK_STACK, UNSTACK_PUT]) as engine:
        result = engine.solve(problem, timeout=30)
    assert result.plan is not None and len(result.plan.actions) > 0
    assert {a.action.name for a in result.plan.actions} <= {"pickup", "putdown", "stack", "unstack"}
