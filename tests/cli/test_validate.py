"""`planner validate`: verdict on stdout, VAL's exit codes for the verdict,
Fast Downward's for input mistakes, and one-line errors without tracebacks."""
from __future__ import annotations

from pathlib import Path

import pytest

from planner.cli import main as cli
from planner.cli.validate import INVALID_PLAN_EXIT
from planner.exitcodes import ExitCode

DOMAIN = """
(define (domain roads)
  (:requirements :typing :action-costs)
  (:types place)
  (:predicates (at ?p - place) (road ?a ?b - place))
  (:functions (total-cost) - number (dist ?a ?b - place) - number)
  (:action go :parameters (?a ?b - place)
    :precondition (and (at ?a) (road ?a ?b))
    :effect (and (not (at ?a)) (at ?b) (increase (total-cost) (dist ?a ?b)))))
"""

PROBLEM = """
(define (problem r1) (:domain roads)
  (:objects a b c - place)
  (:init (at a) (road a b) (road b c) (= (dist a b) 5) (= (dist b c) 7) (= (total-cost) 0))
  (:goal (at c))
  (:metric minimize (total-cost)))
"""


@pytest.fixture(autouse=True)
def only_validate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the real CLI with just this command, independent of its siblings."""
    monkeypatch.setattr(cli, "COMMANDS", ("validate",))


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    domain, problem = tmp_path / "domain.pddl", tmp_path / "problem.pddl"
    domain.write_text(DOMAIN)
    problem.write_text(PROBLEM)
    return domain, problem


def run(tmp_path: Path, files: tuple[Path, Path], plan_text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    plan = tmp_path / "plan"
    plan.write_text(plan_text)
    code = cli.main(["validate", str(files[0]), str(files[1]), str(plan)])
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_plan_prints_cost_and_exits_zero(tmp_path, files, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(tmp_path, files, "(go a b)\n(GO B C)\n; cost = 12 (general cost)\n", capsys)
    assert code == 0
    assert out == "Plan valid\nPlan cost: 12\n"
    assert err == ""


def test_wrong_declared_cost_warns_but_plan_stays_valid(tmp_path, files, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(tmp_path, files, "(go a b)\n(go b c)\n; cost = 2 (unit cost)\n", capsys)
    assert code == 0 and out.startswith("Plan valid")
    assert "claims cost 2, but the plan costs 12" in err


def test_failed_precondition_exits_one_with_step_and_literal(tmp_path, files, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(tmp_path, files, "; plan\n(go b c)\n(go a b)\n", capsys)
    assert code == INVALID_PLAN_EXIT == 1
    assert out.splitlines() == [
        "Plan invalid",
        "Step 1 (plan line 2): (go b c)",
        "Precondition not satisfied:",
        "  (at b)",
    ]


def test_unmet_goal_exits_one(tmp_path, files, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(tmp_path, files, "(go a b)\n", capsys)
    assert code == 1
    assert out.splitlines() == ["Plan invalid", "Goal not satisfied after 1 steps; false:", "  (at c)"]


def test_unknown_action_exits_one(tmp_path, files, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(tmp_path, files, "(fly a c)\n", capsys)
    assert code == 1
    assert "Unknown action:" in out and "no action named fly (actions: go)" in out


def test_malformed_plan_is_a_one_line_input_error(tmp_path, files, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(tmp_path, files, "(go a b)\ngo b c\n", capsys)
    assert code == ExitCode.DRIVER_INPUT_ERROR
    assert out == ""
    assert err == f"planner: error: {tmp_path / 'plan'}:2:1: expected '(' to start an action, found 'go b c'\n"


def test_missing_plan_file(tmp_path, files, capsys) -> None:  # type: ignore[no-untyped-def]
    code = cli.main(["validate", str(files[0]), str(files[1]), str(tmp_path / "none")])
    _, err = capsys.readouterr()
    assert code == ExitCode.DRIVER_INPUT_ERROR
    assert err.count("\n") == 1 and "plan file not found" in err


def test_bad_pddl_is_a_translate_input_error(tmp_path, files, capsys) -> None:  # type: ignore[no-untyped-def]
    files[1].write_text(PROBLEM.replace("(:goal (at c))", "(:goal (at c d))"))
    code, out, err = run(tmp_path, files, "(go a b)\n", capsys)
    assert code == ExitCode.TRANSLATE_INPUT_ERROR
    assert out == "" and err.startswith("planner: error: ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_help_documents_exit_codes(capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli.main(["validate", "--help"]) == 0
    out = capsys.readouterr().out
    assert "0   plan valid" in out and "1   plan invalid" in out and "36" in out and "31" in out


def test_missing_arguments_are_usage_errors(capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli.main(["validate", "only-domain.pddl"]) == ExitCode.DRIVER_INPUT_ERROR


def test_domain_is_guessed_beside_the_problem(tmp_path, files, capsys) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "plan"
    plan.write_text("(go a b)\n(go b c)\n")
    assert cli.main(["validate", str(files[1]), str(plan)]) == 0
    assert capsys.readouterr().out == "Plan valid\nPlan cost: 12\n"


def test_no_domain_to_guess_is_an_argument_error(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    lone = tmp_path / "deep" / "deeper" / "deepest"
    lone.mkdir(parents=True)
    (lone / "p.pddl").write_text(PROBLEM)
    (lone / "plan").write_text("(go a b)\n")
    assert cli.main(["validate", str(lone / "p.pddl"), str(lone / "plan")]) == ExitCode.DRIVER_INPUT_ERROR
    err = capsys.readouterr().err
    assert err.startswith("planner: error: no domain file given") and err.count("\n") == 1
