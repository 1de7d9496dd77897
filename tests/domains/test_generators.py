"""The instance generators in domains/: deterministic, well-formed, solvable.

Only small sizes are generated here so the whole file runs in seconds; the
medium/hard presets are exercised by bench/grounding.py.
"""
from __future__ import annotations

import random
import subprocess
import sys
from collections import deque
from pathlib import Path

import pddl
import pytest

from planner.domains import DOMAIN_NAMES, PRESET_NAMES, domain_file, generate_problem, load
from planner.domains.examples import EXAMPLES, example_texts

REPO = Path(__file__).resolve().parents[2]

SMALL = {name: sizes[1] for name, sizes in EXAMPLES.items()}


def write(tmp_path: Path, name: str, seed: int, **sizes) -> Path:
    path = tmp_path / f"{name}-{seed}.pddl"
    path.write_text(generate_problem(name, seed, **(sizes or SMALL[name])))
    return path


@pytest.mark.parametrize("name", DOMAIN_NAMES)
def test_same_seed_same_bytes(name):
    assert generate_problem(name, 7, **SMALL[name]) == generate_problem(name, 7, **SMALL[name])


@pytest.mark.parametrize("name", DOMAIN_NAMES)
def test_seed_changes_task(name):
    texts = {generate_problem(name, seed, **SMALL[name]) for seed in range(4)}
    assert len(texts) > 1


@pytest.mark.parametrize("name", DOMAIN_NAMES)
def test_deterministic_across_processes(name):
    """Byte-identical output from a fresh interpreter with another hash seed."""
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in SMALL[name].items()]
    out = subprocess.run(
        [sys.executable, "-m", "planner.domains.generate", name, "--seed", "3", *flags],
        cwd=REPO, capture_output=True, text=True, check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
    ).stdout
    assert out == generate_problem(name, 3, **SMALL[name])


def type_closure(domain: pddl.Domain) -> dict[str, set[str]]:
    """Each type -> itself and all its ancestors (object included)."""
    closure = {}
    for t in set(domain.types) | {"object"}:
        seen, cur = {"object"}, t
        while cur is not None and cur not in seen:
            seen.add(cur)
            cur = domain.types.get(cur)
        closure[t] = seen
    return closure


def atoms(formula) -> list:
    """Atoms of a conjunctive goal or a single atom."""
    return list(getattr(formula, "operands", [formula]))


@pytest.mark.parametrize("name", DOMAIN_NAMES)
def test_problem_matches_domain(name, tmp_path):
    """Every atom uses a domain predicate with the right arity and arg types."""
    domain = pddl.parse_domain(domain_file(name))
    problem = pddl.parse_problem(write(tmp_path, name, 1))
    assert problem.domain_name == domain.name
    ancestors = type_closure(domain)
    obj_types = {o.name: set(o.type_tags) or {"object"} for o in problem.objects}
    obj_types.update({c.name: set(c.type_tags) or {"object"} for c in domain.constants})
    assert not set(o.name for o in problem.objects) & set(c.name for c in domain.constants)
    signatures = {p.name: [set(t.type_tags) or {"object"} for t in p.terms] for p in domain.predicates}
    for atom in list(problem.init) + atoms(problem.goal):
        assert atom.name in signatures, atom
        params = signatures[atom.name]
        assert len(atom.terms) == len(params), atom
        for term, wanted in zip(atom.terms, params):
            have = set().union(*(ancestors[t] for t in obj_types[term.name]))
            assert have & wanted, f"{atom}: {term.name} is not a {wanted}"


@pytest.mark.parametrize("name", DOMAIN_NAMES)
def test_grounds_with_planner(name, tmp_path):
    """Our own front end parses the task and finds the goal relaxed-reachable."""
    grounding = pytest.importorskip("planner.frontend.grounding")
    task = grounding.ground_files(domain_file(name), write(tmp_path, name, 2))
    assert task.num_facts > 0 and task.num_operators > 0


@pytest.mark.parametrize("name", DOMAIN_NAMES)
def test_presets_are_complete(name):
    module = load(name)
    assert set(module.PRESETS) == set(PRESET_NAMES)
    for sizes in module.PRESETS.values():
        assert set(sizes) <= set(module.PARAMS)


def test_examples_are_reproducible():
    """The committed examples are exactly what `python -m planner.domains.examples` writes."""
    for path, text in example_texts().items():
        assert path.read_text() == text, f"{path} is stale: run python -m planner.domains.examples"


def test_bad_sizes_rejected():
    with pytest.raises(ValueError):
        generate_problem("spanner", 1, spanners=2, nuts=3)
    with pytest.raises(ValueError):
        generate_problem("blocksworld", 1, bricks=3)


# -- Sokoban: solvable by construction; check by exhaustive search ------------

MOVES = [(-1, 0), (1, 0), (0, -1), (0, 1)]


def sokoban_solvable(floor: set, boxes: tuple, robot: tuple, goals: tuple) -> bool:
    """Breadth-first search over (robot, boxes) states with distinguishable boxes."""
    start = (robot, boxes)
    seen, queue = {start}, deque([start])
    while queue:
        robot, boxes = queue.popleft()
        if boxes == goals:
            return True
        for dr, dc in MOVES:
            nxt = (robot[0] + dr, robot[1] + dc)
            if nxt not in floor:
                continue
            new_boxes = boxes
            if nxt in boxes:
                beyond = (nxt[0] + dr, nxt[1] + dc)
                if beyond not in floor or beyond in boxes:
                    continue
                new_boxes = tuple(beyond if b == nxt else b for b in boxes)
            state = (nxt, new_boxes)
            if state not in seen:
                seen.add(state)
                queue.append(state)
    return False


@pytest.mark.parametrize("seed", range(8))
def test_sokoban_reverse_play_is_solvable(seed):
    sokoban = load("sokoban")
    rng = random.Random(seed)
    floor = sokoban.make_floor(8, 0.25, rng)
    goals = rng.sample(sorted(floor), 2)
    robot = rng.choice([c for c in sorted(floor) if c not in goals])
    boxes, robot = sokoban.reverse_play(floor, goals, robot, 20, rng)
    assert sokoban_solvable(floor, tuple(boxes), robot, tuple(goals))
