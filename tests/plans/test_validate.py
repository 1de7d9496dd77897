"""The independent validator on hand-written domains covering each PDDL feature
it interprets, plus synthetic long plans for speed."""
from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pddl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pddl.action import Action
from pddl.core import Domain, Problem
from pddl.logic import Predicate, Variable
from pddl.logic.base import And
from pddl.logic.functions import Decrease, NumericFunction, NumericValue
from pddl.requirements import Requirements

from planner.errors import UnsupportedFeatureError
from planner.frontend.inputs import parse_files, parse_strings
from planner.plans.files import PlanStep, parse_plan, read_plan
from planner.plans.validate import CompiledTask, FailureKind, ValidationReport, validate_parsed, validate_plan


def check(domain: str, problem: str, plan: str) -> ValidationReport:
    return validate_parsed(parse_strings(domain, problem), parse_plan(plan).steps)


# A domain exercising types, either, constants, equality, negative, disjunctive
# and quantified preconditions, imply, conditional and universal effects.
GADGETS = """
(define (domain gadgets)
  (:requirements :adl :typing :equality :negative-preconditions)
  (:types truck car - vehicle vehicle place - object)
  (:constants depot - place)
  (:predicates (at ?v - vehicle ?p - place) (road ?a ?b - place)
               (dirty ?p - place) (washed ?v - vehicle) (flag) (marked ?x - (either car place)))
  (:action drive
    :parameters (?v - vehicle ?a ?b - place)
    :precondition (and (at ?v ?a) (road ?a ?b) (not (= ?a ?b)))
    :effect (and (not (at ?v ?a)) (at ?v ?b)
                 (forall (?c - car) (when (at ?c ?a) (washed ?c)))))
  (:action wash-all
    :parameters (?p - place)
    :precondition (forall (?v - vehicle) (imply (at ?v ?p) (not (washed ?v))))
    :effect (forall (?v - vehicle) (when (at ?v ?p) (washed ?v))))
  (:action need-car
    :parameters (?p - place)
    :precondition (exists (?c - car) (at ?c ?p))
    :effect (flag))
  (:action mark
    :parameters (?x - (either car place))
    :precondition (or (= ?x depot) (not (marked ?x)))
    :effect (marked ?x))
  (:action toggle
    :parameters ()
    :precondition (and)  ; pddl 0.5.1 crashes on actions without :precondition
    :effect (and (when (flag) (not (flag))) (when (not (flag)) (flag))))
  (:action churn
    :parameters (?p - place)
    :precondition (and)
    :effect (and (not (dirty ?p)) (dirty ?p)))
)
"""

GADGETS_PROBLEM = """
(define (problem g1) (:domain gadgets)
  (:objects t1 - truck c1 c2 - car home shop - place)
  (:init (at t1 home) (at c1 home) (at c2 shop)
         (road home shop) (road shop home) (road home depot) (road depot home) (road home home))
  (:goal (and (at t1 shop) (not (flag)) (marked c1))))
"""


def gadgets(plan: str, goal: str | None = None) -> ValidationReport:
    problem = GADGETS_PROBLEM if goal is None else GADGETS_PROBLEM.replace(
        "(and (at t1 shop) (not (flag)) (marked c1))", goal)
    return check(GADGETS, problem, plan)


def test_valid_plan_unit_cost() -> None:
    report = gadgets("(drive t1 home shop)\n(mark c1)\n")
    assert report.valid and report.unit_cost
    assert report.cost == 2 and report.steps_applied == 2
    assert report.describe() == "Plan valid\nPlan cost: 2"


def test_subtypes_accepted_and_supertypes_rejected() -> None:
    ok = gadgets("(drive c1 home shop)", goal="(at c1 shop)")
    assert ok.valid
    bad = gadgets("(drive home home shop)", goal="(at c1 shop)")
    assert bad.failure is FailureKind.WRONG_TYPE and bad.step_index == 0
    assert bad.details == ("?v must be of type vehicle, but home is of type place",)


