"""Blocksworld generator: random initial and goal towers over n blocks.

A state is built by dropping the blocks, in random order, either onto the
table (a new tower) or onto a random existing tower; this gives about
sqrt(2n) towers, close to the tower counts of uniformly drawn states.  Every
blocksworld task is solvable (put everything on the table, then rebuild).
"""
from __future__ import annotations

import random
import sys

from ..cli import domain_main
from ..pddl import Fact, Problem, numbered

DOMAIN = "blocksworld"
DOMAIN_KEY = "blocksworld"
PARAMS = {"blocks": 10}
PRESETS = {"easy": {"blocks": 16}, "medium": {"blocks": 88}, "hard": {"blocks": 318},
           "max": {"blocks": 488},
           # p30's parameters: this domain's ground size follows from them alone
           "ipc-hard": {"blocks": 488}}


def random_towers(blocks: list[str], rng: random.Random) -> list[list[str]]:
    """Towers listed bottom to top."""
    order = blocks[:]
    rng.shuffle(order)
    towers: list[list[str]] = []
    for block in order:
        k = rng.randrange(len(towers) + 1)
        if k == len(towers):
            towers.append([block])
        else:
            towers[k].append(block)
    return towers


def tower_facts(towers: list[list[str]]) -> list[Fact]:
    """clear/on/on-table facts, top down, as the IPC tasks list them."""
    facts: list[Fact] = []
    for tower in towers:
        facts.append(("clear", tower[-1]))
        for upper, lower in zip(reversed(tower[1:]), reversed(tower[:-1])):
            facts.append(("on", upper, lower))
        facts.append(("on-table", tower[0]))
    return facts


def build(rng: random.Random, blocks: int) -> Problem:
    names = numbered("b", blocks)
    problem = Problem(f"blocksworld-{blocks}", DOMAIN)
    problem.add_objects(names, "object")
    problem.init = [("arm-empty",)] + tower_facts(random_towers(names, rng))
    problem.goal = tower_facts(random_towers(names, rng))
    return problem


if __name__ == "__main__":
    domain_main(sys.modules[__name__])
