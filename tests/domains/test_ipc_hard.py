"""The ipc-hard presets and the generator parameters added for them.

Only scaled-down tasks are generated and grounded here (the full presets
ground to up to 7 M operators; bench/grounding.py measures them, see
bench/examples/grounding-hard/).  Outputs of the presets that existed before
are pinned by digest: recorded benchmarks name tasks by (domain, preset, seed).
"""
from __future__ import annotations

import hashlib
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from planner.domains import DOMAIN_NAMES, domain_file, generate_problem, load, resolve_params
from planner.domains.examples import EXAMPLES
from planner.frontend.grounding import ground_files

REPO = Path(__file__).resolve().parents[2]
# The examples' small sizes, completed where the preset sets parameters that
# the examples leave derived (childsnack's allergic children, trays, sandwiches).
SMALL = {name: sizes[1] for name, sizes in EXAMPLES.items()}
SMALL["childsnack"] = {"children": 5, "allergic": 2, "trays": 1, "sandwiches": 6}

# sha256 of generate_problem(domain, 1, preset) as written before ipc-hard and
# the transport density / rovers traverse parameters existed (main at 6162460).
PINNED = {
    ("rovers", "easy"): "3f90934e9f92b6a0452c736cfdf8af0ab18a35e5e73e3d329d771aea439f7006",
    ("rovers", "medium"): "cc632638dd80ea709da8166bdcd6d3c16d333cb08c661746a30a82e6614238c9",
    ("rovers", "hard"): "8501380dd1c7c3d01f11eb5ce809b81bad8835d42af88eacc575a69f21e42f96",
    ("rovers", "max"): "4cb9d6824bb57b13d1e4e757c722614d64d279331615f3f22182d3aa7784f82b",
    ("transport", "easy"): "400ec8965b5c17b37a64dba97089123efd3d97ba08a8c6866eeedc4de7fe8956",
    ("transport", "medium"): "256d6254a7954c149fa6f252f619871040766ea693074410593b9af8936a13cb",
    ("transport", "hard"): "9f852d29bf19ca1f2164333c044a60009f16d8c86aa3ca4a0278a09b4e7027a9",
    ("transport", "max"): "5bf686c79e68de2433a698b111ae062e10338d23eab15fd306a3ef0b522c8cb2",
    ("sokoban", "easy"): "f7ad57c5dbb52481f22b83288398f7df03495271b79a150154bdb4eca225130a",
    ("sokoban", "medium"): "b5ed329761eea40b9ca9666555cf6a934d0bf3c20c16d246e900aad397db6678",
    ("satellite", "easy"): "aa86cf5732a6d96da2ec387b4b388bf67893c29563311f7c60cda188edf13f74",
    ("satellite", "medium"): "b4b032e332bd9ce523dc223a21f08c1615d65db91112779edcb41e6ae98eb012",
    ("satellite", "max"): "cbb01381dcece6d8cea1149af58183c1be392c7b9f774f88dbd9437b8560233b",
}


@pytest.mark.parametrize(("name", "preset"), sorted(PINNED))
def test_older_presets_keep_their_bytes(name, preset):
    text = generate_problem(name, 1, preset)
    assert hashlib.sha256(text.encode()).hexdigest() == PINNED[name, preset]


@pytest.mark.parametrize("name", DOMAIN_NAMES)
def test_ipc_hard_resolves_to_known_parameters(name):
    module = load(name)
    params = resolve_params(module, "ipc-hard")
    assert set(module.PRESETS["ipc-hard"]) <= set(module.PARAMS)
    assert params.keys() == module.PARAMS.keys()
    # every size the preset sets is at least max's: ipc-hard is p30, the largest hard task
    for key, value in module.PRESETS["max"].items():
        if key in module.PRESETS["ipc-hard"] and key not in ("instruments", "density"):
            assert module.PRESETS["ipc-hard"][key] >= value, key


@pytest.mark.parametrize("name", DOMAIN_NAMES)
def test_scaled_down_ipc_hard_grounds(name, tmp_path):
    """ipc-hard's distribution parameters with small sizes: a valid, relaxed-solvable task."""
    path = tmp_path / f"{name}.pddl"
    path.write_text(generate_problem(name, 5, "ipc-hard", **SMALL[name]))
    task = ground_files(domain_file(name), path)
    assert task.num_facts > 0 and task.num_operators > 0


def test_cli_accepts_ipc_hard():
    out = subprocess.run(
        [sys.executable, "-m", "planner.domains.generate", "transport", "--preset", "ipc-hard",
         "--seed", "2", "--vehicles", "2", "--packages", "3", "--locations", "9"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout
    assert "density=0.5" in out.splitlines()[0]
    assert out == generate_problem("transport", 2, "ipc-hard", vehicles=2, packages=3, locations=9)


def roads(text: str) -> set[tuple[str, str]]:
    return {tuple(sorted(pair)) for pair in re.findall(r"\(road (l\d+) (l\d+)\)", text)}


@pytest.mark.parametrize("seed", range(3))
def test_transport_density_adds_about_that_share_of_pairs(seed):
    sparse = roads(generate_problem("transport", seed, locations=40, density=0.0))
    dense = roads(generate_problem("transport", seed, locations=40, density=0.5))
    pairs = 40 * 39 // 2
    assert sparse <= dense
    assert 0.4 < len(dense - sparse) / (pairs - len(sparse)) < 0.6


def test_transport_density_header_only_when_set():
    assert "density" not in generate_problem("transport", 1, "max").splitlines()[0]
    assert "density=0.5" in generate_problem("transport", 1, "ipc-hard").splitlines()[0]


def test_rovers_traverse_share():
    """With traverse t a rover may drive about t of the visible edges outside its tree."""
    rovers = load("rovers")
    rng = random.Random(4)
    n = 60
    edges = rovers.waypoint_graph(n, 0.5, rng)
    for share in (0.0, 0.3, 1.0):
        kept = rovers.traverse_edges(n, edges, rng, share)
        extra = len(kept) - (n - 1)  # a spanning tree has n - 1 edges
        assert abs(extra / (len(edges) - (n - 1)) - share) < 0.06


def test_rovers_bad_share_rejected():
    with pytest.raises(ValueError):
        generate_problem("rovers", 1, traverse=1.5)
    with pytest.raises(ValueError):
        generate_problem("transport", 1, density=-0.1)


def test_sokoban_ipc_hard_floor_is_open():
    """density 0: every interior cell is floor (the IPC maps' walls are 1 in 4,761 cells)."""
    text = generate_problem("sokoban", 3, "ipc-hard", size=12, boxes=3)
    cells = set(re.findall(r"\(adjacent (\S+) ", text))
    assert len(cells) == 10 * 10
