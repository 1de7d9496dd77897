"""Transport generator: vehicles with capacities move packages over a road map.

Locations are random points in a square.  Roads join each location to its
nearest earlier location (a spanning tree, so the map is connected) and to
its `degree` nearest neighbours; all roads are two-way.  With `density` > 0
every other pair of locations is also joined with that probability: the
IPC 2023 scripts draw a random spanning tree plus a uniformly random number
of extra roads (between none and all pairs), so their maps hold half of all
pairs on average, far denser than the geometric map (IPC hard p30: 1,614
roads among 70 locations against about 200 here).  Every vehicle can carry
at least one package, so on a connected map every task is solvable.
"""
from __future__ import annotations

import math
import random
import sys

from ..cli import domain_main
from ..pddl import Problem, numbered

DOMAIN = "transport"
DOMAIN_KEY = "transport"
PARAMS = {"vehicles": 6, "packages": 15, "locations": 15, "capacity": 2, "degree": 3,
          "density": 0.0}
LATE_PARAMS = {"density": 0.0}
PRESETS = {
    "easy": {"vehicles": 4, "packages": 8, "locations": 10, "capacity": 2},
    "medium": {"vehicles": 15, "packages": 17, "locations": 16, "capacity": 6},
    "hard": {"vehicles": 25, "packages": 37, "locations": 65, "capacity": 10},
    "max": {"vehicles": 25, "packages": 45, "locations": 70, "capacity": 10},
    # p30's parameters with a map as dense as the IPC scripts' on average
    "ipc-hard": {"vehicles": 25, "packages": 45, "locations": 70, "capacity": 10, "density": 0.5},
}


def road_map(count: int, degree: int, rng: random.Random,
             density: float = 0.0) -> list[tuple[int, int]]:
    """Undirected edges (i, j), i < j, of a connected geometric graph, plus
    each other pair with probability `density` (no random draw at 0, so the
    maps of density 0 are those this function always made)."""
    points = [(rng.random(), rng.random()) for _ in range(count)]

    def nearest(i: int, candidates: range, k: int) -> list[int]:
        return sorted((j for j in candidates if j != i),
                      key=lambda j: (math.dist(points[i], points[j]), j))[:k]

    edges = set()
    for i in range(1, count):
        edges.add((nearest(i, range(i), 1)[0], i))
        for j in nearest(i, range(count), degree):
            edges.add((min(i, j), max(i, j)))
    if density > 0:
        edges |= {(i, j) for i in range(count) for j in range(i + 1, count)
                  if (i, j) not in edges and rng.random() < density}
    return sorted(edges)


def build(rng: random.Random, vehicles: int, packages: int, locations: int,
          capacity: int, degree: int, density: float = 0.0) -> Problem:
    if vehicles < 1 or packages < 1 or locations < 2 or capacity < 1:
        raise ValueError("need vehicles, packages, capacity >= 1 and locations >= 2")
    if not 0 <= density <= 1:
        raise ValueError("need 0 <= density <= 1")
    problem = Problem(f"transport-{vehicles}-{packages}-{locations}", DOMAIN)
    trucks = problem.add_objects(numbered("v", vehicles), "vehicle")
    parcels = problem.add_objects(numbered("p", packages), "package")
    locs = problem.add_objects(numbered("l", locations), "location")
    sizes = problem.add_objects([f"c{k}" for k in range(capacity + 1)], "size")
    init = [("capacity", v, sizes[rng.randint(1, capacity)]) for v in trucks]
    init += [("capacity-predecessor", a, b) for a, b in zip(sizes, sizes[1:])]
    goal = []
    for p in parcels:
        start, end = rng.sample(locs, 2)
        init.append(("at", p, start))
        goal.append(("at", p, end))
    init += [("at", v, rng.choice(locs)) for v in trucks]
    for i, j in road_map(locations, degree, rng, density):
        init += [("road", locs[i], locs[j]), ("road", locs[j], locs[i])]
    problem.init, problem.goal = init, goal
    return problem


if __name__ == "__main__":
    domain_main(sys.modules[__name__])
