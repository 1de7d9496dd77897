"""planner.frontend.normalize: ADL to flat schemas (DNF, exists -> parameters, forall
expansion, flattened when/forall effects, costs)."""
from __future__ import annotations


from planner.frontend.normalize import EQUALITY, Literal, Param, normalize
from planner.frontend.inputs import parse_strings

HEAD = """(define (domain n)
  (:requirements :adl :typing :action-costs)
  (:types car place)
  (:constants home - place)
  (:predicates (at ?c - car ?p - place) (p ?x) (q ?x) (r ?x) (s))
  (:functions (total-cost) - number (len ?p - place) - number)
"""
PROBLEM = """(define (problem n1) (:domain n)
  (:objects c1 c2 - car x y - place)
  (:init (at c1 x) (= (len x) 4) (= (len home) 1))
  (:goal (and (s) (not (p x)))) %s)
"""


def schemas(action: str, metric: bool = False):
    task = normalize(parse_strings(HEAD + action + ")",
                                   PROBLEM % ("(:metric minimize (total-cost))" if metric else "")))
    return task, task.schemas


def lit(pred, *args, positive=True):
    return Literal(pred, tuple(args), positive)


def test_conjunction_of_literals_is_one_schema() -> None:
    _, [s] = schemas("(:action a :parameters (?c - car ?p - place) "
                     ":precondition (and (at ?c ?p) (not (p ?p)) (not (= ?p home))) :effect (s))")
    assert s.params == (Param("?c", ("car",)), Param("?p", ("place",)))
    assert s.num_original_params == 2
    assert s.precondition == (lit("at", "?c", "?p"), lit("p", "?p", positive=False),
                              lit(EQUALITY, "?p", "home", positive=False))


def test_disjunction_splits_into_dnf_variants() -> None:
    _, ss = schemas("(:action a :parameters (?p - place) "
                    ":precondition (and (or (p ?p) (q ?p)) (or (r ?p) (not (s)))) :effect (s))")
    pres = {s.precondition for s in ss}
    assert pres == {(lit("p", "?p"), lit("r", "?p")), (lit("p", "?p"), lit("s", positive=False)),
                    (lit("q", "?p"), lit("r", "?p")), (lit("q", "?p"), lit("s", positive=False))}
    assert all(s.name == "a" and s.num_original_params == 1 for s in ss)


def test_negation_is_pushed_to_atoms_and_imply_rewritten() -> None:
    _, ss = schemas("(:action a :parameters (?p - place) "
                    ":precondition (not (and (p ?p) (imply (q ?p) (r ?p)))) :effect (s))")
    # not (p and (not q or r)) = not p or (q and not r)
    assert {s.precondition for s in ss} == {
        (lit("p", "?p", positive=False),), (lit("q", "?p"), lit("r", "?p", positive=False))}


def test_exists_becomes_extra_parameters() -> None:
    _, [s] = schemas("(:action a :parameters (?p - place) "
                     ":precondition (exists (?c - car) (at ?c ?p)) :effect (s))")
    assert s.num_original_params == 1 and len(s.params) == 2
    extra = s.params[1]
    assert extra.types == ("car",) and extra.name.startswith("?c")
    assert s.precondition == (lit("at", extra.name, "?p"),)


def test_negated_forall_is_an_exists() -> None:
    _, [s] = schemas("(:action a :parameters () "
                     ":precondition (not (forall (?c - car) (p ?c))) :effect (s))")
    assert len(s.params) == 1 and s.precondition == (lit("p", s.params[0].name, positive=False),)


def test_forall_precondition_is_expanded_over_objects_of_its_type() -> None:
    _, [s] = schemas("(:action a :parameters () "
                     ":precondition (forall (?c - car) (p ?c)) :effect (s))")
    assert s.precondition == (lit("p", "c1"), lit("p", "c2"))
    _, [s] = schemas("(:action a :parameters () "
                     ":precondition (forall (?x - place) (q ?x)) :effect (s))")
    assert set(s.precondition) == {lit("q", "home"), lit("q", "x"), lit("q", "y")}


