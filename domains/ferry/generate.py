"""Ferry generator: cars scattered over locations, each with a goal location.

A single ferry carrying one car at a time can always move every car, so
every task is solvable.
"""
from __future__ import annotations

import random
import sys

from ..cli import domain_main
from ..pddl import Problem, numbered

DOMAIN = "ferry"
DOMAIN_KEY = "ferry"
PARAMS = {"cars": 10, "locations": 10}
PRESETS = {
    "easy": {"cars": 10, "locations": 10},
    "medium": {"cars": 52, "locations": 34},
    "hard": {"cars": 573, "locations": 287},
    "max": {"cars": 974, "locations": 487},
    # p30's parameters: this domain's ground size follows from them alone
    "ipc-hard": {"cars": 974, "locations": 487},
}


def build(rng: random.Random, cars: int, locations: int) -> Problem:
    if locations < 2 or cars < 1:
        raise ValueError("need cars >= 1 and locations >= 2")
    problem = Problem(f"ferry-{cars}-{locations}", DOMAIN)
    car_names = problem.add_objects(numbered("car", cars), "car")
    locs = problem.add_objects(numbered("loc", locations), "location")
    problem.init = [("empty-ferry",), ("at-ferry", rng.choice(locs))]
    problem.goal = []
    for car in car_names:
        start, goal = rng.sample(locs, 2)
        problem.init.append(("at", car, start))
        problem.goal.append(("at", car, goal))
    return problem


if __name__ == "__main__":
    domain_main(sys.modules[__name__])
