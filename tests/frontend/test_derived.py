"""Derived predicates (:derived): parsing, stratification, grounding into
axioms, the reference evaluation in GroundTask, the compiled core's
evaluation (ext/axioms.pxi) and heuristics (axioms as zero-cost relaxed
operators), and the independent validator.

Plans here come from a breadth-first search over the ground task's reference
semantics (GroundTask.apply recomputes derived facts), are checked by the
validator (which stratifies and evaluates the rules itself), and the ground
facts, operators and axiom counts are compared with Fast Downward's
translator.
"""
from __future__ import annotations

import re
from collections import deque

import pytest
from tests.fixtures import fd_translation, run_planner
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import _core
from planner.errors import PDDLInputError
from planner.exitcodes import ExitCode
from planner.frontend.grounding import ground
from planner.frontend.normalize import StratificationError, normalize
from planner.frontend.inputs import parse_strings
from planner.plans.files import PlanStep
from planner.search.engine import search
from planner.task import atom_str, is_artificial
from planner.plans.validate import CompiledTask, validate_parsed

REACH_DOMAIN = """(define (domain reach)
  (:requirements :strips :typing :derived-predicates :negative-preconditions
                 :existential-preconditions)
  (:types node)
  (:predicates (edge ?a ?b - node) (open ?a ?b - node) (at ?n - node)
               (reachable ?n - node) (unreachable ?n - node) (flag ?n - node)
               (all-flagged))
  (:derived (reachable ?n - node) (at ?n))
  (:derived (reachable ?n - node)
            (exists (?m - node) (and (reachable ?m) (edge ?m ?n) (open ?m ?n))))
  (:derived (unreachable ?n - node) (not (reachable ?n)))
  (:derived (all-flagged) (forall (?n - node) (or (flag ?n) (unreachable ?n))))
  (:action open-edge :parameters (?a ?b - node)
    :precondition (and (edge ?a ?b) (not (open ?a ?b)))
    :effect (open ?a ?b))
  (:action mark :parameters (?n - node)
    :precondition (and (reachable ?n) (not (flag ?n)))
    :effect (flag ?n))
  (:action close :parameters (?a ?b - node)
    :precondition (and (open ?a ?b) (unreachable ?a))
    :effect (not (open ?a ?b))))
"""

REACH_PROBLEM = """(define (problem reach-1) (:domain reach)
  (:objects n1 n2 n3 n4 - node)
  (:init (at n1) (edge n1 n2) (edge n2 n3) (edge n3 n4) (edge n4 n1))
  (:goal (and (flag n3) (unreachable n4) (all-flagged))))
"""




def bfs_plan(task) -> list[int] | None:
    """Shortest plan under the reference semantics (derived facts recomputed)."""
    start = frozenset(int(f) for f in task.init)
    parents = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        if task.is_goal(state):
            plan = []
            while parents[state] is not None:
                state, op = parents[state]
                plan.append(op)
            return plan[::-1]
        for op in range(task.num_operators):
            if task.applicable(state, op):
                nxt = task.apply(state, op)
                if nxt not in parents:
                    parents[nxt] = (state, op)
                    queue.append(nxt)
    return None


def steps_of(task, plan: list[int]) -> list[PlanStep]:
    names = [task.operators[o][1:-1].split() for o in plan if not is_artificial(task.operators[o])]
    return [PlanStep(n[0], tuple(n[1:])) for n in names]


def test_reach_grounds_like_fast_downward(tmp_path):
    parsed = parse_strings(REACH_DOMAIN, REACH_PROBLEM)
    task = ground(parsed)
    fd_ops, fd_atoms, fd_axioms = fd_translation(REACH_DOMAIN, REACH_PROBLEM, tmp_path)
    assert set(task.operators) == fd_ops
    assert {atom_str(f) for f in task.facts} == fd_atoms
    assert task.axioms is not None and len(task.axioms) > 0
    # FD splits (all-flagged)'s forall into helper axioms; ours are its DNF
    # disjuncts, so counts differ by construction; both derive the same atoms.
    assert fd_axioms > 0


