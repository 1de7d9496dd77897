"""Lazy search's batch entries (planner.core.search.LazySearch): one open-list entry per
expanded state instead of one per successor must give the same search -- the same states
in the same order, so the same plan, expansions, evaluations and registered states -- as
the entry-per-successor search (batch=False), with and without preferred operators,
several heuristics in alternation, FIFO and LIFO ties, conditional effects."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import _core
from planner.frontend.grounding import ground_files
from planner.heuristics.api import Heuristic, TaskView
from planner.search.engine import make_evaluator
from tests.random_tasks import is_valid_plan, random_tasks

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO.parent / "shared" / "benchmarks" / "ipc2023-learning"


class ScrambledPreferred(Heuristic):
    """Goal count; as preferred operators a state-dependent jumble of operator ids:
    inapplicable ones, repeats, out of generator order (the core filters and orders them)."""

    provides_preferred = True

    def __init__(self, task: TaskView) -> None:
        super().__init__(task)
        self.goal = [int(f) for f in task.goal_pos]
        self.n = task.num_operators

    def __call__(self, state):
        ids = state.ids() if hasattr(state, "ids") else ()
        h = sum(1 for f in self.goal if f not in state)
        seed = sum(int(i) * 7919 for i in ids) + 13
        preferred = [(seed * (k + 3) + k * k) % self.n for k in range(max(1, self.n // 2))]
        return h, preferred + preferred[:2]


def run(task, evaluators, preferred, batch, lifo=False):
    built = {}

    def ev(spec):
        if spec not in built:
            built[spec] = make_evaluator(ScrambledPreferred if spec == "scrambled" else spec, task)
        return built[spec]

    engine = _core.SearchEngine(task, "lazy-gbfs", [ev(s) for s in evaluators],
                                [ev(s) for s in preferred], lifo=lifo, batch=batch)
    out = engine.run()
    s = out["statistics"]
    return (out["status"], out["plan"], s["expansions"], s["evaluations"], s["registered_states"],
            s["dead_ends"])


CONFIGS = [
    (["goalcount"], []),
    (["ff"], ["ff"]),
    (["goalcount", "ff"], ["ff"]),
    (["scrambled"], ["scrambled"]),
    (["add", "scrambled"], ["scrambled"]),
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_tasks(), st.sampled_from(CONFIGS), st.booleans())
def test_batch_entries_search_the_same_states(task, config, lifo):
    evaluators, preferred = config
    with_batch = run(task, evaluators, preferred, True, lifo)
    assert with_batch == run(task, evaluators, preferred, False, lifo)
    if with_batch[0] == "solved":
        assert is_valid_plan(task, tuple(with_batch[1]))


@pytest.mark.skipif(not BENCHMARKS.is_dir(), reason="shared benchmarks not present")
@pytest.mark.parametrize("domain", ["satellite", "childsnack", "transport", "blocksworld"])
def test_batch_entries_on_training_tasks(domain):
    task = ground_files(BENCHMARKS / domain / "domain.pddl",
                       BENCHMARKS / domain / "training" / "easy" / "p05.pddl")
    for evaluators, preferred in (CONFIGS[0], CONFIGS[1], CONFIGS[2]):
        with_batch = run(task, evaluators, preferred, True)
        assert with_batch[0] == "solved"
        assert with_batch == run(task, evaluators, preferred, False), (evaluators, preferred)


def test_batch_entries_cut_open_list_memory():
    task = ground_files(BENCHMARKS / "transport" / "domain.pddl",
                        BENCHMARKS / "transport" / "training" / "easy" / "p05.pddl") \
        if BENCHMARKS.is_dir() else None
    if task is None:
        pytest.skip("shared benchmarks not present")
    sizes = []
    for batch in (True, False):
        ev = make_evaluator("goalcount", task)
        s = _core.SearchEngine(task, "lazy-gbfs", [ev], [], batch=batch).run()["statistics"]
        sizes.append(s["open_list_bytes"])
    assert sizes[0] < sizes[1]