def test_either_types() -> None:
    assert gadgets("(mark c1)\n(mark home)", goal="(and (marked c1) (marked home))").valid
    bad = gadgets("(mark c1)\n(mark t1)", goal="(marked c1)")
    assert (bad.failure, bad.step_index) == (FailureKind.WRONG_TYPE, 1)
    assert "(either car place)" in bad.details[0] and "truck" in bad.details[0]


def test_domain_constants_are_objects() -> None:
    report = gadgets("(drive t1 home depot)\n(mark depot)\n(mark depot)", goal="(at t1 depot)")
    assert report.valid, report.describe()  # (= ?x depot) lets depot be marked twice


def test_disjunction_failure_names_the_ground_subformula() -> None:
    report = gadgets("(mark c1)\n(mark c1)", goal="(marked c1)")
    assert (report.failure, report.step_index) == (FailureKind.PRECONDITION, 1)
    assert report.details == ("(or (= c1 depot) (not (marked c1)))",)


def test_equality_precondition() -> None:
    report = gadgets("(drive t1 home home)", goal="(at t1 home)")
    assert report.failure is FailureKind.PRECONDITION
    assert report.details == ("(not (= home home))",)


def test_precondition_failure_lists_each_false_literal() -> None:
    report = gadgets("(drive t1 shop depot)")
    assert report.failure is FailureKind.PRECONDITION
    assert report.details == ("(at t1 shop)", "(road shop depot)")
    text = report.describe()
    assert text.splitlines()[:2] == ["Plan invalid", "Step 1 (plan line 1): (drive t1 shop depot)"]


def test_conditional_forall_effects() -> None:
    # Driving from home washes every car at home (c1) but not the one at shop (c2).
    report = gadgets("(drive t1 home shop)", goal="(and (washed c1) (not (washed c2)) (not (washed t1)))")
    assert report.valid, report.describe()


def test_forall_imply_precondition_names_the_binding() -> None:
    report = gadgets("(drive t1 home shop)\n(wash-all home)", goal="(flag)")
    assert (report.failure, report.step_index) == (FailureKind.PRECONDITION, 1)
    (detail,) = report.details
    assert detail.startswith("(not (washed c1)) (required because (at c1 home) holds) (for ?v = c1 in (forall")


def test_forall_precondition_vacuous_and_wash_all() -> None:
    report = gadgets("(wash-all home)", goal="(and (washed c1) (washed t1) (not (washed c2)))")
    assert report.valid, report.describe()


def test_exists_precondition() -> None:
    assert gadgets("(need-car shop)", goal="(flag)").valid
    report = gadgets("(need-car depot)", goal="(flag)")
    assert report.failure is FailureKind.PRECONDITION
    assert report.details == ("(exists (?c - car) (at ?c depot))",)


def test_conditional_effects_read_the_state_before_the_step() -> None:
    # toggle flips (flag); if effects saw each other's result both would fire.
    assert gadgets("(toggle)", goal="(flag)").valid
    assert gadgets("(toggle)\n(toggle)", goal="(not (flag))").valid
    assert gadgets("(toggle)\n(toggle)\n(toggle)", goal="(flag)").valid


def test_adds_win_over_deletes() -> None:
    assert gadgets("(churn home)", goal="(dirty home)").valid


def test_goal_failure_lists_all_unmet_goals() -> None:
    report = gadgets("(need-car home)")
    assert not report.valid and report.failure is FailureKind.GOAL
    assert report.step_index is None and report.steps_applied == 1
    assert report.details == ("(at t1 shop)", "(not (flag))", "(marked c1)")
    assert report.describe().splitlines()[1] == "Goal not satisfied after 1 steps; false:"


def test_empty_plan() -> None:
    assert gadgets("", goal="(at t1 home)").valid
    assert gadgets("", goal="(at t1 shop)").failure is FailureKind.GOAL


