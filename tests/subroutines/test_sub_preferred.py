"""Macro successors preferred by the compiled core; libraries shipped beside
the domain heuristics and inside DK files; the fast path with jailed heuristics."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from planner.heuristics.format import add_to_provenance, domain_fingerprint, read_provenance, write_heuristic
from planner.search.engine import search
from planner.subroutines import library as libmod
from planner.subroutines.instances import MacroTask, augment
from planner.subroutines.library import (
    Library, config_key, find_library, library_from_dk, read_usage, record_usage, resolve_subroutines,
    shipped_library_path, usage_anchor)
from planner.subroutines.lifted import Subroutine
from planner.task import GroundTask
from tests.fixtures import run_planner
from tests.random_tasks import optimal_cost, random_tasks
from tests.subroutines.macros import augment_all_pairs

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "domains" / "blocksworld" / "domain.pddl"
PROBLEM = ROOT / "domains" / "blocksworld" / "examples" / "p01.pddl"
PICK_STACK = Subroutine((("pickup", (0,)), ("stack", (0, 1))), ("object", "object"))
UNSTACK_PUT = Subroutine((("unstack", (0, 1)), ("putdown", (0,))), ("object", "object"))


def _plain(task: MacroTask) -> GroundTask:
    """The same operators without the macro marks: the core then treats macros like any operator."""
    return GroundTask(**{f.name: getattr(task, f.name) for f in dataclasses.fields(GroundTask)})


def _macro_steps(aug, plan) -> int:
    return sum(1 for o in plan if o >= aug.num_base_operators)


def _bw_task():
    from planner.frontend.grounding import ground_files

    bench = ROOT / "../shared/benchmarks/ipc2023-learning/blocksworld"
    if not bench.is_dir():
        pytest.skip("shared benchmarks absent")
    return ground_files(bench / "domain.pddl", bench / "testing" / "easy" / "p05.pddl")


def test_augmented_task_names_each_macros_first_step():
    aug = augment(_bw_task(), [PICK_STACK, UNSTACK_PUT])
    assert isinstance(aug.task, MacroTask) and len(aug.instances) > 0
    assert aug.task.macro_first_step.tolist() == [i.steps[0] for i in aug.instances]
    assert aug.task.num_operators == aug.num_base_operators + len(aug.instances)


def test_macro_successors_are_preferred_and_evaluated_first_in_lazy_search():
    # goal count gives no preferred operators: without the macro marks nothing is
    # preferred; with them every macro successor goes to the preferred list, which
    # lazy search (boost 1000) pops, and only then evaluates, first
    aug = augment(_bw_task(), [PICK_STACK, UNSTACK_PUT])
    marked = search(aug.task, "lazy-gbfs", evaluators=["goalcount"])
    unmarked = search(_plain(aug.task), "lazy-gbfs", evaluators=["goalcount"])
    assert marked.solved and unmarked.solved
    # measured on blocksworld easy p05: 21 of 21 steps macros, 129 evaluations;
    # unmarked 18 of 22, 205 evaluations
    assert _macro_steps(aug, marked.plan) > _macro_steps(aug, unmarked.plan)
    assert marked.statistics.evaluations < unmarked.statistics.evaluations
    eager = search(aug.task, "gbfs", evaluators=["goalcount"])
    assert eager.solved  # eager: preferred lists alternate with the regular one (boost 0)


def test_with_hff_a_macro_is_preferred_when_its_first_step_is_helpful():
    aug = augment(_bw_task(), [PICK_STACK, UNSTACK_PUT])
    marked = search(aug.task, "lazy-gbfs", evaluators=["ff"], preferred=["ff"])
    unmarked = search(_plain(aug.task), "lazy-gbfs", evaluators=["ff"], preferred=["ff"])
    assert marked.solved and unmarked.solved
    # measured: 12 of 20 steps macros (unmarked 6 of 26)
    assert _macro_steps(aug, marked.plan) > _macro_steps(aug, unmarked.plan)


def _as_macro_task(aug):
    first = np.array([i.steps[0] for i in aug.instances], dtype=np.int32)
    fields = {f.name: getattr(aug.task, f.name) for f in dataclasses.fields(GroundTask)}
    return MacroTask(**fields, macro_first_step=first) if len(first) else aug.task


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_tasks(max_facts=5, max_ops=5, conditional=False))
def test_astar_stays_optimal_when_macros_win_ties(task):
    """A* orders by g + h; preferring macros only breaks ties on (g + h, h), and a
    macro costs the sum of its steps, so the optimal cost is found with h^max,
    LM-cut and blind search, with every macro marked."""
    aug = augment_all_pairs(task)
    marked = _as_macro_task(aug)
    best = optimal_cost(task)
    for h in ("blind", "max", "lmcut"):
        r = search(marked, "astar", evaluators=[h])
        assert (r.cost if r.solved else None) == best, h


def test_astar_on_blocksworld_prefers_macros_on_ties_and_keeps_the_optimal_cost():
    aug = augment(_bw_task(), [PICK_STACK, UNSTACK_PUT])
    marked = search(aug.task, "astar", evaluators=["lmcut"])
    unmarked = search(_plain(aug.task), "astar", evaluators=["lmcut"])
    plain = search(aug.base, "astar", evaluators=["lmcut"])
    assert marked.cost == unmarked.cost == plain.cost
    assert _macro_steps(aug, marked.plan) >= _macro_steps(aug, unmarked.plan)


def test_core_rejects_a_macro_whose_first_step_is_not_primitive():
    from planner import _core

    aug = augment(_bw_task(), [PICK_STACK])
    bad = np.full(len(aug.instances), aug.task.num_operators - 1, dtype=np.int32)
    with pytest.raises(ValueError, match="first step"):
        _core.SearchEngine(aug.task, "gbfs", [_core.GoalCount(aug.task)], macro_first=bad)


# --- shipped libraries, DK files, usage anchors ------------------------------------

def _library(search: str = "lazy-gbfs", heuristic: str = "ff") -> Library:
    return Library(domain_fingerprint(DOMAIN.read_text()), config_key(search, heuristic), [PICK_STACK, UNSTACK_PUT])


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    root = tmp_path / "shipped"
    import planner.heuristics.store as store

    monkeypatch.setattr(store, "shipped_heuristics_dir", lambda: root)
    monkeypatch.setenv("PLANNER_SUBROUTINES_DIR", str(tmp_path / "user"))
    return root


def test_auto_finds_a_shipped_library_and_counts_it_in_the_user_folder(shipped, tmp_path):
    text = DOMAIN.read_text()
    path = shipped_library_path(text, "lazy-gbfs", "auto")
    assert path.parent == shipped / "blocksworld" and path.name.endswith(".subroutines.json")
    _library(heuristic="auto").write(path)
    lib = find_library(text, "lazy-gbfs", "auto")
    assert lib is not None and lib.path == path and lib.subroutines == [PICK_STACK, UNSTACK_PUT]
    assert find_library(text, "lazy-gbfs", "ff") is None  # another configuration
    anchor = usage_anchor(lib)
    assert anchor.is_relative_to(tmp_path / "user")
    subs, counted = resolve_subroutines("auto", DOMAIN, "lazy-gbfs", "auto")
    assert subs == [PICK_STACK, UNSTACK_PUT] and counted == anchor
    for _ in range(libmod.RETIRE_AFTER):
        record_usage(counted, subs, {"path": "fast", "used": {PICK_STACK.name: 1}})
    assert not list(shipped.rglob("*.usage.json"))  # nothing written beside the shipped file
    assert read_usage(anchor)[UNSTACK_PUT.key]["retired"]["reason"].startswith("unused")
    assert resolve_subroutines("auto", DOMAIN, "lazy-gbfs", "auto")[0] == [PICK_STACK]
    # the user's own library for the configuration wins over the shipped one
    Library(lib.domain_fingerprint, lib.config, [UNSTACK_PUT]).write(
        libmod.library_path(text, "lazy-gbfs", "auto"))
    assert find_library(text, "lazy-gbfs", "auto").subroutines == [UNSTACK_PUT]


def _dk(tmp_path: Path) -> Path:
    from tests.llm.replay_server import recorded
    from planner.llm.extract import extract

    code = extract(recorded("good_blocksworld")).code
    return write_heuristic(tmp_path / "dk", code, "DomainHeuristic",
                           {"domain_fingerprint": domain_fingerprint(DOMAIN.read_text()), "solved": 3})


def test_a_library_in_the_dk_header_is_read_back_and_keeps_the_record_believed(tmp_path):
    from planner.heuristics.format import recorded_rank

    dk = _dk(tmp_path)
    assert library_from_dk(dk) is None
    before = recorded_rank(dk)
    code = dk.read_text().split("\n", 2)[2]
    add_to_provenance(dk, subroutines=_library(heuristic="dk").to_json())
    assert dk.read_text().split("\n", 2)[2] == code and recorded_rank(dk) == before == (3.0, 0.0)
    lib = library_from_dk(dk, DOMAIN.read_text())
    assert lib.subroutines == [PICK_STACK, UNSTACK_PUT] and lib.path is None
    assert read_provenance(dk)["class_name"] == "DomainHeuristic"


def test_planner_plan_uses_the_dk_library_in_a_jailed_fast_path(tmp_path):
    dk = _dk(tmp_path)
    add_to_provenance(dk, subroutines=_library(heuristic="dk").to_json())
    plan = tmp_path / "plan"
    env = {"PLANNER_SUBROUTINES_DIR": str(tmp_path / "user")}
    out = run_planner("plan", dk, DOMAIN, PROBLEM, plan, "--json", **env)
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)["subroutines"]
    assert info["path"] == "fast" and info["instances"] > 0, info
    assert run_planner("validate", DOMAIN, PROBLEM, plan).returncode == 0
    assert list((tmp_path / "user" / "counted").glob("*.usage.json"))
    off = run_planner("plan", dk, DOMAIN, PROBLEM, plan, "--json", "--subroutines", "off", **env)
    assert off.returncode == 0 and json.loads(off.stdout)["subroutines"] is None


def test_ship_writes_where_auto_looks(shipped, tmp_path):
    from planner.subroutines.__main__ import main

    lib = _library(heuristic="auto")
    lib.meta = {"mining_tasks": ["/somewhere/p01.pddl"], "domain": "/somewhere/domain.pddl"}
    source = lib.write(tmp_path / "lib.json")
    assert main(["ship", str(source), str(DOMAIN), "--to", str(shipped)]) == 0
    found = find_library(DOMAIN.read_text(), "lazy-gbfs", "auto")
    assert found is not None and found.path.parent == shipped / "blocksworld"
    assert found.meta["mining_tasks"] == ["p01.pddl"] and "domain" not in found.meta
    empty = Library(lib.domain_fingerprint, lib.config, []).write(tmp_path / "empty.json")
    assert main(["ship", str(empty), str(DOMAIN), "--to", str(shipped)]) != 0


def test_building_instances_stops_at_the_deadline():
    """A fast path must not spend more than its share building instances: a
    deadline already passed drops every subroutine with the reason."""
    import time

    aug = augment(_bw_task(), [PICK_STACK, UNSTACK_PUT], deadline=time.perf_counter() - 1)
    assert not aug.instances
    assert set(aug.dropped.values()) == {"out of time building instances"}