def test_reach_is_stratified_with_negation_on_a_lower_stratum():
    normal = normalize(parse_strings(REACH_DOMAIN, REACH_PROBLEM))
    strata = normal.derived_predicates
    assert strata["reachable"] < strata["unreachable"] <= strata["all-flagged"]
    task = ground(parse_strings(REACH_DOMAIN, REACH_PROBLEM))
    assert list(task.axioms.stratum) == sorted(task.axioms.stratum)


def test_reach_plan_from_the_ground_task_is_valid():
    parsed = parse_strings(REACH_DOMAIN, REACH_PROBLEM)
    task = ground(parsed)
    plan = bfs_plan(task)
    assert plan is not None
    steps = steps_of(task, plan)
    assert [str(s) for s in steps][-1].startswith("(mark")
    report = validate_parsed(parsed, steps)
    assert report.valid, report.describe()


def test_validator_evaluates_derived_atoms_per_state():
    parsed = parse_strings(REACH_DOMAIN, REACH_PROBLEM)
    report = validate_parsed(parsed, [PlanStep("mark", ("n3",))])
    assert not report.valid and "(reachable n3)" in report.describe()
    steps = [PlanStep("open-edge", (a, b)) for a, b in (("n1", "n2"), ("n2", "n3"), ("n3", "n4"))]
    steps += [PlanStep("mark", ("n3",))]
    report = validate_parsed(parsed, steps)
    assert not report.valid and "(unreachable n4)" in report.describe()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 1000), max_size=12))
def test_ground_axioms_agree_with_the_validator_on_random_walks(choices):
    """Along any walk, each derived fact of the ground task holds exactly when
    the validator's own evaluation of the rules derives it."""
    parsed = _REACH[0]
    task, compiled = _REACH[1], _REACH[2]
    state = frozenset(int(f) for f in task.init)
    atoms = {task.facts[f] for f in state}
    derived_ids = [int(f) for f in task.axioms.derived]
    for choice in choices:
        basic = {a for a in atoms if a[0] not in compiled.derivation.derived}
        truth = compiled.derive(set(basic) | set(parsed_static(task)))
        for f in derived_ids:
            assert (f in state) == (task.facts[f] in truth), task.facts[f]
        applicable = [o for o in range(task.num_operators) if task.applicable(state, o)]
        if not applicable:
            break
        state = task.apply(state, applicable[choice % len(applicable)])
        atoms = {task.facts[f] for f in state}


def parsed_static(task) -> frozenset:
    return task.lifted.static_atoms


_parsed = parse_strings(REACH_DOMAIN, REACH_PROBLEM)
_REACH = (_parsed, ground(_parsed, prune_irrelevant=False), CompiledTask.from_parsed(_parsed))


@pytest.mark.parametrize("algorithm,heuristic", [
    ("astar", "blind"), ("astar", "lmcut"), ("astar", "max"), ("gbfs", "ff"),
    ("gbfs", "add"), ("gbfs", "goalcount"), ("lazy-gbfs", "ff")])
def test_compiled_search_evaluates_axioms(algorithm, heuristic):
    """Every compiled heuristic reads axioms as zero-cost relaxed operators;
    the core recomputes derived facts in every state it generates."""
    parsed = parse_strings(REACH_DOMAIN, REACH_PROBLEM)
    task = ground(parsed)
    result = search(task, algorithm, evaluators=(heuristic,),
                    preferred=(heuristic,) if heuristic == "ff" else None)
    assert result.solved
    report = validate_parsed(parsed, steps_of(task, list(result.plan)))
    assert report.valid, report.describe()
    if algorithm == "astar":
        assert len(result.plan) == len(bfs_plan(task))  # optimal (unit costs)