def test_unknown_action_arity_and_object() -> None:
    r = gadgets("(fly t1 home shop)")
    assert (r.failure, r.step_index) == (FailureKind.UNKNOWN_ACTION, 0)
    assert "no action named fly" in r.details[0] and "drive" in r.details[0]
    r = gadgets("(mark c1)\n(drive t1 home)")
    assert (r.failure, r.step_index) == (FailureKind.WRONG_ARITY, 1)
    assert r.details == ("drive takes 3 arguments, got 2",)
    r = gadgets("(drive t9 home shop)")
    assert (r.failure, r.details) == (FailureKind.UNKNOWN_OBJECT, ("no object named t9 (for ?v)",))


def test_cost_of_applied_prefix_is_reported_on_failure() -> None:
    report = gadgets("(mark c1)\n(mark home)\n(mark c1)")
    assert report.steps_applied == 2 and report.cost == 2


def test_mixed_case_pddl_objects_are_case_insensitive(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The pddl package keeps case; plan steps and PDDL names must still match.
    domain = tmp_path / "d.pddl"
    problem = tmp_path / "p.pddl"
    domain.write_text(GADGETS.replace("(:action drive", "(:action Drive").replace("truck car", "Truck Car"))
    problem.write_text(GADGETS_PROBLEM.replace("t1 - truck", "T1 - truck").replace("(at t1 home)", "(AT T1 Home)"))
    d, p = pddl.parse_domain(domain), pddl.parse_problem(problem)
    steps = parse_plan("(DRIVE t1 HOME shop)\n(Mark C1)").steps
    assert validate_plan(d, p, steps).valid
    lower = [PlanStep("drive", ("t1", "home", "shop")), PlanStep("mark", ("c1",))]
    upper = [PlanStep("DRIVE", ("T1", "HOME", "SHOP")), PlanStep("MARK", ("C1",))]
    assert validate_plan(d, p, lower).valid and validate_plan(d, p, upper).valid


# --------------------------------------------------------------------------
# Action costs

ROADS = """
(define (domain roads)
  (:requirements :typing :action-costs)
  (:types place)
  (:predicates (at ?p - place) (road ?a ?b - place) (visited ?p - place))
  (:functions (total-cost) - number (dist ?a ?b - place) - number)
  (:action go :parameters (?a ?b - place)
    :precondition (and (at ?a) (road ?a ?b))
    :effect (and (not (at ?a)) (at ?b) (increase (total-cost) (dist ?a ?b))))
  (:action look :parameters (?p - place)
    :precondition (at ?p)
    :effect (and (visited ?p) (increase (total-cost) 3)))
  (:action free-look :parameters (?p - place)
    :precondition (at ?p)
    :effect (visited ?p)))
"""

ROADS_PROBLEM = """
(define (problem r1) (:domain roads)
  (:objects a b c - place)
  (:init (at a) (road a b) (road b c) (road c a) (= (dist a b) 5) (= (dist b c) 7) (= (total-cost) 0))
  (:goal (and (at c) (visited b)))
  (:metric minimize (total-cost)))
"""


def test_action_costs_from_functions_and_constants() -> None:
    report = check(ROADS, ROADS_PROBLEM, "(go a b)\n(look b)\n(go b c)")
    assert report.valid and not report.unit_cost
    assert report.cost == 5 + 3 + 7


def test_action_without_cost_effect_costs_zero_under_metric() -> None:
    report = check(ROADS, ROADS_PROBLEM, "(go a b)\n(free-look b)\n(go b c)")
    assert report.valid and report.cost == 12


def test_without_metric_every_step_costs_one() -> None:
    problem = ROADS_PROBLEM.replace("(:metric minimize (total-cost))", "")
    report = check(ROADS, problem, "(go a b)\n(look b)\n(go b c)")
    assert report.valid and report.unit_cost and report.cost == 3


def test_undefined_cost_value_invalidates_the_step() -> None:
    report = check(ROADS, ROADS_PROBLEM, "(go a b)\n(look b)\n(go b c)\n(go c a)\n(go a b)\n(go b c)")
    assert (report.failure, report.step_index) == (FailureKind.UNDEFINED_COST, 3)
    assert report.details == ("(dist c a) has no value in the initial state",)
    assert report.cost == 15


def test_unsupported_numeric_effect_is_refused() -> None:
    x = Variable("x")
    counter = NumericFunction("counter")
    action = Action("dec", [x], precondition=And(), effect=Decrease(counter, NumericValue(1)))
    domain = Domain("d", requirements=[Requirements.NUMERIC_FLUENTS], predicates=[Predicate("p", x)],
                    functions={counter: None}, actions=[action])
    problem = Problem("p", domain=domain, init=[], goal=And())
    with pytest.raises(UnsupportedFeatureError, match="only \\(increase \\(total-cost\\)"):
        validate_plan(domain, problem, [])


# --------------------------------------------------------------------------
# Speed and invariants on a synthetic corridor task


def corridor(n: int) -> tuple[str, str]:
    """A robot on a line of n cells that lights every cell it enters."""
    domain = """
    (define (domain corridor) (:requirements :typing :negative-preconditions :disjunctive-preconditions :universal-preconditions)
      (:types cell)
      (:predicates (at ?c - cell) (next ?a ?b - cell) (lit ?c - cell) (blocked ?c - cell))
      (:action step :parameters (?a ?b - cell)
        :precondition (and (at ?a) (or (next ?a ?b) (next ?b ?a)) (not (blocked ?b)))
        :effect (and (not (at ?a)) (at ?b) (lit ?b))))"""
    cells = " ".join(f"c{i}" for i in range(n))
    nexts = " ".join(f"(next c{i} c{i + 1})" for i in range(n - 1))
    problem = f"""
    (define (problem line) (:domain corridor) (:objects {cells} - cell)
      (:init (at c0) {nexts})
      (:goal (and (at c0) (lit c1) (lit c{n - 1}))))"""
    return domain, problem


def walk(n: int, rounds: int) -> list[PlanStep]:
    forward = [PlanStep("step", (f"c{i}", f"c{i + 1}")) for i in range(n - 1)]
    back = [PlanStep("step", (f"c{i + 1}", f"c{i}")) for i in reversed(range(n - 1))]
    return (forward + back) * rounds


@pytest.fixture(scope="module")
def corridor_task() -> CompiledTask:
    return CompiledTask.from_parsed(parse_strings(*corridor(2000)))


def test_thousands_of_steps_on_thousands_of_atoms_validate_fast(corridor_task: CompiledTask) -> None:
    plan = walk(2000, 2)  # 7996 steps; the state holds ~4000 atoms
    start = time.perf_counter()
    report = corridor_task.validate(plan)
    elapsed = time.perf_counter() - start
    assert report.valid and report.cost == len(plan) == 7996
    assert len(report.final_state) == 1 + 1999 + 2000  # at, next, lit (every cell, c0 on return)
    print(f"validated {len(plan)} steps in {elapsed:.3f}s")
    assert elapsed < 2.0, f"validating {len(plan)} steps took {elapsed:.2f}s"


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 12), st.data())
def test_corridor_mutations_fail_exactly_where_the_walk_breaks(n: int, data: st.DataObject) -> None:
    task = CompiledTask.from_parsed(parse_strings(*corridor(n)))
    plan = walk(n, 1)
    assert task.validate(plan).valid
    i = data.draw(st.integers(0, len(plan) - 1))
    dropped = plan[:i] + plan[i + 1:]
    report = task.validate(dropped)
    if i == len(plan) - 1:  # the last step returns to c0: dropping it misses the goal
        assert report.failure is FailureKind.GOAL and report.steps_applied == len(plan) - 1
    else:  # every other step moves the robot, so its successor starts at the wrong cell
        assert (report.failure, report.step_index) == (FailureKind.PRECONDITION, i)
        assert report.details == (f"(at {plan[i + 1].args[0]})",)
        assert report.cost == i
    truncated = task.validate(plan[:i])
    assert truncated.steps_applied == i
    assert truncated.failure in (None, FailureKind.GOAL)


