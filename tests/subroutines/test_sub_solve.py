"""The fast path in planner.solve: macro plans are expanded and validated,
failures fall back to the plain search, and A* keeps optimal costs."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.search.engine import search
from planner.subroutines.solve import solve
from planner.subroutines.fastpath import run_fast_path
from planner.subroutines.lifted import Subroutine
from tests.subroutines.macros import augment_all_pairs
from tests.random_tasks import is_valid_plan, optimal_cost, random_tasks

BENCH = Path(__file__).resolve().parents[2] / "../shared/benchmarks/ipc2023-learning"
PICK_STACK = Subroutine((("pickup", (0,)), ("stack", (0, 1))), ("object", "object"))
UNSTACK_PUT = Subroutine((("unstack", (0, 1)), ("putdown", (0,))), ("object", "object"))


def _bw(problem: str) -> tuple[Path, Path]:
    d = BENCH / "blocksworld" / "domain.pddl"
    if not d.is_file():
        pytest.skip("shared benchmarks absent")
    return d, BENCH / "blocksworld" / "testing" / "easy" / problem


def test_fast_path_plan_is_expanded_and_validated():
    d, p = _bw("p05.pddl")
    r = solve(d, p, heuristic="ff", time_limit=30, subroutines=[PICK_STACK, UNSTACK_PUT])
    info = r.statistics["subroutines"]
    assert r.solved and info["path"] == "fast" and info["instances"] > 0
    assert r.validated_by == "validator"
    assert info["macro_steps"] == sum(info["used"].values()) > 0
    # Only primitive actions of the domain in the written plan.
    assert all(step.split()[0].strip("(") in {"pickup", "putdown", "stack", "unstack"} for step in r.plan)


def test_off_and_unknown_schemas_fall_back_to_the_plain_search():
    d, p = _bw("p03.pddl")
    plain = solve(d, p, heuristic="ff", time_limit=30)
    off = solve(d, p, heuristic="ff", time_limit=30, subroutines="off")
    assert "subroutines" not in plain.statistics and off.plan == plain.plan
    nothing = Subroutine((("fly", (0,)), ("land", (0,))), ("object",))
    r = solve(d, p, heuristic="ff", time_limit=30, subroutines=[nothing])
    assert r.solved and r.statistics["subroutines"]["path"] == "fast-failed"
    assert r.plan == plain.plan


def test_an_invalid_fast_path_plan_is_discarded_and_the_slow_path_runs(monkeypatch):
    d, p = _bw("p04.pddl")
    import planner.subroutines.instances as inst

    real_expand = inst.AugmentedTask.expand

    def broken(self, plan):  # drop the last step: the plan no longer reaches the goal
        return real_expand(self, plan)[:-1]

    monkeypatch.setattr(inst.AugmentedTask, "expand", broken)
    r = solve(d, p, heuristic="ff", time_limit=30, subroutines=[PICK_STACK])
    info = r.statistics["subroutines"]
    assert r.solved and r.validated_by == "validator"
    assert info["path"] == "fast-failed" and info["failure"].startswith("invalid plan")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_tasks(max_facts=5, max_ops=5, conditional=False))
def test_astar_with_admissible_heuristics_keeps_optimal_cost_with_macros(task):
    aug = augment_all_pairs(task)
    best = optimal_cost(task)
    assert optimal_cost(aug.task) == best
    for h in ("blind", "max", "lmcut"):
        r = search(aug.task, "astar", evaluators=[h])
        if best is None:
            assert not r.solved
            continue
        assert r.solved and r.cost == best, h
        plan = aug.expand(r.plan)
        assert is_valid_plan(task, plan) and task.plan_cost(plan) == best


def test_astar_on_blocksworld_same_optimal_cost_with_and_without_subroutines():
    d, p = _bw("p02.pddl")
    plain = solve(d, p, search="astar", heuristic="lmcut", time_limit=60)
    macro = solve(d, p, search="astar", heuristic="lmcut", time_limit=60,
                  subroutines=[PICK_STACK, UNSTACK_PUT], subroutine_share=1.0)
    assert plain.solved and macro.solved
    assert macro.statistics["subroutines"]["path"] == "fast"
    assert macro.cost == plain.cost