def test_initial_heuristic_values_see_the_axioms():
    """Without axioms as relaxed operators the derived goal atoms would be
    unreachable (h = infinity, a false dead end); with them the admissible
    heuristics stay below the optimal cost and above zero."""
    task = ground(parse_strings(REACH_DOMAIN, REACH_PROBLEM))
    optimal = len(bfs_plan(task))
    for h in ("max", "lmcut"):
        initial = search(task, "astar", evaluators=(h,)).statistics.initial_h
        value = next(iter(initial.values()))
        assert 0 < value <= optimal, (h, value, optimal)
    for h in ("ff", "add"):
        initial = search(task, "gbfs", evaluators=(h,)).statistics.initial_h
        assert 0 < next(iter(initial.values())) < float("inf")


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(0, 200)))
def test_core_axiom_evaluation_equals_the_reference(seed_facts):
    task = _REACH[1]
    evaluator = _core.AxiomEvaluator(task.axioms, task.num_facts)
    derived = set(int(f) for f in task.axioms.derived)
    basic = [f for f in range(task.num_facts) if f not in derived]
    state = {basic[i % len(basic)] for i in seed_facts}
    assert evaluator.closure(state, task.num_facts) == task.axioms.evaluate(state)
    # derived facts in the input are recomputed, not kept
    assert evaluator.closure(state | derived, task.num_facts) == task.axioms.evaluate(state)


def test_solve_plans_with_derived_predicates(tmp_path):
    (tmp_path / "domain.pddl").write_text(REACH_DOMAIN)
    (tmp_path / "p.pddl").write_text(REACH_PROBLEM)
    plan_file = tmp_path / "plan"
    done = run_planner("solve", tmp_path / "domain.pddl", tmp_path / "p.pddl",
                       "--plan-file", plan_file)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    checked = run_planner("validate", tmp_path / "domain.pddl", tmp_path / "p.pddl", plan_file)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    grounded = run_planner("ground", tmp_path / "domain.pddl", tmp_path / "p.pddl")
    assert grounded.returncode == 0, grounded.stderr
    assert "axioms: " in grounded.stderr + grounded.stdout


def test_unstratifiable_rules_are_a_located_error():
    domain = """(define (domain bad) (:requirements :derived-predicates :negative-preconditions)
  (:predicates (p ?x) (q ?x) (r ?x))
  (:derived (p ?x) (and (r ?x) (not (q ?x))))
  (:derived (q ?x) (p ?x))
  (:action a :parameters (?x) :precondition (p ?x) :effect (not (r ?x))))"""
    problem = "(define (problem b) (:domain bad) (:objects o) (:init (r o)) (:goal (not (r o))))"
    with pytest.raises(StratificationError) as err:
        ground(parse_strings(domain, problem, "bad.pddl", "p.pddl"))
    assert "cannot be stratified" in str(err.value)
    assert re.match(r"bad\.pddl:[34]:3: ", str(err.value))
    assert err.value.exit_code == ExitCode.TRANSLATE_INPUT_ERROR


def test_a_derived_predicate_in_an_effect_or_the_init_is_a_located_error():
    domain = REACH_DOMAIN.replace(":effect (flag ?n))", ":effect (and (flag ?n) (reachable ?n)))")
    with pytest.raises(PDDLInputError) as err:
        parse_strings(domain, REACH_PROBLEM, "d", "p")
    assert "derived predicate 'reachable' in the effect of action 'mark'" in str(err.value)
    assert str(err.value).startswith("d:")
    problem = REACH_PROBLEM.replace("(:init (at n1)", "(:init (at n1) (reachable n3)")
    with pytest.raises(PDDLInputError) as err:
        parse_strings(REACH_DOMAIN, problem, "d", "p")
    assert "derived predicate 'reachable' in the initial state" in str(err.value)
    assert str(err.value).startswith("p:3:")


