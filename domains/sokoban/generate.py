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
     (the initial state we write) to the goal.  The robot starts in the
     largest region left free by the boxes, and a pull step that would shrink
     its reachable area below min(current area, half the free floor) is
     skipped: pulling into a dead end would trap the robot for good.
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

from ..cli import domain_main
from ..pddl import Problem, numbered

DOMAIN = "sokoban"
DOMAIN_KEY = "sokoban"
PARAMS = {"size": 10, "boxes": 2, "density": 0.25, "pulls": None}
PRESETS = {
    "easy": {"size": 10, "boxes": 2},
    "medium": {"size": 19, "boxes": 17},
    "hard": {"size": 51, "boxes": 37},
    "max": {"size": 69, "boxes": 50},
    # p30's grid and boxes on open floor as in the IPC maps, where walls are
    # the cells their random walk never visited (1 of 4,761 at p30); the IPC
    # border cells are never clear, so 69 with our wall border matches
    "ipc-hard": {"size": 69, "boxes": 50, "density": 0.0},
}
# PDDL direction name -> (row delta, column delta); rows grow downwards.
DIRECTIONS = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}
Cell = tuple[int, int]
MAX_TRIES = 20
# The 8 cells around a cell, clockwise from the top-left; odd indices are
# the 4 edge-neighbours.
RING = [(-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1)]


def step(cell: Cell, delta: tuple[int, int]) -> Cell:
    return cell[0] + delta[0], cell[1] + delta[1]


def neighbour_map(floor: set[Cell]) -> dict[Cell, list[Cell]]:
    """Each floor cell's adjacent floor cells; precomputed because the
    breadth-first searches below dominate generation time on big maps."""
    return {cell: [n for n in (step(cell, d) for d in DIRECTIONS.values()) if n in floor]
            for cell in floor}


def reachable(start: Cell, neighbours: dict[Cell, list[Cell]], blocked: set[Cell],
              limit: int = 0) -> set[Cell]:
    """Cells reachable from start through cells not in blocked
    (stopping early once `limit` cells are found, if limit > 0)."""
    seen, queue = {start}, deque([start])
    while queue and len(seen) != limit:
        for nxt in neighbours[queue.popleft()]:
            if nxt not in seen and nxt not in blocked:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def locally_connected(cell: Cell, floor: set[Cell]) -> bool:
    """True if the floor neighbours of cell are joined through its 3x3 ring.

    Then walling the cell cannot disconnect the floor, and the expensive
    global check is skipped; consecutive ring cells are always adjacent, so
    this holds when all floor edge-neighbours lie in one run of floor cells.
    """
    ring = [step(cell, d) in floor for d in RING]
    if all(ring):
        return True
    start = ring.index(False)
    runs, has_edge = 0, False
    for k in range(1, 9):
        i = (start + k) % 8
        if ring[i]:
            has_edge = has_edge or i % 2 == 1
        else:
            runs += has_edge
            has_edge = False
    return runs <= 1


def make_floor(size: int, density: float, rng: random.Random) -> set[Cell]:
    """Interior floor cells, connected, with about `density` of them walled."""
    interior = [(r, c) for r in range(1, size - 1) for c in range(1, size - 1)]
    floor = set(interior)
    neighbours = neighbour_map(floor)
    target = int(density * len(interior))
    walls = 0
    for cell in rng.sample(interior, len(interior)):
        if walls >= target:
            break
        floor.discard(cell)
        for n in neighbours[cell]:
            neighbours[n].remove(cell)
        if locally_connected(cell, floor) or \
                len(reachable(neighbours[cell][0], neighbours, set())) == len(floor):
            walls += 1
        else:
            floor.add(cell)
            for n in neighbours[cell]:
                neighbours[n].append(cell)
    return floor


def largest_region(floor: set[Cell], blocked: set[Cell]) -> set[Cell]:
    """The biggest connected part of the floor outside `blocked`, where the
    robot starts so that it is not shut in a pocket by the goal boxes."""
    neighbours = neighbour_map(floor)
    best: set[Cell] = set()
    seen: set[Cell] = set()
    for cell in sorted(floor - blocked):
        if cell not in seen:
            region = reachable(cell, neighbours, blocked)
            seen |= region
            best = region if len(region) > len(best) else best
    return best


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
    neighbours = neighbour_map(floor)
    free = len(floor) - len(boxes)
    for _ in range(pulls):
        occupied = set(boxes)
        area = reachable(robot, neighbours, occupied)
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
            room = min(len(area), free // 2)
            if len(reachable(back, neighbours, moved, room)) < room:
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
        robot = rng.choice(sorted(largest_region(floor, set(goals))))
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
