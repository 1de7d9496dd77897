"""Satellite generator: satellites carrying instruments that image directions.

Every satellite gets at least one instrument, every instrument supports at
least one mode and has a calibration direction.  Image goals are drawn only
from (direction, mode) pairs whose mode some instrument supports, and any
satellite can turn to any direction, so every task is solvable.
"""
from __future__ import annotations

import random
import sys

from ..cli import domain_main
from ..pddl import Problem, numbered

DOMAIN = "satellite"
DOMAIN_KEY = "satellite"
PARAMS = {"satellites": 10, "instruments": 20, "modes": 3, "directions": 10,
          "images": None, "pointings": None}
PRESETS = {
    "easy": {"satellites": 6, "instruments": 11, "modes": 2, "directions": 7},
    "medium": {"satellites": 25, "instruments": 27, "modes": 6, "directions": 10},
    "hard": {"satellites": 100, "instruments": 100, "modes": 15, "directions": 240},
    "max": {"satellites": 100, "instruments": 105, "modes": 15, "directions": 180},
    # p30's parameters (the IPC schedule never raises instruments past 100 at
    # hard: its modes step is 0, so max's 105 was one step too far); turn_to,
    # satellites x directions^2, is 98% of the ground operators
    "ipc-hard": {"satellites": 100, "instruments": 100, "modes": 15, "directions": 180},
}


def build(rng: random.Random, satellites: int, instruments: int, modes: int, directions: int,
          images: int | None, pointings: int | None) -> Problem:
    if not (1 <= satellites <= instruments) or modes < 1 or directions < 2:
        raise ValueError("need 1 <= satellites <= instruments, modes >= 1, directions >= 2")
    problem = Problem(f"satellite-{satellites}-{instruments}-{modes}-{directions}", DOMAIN)
    sats = problem.add_objects(numbered("sat", satellites), "satellite")
    ins = problem.add_objects(numbered("ins", instruments), "instrument")
    mods = problem.add_objects(numbered("mod", modes), "mode")
    dirs = problem.add_objects(numbered("dir", directions), "direction")
    owners = sats + [rng.choice(sats) for _ in ins[satellites:]]
    init = [("pointing", s, rng.choice(dirs)) for s in sats]
    init += [("power_avail", s) for s in sats]
    init += [("calibration_target", i, rng.choice(dirs)) for i in ins]
    init += [("on_board", i, s) for i, s in zip(ins, owners)]
    supported: set[str] = set()
    for i in ins:
        chosen = rng.sample(mods, rng.randint(1, min(modes, 3)))
        supported.update(chosen)
        init += [("supports", i, m) for m in chosen]
    problem.init = init
    pairs = [(d, m) for d in dirs for m in mods if m in supported]
    images = min(len(pairs), round(1.3 * directions) if images is None else images)
    pointings = satellites // 2 if pointings is None else min(pointings, satellites)
    goal = [("pointing", s, rng.choice(dirs)) for s in sorted(rng.sample(sats, pointings), key=sats.index)]
    goal += [("have_image", d, m) for d, m in rng.sample(pairs, images)]
    problem.goal = goal
    return problem


if __name__ == "__main__":
    domain_main(sys.modules[__name__])