# --------------------------------------------------------------------------
# Plans Fast Downward finds on the shared IPC 2023 learning-track tasks, and
# mutations of them. Unified Planning's sequential validator (an independent
# implementation) is the oracle for where a mutated plan first breaks.

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "../shared/benchmarks/ipc2023-learning"
FAST_DOWNWARD = Path(sys.executable).parent.parent / "lib/python3.11/site-packages/up_fast_downward/downward/fast-downward.py"
DOMAINS = ("blocksworld", "childsnack", "ferry", "floortile", "miconic",
           "rovers", "satellite", "sokoban", "spanner", "transport")

needs_benchmarks = pytest.mark.skipif(
    not BENCHMARKS.is_dir() or not FAST_DOWNWARD.is_file(), reason="shared benchmarks or Fast Downward absent"
)


@dataclass
class SolvedTask:
    name: str
    domain_file: Path
    problem_file: Path
    task: CompiledTask
    plan: tuple[PlanStep, ...]
    fd_cost: int | float | None


def fast_downward_plan(domain_file: Path, problem_file: Path, workdir: Path) -> tuple[tuple[PlanStep, ...], int | float | None]:
    plan_file = workdir / "sas_plan"
    subprocess.run(
        ["nice", sys.executable, str(FAST_DOWNWARD), "--plan-file", str(plan_file), str(domain_file),
         str(problem_file), "--search", "lazy_greedy([ff()], preferred=[ff()])"],
        cwd=workdir, check=True, capture_output=True, timeout=120,
    )
    plan = read_plan(plan_file)
    return plan.steps, plan.declared_cost


