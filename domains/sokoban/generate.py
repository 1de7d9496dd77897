"""Sokoban generator: random connected maps, solvable by reverse play.

How a task is made (and why it is always solvable):
  1. Map: an n x n grid with a wall border; interior cells are turned into
     walls in random order, each only if the floor stays connected, until a
     fraction `density` of the interior is wall.
  2. Goals: `boxes` random floor cells; the boxes start there (solved state).
  3. Reverse play: `pulls` times, pick a box, walk the robot (through free
     cells) next to it and *pull* it 1-4 cells: the robot steps away from
     the box and the box follows into the robot's old cell.  A pull is
     exactly the inverse of a `push`, and a walk is reversible, so replaying
     the recorded moves backwards is a plan from the final configuration
     (the initial state we write) to the goal.  A pull that would shut the
     robot into less than half of its current area is skipped, otherwise
     pulling into a dead end traps the robot and stalls the reverse play.
     Boxes still on their goals are preferred when picking what to pull; a
     box that cannot be pulled at all stays on its goal, and if no box moved
     the goals are redrawn (up to MAX_TRIES times).
Box i's goal is the cell it started on; the map comment uses the usual
notation: # wall, $ box, . goal, * box on goal, @ robot, + robot on goal.
"""
from __future__ import annotations

import random
import sys
from collections import deque

from domains.cli import domain_main
from domains.pddl import Problem, numbered

DOMAIN = "sokoban"
DOMAIN_KEY = "sokoban"
PARAMS = {"size": 10, "boxes": 2, "density": 0.25, "pulls": None}
PRESETS = {
    "easy": {"size": 13, "boxes": 4},
    "medium": {"size": 25, "boxes": 8},
    "hard": {"size": 50, "boxes": 20},
}
# PDDL direction name -> (row delta, column delta); rows grow downwards.
DIRECTIONS = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}
Cell = tuple[int, int]
MAX_TRIES = 20


def step(cell: Cell, delta: tuple[int, int]) -> Cell:
    return cell[0] + delta[0], cell[1] + delta[1]


def reachable(start: Cell, floor: set[Cell], blocked: set[Cell]) -> set[Cell]:
    """Cells reachable from start over floor cells not in blocked."""
    seen, queue = {start}, deque([start])
    while queue:
        cell = queue.popleft()
        for delta in DIRECTIONS.values():
            nxt = step(cell, delta)
            if nxt in floor and nxt not in blocked and nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def make_floor(size: int, density: float, rng: random.Random) -> set[Cell]:
    """Interior floor cells, connected, with about `density` of them walled."""
    interior = [(r, c) for r in range(1, size - 1) for c in range(1, size - 1)]
    floor = set(interior)
    target = int(density * len(interior))
    walls = 0
    for cell in rng.sample(interior, len(interior)):
        if walls >= target:
            break
        floor.discard(cell)
        rest = next(iter(floor))
        if len(reachable(rest, floor, set())) == len(floor):
            walls += 1
        else:
            floor.add(cell)
    return floor


def pull_options(boxes: list[Cell], index: int, robot_area: set[Cell],
                 floor: set[Cell], occupied: set[Cell]) -> list[tuple[int, int]]:
    """Directions d in which box `index` can be pulled from box+d."""
    options = []
    for delta in DIRECTIONS.values():
        stand = step(boxes[index], delta)
        back = step(stand, delta)
        if stand in robot_area and back in floor and back not in occupied:
            options.append(delta)
    return options


def reverse_play(floor: set[Cell], goals: list[Cell], robot: Cell, pulls: int,
                 rng: random.Random) -> tuple[list[Cell], Cell]:
    """Pull boxes away from their goals; returns (box cells, robot cell)."""
    boxes = goals[:]
    for _ in range(pulls):
        occupied = set(boxes)
        area = reachable(robot, floor, occupied)
        unmoved = [i for i, (b, g) in enumerate(zip(boxes, goals)) if b == g]
        index = rng.choice(unmoved) if unmoved and rng.random() < 0.5 else rng.randrange(len(boxes))
        options = pull_options(boxes, index, area, floor, occupied)
        if not options:
            continue
        delta = rng.choice(options)
        robot = step(boxes[index], delta)
        for _ in range(rng.randint(1, 4)):
            back = step(robot, delta)
            if back not in floor or back in occupied:
                break
            moved = (occupied - {boxes[index]}) | {robot}
            if len(reachable(back, floor, moved)) < len(area) // 2:
                break  # the robot would wall itself into a pocket
            boxes[index], robot, occupied = robot, back, moved
    return boxes, robot


def loc(cell: Cell) -> str:
    return f"loc_{cell[0] + 1}_{cell[1] + 1}"


def ascii_map(size: int, floor: set[Cell], boxes: list[Cell], goals: list[Cell],
              robot: Cell) -> list[str]:
    """The map in standard Sokoban notation, one string per row."""
    def char(cell: Cell) -> str:
        if cell not in floor:
            return "#"
        on_goal = cell in goals
        if cell in boxes:
            return "*" if on_goal else "$"
        if cell == robot:
            return "+" if on_goal else "@"
        return "." if on_goal else " "
    return ["".join(char((r, c)) for c in range(size)) for r in range(size)]


def build(rng: random.Random, size: int, boxes: int, density: float, pulls: int | None) -> Problem:
    if size < 5 or boxes < 1:
        raise ValueError("need size >= 5 and boxes >= 1")
    floor = make_floor(size, density, rng)
    if len(floor) < boxes + 2:
        raise ValueError("map too small for that many boxes")
    cells = sorted(floor)
    pulls = 10 * boxes if pulls is None else pulls
    for _ in range(MAX_TRIES):  # redraw goals until some box actually moved
        goals = rng.sample(cells, boxes)
        robot = rng.choice([c for c in cells if c not in goals])
        start, robot = reverse_play(floor, goals, robot, pulls, rng)
        if start != goals:
            break

    problem = Problem(f"sokoban-{size}-{boxes}", DOMAIN)
    problem.comments += ["", *("  " + row for row in ascii_map(size, floor, start, goals, robot)), ""]
    problem.add_objects([loc((r, c)) for r in range(size) for c in range(size)], "location")
    names = problem.add_objects(numbered("box", boxes), "box")
    init = [("at-robot", loc(robot))]
    init += [("at", b, loc(cell)) for b, cell in zip(names, start)]
    init += [("clear", loc(c)) for c in cells if c not in start]
    for cell in cells:
        for name, delta in DIRECTIONS.items():
            if step(cell, delta) in floor:
                init.append(("adjacent", loc(cell), loc(step(cell, delta)), name))
    problem.init = init
    problem.goal = [("at", b, loc(cell)) for b, cell in zip(names, goals)]
    return problem


if __name__ == "__main__":
    domain_main(sys.modules[__name__])
