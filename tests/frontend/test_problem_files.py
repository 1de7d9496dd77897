"""planner.frontend.problem_files: guessing the domain file the way FD's driver does
(plus domain.pddl one or two folders up, the IPC layout)."""
from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import ArgumentError
from planner.exitcodes import ExitCode
from planner.frontend.problem_files import domain_candidates, resolve_domain


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("(define)")
    return path


def test_explicit_domain_wins(tmp_path: Path) -> None:
    problem = touch(tmp_path / "p01.pddl")
    touch(tmp_path / "domain.pddl")
    assert resolve_domain(tmp_path / "mine.pddl", problem) == tmp_path / "mine.pddl"


@pytest.mark.parametrize("name", ["domain.pddl", "p01-domain.pddl", "domain_p01.pddl",
                                  "domain-p01.pddl"])
def test_fast_downward_guesses(tmp_path: Path, name: str) -> None:
    problem = touch(tmp_path / "p01.pddl")
    touch(tmp_path / name)
    assert resolve_domain(None, problem) == tmp_path / name


def test_guesses_in_fast_downward_order(tmp_path: Path) -> None:
    problem = touch(tmp_path / "p01.pddl")
    for name in ("domain-p01.pddl", "domain_p01.pddl", "p01-domain.pddl", "domain.pddl"):
        touch(tmp_path / name)
    assert resolve_domain(None, problem).name == "domain.pddl"
    (tmp_path / "domain.pddl").unlink()
    assert resolve_domain(None, problem).name == "p01-domain.pddl"
    (tmp_path / "p01-domain.pddl").unlink()
    assert resolve_domain(None, problem).name == "domain_p01.pddl"


@pytest.mark.parametrize("levels", [1, 2])
def test_domain_up_the_tree(tmp_path: Path, levels: int) -> None:
    folder = tmp_path / "training" / "easy" if levels == 2 else tmp_path / "easy"
    problem = touch(folder / "p07.pddl")
    touch(tmp_path / "domain.pddl")
    assert resolve_domain(None, problem) == tmp_path / "domain.pddl"


def test_nearest_domain_wins(tmp_path: Path) -> None:
    problem = touch(tmp_path / "a" / "b" / "p01.pddl")
    touch(tmp_path / "domain.pddl")
    touch(tmp_path / "a" / "domain.pddl")
    assert resolve_domain(None, problem) == tmp_path / "a" / "domain.pddl"


def test_three_levels_up_is_too_far(tmp_path: Path) -> None:
    problem = touch(tmp_path / "a" / "b" / "c" / "p01.pddl")
    touch(tmp_path / "domain.pddl")
    with pytest.raises(ArgumentError) as err:
        resolve_domain(None, problem)
    assert err.value.exit_code == ExitCode.DRIVER_INPUT_ERROR == 36
    assert str(problem) in str(err.value)


def test_problem_named_domain_is_not_its_own_domain(tmp_path: Path) -> None:
    problem = touch(tmp_path / "sub" / "domain.pddl")
    with pytest.raises(ArgumentError):
        resolve_domain(None, problem)
    touch(tmp_path / "domain.pddl")
    assert resolve_domain(None, problem) == tmp_path / "domain.pddl"


def test_a_directory_named_domain_pddl_is_skipped(tmp_path: Path) -> None:
    problem = touch(tmp_path / "x" / "p01.pddl")
    (tmp_path / "x" / "domain.pddl").mkdir()
    touch(tmp_path / "domain.pddl")
    assert resolve_domain(None, problem) == tmp_path / "domain.pddl"


def test_candidates_list(tmp_path: Path) -> None:
    problem = tmp_path / "a" / "d" / "p.pddl"
    names = [str(c.relative_to(tmp_path)) for c in domain_candidates(problem)]
    assert names == ["a/d/domain.pddl", "a/d/p-domain.pddl", "a/d/domain_p.pddl",
                     "a/d/domain-p.pddl", "a/domain.pddl", "domain.pddl"]


def test_ipc_layout(benchmarks: Path) -> None:
    problem = benchmarks / "ferry" / "testing" / "easy" / "p01.pddl"
    assert resolve_domain(None, problem).resolve() == (benchmarks / "ferry" / "domain.pddl").resolve()
