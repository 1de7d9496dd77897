"""Rovers generator: rovers gather soil/rock samples and images for a lander.

How solvability is ensured:
  * `visible` is a random spanning tree over the waypoints plus random extra
    edges (probability `density`), so the waypoint graph is connected;
  * each rover's `can_traverse` is a spanning tree of that graph grown from
    a random order, plus each remaining visible edge with probability
    `traverse` (a half by default; the IPC 2023 scripts use 0.3), so
    every rover can reach every waypoint and talk to the lander from a
    neighbour of the lander's waypoint;
  * each capability (soil, rock, imaging) is given to at least one rover and
    cameras are mounted only on imaging rovers;
  * every objective is visible from at least one waypoint, and image goals
    use only modes that some mounted camera supports.
Sizes: the problem file grows as rovers * waypoints^2 * density; the default
density 0.8 is denser than the IPC 2023 tasks' visibility graphs (their
scripts draw a uniformly random number of extra edges, half of all pairs on
average), and the hard and max presets give files of about 1.2 and 4.6 MB.
`ipc-hard` takes p30's parameters with density 0.5 and traverse 0.3.
"""
from __future__ import annotations

import random
import sys

from ..cli import domain_main
from ..pddl import Fact, Problem, numbered

DOMAIN = "rover"
DOMAIN_KEY = "rovers"
MODES = ["colour", "high_res", "low_res"]
CAPABILITIES = ["soil", "rock", "imaging"]
PARAMS = {"rovers": 4, "waypoints": 10, "cameras": 4, "objectives": 10, "density": 0.8,
          "traverse": 0.5}
LATE_PARAMS = {"traverse": 0.5}
PRESETS = {
    "easy": {"rovers": 2, "waypoints": 7, "cameras": 2, "objectives": 5},
    "medium": {"rovers": 10, "waypoints": 10, "cameras": 20, "objectives": 35},
    "hard": {"rovers": 20, "waypoints": 50, "cameras": 40, "objectives": 70},
    "max": {"rovers": 20, "waypoints": 100, "cameras": 60, "objectives": 110},
    "ipc-hard": {"rovers": 20, "waypoints": 100, "cameras": 60, "objectives": 110,
                 "density": 0.5, "traverse": 0.3},
}


def waypoint_graph(n: int, density: float, rng: random.Random) -> list[tuple[int, int]]:
    """Undirected edges (i < j): a random spanning tree plus random extras."""
    order = rng.sample(range(n), n)
    edges = {tuple(sorted((order[k], order[rng.randrange(k)]))) for k in range(1, n)}
    edges |= {(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < density}
    return sorted(edges)


def traverse_edges(n: int, edges: list[tuple[int, int]], rng: random.Random,
                   share: float = 0.5) -> list[tuple[int, int]]:
    """A rover's roads: a random spanning tree of `edges` plus each other edge
    with probability `share`."""
    neighbours: dict[int, list[int]] = {i: [] for i in range(n)}
    for i, j in edges:
        neighbours[i].append(j)
        neighbours[j].append(i)
    start = rng.randrange(n)
    seen, frontier, tree = {start}, [start], set()
    while frontier:
        node = frontier.pop(rng.randrange(len(frontier)))
        for other in neighbours[node]:
            if other not in seen:
                seen.add(other)
                frontier.append(other)
                tree.add((min(node, other), max(node, other)))
    return [e for e in edges if e in tree or rng.random() < share]


def capabilities(rovers: list[str], rng: random.Random) -> dict[str, list[str]]:
    """Which rovers have each capability; never an empty list."""
    owners = {cap: [r for r in rovers if rng.random() < 0.5] for cap in CAPABILITIES}
    for cap, who in owners.items():
        if not who:
            who.append(rng.choice(rovers))
    return {cap: [r for r in rovers if r in who] for cap, who in owners.items()}


def build(rng: random.Random, rovers: int, waypoints: int, cameras: int, objectives: int,
          density: float, traverse: float = 0.5) -> Problem:
    if rovers < 1 or waypoints < 2 or cameras < 1 or objectives < 1:
        raise ValueError("need rovers, cameras, objectives >= 1 and waypoints >= 2")
    if not (0 <= density <= 1 and 0 <= traverse <= 1):
        raise ValueError("need density and traverse in [0, 1]")
    problem = Problem(f"rover-{rovers}-{waypoints}-{cameras}-{objectives}", DOMAIN)
    problem.add_objects(["general"], "lander")
    problem.add_objects(MODES, "mode")
    bots = problem.add_objects(numbered("rover", rovers), "rover")
    stores = problem.add_objects([f"{r}store" for r in bots], "store")
    wps = problem.add_objects(numbered("waypoint", waypoints), "waypoint")
    cams = problem.add_objects(numbered("camera", cameras), "camera")
    objs = problem.add_objects(numbered("objective", objectives), "objective")

    init: list[Fact] = [("at_lander", "general", rng.choice(wps))]
    init += [("at", r, rng.choice(wps)) for r in bots]
    owners = capabilities(bots, rng)
    for cap, predicate in zip(CAPABILITIES, ["equipped_for_soil_analysis",
                                             "equipped_for_rock_analysis", "equipped_for_imaging"]):
        init += [(predicate, r) for r in owners[cap]]
    init += [("empty", s) for s in stores]
    init += [("store_of", s, r) for s, r in zip(stores, bots)]
    rock = [w for w in wps if rng.random() < 0.5]
    soil = [w for w in wps if rng.random() < 0.5]
    init += [("at_rock_sample", w) for w in rock] + [("at_soil_sample", w) for w in soil]

    edges = waypoint_graph(waypoints, density, rng)
    init += [f for i, j in edges for f in (("visible", wps[i], wps[j]), ("visible", wps[j], wps[i]))]
    for r in bots:
        init += [f for i, j in traverse_edges(waypoints, edges, rng, traverse)
                 for f in (("can_traverse", r, wps[i], wps[j]), ("can_traverse", r, wps[j], wps[i]))]

    supported: list[str] = []
    for cam in cams:
        modes = rng.sample(MODES, rng.randint(1, len(MODES)))
        supported += [m for m in modes if m not in supported]
        init += [("calibration_target", cam, rng.choice(objs)),
                 ("on_board", cam, rng.choice(owners["imaging"]))]
        init += [("supports", cam, m) for m in modes]
    for obj in objs:
        seen_from = [w for w in wps if rng.random() < density] or [rng.choice(wps)]
        init += [("visible_from", obj, w) for w in seen_from]
    problem.init = init

    goal = [("communicated_soil_data", w) for w in soil if rng.random() < 0.5]
    goal += [("communicated_rock_data", w) for w in rock if rng.random() < 0.5]
    goal += [("communicated_image_data", o, m) for o in objs for m in MODES
             if m in supported and rng.random() < 0.5]
    problem.goal = goal or [("communicated_image_data", objs[0], supported[0])]
    return problem


if __name__ == "__main__":
    domain_main(sys.modules[__name__])