def solve(tmp_path_factory: pytest.TempPathFactory, domain: str, problem: str) -> SolvedTask:
    domain_file = BENCHMARKS / domain / "domain.pddl"
    problem_file = BENCHMARKS / domain / problem
    steps, cost = fast_downward_plan(domain_file, problem_file, tmp_path_factory.mktemp(domain))
    parsed = parse_files(domain_file, problem_file)
    return SolvedTask(f"{domain}/{problem}", domain_file, problem_file, CompiledTask.from_parsed(parsed), steps, cost)


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SolvedTask]:
    if not BENCHMARKS.is_dir() or not FAST_DOWNWARD.is_file():
        pytest.skip("shared benchmarks or Fast Downward absent")
    return {d: solve(tmp_path_factory, d, "testing/easy/p05.pddl") for d in DOMAINS}


@needs_benchmarks
@pytest.mark.parametrize("domain", DOMAINS)
def test_fast_downward_plans_are_valid_with_its_cost(solved: dict[str, SolvedTask], domain: str) -> None:
    s = solved[domain]
    report = s.task.validate(s.plan)
    assert report.valid, report.describe()
    assert report.unit_cost and report.cost == s.fd_cost == len(s.plan)


def mutate_kinds(s: SolvedTask, i: int) -> dict[str, list[PlanStep]]:
    plan = list(s.plan)
    step = plan[i]
    return {
        "drop": plan[:i] + plan[i + 1:],
        "truncate": plan[:i],
        "duplicate": plan[:i + 1] + plan[i:],
        "unknown-action": plan[:i] + [PlanStep(step.name + "-x", step.args)] + plan[i + 1:],
        "extra-argument": plan[:i] + [PlanStep(step.name, (*step.args, step.args[0] if step.args else "x"))] + plan[i + 1:],
    }


@needs_benchmarks
@pytest.mark.parametrize("domain", DOMAINS)
def test_simple_mutations_fail_at_the_mutated_step(solved: dict[str, SolvedTask], domain: str) -> None:
    s = solved[domain]
    n = len(s.plan)
    for i in range(n):
        m = mutate_kinds(s, i)
        r = s.task.validate(m["unknown-action"])
        assert (r.failure, r.step_index, r.cost) == (FailureKind.UNKNOWN_ACTION, i, i)
        r = s.task.validate(m["extra-argument"])
        assert (r.failure, r.step_index) == (FailureKind.WRONG_ARITY, i)
        r = s.task.validate(m["truncate"])
        assert r.steps_applied == i and r.failure in (None, FailureKind.GOAL)
        for kind in ("drop", "duplicate"):
            r = s.task.validate(m[kind])
            assert r.valid or r.failure is FailureKind.GOAL or r.step_index >= i, (kind, i, r.describe())
    # FD's plans have no useless last step: truncating it always misses the goal.
    assert s.task.validate(s.plan[:-1]).failure is FailureKind.GOAL


