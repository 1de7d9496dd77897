"""Backward relevance pruning keeps exactly what can matter for the goal."""
from __future__ import annotations

from planner.frontend.grounding import ground
from planner.frontend.inputs import parse_strings

DOMAIN = """(define (domain r) (:requirements :strips :negative-preconditions)
  (:predicates (at ?x) (link ?x ?y) (painted ?x) (lamp-on))
  (:action move :parameters (?a ?b) :precondition (and (at ?a) (link ?a ?b))
     :effect (and (at ?b) (not (at ?a))))
  (:action paint :parameters (?a) :precondition (at ?a) :effect (painted ?a))
  (:action switch :parameters () :precondition (not (lamp-on)) :effect (lamp-on)))"""
PROBLEM = """(define (problem p) (:domain r) (:objects a b c)
  (:init (at a) (link a b) (link b c)) (:goal (at c)))"""


def _names(task):
    return set(task.operators)


def test_operators_and_facts_that_cannot_matter_are_dropped() -> None:
    parsed = parse_strings(DOMAIN, PROBLEM)
    full = ground(parsed, prune_irrelevant=False)
    pruned = ground(parsed)
    assert {"(paint a)", "(switch)"} <= _names(full)
    assert _names(pruned) == {"(move a b)", "(move b c)"}
    assert {f[0] for f in pruned.facts} == {"at"}
    assert [pruned.facts[i] for i in pruned.goal_pos] == [("at", "c")]
    assert [pruned.facts[i] for i in pruned.init] == [("at", "a")]


def test_facts_read_by_relevant_operators_stay() -> None:
    """A precondition of a relevant operator makes its fact, and the operators changing it, relevant."""
    domain = DOMAIN.replace(":precondition (and (at ?a) (link ?a ?b))",
                            ":precondition (and (at ?a) (link ?a ?b) (lamp-on))")
    pruned = ground(parse_strings(domain, PROBLEM))
    assert "(switch)" in _names(pruned) and ("lamp-on",) in pruned.facts
    assert "(paint a)" not in _names(pruned)


DOORS_DOMAIN = """(define (domain doors)
  (:requirements :strips :negative-preconditions :derived-predicates)
  (:predicates (at ?x) (open ?x ?y) (door ?x ?y) (reach ?x) (sealed ?x))
  (:derived (reach ?x) (at ?x))
  (:derived (reach ?y) (exists (?x) (and (reach ?x) (open ?x ?y))))
  (:derived (sealed ?y) (and (door ?y ?y) (not (open ?y ?y))))
  (:action open-door :parameters (?x ?y)
     :precondition (and (door ?x ?y) (reach ?x) (not (open ?x ?y)))
     :effect (open ?x ?y))
  (:action go :parameters (?x ?y) :precondition (and (at ?x) (reach ?y) (not (sealed ?y)))
     :effect (and (at ?y) (not (at ?x)))))"""
DOORS_PROBLEM = """(define (problem p) (:domain doors) (:objects a b c d)
  (:init (at a) (door a b) (door b c) (door c d) (door d d) (open a b) (open d d))
  (:goal (at d)))"""


def test_operators_needing_an_always_true_fact_false_are_dropped_as_fast_downward_does(
        tmp_path) -> None:
    from tests.fixtures import fd_translation

    task = ground(parse_strings(DOORS_DOMAIN, DOORS_PROBLEM))
    # (open a b) and (open d d) hold initially and nothing deletes them
    assert "(open-door a b)" not in _names(task)
    assert {"(open-door b c)", "(open-door c d)"} <= _names(task)
    # the rule for (sealed d) negates (open d d): it never fires
    assert not any(task.facts[int(h)] == ("sealed", "d") for h in task.axioms.head)
    fd_ops, _, _ = fd_translation(DOORS_DOMAIN, DOORS_PROBLEM, tmp_path)
    assert _names(task) == fd_ops
    full = ground(parse_strings(DOORS_DOMAIN, DOORS_PROBLEM), prune_irrelevant=False)
    assert "(open-door a b)" in _names(full)