def test_missing_derived_predicates_flag_warns_once(caplog):
    domain = REACH_DOMAIN.replace(":derived-predicates ", "")
    parse_strings(domain, REACH_PROBLEM, "d", "p")
    found = [r.getMessage() for r in caplog.records if ":derived-predicates" in r.getMessage()]
    assert len(found) == 1
    line = domain[: domain.index("(:derived")].count("\n") + 1
    assert f"d:{line}:4: requirement :derived-predicates is not declared" in found[0]


# --- conditions too large for DNF ------------------------------------------

def grid_task(n: int) -> tuple[str, str]:
    """A grid goal `forall c: locked(c) -> not visited(c)`, locked static."""
    domain = """(define (domain grid) (:requirements :adl)
  (:types cell)
  (:predicates (at ?c - cell) (adj ?a ?b - cell) (visited ?c - cell) (locked ?c - cell)
               (done))
  (:action move :parameters (?a ?b - cell)
    :precondition (and (at ?a) (adj ?a ?b) (not (locked ?b)))
    :effect (and (not (at ?a)) (at ?b) (visited ?b)))
  (:action finish :parameters ()
    :precondition (forall (?c - cell) (imply (locked ?c) (not (visited ?c))))
    :effect (done)))"""
    cells = [f"c{i}-{j}" for i in range(n) for j in range(n)]
    adj = []
    for i in range(n):
        for j in range(n):
            for di, dj in ((0, 1), (1, 0), (0, -1), (-1, 0)):
                if 0 <= i + di < n and 0 <= j + dj < n:
                    adj.append(f"(adj c{i}-{j} c{i + di}-{j + dj})")
    locked = [f"(locked c{i}-{i})" for i in range(1, n)]
    problem = (f"(define (problem grid-{n}) (:domain grid) (:objects {' '.join(cells)} - cell)\n"
               f"  (:init (at c0-0) {' '.join(adj)} {' '.join(locked)})\n"
               f"  (:goal (and (done) (at c0-{n - 1}) (forall (?c - cell) "
               f"(imply (locked ?c) (not (visited ?c)))))))")
    return domain, problem


def test_forall_over_a_static_implication_is_simplified_not_refused(tmp_path):
    domain, problem = grid_task(4)  # 2^16 disjuncts unsimplified; refused before
    parsed = parse_strings(domain, problem)
    task = ground(parsed)
    assert task.axioms is None
    result = search(task, "astar", evaluators=("blind",))
    assert result.plan is not None
    report = validate_parsed(parsed, steps_of(task, list(result.plan)))
    assert report.valid, report.describe()
    fd_ops, fd_atoms, _ = fd_translation(domain, problem, tmp_path)
    assert {o for o in task.operators if not is_artificial(o)} == fd_ops
    assert {atom_str(f) for f in task.facts if not f[0].startswith("__")} == fd_atoms


def balls_task(n: int) -> tuple[str, str]:
    """Goal: every ball in one of two rooms (a fluent disjunction per ball)."""
    domain = """(define (domain balls) (:requirements :adl)
  (:types ball room)
  (:predicates (at ?b - ball ?r - room) (hand ?b - ball))
  (:action pick :parameters (?b - ball ?r - room)
    :precondition (at ?b ?r) :effect (and (hand ?b) (not (at ?b ?r))))
  (:action drop :parameters (?b - ball ?r - room)
    :precondition (hand ?b) :effect (and (at ?b ?r) (not (hand ?b)))))"""
    balls = " ".join(f"b{i}" for i in range(n))
    problem = (f"(define (problem balls-{n}) (:domain balls)\n"
               f"  (:objects {balls} - ball r0 r1 r2 - room)\n"
               f"  (:init {' '.join(f'(at b{i} r0)' for i in range(n))})\n"
               f"  (:goal (forall (?b - ball) (or (at ?b r1) (at ?b r2)))))")
    return domain, problem


