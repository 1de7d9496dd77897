"""Generators of large ADL and derived-predicate tasks for bench/frontend_adl.py.

IPC files may not be committed, so the benchmark makes its own tasks of the
kinds issue 13 is about, written from the PDDL definition:

* ``openstacks``: the order-scheduling domain in its ADL form. Shipping an
  order needs ``forall (?p - product) (imply (includes ?o ?p) (made ?p))``
  and making a product needs every order that includes it started; with P
  products the DNF of the first has 2^P disjuncts, so the front end compiles
  it into a derived predicate (Fast Downward's translator makes an axiom).
* ``reach``: a graph whose ``reachable`` relation is a recursive derived
  predicate; a robot may only jump to reachable, unblocked cells and the
  goal asks for a stratum-2 derived predicate (negation across strata).
* ``visitall-forall``: a grid tour with the goal ``forall (?c - cell)
  (imply (wanted ?c) (visited ?c))``, a quantified goal over a static guard.

Every generator is deterministic in its seed and returns (domain, problem)
PDDL text.
"""
from __future__ import annotations

import random

OPENSTACKS_DOMAIN = """\
(define (domain openstacks-adl-gen)
  (:requirements :typing :adl :action-costs)
  (:types order product count)
  (:predicates (includes ?o - order ?p - product) (waiting ?o - order)
               (started ?o - order) (shipped ?o - order) (made ?p - product)
               (stacks-avail ?s - count) (next-count ?s ?ns - count))
  (:functions (total-cost))
  (:action open-new-stack
    :parameters (?open ?new-open - count)
    :precondition (and (stacks-avail ?open) (next-count ?open ?new-open))
    :effect (and (not (stacks-avail ?open)) (stacks-avail ?new-open)
                 (increase (total-cost) 1)))
  (:action start-order
    :parameters (?o - order ?avail ?new-avail - count)
    :precondition (and (waiting ?o) (stacks-avail ?avail) (next-count ?new-avail ?avail))
    :effect (and (not (waiting ?o)) (started ?o)
                 (not (stacks-avail ?avail)) (stacks-avail ?new-avail)))
  (:action make-product
    :parameters (?p - product)
    :precondition (and (not (made ?p))
                       (forall (?o - order) (imply (includes ?o ?p) (started ?o))))
    :effect (made ?p))
  (:action ship-order
    :parameters (?o - order ?avail ?new-avail - count)
    :precondition (and (started ?o)
                       (forall (?p - product) (imply (includes ?o ?p) (made ?p)))
                       (stacks-avail ?avail) (next-count ?avail ?new-avail))
    :effect (and (not (started ?o)) (shipped ?o)
                 (not (stacks-avail ?avail)) (stacks-avail ?new-avail))))
"""


def openstacks(orders: int, products: int, seed: int = 1, density: float = 0.3,
               costs: bool = False) -> tuple[str, str]:
    """Each order includes each product with probability `density` (at least
    one product per order, every product in some order); as many stack counts
    as orders, as in the IPC tasks. With `costs` (IPC 2008's form), opening a
    stack costs 1 and everything else 0; without, every action costs 1 (IPC
    2006's form)."""
    rng = random.Random(seed)
    includes = set()
    for o in range(orders):
        chosen = [p for p in range(products) if rng.random() < density] or [rng.randrange(products)]
        includes.update((o, p) for p in chosen)
    for p in range(products):
        if not any((o, p) in includes for o in range(orders)):
            includes.add((rng.randrange(orders), p))
    counts = [f"n{i}" for i in range(orders + 1)]
    init = ["(stacks-avail n0)", "(= (total-cost) 0)"]
    init += [f"(next-count {a} {b})" for a, b in zip(counts, counts[1:])]
    init += [f"(waiting o{o})" for o in range(orders)]
    init += [f"(includes o{o} p{p})" for o, p in sorted(includes)]
    problem = (
        f"(define (problem os-{orders}x{products}-s{seed}) (:domain openstacks-adl-gen)\n"
        f"  (:objects {' '.join(f'o{o}' for o in range(orders))} - order\n"
        f"            {' '.join(f'p{p}' for p in range(products))} - product\n"
        f"            {' '.join(counts)} - count)\n"
        f"  (:init {' '.join(init)})\n"
        f"  (:goal (and {' '.join(f'(shipped o{o})' for o in range(orders))}))\n"
        "  (:metric minimize (total-cost)))\n")
    if not costs:
        return _without_costs(OPENSTACKS_DOMAIN), _without_costs(problem)
    return OPENSTACKS_DOMAIN, problem


