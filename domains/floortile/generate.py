"""Floortile generator: paint rows 1..r of a (r+1) x c grid in a checkerboard.

Row 0 is an extra unpainted row, as in the original generator.  Robots start
on distinct random tiles holding a random colour, and both colours are
available.  With robots <= columns the task is solvable: paint the top row
first from the row below (paint_up) and sweep downwards, so painted tiles
never trap a robot; the robots finish in row 0.
"""
from __future__ import annotations

import random
import sys

from ..cli import domain_main
from ..pddl import Problem, numbered

DOMAIN = "floortile"
DOMAIN_KEY = "floortile"
PARAMS = {"rows": 4, "columns": 5, "robots": 2}
PRESETS = {
    "easy": {"rows": 4, "columns": 5, "robots": 2},
    "medium": {"rows": 13, "columns": 16, "robots": 9},
    "hard": {"rows": 60, "columns": 70, "robots": 57},
    "max": {"rows": 80, "columns": 60, "robots": 60},
    # p30's parameters: this domain's ground size follows from them alone
    "ipc-hard": {"rows": 80, "columns": 60, "robots": 60},
}
COLORS = ["white", "black"]


def tile(r: int, c: int) -> str:
    return f"tile_{r}_{c}"


def grid_facts(rows: int, columns: int) -> list[tuple[str, ...]]:
    """up/down/right/left: (up y x) means y is directly above x."""
    facts = []
    for r in range(rows):
        facts += [("up", tile(r + 1, c), tile(r, c)) for c in range(1, columns + 1)]
    for r in range(rows):
        facts += [("down", tile(r, c), tile(r + 1, c)) for c in range(1, columns + 1)]
    for r in range(rows + 1):
        facts += [("left", tile(r, c), tile(r, c + 1)) for c in range(1, columns)]
    for r in range(rows + 1):
        facts += [("right", tile(r, c + 1), tile(r, c)) for c in range(1, columns)]
    return facts


def build(rng: random.Random, rows: int, columns: int, robots: int) -> Problem:
    if not (1 <= robots <= columns) or rows < 1:
        raise ValueError("need rows >= 1 and 1 <= robots <= columns")
    problem = Problem(f"floortile-{rows}-{columns}-{robots}", DOMAIN)
    tiles = problem.add_objects(
        [tile(r, c) for r in range(rows + 1) for c in range(1, columns + 1)], "tile")
    bots = problem.add_objects(numbered("robot", robots), "robot")
    problem.add_objects(COLORS, "color")
    occupied = rng.sample(tiles, robots)
    init = []
    for bot, place in zip(bots, occupied):
        init += [("robot-at", bot, place), ("robot-has", bot, rng.choice(COLORS))]
    init += [("available-color", c) for c in COLORS]
    init += [("clear", t) for t in tiles if t not in occupied]
    problem.init = init + grid_facts(rows, columns)
    problem.goal = [("painted", tile(r, c), COLORS[(r + c) % 2])
                    for r in range(1, rows + 1) for c in range(1, columns + 1)]
    return problem


if __name__ == "__main__":
    domain_main(sys.modules[__name__])