@needs_benchmarks
@pytest.mark.parametrize("domain", DOMAINS)
def test_wrongly_typed_or_unknown_arguments_fail_at_that_step(solved: dict[str, SolvedTask], domain: str) -> None:
    s = solved[domain]
    task = s.task
    for i, step in enumerate(s.plan):
        action = task.actions[step.name]
        for k, tags in enumerate(action.param_types):
            bad = next((o for o, ts in sorted(task.object_types.items()) if tags and not ts & tags), None)
            for obj, kind in ((bad, FailureKind.WRONG_TYPE), ("no-such-object", FailureKind.UNKNOWN_OBJECT)):
                if obj is None:
                    continue
                args = step.args[:k] + (obj,) + step.args[k + 1:]
                r = task.validate([*s.plan[:i], PlanStep(step.name, args), *s.plan[i + 1:]])
                assert (r.failure, r.step_index) == (kind, i)


class UPOracle:
    """Unified Planning's sequential plan validator, for the expected verdict."""

    def __init__(self) -> None:
        import unified_planning.shortcuts as up
        from unified_planning.engines.plan_validator import SequentialPlanValidator
        from unified_planning.io import PDDLReader

        up.get_environment().credits_stream = None
        self.reader = PDDLReader()
        self.validator = SequentialPlanValidator()
        self.problems: dict[str, object] = {}

    def verdict(self, s: SolvedTask, steps: Sequence[PlanStep]) -> tuple[bool, int | None]:
        """(valid, index of the first inapplicable step or None)."""
        from unified_planning.engines.results import FailedValidationReason, ValidationResultStatus

        if s.name not in self.problems:
            self.problems[s.name] = self.reader.parse_problem(str(s.domain_file), str(s.problem_file))
        problem = self.problems[s.name]
        plan = self.reader.parse_plan_string(problem, "\n".join(map(str, steps)))
        result = self.validator.validate(problem, plan)
        if result.status is ValidationResultStatus.VALID:
            return True, None
        if result.reason is FailedValidationReason.INAPPLICABLE_ACTION:
            return False, len(result.trace) - 1
        return False, None


@pytest.fixture(scope="module")
def oracle() -> UPOracle:
    pytest.importorskip("unified_planning")
    return UPOracle()


def well_typed_mutation(s: SolvedTask, data: st.DataObject) -> list[PlanStep]:
    """Drop, swap, duplicate, reorder or re-argument steps, keeping arguments well typed."""
    plan = list(s.plan)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        if not plan:
            break
        kind = data.draw(st.sampled_from(["drop", "swap", "duplicate", "argument", "truncate"]), label="kind")
        i = data.draw(st.integers(0, len(plan) - 1), label="i")
        if kind == "drop":
            del plan[i]
        elif kind == "swap":
            j = data.draw(st.integers(0, len(plan) - 1), label="j")
            plan[i], plan[j] = plan[j], plan[i]
        elif kind == "duplicate":
            plan.insert(i, plan[i])
        elif kind == "truncate":
            plan = plan[:i]
        elif plan[i].args:
            step = plan[i]
            k = data.draw(st.integers(0, len(step.args) - 1), label="k")
            same_type = sorted(o for o, t in s.task.declared_types.items() if t == s.task.declared_types[step.args[k]])
            obj = data.draw(st.sampled_from(same_type), label="object")
            plan[i] = PlanStep(step.name, step.args[:k] + (obj,) + step.args[k + 1:])
    return plan


