"""Python heuristics: TaskView, StateView, results, files, Pyperplan adapter."""
from __future__ import annotations

import math
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import _core
from planner.errors import ArgumentError
from planner.heuristics.loader import load_heuristic_file
from planner.heuristics.api import (
    Heuristic,
    HeuristicError,
    TaskView,
    make_python_evaluator,
)
from planner.search.engine import search
from planner.task import CSR, GroundTask, LiftedView
from tests.random_tasks import is_valid_plan


def gripper_like() -> GroundTask:
    """Two rooms, one ball: (at-ball a|b), (carry), robot (at-robby a|b); static (room a)."""
    facts = (("at-ball", "ball", "a"), ("at-ball", "ball", "b"), ("carry", "ball"),
             ("at-robby", "a"), ("at-robby", "b"))
    ops = ("(pick ball a)", "(pick ball b)", "(drop ball a)", "(drop ball b)", "(move a b)", "(move b a)")
    pre = [[0, 3], [1, 4], [2, 3], [2, 4], [3], [4]]
    add = [[2], [2], [0], [1], [4], [3]]
    dele = [[0], [1], [2], [2], [3], [4]]
    lifted = LiftedView(
        domain_name="gripper", problem_name="p1", objects=("ball", "a", "b"),
        object_types={"ball": ("ball", "object"), "a": ("room", "object"), "b": ("room", "object")},
        type_parents={"ball": "object", "room": "object", "object": None},
        predicates={"at-ball": 2, "carry": 1, "at-robby": 1, "room": 1},
        static_predicates=frozenset({"room"}),
        static_atoms=frozenset({("room", "a"), ("room", "b")}),
        init_atoms=frozenset({facts[0], facts[3], ("room", "a"), ("room", "b")}),
        goal_pos=(facts[1],), goal_neg=(),
    )
    return GroundTask(
        facts=facts, operators=ops, cost=np.ones(6, dtype=np.int64),
        pre_pos=CSR.from_rows(pre), pre_neg=CSR.from_rows([[]] * 6),
        add=CSR.from_rows(add), delete=CSR.from_rows(dele),
        init=np.array([0, 3], dtype=np.int32), goal_pos=np.array([1], dtype=np.int32),
        goal_neg=np.array([], dtype=np.int32), lifted=lifted,
    )


def test_task_view_exposes_lifted_and_ground_data_read_only():
    view = TaskView(gripper_like())
    assert view.goal_atoms == (("at-ball", "ball", "b"),)
    assert ("room", "a") in view.static_atoms
    assert view.objects_of_type("room") == ("a", "b")
    assert view.fact_index[("carry", "ball")] == 2
    assert view.operator_index["(move a b)"] == 4
    assert list(view.pre_pos.row(0)) == [0, 3]
    with pytest.raises(ValueError):
        view.cost[0] = 5
    with pytest.raises(AttributeError):
        view.objects = ()
    with pytest.raises(TypeError):
        view.fact_index[("x",)] = 1



def test_operator_index_streams_its_items_and_answers_lookups():
    task = gripper_like()
    view = TaskView(task)
    expected = {n: i for i, n in enumerate(task.operators)}
    index = view.operator_index
    assert list(index.items()) == list(expected.items())  # no dict built for this
    assert index._dict is None
    assert list(index) == list(expected) and list(index.keys()) == list(expected)
    assert list(index.values()) == list(range(len(expected)))
    assert len(index) == view.num_operators == len(expected)
    assert index["(drop ball b)"] == 3 and "(move b a)" in index and "(fly)" not in index
    assert index.get("(fly)", -1) == -1 and ("(move a b)", 4) in index.items()
    assert dict(index) == expected and index == expected
    assert list(index.items()) == list(expected.items())  # the same after the dict is built
    assert view.operators == tuple(task.operators) and view.operators is view.operators
    with pytest.raises(TypeError):
        index["(fly)"] = 9
    with pytest.raises(AttributeError):
        view.operators = ()
    with pytest.raises(KeyError):
        index["(fly)"]

def test_state_view_membership_iteration_and_equality():
    task = gripper_like()
    seen = []

    def probe(state):
        seen.append(state)
        assert ("at-ball", "ball", "a") in state or ("at-ball", "ball", "a") not in state
        assert ("room", "a") in state and "(room b)" in state  # static atoms are true
        assert ("nonsense",) not in state and "(nonsense)" not in state and 99 not in state
        for fid in state.ids():
            assert fid in state and np.int64(fid) in state
            assert task.fact_names[fid] in state and task.facts[fid] in state
        assert set(state) == {task.facts[i] for i in state.ids()}
        assert state.names() == frozenset(task.fact_names[i] for i in state.ids())
        assert len(state) == int(state.array.sum())
        return 0 if 1 in state else 1

    result = search(task, "gbfs", evaluators=[probe])
    assert result.solved and is_valid_plan(task, result.plan)
    assert seen[0].ids() == [0, 3]
    assert seen[0] == _core.StateView.from_ids(seen[0].context, [0, 3])
    assert len({hash(s) for s in seen}) == len({s.data for s in seen})
    with pytest.raises(ValueError):
        seen[0].array[0] = 0


@settings(max_examples=50, deadline=None)
@given(st.sets(st.integers(0, 4)))
def test_state_view_from_ids_round_trips(ids):
    ctx = _core.ViewContext(gripper_like())
    view = _core.StateView.from_ids(ctx, ids)
    assert set(view.ids()) == ids
    assert all((i in view) == (i in ids) for i in range(5))


