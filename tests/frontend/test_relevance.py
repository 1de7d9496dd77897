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