@needs_benchmarks
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_plans_match_an_independent_validator(
    solved: dict[str, SolvedTask], oracle: UPOracle, data: st.DataObject
) -> None:
    s = solved[data.draw(st.sampled_from(DOMAINS), label="domain")]
    plan = well_typed_mutation(s, data)
    report = s.task.validate(plan)
    expected_valid, expected_index = oracle.verdict(s, plan)
    assert report.valid == expected_valid, report.describe()
    assert report.step_index == expected_index, report.describe()
    if not report.valid:
        assert report.failure in (FailureKind.PRECONDITION, FailureKind.GOAL)
        assert report.details
    else:
        assert report.cost == len(plan)


@needs_benchmarks
@pytest.mark.slow
@pytest.mark.parametrize("domain", DOMAINS)
def test_fast_downward_plans_on_ten_tasks_per_domain(tmp_path_factory: pytest.TempPathFactory, domain: str) -> None:
    for k in range(1, 11):
        s = solve(tmp_path_factory, domain, f"testing/easy/p{k:02d}.pddl")
        report = s.task.validate(s.plan)
        assert report.valid, f"{s.name}: {report.describe()}"
        assert report.cost == s.fd_cost
        if s.plan:
            assert not s.task.validate(s.plan[:-1]).valid


@needs_benchmarks
@pytest.mark.parametrize("domain", ["childsnack", "rovers", "sokoban", "transport"])
def test_fast_init_reader_and_pddl_agree(domain: str) -> None:
    """planner.frontend.parsing reads :init itself; the validator's own reading of pddl's init must match."""
    domain_file = BENCHMARKS / domain / "domain.pddl"
    problem_file = BENCHMARKS / domain / "testing/easy/p05.pddl"
    ours = CompiledTask.from_parsed(parse_files(domain_file, problem_file))
    theirs = CompiledTask.build(pddl.parse_domain(domain_file), pddl.parse_problem(problem_file))
    assert ours.init == theirs.init and ours.fluents == theirs.fluents
    assert len(ours.init) > 0


def test_derivation_with_indexed_existentials_equals_the_naive_fixpoint() -> None:
    """_Exists enumerates the atoms of a conjunct while deriving; the result
    must equal enumerating every binding (the plain-set path)."""
    import itertools
    import random

    from planner.frontend.inputs import parse_strings
    from planner.plans.validate import CompiledTask

    domain = """(define (domain reach) (:requirements :strips :typing :derived-predicates
        :negative-preconditions :existential-preconditions)
      (:types cell)
      (:predicates (at ?c - cell) (open ?a ?b - cell) (blocked ?c - cell) (reach ?c - cell)
                   (two ?a ?b - cell) (lonely ?c - cell))
      (:derived (reach ?c - cell) (at ?c))
      (:derived (reach ?c - cell) (exists (?b - cell) (and (reach ?b) (open ?b ?c) (not (blocked ?c)))))
      (:derived (two ?a ?b - cell) (exists (?m - cell) (and (open ?a ?m) (open ?m ?b) (not (= ?a ?b)))))
      (:derived (lonely ?c - cell) (not (exists (?b - cell) (open ?c ?b))))
      (:action noop :parameters () :precondition (and) :effect (and)))"""
    cells = [f"c{i}" for i in range(7)]
    problem = (f"(define (problem p) (:domain reach) (:objects {' '.join(cells)} - cell) "
               "(:init (at c0)) (:goal (and)))")
    task = CompiledTask.from_parsed(parse_strings(domain, problem))
    rng = random.Random(5)
    for _ in range(30):
        basic = {("at", rng.choice(cells))}
        basic |= {("open", a, b) for a, b in itertools.product(cells, cells) if rng.random() < 0.2}
        basic |= {("blocked", c) for c in cells if rng.random() < 0.2}
        naive = set(basic)
        for layer in task.derivation.layers:
            changed = True
            while changed:
                changed = False
                for name, params, domains, cond in layer:
                    for values in itertools.product(*domains):
                        atom = (name, *values)
                        if atom not in naive and cond.holds(naive, dict(zip(params, values))):
                            naive.add(atom)
                            changed = True
        assert set(task.derive(frozenset(basic))) == naive