def test_effects_are_flattened() -> None:
    _, [s] = schemas("(:action a :parameters (?p - place) :effect (and (s) (not (p ?p)) "
                     "(when (q ?p) (r ?p)) "
                     "(forall (?c - car) (when (and (at ?c ?p) (not (p ?c))) (not (at ?c ?p))))))")
    plain = [e for e in s.effects if not e.variables and not e.condition]
    assert {e.atom for e in plain} == {lit("s"), lit("p", "?p", positive=False)}
    [when] = [e for e in s.effects if e.condition and not e.variables]
    assert when.condition == (lit("q", "?p"),) and when.atom == lit("r", "?p")
    [fa] = [e for e in s.effects if e.variables]
    (v,) = fa.variables
    assert v.types == ("car",)
    assert fa.condition == (lit("at", v.name, "?p"), lit("p", v.name, positive=False))
    assert fa.atom == lit("at", v.name, "?p", positive=False)


def test_disjunctive_effect_condition_makes_one_effect_per_disjunct() -> None:
    _, [s] = schemas("(:action a :parameters (?p - place) "
                     ":effect (when (or (q ?p) (r ?p)) (s)))")
    assert {e.condition for e in s.effects} == {(lit("q", "?p"),), (lit("r", "?p"),)}


def test_existential_effect_condition_becomes_effect_variable() -> None:
    _, [s] = schemas("(:action a :parameters (?p - place) "
                     ":effect (when (exists (?c - car) (at ?c ?p)) (s)))")
    [e] = s.effects
    assert len(e.variables) == 1 and e.condition == (lit("at", e.variables[0].name, "?p"),)


def test_costs() -> None:
    _, [s] = schemas("(:action a :parameters (?p - place) "
                     ":effect (and (s) (increase (total-cost) (len ?p))))", metric=True)
    assert s.cost == ("len", ("?p",))
    _, [s] = schemas("(:action a :parameters () :effect (and (s) (increase (total-cost) 5)))",
                     metric=True)
    assert s.cost == 5
    _, [s] = schemas("(:action a :parameters () :effect (and (s) (increase (total-cost) 5)))")
    assert s.cost == 1  # no metric: unit cost


def test_task_level_fields() -> None:
    task, _ = schemas("(:action a :parameters (?p - place) :precondition (p ?p) :effect (s))")
    assert task.objects == {"home": ("place",), "c1": ("car",), "c2": ("car",),
                            "x": ("place",), "y": ("place",)}
    assert task.init == {("at", "c1", "x")}
    assert task.functions == {("len", "x"): 4, ("len", "home"): 1}
    assert task.goal == (lit("s"), lit("p", "x", positive=False))
    assert task.fluent_predicates == {"s"}
    assert task.predicates == {"at": 2, "p": 1, "q": 1, "r": 1, "s": 0}


def test_duplicate_literals_are_removed() -> None:
    _, [s] = schemas("(:action a :parameters (?p - place) "
                     ":precondition (and (p ?p) (p ?p) (q ?p)) :effect (s))")
    assert s.precondition == (lit("p", "?p"), lit("q", "?p"))


def test_disjunctive_goal_becomes_artificial_goal_actions() -> None:
    from planner.frontend.normalize import GOAL_ACTION, GOAL_REACHED

    text = HEAD + "(:action a :parameters () :effect (s)))"
    problem = PROBLEM.replace("(and (s) (not (p x)))", "(or (s) (p x))") % ""
    task = normalize(parse_strings(text, problem))
    assert task.goal == (lit(GOAL_REACHED),)
    goal_schemas = [s for s in task.schemas if s.name == GOAL_ACTION]
    assert {s.precondition for s in goal_schemas} == {(lit("s"),), (lit("p", "x"),)}
    assert all(s.cost == 0 and s.effects[0].atom == lit(GOAL_REACHED) for s in goal_schemas)