class GoalDistance(Heuristic):
    provides_preferred = True

    def __init__(self, task: TaskView) -> None:
        super().__init__(task)
        self.goal = task.goal_atoms

    def __call__(self, state):
        h = sum(1 for atom in self.goal if atom not in state)
        preferred = ["(pick ball a)", "(move a b)", "(drop ball b)"]
        return h, preferred


def test_heuristic_class_with_preferred_operator_names():
    task = gripper_like()
    for algorithm in ("gbfs", "lazy-gbfs"):
        result = search(task, algorithm, evaluators=[GoalDistance], preferred=[GoalDistance])
        assert result.solved and result.cost == 3


def test_values_of_any_numeric_type_and_infinity():
    task = gripper_like()
    for value in (0, 1.5, np.float64(2.0), np.int32(1), True):
        assert search(task, "gbfs", evaluators=[lambda s, v=value: v]).solved
    calls = []

    def dead_unless_initial(state):
        calls.append(1)
        return 1 if len(calls) == 1 else math.inf

    assert search(task, "gbfs", evaluators=[dead_unless_initial]).status.value == "incomplete"


@pytest.mark.parametrize("bad, message", [
    (lambda s: None, "None"), (lambda s: "3", "expected a number"), (lambda s: float("nan"), "nan"),
    (lambda s: (1, ["(no such op)"]), "unknown preferred operator"), (lambda s: (1, [99]), "out of range"),
    (lambda s: (1, 2, 3), "length 3"),
])
def test_bad_results_are_reported(bad, message):
    bad.provides_preferred = True
    with pytest.raises(HeuristicError, match=message):
        search(gripper_like(), "lazy-gbfs", evaluators=[bad], preferred=[bad])


def test_constructor_failure_is_a_heuristic_error():
    class Broken(Heuristic):
        def __init__(self, task):
            raise RuntimeError("no")

    with pytest.raises(HeuristicError, match="constructor failed"):
        make_python_evaluator(Broken, gripper_like())
    with pytest.raises(ArgumentError):
        make_python_evaluator(42, gripper_like())


def test_load_heuristic_file(tmp_path):
    path = tmp_path / "h.py"
    path.write_text(textwrap.dedent("""
        from planner.heuristics.api import Heuristic

        class Helper:
            pass

        class Mine(Heuristic):
            def __call__(self, state):
                return 0
    """))
    assert load_heuristic_file(str(path)).__name__ == "Mine"
    assert load_heuristic_file(f"{path}:Helper").__name__ == "Helper"
    with pytest.raises(ArgumentError, match="no class"):
        load_heuristic_file(f"{path}:Missing")
    two = tmp_path / "two.py"
    two.write_text("class A:\n    def __call__(self, s): return 0\nclass B:\n    def __call__(self, s): return 1\n")
    with pytest.raises(ArgumentError, match="found 2 .A, B.; name one with PATH.py:ClassName"):
        load_heuristic_file(str(two))
    broken = tmp_path / "broken.py"
    broken.write_text("class A(:\n")
    with pytest.raises(HeuristicError, match="syntax error") as info:
        load_heuristic_file(str(broken))
    assert info.value.line == 1
    with pytest.raises(ArgumentError, match="not found"):
        load_heuristic_file(str(tmp_path / "absent.py"))


PYPERPLAN_HEURISTIC = '''
from pyperplan.heuristics.heuristic_base import Heuristic


class MissingGoals(Heuristic):
    def __init__(self, task):
        self.goals = task.goals
        self.static = task.static
        self.n_ops = len(task.operators)
        assert task.initial_state <= task.facts

    def __call__(self, node):
        return len(self.goals - node.state)
'''


def test_pyperplan_heuristic_file_runs_through_the_adapter(tmp_path):
    path = tmp_path / "pp.py"
    path.write_text(PYPERPLAN_HEURISTIC)
    cls = load_heuristic_file(str(path))
    task = gripper_like()
    evaluator = make_python_evaluator(cls, task)
    assert evaluator([0, 3])[0] == 1.0
    assert evaluator([1, 4])[0] == 0.0
    result = search(task, "gbfs", evaluators=[evaluator])
    assert result.solved and result.cost == 3


def test_pyperplan_task_and_operators():
    from planner.heuristics.pyperplan import Task

    task = Task(gripper_like())
    assert task.goals == frozenset({"(at-ball ball b)"})
    assert task.initial_state == frozenset({"(at-ball ball a)", "(at-robby a)"})
    assert task.static == frozenset({"(room a)", "(room b)"})
    successors = dict((op.name, s) for op, s in task.get_successor_states(task.initial_state))
    assert set(successors) == {"(pick ball a)", "(move a b)"}
    assert successors["(pick ball a)"] == frozenset({"(carry ball)", "(at-robby a)"})


def test_count_and_fact_ids_fast_path():
    task = gripper_like()
    view = TaskView(task)
    ids = view.fact_ids([("at-ball", "ball", "a"), "(at-robby a)", ("carry", "ball")])
    assert ids.dtype == np.int32 and list(ids) == [0, 3, 2]
    with pytest.raises(KeyError):
        view.fact_ids([("room", "a")])
    ctx = _core.ViewContext(task)
    state = _core.StateView.from_ids(ctx, [0, 3])
    assert state.count(ids) == 2
    assert state.count([2, 4, 99, -1]) == 0
    assert state.count(view.goal_pos) == 0
    assert state.count(np.array([0, 3], dtype=np.int64)) == 2
