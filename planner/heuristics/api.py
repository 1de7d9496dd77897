"""The interface for heuristics written in Python (by people or an LLM).

A heuristic is a class constructed once per task with a read-only TaskView
and called once per state with a StateView::

    class CountMisplaced(Heuristic):
        def __init__(self, task: TaskView):
            self.goal = task.goal_atoms
        def __call__(self, state: StateView) -> float:
            return sum(1 for atom in self.goal if atom not in state)

`atom in state` accepts atom tuples ('on', 'a', 'b'), '(on a b)' strings and
fact ids; static atoms count as true. Iterating a state yields its true
(non-static) atoms. For hot loops, resolve atoms to ids once
(`task.fact_ids(atoms)`) and call `state.count(ids)`, which counts the true
ones in C (~0.1 us instead of ~0.3 us per atom). The result is a number (math.inf = dead end), or a pair
(h, preferred) where preferred lists operator ids or names. Subclassing
Heuristic is optional: any class or callable with that shape works.
"""
from __future__ import annotations

import inspect
import math
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Union

import numpy as np

from planner import _core
from planner.errors import ArgumentError, HeuristicError, PlannerError
from planner.heuristics import pyperplan
from planner.task import CSR, Atom, GroundTask, LiftedView

StateView = _core.StateView
"""Per-state view passed to heuristics (see planner._core.StateView)."""

HeuristicValue = Union[float, int, tuple[Union[float, int], Iterable[Union[int, str]]]]


def _readonly(arr: np.ndarray) -> np.ndarray:
    view = np.asarray(arr).view()
    view.flags.writeable = False
    return view


def _readonly_csr(csr: CSR) -> CSR:
    return CSR(_readonly(csr.ptr), _readonly(csr.idx))


class TaskView:
    """Read-only facts about one task, for a heuristic's constructor.

    Lifted side: domain_name, problem_name, objects, object_types (object ->
    its types incl. ancestors), type_parents, predicates (name -> arity),
    static_atoms, init_atoms, goal_atoms, goal_neg_atoms, functions.
    Grounded side: facts (id -> atom), fact_names, fact_index (atom -> id),
    operators (id -> name), operator_index, cost, pre_pos/pre_neg/add/delete
    (CSR, read-only numpy), init, goal_pos/goal_neg (fact ids), conditional,
    uses_action_costs. `ground` is the GroundTask itself.
    """

    def __init__(self, task: GroundTask) -> None:
        lifted: LiftedView = task.lifted
        self.ground = task
        self.lifted = lifted
        self.domain_name = lifted.domain_name
        self.problem_name = lifted.problem_name
        self.objects: tuple[str, ...] = tuple(lifted.objects)
        self.object_types: Mapping[str, tuple[str, ...]] = MappingProxyType(dict(lifted.object_types))
        self.type_parents: Mapping[str, str | None] = MappingProxyType(dict(lifted.type_parents))
        self.predicates: Mapping[str, int] = MappingProxyType(dict(lifted.predicates))
        self.static_atoms: frozenset[Atom] = frozenset(lifted.static_atoms)
        self.init_atoms: frozenset[Atom] = frozenset(lifted.init_atoms)
        self.goal_atoms: tuple[Atom, ...] = tuple(lifted.goal_pos)
        self.goal_neg_atoms: tuple[Atom, ...] = tuple(lifted.goal_neg)
        self.functions: Mapping[tuple[str, ...], float] = MappingProxyType(dict(lifted.functions))
        self.facts: tuple[Atom, ...] = tuple(task.facts)
        self.fact_names: tuple[str, ...] = task.fact_names
        self.fact_index: Mapping[Atom, int] = MappingProxyType(task.fact_index)
        self.operators: tuple[str, ...] = tuple(task.operators)
        self.operator_index: Mapping[str, int] = MappingProxyType(
            {n: i for i, n in enumerate(task.operators)}
        )
        self.cost = _readonly(task.cost)
        self.pre_pos = _readonly_csr(task.pre_pos)
        self.pre_neg = _readonly_csr(task.pre_neg)
        self.add = _readonly_csr(task.add)
        self.delete = _readonly_csr(task.delete)
        self.init = _readonly(task.init)
        self.goal_pos = _readonly(task.goal_pos)
        self.goal_neg = _readonly(task.goal_neg)
        self.conditional = task.conditional
        self.uses_action_costs = task.uses_action_costs
        self._frozen = True

    @property
    def num_facts(self) -> int:
        return len(self.facts)

    @property
    def num_operators(self) -> int:
        return len(self.operators)

    def fact_ids(self, atoms: Iterable[Atom | str]) -> np.ndarray:
        """int32 ids of the given (non-static) atoms, for StateView.count().

        Atoms may be tuples or '(pred a b)' strings; unknown atoms raise
        KeyError (static atoms are not facts: test them once, in __init__).
        """
        ids = []
        for atom in atoms:
            if isinstance(atom, str):
                atom = tuple(atom.strip("()").split())
            ids.append(self.fact_index[tuple(atom)])
        return np.array(ids, dtype=np.int32)

    def objects_of_type(self, type_name: str) -> tuple[str, ...]:
        """Objects whose type is type_name or a subtype of it."""
        return tuple(o for o in self.objects if type_name in self.object_types.get(o, ()))

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__dict__.get("_frozen"):
            raise AttributeError("TaskView is read-only")
        object.__setattr__(self, name, value)


class Heuristic:
    """Optional base class for Python heuristics (documents the protocol).

    provides_preferred: set True when the heuristic returns (h, preferred
    operators); only then does the search ask for and use them (eager
    search re-evaluates expanded states to get them, so it costs calls).
    safe_dead_ends: math.inf is only returned for states that truly cannot
    reach the goal (lets search report "unsolvable" instead of "incomplete").
    """

    provides_preferred: bool = False
    safe_dead_ends: bool = False

    def __init__(self, task: TaskView) -> None:
        self.task = task

    def __call__(self, state: StateView) -> HeuristicValue:
        raise NotImplementedError


def make_python_evaluator(spec: Any, task: GroundTask, name: str | None = None) -> _core.PythonEvaluator:
    """Wrap a heuristic class, instance or function as a compiled evaluator.

    Classes are instantiated here with a TaskView (or with a Pyperplan-style
    task when they derive from planner.heuristics.pyperplan's or pyperplan's Heuristic).
    """
    if inspect.isclass(spec):
        if pyperplan.is_pyperplan_heuristic(spec):
            return pyperplan.make_evaluator(spec, task, name=name)
        label = name or spec.__name__
        try:
            instance = spec(TaskView(task))
        except PlannerError:
            raise
        except Exception as exc:
            raise HeuristicError(f"heuristic {label}: constructor failed: {type(exc).__name__}: {exc}") from exc
        return _wrap(instance, task, label)
    if pyperplan.is_pyperplan_heuristic(type(spec)):
        return pyperplan.make_evaluator(spec, task, name=name)
    if not callable(spec):
        raise ArgumentError(f"{spec!r} is neither a heuristic name, class nor callable")
    return _wrap(spec, task, name or getattr(spec, "__name__", type(spec).__name__))


def _wrap(function: Any, task: GroundTask, name: str) -> _core.PythonEvaluator:
    return _core.PythonEvaluator(
        function,
        task,
        name=name,
        provides_preferred=bool(getattr(function, "provides_preferred", False)),
        safe=bool(getattr(function, "safe_dead_ends", False)),
    )


INFINITY = math.inf
"""Return this for dead ends."""
