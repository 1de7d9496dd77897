"""The worker's jobs run in-process on trusted heuristics (probe, solve, value checks)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fixtures import DATA, benchmark
from planner.heuristics.loader import CandidateError, load_candidate
from planner.llm import jobs, prompt
from planner.llm.extract import code_blocks



def ground(domain, problem):
    from planner.frontend.grounding import ground_files

    return ground_files(domain, problem)


def reference_plan(task):
    from planner.search.engine import search

    result = search(task, "gbfs", evaluators=["ff"])
    assert result.solved
    return list(result.plan)


class GoalCount:
    def __init__(self, task):
        self.goals = task.goal_atoms

    def __call__(self, state):
        return sum(1 for g in self.goals if g not in state)


class AlwaysOne(GoalCount):
    def __call__(self, state):
        return 1


class ZeroTooEarly(GoalCount):
    def __call__(self, state):
        return max(0, super().__call__(state) - 1)


class DeadEverywhere(GoalCount):
    def __call__(self, state):
        return 0 if super().__call__(state) == 0 else math.inf


class WithPreferred(GoalCount):
    def __init__(self, task):
        super().__init__(task)
        self.ops = task.operators

    def __call__(self, state):
        return super().__call__(state), [self.ops[0], 0]


class UnknownPreferred(GoalCount):
    def __call__(self, state):
        return super().__call__(state), ["(no-such-op)"]


@pytest.fixture(scope="module")
def bw_files():
    bw = benchmark("blocksworld")
    return bw / "domain.pddl", bw / "training" / "easy" / "p20.pddl"


@pytest.fixture(scope="module")
def bw_task(bw_files):
    return ground(*bw_files)


@pytest.fixture(scope="module")
def bw_texts(bw_files):
    return tuple(p.read_text() for p in bw_files)


@pytest.mark.parametrize("cls,outcome", [
    (GoalCount, "ok"), (WithPreferred, "ok"), (AlwaysOne, "nonzero-at-goal"),
    (ZeroTooEarly, "zero-at-nongoal"), (DeadEverywhere, "infinite-on-solvable"),
    (UnknownPreferred, "invalid-value"),
])
def test_probe_outcomes(bw_task, cls, outcome):
    plan = reference_plan(bw_task)
    result = jobs.probe(cls, bw_task, plan)
    assert result["outcome"] == outcome, result
    if outcome == "ok":
        assert len(result["values"]) == len(plan) + 1 and result["values"][-1] == 0
        assert result["calls"] > len(plan) and result["mean_call_time"] > 0


def test_probe_reports_the_counterexample_state(bw_task):
    class CrashesAfterTheStart(GoalCount):
        def __call__(self, state):
            if ("arm-empty",) not in state:
                raise KeyError("holding")
            return super().__call__(state)

    result = jobs.probe(AlwaysOne, bw_task, reference_plan(bw_task))
    example = result["counterexample"]
    assert example["is_goal"] and example["on_plan"]
    assert all(tuple(a) in bw_task.fact_index for a in example["atoms"])
    crashed = jobs.probe(CrashesAfterTheStart, bw_task, reference_plan(bw_task))
    assert crashed["outcome"] == "crash" and "KeyError" in crashed["detail"]
    assert "raise KeyError" in crashed["traceback"]
    assert ["arm-empty"] not in crashed["counterexample"]["atoms"]


def test_probe_without_plan_checks_the_initial_state_and_its_successors(bw_task):
    result = jobs.probe(GoalCount, bw_task, None)
    assert result["outcome"] == "ok" and len(result["values"]) == 1 and result["calls"] > 1


@pytest.mark.parametrize("example,domain", [("example_gripper_v1", "gripper"),
                                            ("example_logistics_v1", "logistics")])
def test_worked_examples_in_the_prompt_are_correct_and_solve_their_task(example, domain):
    """The prompt teaches by these examples, so they must work with our interface."""
    [code] = code_blocks(prompt.load_template(example))
    cls = load_candidate(code)
    files = DATA / "domains" / f"{domain}-domain.pddl", DATA / "domains" / f"{domain}-p01.pddl"
    task = ground(*files)
    assert jobs.probe(cls, task, reference_plan(task))["outcome"] == "ok"
    solved = jobs.solve(cls, *(p.read_text() for p in files), time_limit=30)
    assert solved["outcome"] == "solved" and solved["plan_cost"] == solved["plan_length"]
    assert solved["validated_by"] == "validator"


def test_solve_reports_search_figures(bw_texts):
    result = jobs.solve(GoalCount, *bw_texts, time_limit=30)
    assert result["outcome"] == "solved"
    assert result["expansions"] > 0 and result["plan_cost"] == len(result["plan"])
    assert result["validated_by"] == "validator" and result["search_time"] >= 0
    assert result["plan"][0].startswith("(")


def test_solve_classifies_bad_values_and_crashes(bw_texts):
    class ReturnsNone(GoalCount):
        def __call__(self, state):
            return None

    class Raises(GoalCount):
        def __call__(self, state):
            return {}["missing"]

    assert jobs.solve(ReturnsNone, *bw_texts, time_limit=10)["outcome"] == "invalid-value"
    crashed = jobs.solve(Raises, *bw_texts, time_limit=10)
    assert crashed["outcome"] == "crash" and "KeyError" in crashed["traceback"]


def test_candidate_tracebacks_quote_the_candidate_source(bw_texts):
    code = "class H:\n    def __init__(self, task):\n        pass\n    def __call__(self, s):\n        return undefined_name\n"
    result = jobs.solve(load_candidate(code), *bw_texts, time_limit=10)
    assert result["outcome"] == "crash"
    assert 'File "<candidate>", line 5' in result["traceback"] and "return undefined_name" in result["traceback"]


def test_load_candidate_finds_the_class_or_says_why():
    assert load_candidate("class A:\n    def __call__(self, s): return 0\n").__name__ == "A"
    # a subclass of a heuristic class is the heuristic; its base is not a candidate
    assert load_candidate("class A:\n    def __call__(self, s): return 0\nclass B(A):\n"
                          "    pass\n").__name__ == "B"
    with pytest.raises(CandidateError, match="found 2"):
        load_candidate("class A:\n    def __call__(self, s): return 0\nclass B:\n"
                       "    def __call__(self, s): return 1\n")
    with pytest.raises(CandidateError, match="no class named 'C'"):
        load_candidate("class A:\n    pass\n", "C")


@given(st.one_of(st.floats(), st.integers(), st.none(), st.text(max_size=3), st.booleans()))
def test_check_value_accepts_exactly_non_negative_numbers(value):
    ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
          and not math.isnan(value) and value >= 0)
    try:
        got = jobs.check_value(value)
    except jobs.InvalidValue:
        assert not ok
    else:
        assert ok and got == float(value)


@given(st.floats(min_value=0, allow_nan=False), st.lists(st.integers(0, 5), max_size=3))
def test_check_value_accepts_pairs_with_preferred_operators(h, preferred):
    assert jobs.check_value((h, preferred), {"(a)": 0}) == h
    with pytest.raises(jobs.InvalidValue):
        jobs.check_value((h, preferred, 1))
