"""Type-based exploration (search(..., type_based=True)): greedy searches also
pop from a list of states typed by (h, g), from a random type. It must stay
complete and sound, reproducible for a seed, and leave A* alone."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings

from planner.core.openlist import AlternationOpenList
from planner.search.engine import SearchStatus, search
from tests.random_tasks import is_valid_plan, optimal_cost, random_tasks

BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "ipc2023-learning"
BW = BENCH / "blocksworld"

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_the_typed_list_takes_one_turn_per_round():
    plain = AlternationOpenList(1, 1, 0)
    plain.enable_types()
    assert plain.typed == 2
    assert plain.schedule(6) == [0, 1, 2, 0, 1, 2]
    weighted = AlternationOpenList(2, 0, 0)
    weighted.enable_types()
    order = weighted.schedule(50, [3, 1])
    # lists 0 and 1 keep their 3:1 shares; the typed list (2) gets one turn per round like list 1
    assert (order.count(0), order.count(1), order.count(2)) == (30, 10, 10)


def test_without_types_no_typed_list():
    assert AlternationOpenList(1, 1, 0).typed == -1


@SETTINGS
@given(random_tasks())
def test_complete_and_sound_on_random_tasks(task):
    expected = optimal_cost(task)
    for algorithm in ("gbfs", "lazy-gbfs"):
        for evaluators in (["goalcount"], ["goalcount", "blind"]):
            result = search(task, algorithm, evaluators=evaluators, type_based=True)
            if expected is None:
                assert result.status is SearchStatus.UNSOLVABLE, algorithm
            else:
                assert result.status is SearchStatus.SOLVED, algorithm
                assert is_valid_plan(task, result.plan), algorithm


def _task(name: str):
    from planner.frontend.grounding import ground_files

    return ground_files(str(BW / "domain.pddl"), str(BW / "testing" / "easy" / name))


def test_reproducible_and_it_changes_greedy_search():
    task = _task("p10.pddl")

    def run(**options):
        result = search(task, "lazy-gbfs", evaluators=["ff"], time_limit=60, **options)
        assert result.status is SearchStatus.SOLVED and is_valid_plan(task, result.plan)
        return result.statistics.expansions, result.plan

    typed = run(type_based=True)
    assert run(type_based=True) == typed
    assert run(type_based=False) != typed


def test_astar_ignores_it():
    task = _task("p03.pddl")
    plain = search(task, "astar", evaluators=["lmcut"], time_limit=60)
    typed = search(task, "astar", evaluators=["lmcut"], time_limit=60, type_based=True)
    assert typed.cost == plain.cost
    assert typed.statistics.expansions == plain.statistics.expansions
