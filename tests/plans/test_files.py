"""Plan files: parsing what planners write, rejecting malformed lines with a location,
and writing atomically with Fast Downward's cost trailer."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.errors import PlannerError
from planner.exitcodes import ExitCode
from planner.plans.files import Plan, PlanFileError, PlanStep, format_plan, parse_plan, read_plan, write_plan


def test_parses_fast_downward_plan_with_trailer() -> None:
    plan = parse_plan("(pick-up b)\n(stack b a)\n; cost = 2 (unit cost)\n")
    assert plan.steps == (PlanStep("pick-up", ("b",)), PlanStep("stack", ("b", "a")))
    assert plan.declared_cost == 2


def test_case_comments_blank_lines_and_spacing() -> None:
    text = "; header comment\n\n  ( Drive  T1 A   B ) ; trailing comment\n\t(NOOP)\n\n"
    plan = parse_plan(text)
    assert plan.steps == (PlanStep("drive", ("t1", "a", "b")), PlanStep("noop"))
    assert [s.line for s in plan.steps] == [3, 4]
    assert plan.declared_cost is None


def test_general_cost_trailer_with_fraction() -> None:
    assert parse_plan("(a)\n; cost = 7.5 (general cost)\n").declared_cost == 7.5


def test_val_style_timestamps_and_durations() -> None:
    plan = parse_plan("0.000: (move a b) [1.000]\n1: (move b c)\n")
    assert plan.steps == (PlanStep("move", ("a", "b")), PlanStep("move", ("b", "c")))


def test_step_text_round_trips() -> None:
    step = PlanStep("drive", ("t1", "a", "b"))
    assert str(step) == "(drive t1 a b)"
    assert parse_plan(str(step)).steps == (step,)


@pytest.mark.parametrize(
    "line, message, column",
    [
        ("drive t1 a b", "expected '('", 1),
        ("   (drive t1 a b", "missing ')'", 17),
        ("(drive t1) extra", "unexpected text after ')'", 11),
        ("(drive (t1) a)", "nested '('", 8),
        ("()", "empty action", 1),
        ("(  )", "empty action", 1),
    ],
)
def test_malformed_line_reports_path_line_and_column(line: str, message: str, column: int) -> None:
    with pytest.raises(PlanFileError) as info:
        parse_plan(f"(ok)\n; comment\n{line}\n", path="plan.txt")
    err = info.value
    assert isinstance(err, PlannerError)
    assert message in err.message
    assert (err.path, err.line, err.column) == ("plan.txt", 3, column)
    assert str(err).startswith(f"plan.txt:3:{column}: ")
    assert err.exit_code == ExitCode.DRIVER_INPUT_ERROR


def test_missing_plan_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="not found") as info:
        read_plan(tmp_path / "nope")
    assert info.value.path == str(tmp_path / "nope")


def test_directory_and_binary_files_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="directory"):
        read_plan(tmp_path)
    binary = tmp_path / "bin"
    binary.write_bytes(b"\xff\xfe\x00(a)")
    with pytest.raises(PlanFileError, match="UTF-8"):
        read_plan(binary)


def test_format_plan_trailers() -> None:
    steps = [PlanStep("a", ("x",)), PlanStep("b")]
    assert format_plan(steps, 2, unit_cost=True) == "(a x)\n(b)\n; cost = 2 (unit cost)\n"
    assert format_plan(steps, 12.0, unit_cost=False).endswith("; cost = 12 (general cost)\n")
    assert format_plan([], 0, unit_cost=True) == "; cost = 0 (unit cost)\n"


def test_write_plan_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "sas_plan"
    target.write_text("old contents\n")
    write_plan(target, [PlanStep("a", ("x",))], 1, unit_cost=True)
    assert target.read_text() == "(a x)\n; cost = 1 (unit cost)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sas_plan"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_plan_failure_keeps_old_file_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "sas_plan"
    target.write_text("old\n")

    class Boom:
        def __str__(self) -> str:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_plan(target, [Boom()], 1, unit_cost=True)  # type: ignore[list-item]
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sas_plan"]


def test_write_plan_into_missing_directory_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="cannot write"):
        write_plan(tmp_path / "missing" / "plan", [], 0, unit_cost=True)


_names = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
_steps = st.builds(PlanStep, _names, st.lists(_names, max_size=4).map(tuple))


@given(st.lists(_steps, max_size=20), st.integers(0, 10**6), st.booleans())
def test_write_then_read_round_trips(steps: list[PlanStep], cost: int, unit: bool) -> None:
    parsed = parse_plan(format_plan(steps, cost, unit))
    assert parsed == Plan(tuple(steps), cost, None)


@given(st.lists(_steps, max_size=10), st.sampled_from([str.upper, str.title, str.lower]))
def test_parsing_is_case_insensitive(steps: list[PlanStep], case) -> None:  # type: ignore[no-untyped-def]
    text = "\n".join(case(str(s)) for s in steps)
    assert parse_plan(text).steps == tuple(steps)
