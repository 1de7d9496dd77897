"""Negated derived facts (planner.frontend.negated_axioms): exact in every
state, and visible to relaxed heuristics through positive rule bodies."""
from __future__ import annotations

import itertools

import numpy as np

from planner.frontend.grounding import ground
from planner.frontend.inputs import parse_strings
from planner.frontend.negated_axioms import NEGATED_PREFIX
from planner.task import atom_str

DOMAIN = """(define (domain stacks) (:requirements :typing :adl)
  (:types order product)
  (:predicates (includes ?o - order ?p - product) (waiting ?o - order) (started ?o - order)
               (shipped ?o - order) (made ?p - product))
  (:action start :parameters (?o - order) :precondition (waiting ?o)
     :effect (and (not (waiting ?o)) (started ?o)))
  (:action make :parameters (?p - product)
     :precondition (and (not (made ?p)) (forall (?o - order) (imply (includes ?o ?p) (started ?o))))
     :effect (made ?p))
  (:action ship :parameters (?o - order)
     :precondition (and (started ?o) (forall (?p - product) (imply (includes ?o ?p) (made ?p))))
     :effect (and (not (started ?o)) (shipped ?o))))"""


def problem(n: int) -> str:
    orders = " ".join(f"o{i}" for i in range(n))
    products = " ".join(f"p{i}" for i in range(n))
    includes = " ".join(f"(includes o{i} p{j})" for i in range(n) for j in range(n)
                        if (i + j) % 3 != 1)
    return (f"(define (problem s{n}) (:domain stacks) (:objects {orders} - order "
            f"{products} - product) (:init {includes} "
            + " ".join(f"(waiting o{i})" for i in range(n)) + ") (:goal (and "
            + " ".join(f"(shipped o{i})" for i in range(n)) + ")))")


def test_negative_derived_preconditions_become_positive_negated_facts() -> None:
    # 14 products: the forall's DNF is too large, so it is a derived predicate
    task = ground(parse_strings(DOMAIN, problem(14)))
    negated = {i for i, f in enumerate(task.facts) if f[0].startswith(NEGATED_PREFIX)}
    assert negated
    ship = task.operators.index("(ship o0)")
    assert negated & set(task.pre_pos.row(ship).tolist())
    assert not set(task.pre_neg.row(ship).tolist()) & set(task.axioms.derived.tolist())
    # the negated fact's rule needs the made products positively
    rules = [r for r in range(len(task.axioms)) if int(task.axioms.head[r]) in negated
             and int(task.axioms.head[r]) in task.pre_pos.row(ship)]
    body = {atom_str(task.facts[f]) for r in rules for f in task.axioms.body_pos.row(r)}
    assert body and all(b.startswith("(made ") for b in body)


def test_negated_facts_are_exactly_the_negation_in_every_state() -> None:
    task = ground(parse_strings(DOMAIN, problem(14)), prune_irrelevant=False)
    ax = task.axioms
    derived = set(ax.derived.tolist())
    basic = [i for i in range(task.num_facts) if i not in derived]
    pairs = []
    for i, f in enumerate(task.facts):
        if f[0].startswith(NEGATED_PREFIX):
            original = (f[0][len(NEGATED_PREFIX):],) + f[1:]
            pairs.append((i, task.facts.index(original)))
    assert pairs
    rng = np.random.default_rng(3)
    for _ in range(200):
        state = {f for f in basic if rng.random() < 0.5}
        full = ax.evaluate(state)
        for neg, pos in pairs:
            assert (neg in full) == (pos not in full)


def test_the_heuristic_sees_the_products_to_make() -> None:
    from planner.search.engine import search

    task = ground(parse_strings(DOMAIN, problem(14)))
    result = search(task, "gbfs", evaluators=("ff",))
    assert result.solved
    names = [task.operators[i] for i in result.plan]
    assert sum(n.startswith("(make ") for n in names) == 14
    # start, make and ship per order/product: 42. With the negative
    # conditions ignored, h^FF saw only start and ship (28).
    assert result.statistics.initial_h["ff"] >= 42