def test_a_large_fluent_forall_becomes_derived_predicates(tmp_path):
    domain, problem = balls_task(13)  # 2^13 > 4096 disjuncts: refused before
    parsed = parse_strings(domain, problem)
    task = ground(parsed)
    assert task.axioms is not None and len(task.axioms) > 0
    assert any(f[0].startswith("__derived-") for f in task.facts)
    fd_ops, fd_atoms, _ = fd_translation(domain, problem, tmp_path)
    assert {o for o in task.operators if not is_artificial(o)} == fd_ops
    assert {atom_str(f) for f in task.facts if not f[0].startswith("__")} == fd_atoms
    # the relaxation sees the compiled forall only as "some ball is still
    # misplaced" (h = 1 until the goal holds), so search here is blind-like;
    # the search on compiled conditions is tested on a small instance below
    assert task.goal_neg.size == 1 and int(task.goal_neg[0]) in set(task.axioms.derived)


def test_compiled_derived_predicates_give_valid_plans(monkeypatch):
    import planner.frontend.normalize as normalize_module

    monkeypatch.setattr(normalize_module, "MAX_DNF_TERMS", 4)
    domain, problem = balls_task(3)
    parsed = parse_strings(domain, problem)
    task = ground(parsed)
    assert task.axioms is not None
    plan = bfs_plan(task)
    assert plan is not None and len(steps_of(task, plan)) == 6
    report = validate_parsed(parsed, steps_of(task, plan))
    assert report.valid, report.describe()
    for heuristic in ("blind", "lmcut", "max"):
        result = search(task, "astar", evaluators=(heuristic,))
        assert result.solved and len(result.plan) == len(plan), heuristic
        assert validate_parsed(parsed, steps_of(task, list(result.plan))).valid
    # an existential and a universal precondition, compiled
    domain2 = domain.replace(":precondition (hand ?b) :effect",
                             ":precondition (and (hand ?b) (or (exists (?c - ball) (hand ?c)) "
                             "(forall (?c - ball) (or (hand ?c) (exists (?r - room) "
                             "(at ?c ?r)))))) :effect")
    parsed = parse_strings(domain2, problem)
    task = ground(parsed)
    assert task.axioms is not None and len(task.axioms) > 0
    plan = bfs_plan(task)
    assert plan is not None
    report = validate_parsed(parsed, steps_of(task, plan))
    assert report.valid, report.describe()


def random_reach_problem(n: int, seed: int) -> str:
    import random

    rnd = random.Random(seed)
    nodes = [f"n{i}" for i in range(n)]
    edges = {(f"n{i}", f"n{(i + 1) % n}") for i in range(n)}
    edges |= {(rnd.choice(nodes), rnd.choice(nodes)) for _ in range(3 * n)}
    return (f"(define (problem big) (:domain reach) (:objects {' '.join(nodes)} - node)\n"
            f"(:init (at n0) {' '.join(f'(edge {a} {b})' for a, b in sorted(edges))})\n"
            "(:goal (and (flag n5) (all-flagged))))")


@pytest.mark.parametrize("n,seed", [(40, 1), (90, 2)])
def test_random_reach_graphs_ground_like_fast_downward_axioms_included(n, seed, tmp_path):
    """The forall of (all-flagged) over n nodes is compiled into derived
    predicates (2^n disjuncts otherwise); operators, atoms and the number
    of axioms equal FD's (300 nodes, measured: 2670 operators, 2086 atoms,
    1787 axioms on both sides; ours 1.1 s, FD's translator 4.1 s)."""
    problem = random_reach_problem(n, seed)
    task = ground(parse_strings(REACH_DOMAIN, problem))
    fd_ops, fd_atoms, fd_axioms = fd_translation(REACH_DOMAIN, problem, tmp_path)
    assert {o for o in task.operators if not is_artificial(o)} == fd_ops
    assert {atom_str(f) for f in task.facts if not f[0].startswith("__")} == fd_atoms
    assert len(task.axioms) == fd_axioms
