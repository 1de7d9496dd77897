"""Childsnack generator: children at tables, some allergic to gluten.

As in the original generator there is one bread and one content portion per
child, exactly `allergic` of each are gluten-free, and there are at least as
many sandwich names as children, so every task is solvable (gluten-free
sandwiches for the allergic children, any others for the rest).
"""
from __future__ import annotations

import random
import sys

from ..cli import domain_main
from ..pddl import Problem, numbered

DOMAIN = "childsnack"
DOMAIN_KEY = "childsnack"
PARAMS = {"children": 10, "allergic": None, "trays": None, "sandwiches": None, "tables": 3}
PRESETS = {
    "easy": {"children": 7, "allergic": 3, "trays": 2, "sandwiches": 9},
    "medium": {"children": 28, "allergic": 25, "trays": 4, "sandwiches": 30},
    "hard": {"children": 150, "allergic": 50, "trays": 2, "sandwiches": 250},
    "max": {"children": 150, "allergic": 110, "trays": 2, "sandwiches": 200},
    # p30's parameters: this domain's ground size follows from them alone
    "ipc-hard": {"children": 150, "allergic": 110, "trays": 2, "sandwiches": 200},
}


def build(rng: random.Random, children: int, allergic: int | None, trays: int | None,
          sandwiches: int | None, tables: int) -> Problem:
    allergic = round(0.4 * children) if allergic is None else allergic
    trays = max(1, (children + 2) // 4) if trays is None else trays
    sandwiches = children + children // 2 if sandwiches is None else sandwiches
    if not (0 <= allergic <= children <= sandwiches) or trays < 1 or tables < 1:
        raise ValueError("need 0 <= allergic <= children <= sandwiches, trays >= 1, tables >= 1")
    problem = Problem(f"childsnack-{children}", DOMAIN)
    kids = problem.add_objects(numbered("child", children), "child")
    tray_names = problem.add_objects(numbered("tray", trays), "tray")
    sandws = problem.add_objects(numbered("sandw", sandwiches), "sandwich")
    breads = problem.add_objects(numbered("bread", children), "bread-portion")
    contents = problem.add_objects(numbered("content", children), "content-portion")
    places = problem.add_objects(numbered("table", tables), "place")
    init = [("at", t, "kitchen") for t in tray_names]
    init += [("at_kitchen_bread", b) for b in breads]
    init += [("at_kitchen_content", c) for c in contents]
    shuffled = rng.sample(kids, len(kids))
    init += [("allergic_gluten", k) for k in shuffled[:allergic]]
    init += [("not_allergic_gluten", k) for k in shuffled[allergic:]]
    init += [("no_gluten_bread", b) for b in rng.sample(breads, allergic)]
    init += [("no_gluten_content", c) for c in rng.sample(contents, allergic)]
    init += [("waiting", k, rng.choice(places)) for k in shuffled]
    init += [("notexist", s) for s in sandws]
    problem.init = init
    problem.goal = [("served", k) for k in kids]
    return problem


if __name__ == "__main__":
    domain_main(sys.modules[__name__])
