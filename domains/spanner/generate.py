"""Spanner generator: a one-way corridor shed -> location1..n -> gate.

Bob starts in the shed, spanners lie along the corridor and all nuts are at
the gate.  Each spanner tightens one nut, so the generator insists on
spanners >= nuts, which makes every task solvable (walk to the gate picking
up every spanner on the way).
"""
from __future__ import annotations

import random
import sys

from ..cli import domain_main
from ..pddl import Problem, numbered

DOMAIN = "spanner"
DOMAIN_KEY = "spanner"
PARAMS = {"spanners": 10, "nuts": 5, "locations": 10}
PRESETS = {
    "easy": {"spanners": 5, "nuts": 3, "locations": 7},
    "medium": {"spanners": 58, "nuts": 31, "locations": 29},
    "hard": {"spanners": 287, "nuts": 143, "locations": 73},
    "max": {"spanners": 487, "nuts": 244, "locations": 99},
    # p30's parameters: this domain's ground size follows from them alone
    "ipc-hard": {"spanners": 487, "nuts": 244, "locations": 99},
}


def build(rng: random.Random, spanners: int, nuts: int, locations: int) -> Problem:
    if not (1 <= nuts <= spanners) or locations < 1:
        raise ValueError("need 1 <= nuts <= spanners and locations >= 1")
    problem = Problem(f"spanner-{spanners}-{nuts}-{locations}", DOMAIN)
    problem.add_objects(["bob"], "man")
    tools = problem.add_objects(numbered("spanner", spanners), "spanner")
    nut_names = problem.add_objects(numbered("nut", nuts), "nut")
    corridor = numbered("location", locations)
    problem.add_objects(["shed"] + corridor + ["gate"], "location")
    init = [("at", "bob", "shed")]
    for tool in tools:
        init += [("at", tool, rng.choice(corridor)), ("usable", tool)]
    for nut in nut_names:
        init += [("at", nut, "gate"), ("loose", nut)]
    path = ["shed"] + corridor + ["gate"]
    init += [("link", a, b) for a, b in zip(path, path[1:])]
    problem.init = init
    problem.goal = [("tightened", n) for n in nut_names]
    return problem


if __name__ == "__main__":
    domain_main(sys.modules[__name__])
