"""Mining from our own plans, grounding instances, and replay at every occurrence."""
from __future__ import annotations

from pathlib import Path

import pytest

from planner.search.solve import parse_inputs
from planner.subroutines.solve import solve
from planner.subroutines.compose import compose, run_steps
from planner.subroutines.instances import augment, ground_instances, operator_signatures
from planner.subroutines.learn import training_plans
from planner.subroutines.lifted import Subroutine, canonical_steps, lift_window, schema_parameter_types
from planner.subroutines.mining import mine

BENCH = Path(__file__).resolve().parents[2] / "../shared/benchmarks/ipc2023-learning"


def _domain(name: str) -> Path:
    path = BENCH / name / "domain.pddl"
    if not path.is_file():
        pytest.skip("shared benchmarks absent")
    return path


@pytest.fixture(scope="module", params=["transport", "blocksworld", "ferry"])
def mined(request):
    domain = _domain(request.param)
    problems = sorted((domain.parent / "training" / "easy").glob("p*.pddl"))[10:18]
    plans = training_plans(domain, problems, "lazy-gbfs", "ff", 20.0)
    types = schema_parameter_types(parse_inputs(domain, problems[0]).domain)
    return request.param, plans, mine(plans, types, max_candidates=8)


def test_candidates_are_ranked_linked_and_replay_everywhere(mined):
    name, plans, result = mined
    assert len(plans) == 8
    assert result.candidates, name
    support = [(s.stats["support"], s.stats["occurrences"]) for s in result.candidates]
    assert [x[0] for x in support] == sorted((x[0] for x in support), reverse=True)
    for sub in result.candidates:
        assert 2 <= len(sub.steps) <= 4
        assert sub.stats["support"] >= 2
        occurrences = result.occurrences[sub.key]
        assert len(occurrences) == sub.stats["occurrences"]
        for occ in occurrences:
            tp = plans[occ.plan_index]
            index = {n: o for o, n in enumerate(tp.task.operators)}
            steps = [index["(" + " ".join([schema, *(occ.objects[a] for a in args)]) + ")"]
                     for schema, args in sub.steps]
            assert tuple(steps) == tp.plan[occ.start:occ.start + len(steps)]
            state = frozenset(int(f) for f in tp.task.init)
            for o in tp.plan[:occ.start]:
                state = tp.task.apply(state, o)
            comp = compose(tp.task, steps)
            assert comp.applicable(state)
            assert comp.apply(state) == run_steps(tp.task, state, steps)


def test_rejected_windows_have_reasons(mined):
    _, _, result = mined
    assert result.rejected
    assert all(isinstance(r, str) and r for r in result.rejected.values())


def test_self_undoing_window_is_never_a_candidate():
    domain = _domain("ferry")
    # board then debark the same car at the same place: no net effect.
    problems = sorted((domain.parent / "training" / "easy").glob("p*.pddl"))[10:14]
    plans = training_plans(domain, problems, "lazy-gbfs", "ff", 20.0)
    result = mine(plans, min_support=1, max_candidates=1000)
    for sub in result.candidates:
        assert canonical_steps(sub.steps) != (("board", (0, 1)), ("debark", (0, 1)))


def test_instances_are_the_reachable_operator_joins():
    domain = _domain("transport")
    problem = sorted((domain.parent / "training" / "easy").glob("p*.pddl"))[20]
    r = solve(domain, problem, heuristic="ff", time_limit=20)
    task = r.task
    sigs = operator_signatures(task)
    sub = lift_window([("drive", ("v", "a", "b")), ("pick-up", ("v", "b", "p", "s1", "s2"))])
    bindings, overflow = ground_instances(task, sub, 10**6)
    assert not overflow and bindings
    names = set(task.operators)
    expected = 0
    for o, (schema, args) in enumerate(sigs):
        if schema == "drive":
            expected += sum(1 for s2, a2 in sigs if s2 == "pick-up" and a2[0] == args[0] and a2[1] == args[2])
    assert len(bindings) == expected
    for steps, objs in bindings:
        assert all(task.operators[o] in names for o in steps)
    # A cap smaller than the join drops the subroutine rather than keep an arbitrary subset.
    aug = augment(task, [sub], max_per_subroutine=len(bindings) - 1)
    assert aug.counts == [0] and sub.name in aug.dropped
    assert aug.task.num_operators == task.num_operators


def test_subroutine_json_round_trip_and_validation():
    sub = Subroutine((("drive", (0, 1, 2)), ("drop", (0, 2, 3))), ("truck", "loc", "loc", "pkg"),
                     {"support": 3})
    again = Subroutine.from_json(sub.to_json())
    assert again == sub and again.stats == {"support": 3} and again.key == sub.key
    with pytest.raises(ValueError):
        Subroutine((("drive", (0, 2)),), ("truck", "loc", "loc"))
