"""Every unified-planning example problem whose kind the engine declares
supported is solved (or proven unsolvable) with a plan UP's own validator
accepts. Four of them (hierarchical blocks worlds, whose writer names a
parameter `object`) failed with INTERNAL_ERROR before reserved names were
escaped (issue 13)."""
from __future__ import annotations

import pytest

up = pytest.importorskip("unified_planning")

from unified_planning.engines.results import PlanGenerationResultStatus as Status  # noqa: E402
from unified_planning.shortcuts import PlanValidator  # noqa: E402
from unified_planning.test.examples import get_example_problems  # noqa: E402

from planner.up_engine import PlannerEngine  # noqa: E402

EXAMPLES = get_example_problems()
SUPPORTED = sorted(name for name, ex in EXAMPLES.items()
                   if PlannerEngine.supports(ex.problem.kind))


def test_a_fair_share_of_the_examples_is_declared_supported():
    assert len(SUPPORTED) >= 20
    assert "hierarchical_blocks_world_with_object" in SUPPORTED


@pytest.mark.parametrize("name", SUPPORTED)
def test_supported_example_is_solved_and_validated(name: str) -> None:
    example = EXAMPLES[name]
    problem = example.problem
    result = PlannerEngine().solve(problem, timeout=60)
    if not example.valid_plans and result.status == Status.UNSOLVABLE_PROVEN:
        return
    assert result.status in (Status.SOLVED_SATISFICING, Status.SOLVED_OPTIMALLY), \
        [m.message for m in result.log_messages]
    with PlanValidator(problem_kind=problem.kind, name="sequential_plan_validator") as v:
        report = v.validate(problem, result.plan)
    assert report.status.name == "VALID", report