def _without_costs(text: str) -> str:
    for part in (" :action-costs", "\n  (:functions (total-cost))",
                 "\n                 (increase (total-cost) 1)", ", \"(= (total-cost) 0)\"",
                 " (= (total-cost) 0)", "\n  (:metric minimize (total-cost))"):
        text = text.replace(part, "")
    assert "cost" not in text
    return text


REACH_DOMAIN = """\
(define (domain reach-derived-gen)
  (:requirements :typing :derived-predicates :negative-preconditions :existential-preconditions)
  (:types cell)
  (:predicates (edge ?a ?b - cell) (open ?a ?b - cell) (at ?c - cell) (blocked ?c - cell)
               (reachable ?c - cell) (cut-off ?c - cell) (target ?c - cell) (done))
  (:derived (reachable ?c - cell) (at ?c))
  (:derived (reachable ?c - cell)
    (exists (?b - cell) (and (reachable ?b) (open ?b ?c) (not (blocked ?c)))))
  (:derived (cut-off ?c - cell) (and (target ?c) (not (reachable ?c))))
  (:action open-door
    :parameters (?a ?b - cell)
    :precondition (and (edge ?a ?b) (reachable ?a) (not (open ?a ?b)))
    :effect (and (open ?a ?b) (open ?b ?a)))
  (:action unblock
    :parameters (?c - cell)
    :precondition (and (blocked ?c) (exists (?b - cell) (and (reachable ?b) (edge ?b ?c))))
    :effect (not (blocked ?c)))
  (:action jump
    :parameters (?from ?to - cell)
    :precondition (and (at ?from) (reachable ?to) (target ?to))
    :effect (and (not (at ?from)) (at ?to))))
"""


def reach(side: int, seed: int = 1, targets: int = 3) -> tuple[str, str]:
    """A side x side grid with every door closed except a random half and a
    fifth of the cells blocked; the goal: no target is cut off (a negated
    stratum-2 derived predicate over a recursive stratum-1 one) and the robot
    stands on the last target."""
    rng = random.Random(seed)
    cells = [f"c{x}-{y}" for x in range(side) for y in range(side)]
    init = ["(at c0-0)"]
    for x in range(side):
        for y in range(side):
            for dx, dy in ((1, 0), (0, 1)):
                if x + dx < side and y + dy < side:
                    a, b = f"c{x}-{y}", f"c{x + dx}-{y + dy}"
                    init += [f"(edge {a} {b})", f"(edge {b} {a})"]
                    if rng.random() < 0.5:
                        init += [f"(open {a} {b})", f"(open {b} {a})"]
    chosen = rng.sample(cells[1:], targets)
    init += [f"(target {c})" for c in chosen]
    init += [f"(blocked {c})" for c in cells[1:] if rng.random() < 0.2]
    goal = " ".join(f"(not (cut-off {c}))" for c in chosen) + f" (at {chosen[-1]})"
    problem = (f"(define (problem reach-{side}-s{seed}) (:domain reach-derived-gen)\n"
               f"  (:objects {' '.join(cells)} - cell)\n"
               f"  (:init {' '.join(init)})\n"
               f"  (:goal (and {goal})))\n")
    return REACH_DOMAIN, problem


VISIT_DOMAIN = """\
(define (domain visitall-forall-gen)
  (:requirements :typing :adl)
  (:types cell)
  (:predicates (at ?c - cell) (adjacent ?a ?b - cell) (visited ?c - cell) (wanted ?c - cell))
  (:action move
    :parameters (?from ?to - cell)
    :precondition (and (at ?from) (adjacent ?from ?to))
    :effect (and (not (at ?from)) (at ?to) (visited ?to))))
"""


def visitall_forall(side: int, seed: int = 1, wanted: float = 0.5) -> tuple[str, str]:
    """A side x side grid; the goal visits every wanted cell, stated as one
    universally quantified goal over the static guard `wanted`."""
    rng = random.Random(seed)
    cells = [f"c{x}-{y}" for x in range(side) for y in range(side)]
    init = ["(at c0-0)", "(visited c0-0)"]
    for x in range(side):
        for y in range(side):
            for dx, dy in ((1, 0), (0, 1), (-1, 0), (0, -1)):
                if 0 <= x + dx < side and 0 <= y + dy < side:
                    init.append(f"(adjacent c{x}-{y} c{x + dx}-{y + dy})")
    init += [f"(wanted {c})" for c in cells if rng.random() < wanted]
    problem = (f"(define (problem visit-{side}-s{seed}) (:domain visitall-forall-gen)\n"
               f"  (:objects {' '.join(cells)} - cell)\n"
               f"  (:init {' '.join(init)})\n"
               "  (:goal (forall (?c - cell) (imply (wanted ?c) (visited ?c)))))\n")
    return VISIT_DOMAIN, problem


GENERATORS = {"openstacks": openstacks, "reach": reach, "visitall-forall": visitall_forall}
