"""`planner ground`: sizes as JSON or text, --list, unsolvable tasks, limits."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures import run_planner
from planner.cli import main as cli
from planner.frontend.grounding import ground_files

DOMAIN = """(define (domain shuttle)
  (:requirements :strips :typing :negative-preconditions :equality :conditional-effects)
  (:types truck - vehicle vehicle place)
  (:constants depot - place)
  (:predicates (at ?v - vehicle ?p - place) (road ?a ?b - place) (visited ?p - place))
  (:action drive
    :parameters (?v - truck ?from ?to - place)
    :precondition (and (at ?v ?from) (road ?from ?to) (not (= ?from ?to)))
    :effect (and (not (at ?v ?from)) (at ?v ?to) (visited ?to)
                 (forall (?w - truck) (when (at ?w ?from) (visited ?from))))))
"""
PROBLEM = """(define (problem p1)
  (:domain shuttle)
  (:objects t1 - truck a b - place)
  (:init (at t1 depot) (road depot a) (road a b))
  (:goal (and (at t1 b) (visited a))))
"""
KEYS = {"parse_time", "ground_time", "status", "facts", "operators", "mutex_groups",
        "conditional_effects", "unit_cost"}


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "domain.pddl").write_text(DOMAIN)
    (tmp_path / "p01.pddl").write_text(PROBLEM)
    return tmp_path / "domain.pddl", tmp_path / "p01.pddl"


def test_json_output(files, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ground", *map(str, files), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    stats = json.loads(out)
    assert KEYS <= stats.keys()
    task = ground_files(*files)
    assert stats["status"] == "grounded"
    assert (stats["facts"], stats["operators"]) == (task.num_facts, task.num_operators)
    assert stats["unit_cost"] is True
    assert stats["conditional_effects"] >= 1
    assert stats["parse_time"] >= 0 and stats["ground_time"] >= 0


def test_the_text_summary_is_the_output_on_stdout(files, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ground", *map(str, files)]) == 0
    out, err = capsys.readouterr()
    assert "status: grounded" in out and "operators: " in out
    assert "status:" not in err


def test_json_reports_an_input_error_too(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "absent.pddl"
    code = cli.main(["ground", str(missing), str(missing), "--json"])
    out = capsys.readouterr().out
    assert code == 31  # FD's translate input error
    summary = json.loads(out)
    assert summary["status"] == "error" and summary["exit_code"] == 31 and "absent.pddl" in summary["error"]


def test_an_unknown_option_shows_the_subcommand_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["solve", "p.pddl", "--bogus"]) == 36
    err = capsys.readouterr().err
    assert "usage: planner solve" in err and "unrecognized arguments: --bogus" in err


def test_list(files, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ground", *map(str, files), "--json", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    stats = json.loads(lines[0])
    facts = [l for l in lines[1:] if l.startswith("fact ")]
    ops = [l for l in lines[1:] if l.startswith("operator ")]
    assert len(facts) == stats["facts"] and len(ops) == stats["operators"]
    assert "operator (drive t1 depot a) 1" in ops
    assert "fact (at t1 depot)" in facts


def test_domain_is_guessed(files, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ground", str(files[1]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "grounded"


def test_unsolvable_exit_10_with_json(files, capsys: pytest.CaptureFixture[str]) -> None:
    files[1].write_text(PROBLEM.replace("(visited a)", "(road b a)"))
    assert cli.main(["ground", *map(str, files), "--json"]) == 10
    stats = json.loads(capsys.readouterr().out)
    assert stats["status"] == "unsolvable" and "(road b a)" in stats["reason"]


def test_limits_are_accepted(files, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ground", *map(str, files), "--json", "--time-limit", "5m"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "grounded"


def test_subprocess_json_and_memory_limit(files) -> None:
    done = run_planner("ground", *files, "--json", "--memory-limit", "2G")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    stats = json.loads(done.stdout)
    assert stats["status"] == "grounded" and stats["operators"] == ground_files(*files).num_operators


def test_benchmark_task_json(benchmarks: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problem = benchmarks / "blocksworld" / "testing" / "easy" / "p01.pddl"
    assert cli.main(["ground", str(problem), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    task = ground_files(benchmarks / "blocksworld" / "domain.pddl", problem)
    assert stats["operators"] == task.num_operators and stats["facts"] == task.num_facts
