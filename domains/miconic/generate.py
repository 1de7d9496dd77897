"""Miconic generator: passengers with random origin and destination floors.

The lift can reach every floor (above/2 is the full order), so every task
is solvable.
"""
from __future__ import annotations

import random
import sys

from ..cli import domain_main
from ..pddl import Problem, numbered

DOMAIN = "miconic"
DOMAIN_KEY = "miconic"
PARAMS = {"passengers": 10, "floors": 20}
PRESETS = {
    "easy": {"passengers": 5, "floors": 11},
    "medium": {"passengers": 70, "floors": 70},
    "hard": {"passengers": 500, "floors": 700},
    "max": {"passengers": 600, "floors": 1200},
    # p30's parameters: this domain's ground size follows from them alone
    "ipc-hard": {"passengers": 600, "floors": 1200},
}


def build(rng: random.Random, passengers: int, floors: int) -> Problem:
    if floors < 2 or passengers < 1:
        raise ValueError("need passengers >= 1 and floors >= 2")
    problem = Problem(f"miconic-{passengers}-{floors}", DOMAIN)
    people = problem.add_objects(numbered("p", passengers), "passenger")
    levels = problem.add_objects(numbered("f", floors), "floor")
    init = [("lift-at", rng.choice(levels))]
    for person in people:
        origin, destin = rng.sample(levels, 2)
        init += [("origin", person, origin), ("destin", person, destin)]
    init += [("above", lo, hi) for i, lo in enumerate(levels) for hi in levels[i + 1:]]
    problem.init = init
    problem.goal = [("served", p) for p in people]
    return problem


if __name__ == "__main__":
    domain_main(sys.modules[__name__])
