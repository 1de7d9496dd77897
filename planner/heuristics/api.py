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
from collections.abc import ItemsView, Iterator, KeysView, Sequence, ValuesView
from typing import Any, Iterable, Mapping, Union

import numpy as np

from planner import _core
from planner.errors import ArgumentError, HeuristicError, PlannerError
from planner.heuristics import pyperplan
from planner.task import CSR, Atom, GroundTask, LiftedView
from planner.util.gcpause import gc_paused

StateView = _core.StateView
"""Per-state view passed to heuristics (see planner._core.StateView)."""

HeuristicValue = Union[float, int, tuple[Union[float, int], Iterable[Union[int, str]]]]


def _readonly(arr: np.ndarray) -> np.ndarray:
    view = np.asarray(arr).view()
    view.flags.writeable = False
    return view


def _readonly_csr(csr: CSR) -> CSR:
    return CSR(_readonly(csr.ptr), _readonly(csr.idx))


class OperatorIndex(Mapping[str, int]):
    """TaskView.operator_index: a read-only mapping from operator names to ids.

    Heuristic constructors usually read every (name, id) pair once to build
    tables of their own; on a generated hard satellite task (5.7 M operators) a
    dict of every name beside them took 3-5 s and 0.8 GB more at the
    constructor's memory peak, which the jail's 4 GiB did not hold. So
    iteration streams the names from the task (planner.task.OperatorNames
    builds them a chunk at a time) and only a lookup builds the dict.
    """

    def __init__(self, names: Sequence[str]) -> None:
        self._names = names
        self._dict: dict[str, int] | None = None

    def _lookup(self) -> dict[str, int]:
        if self._dict is None:
            self._dict = {n: i for i, n in enumerate(self._names)}
        return self._dict

    def __getitem__(self, name: str) -> int:
        return self._lookup()[name]

    def __contains__(self, name: object) -> bool:
        return name in self._lookup()

    def get(self, name: str, default: Any = None) -> Any:
        return self._lookup().get(name, default)

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[str]:
        if self._dict is not None:
            return iter(self._dict)
        return iter(self._names)

    def keys(self) -> KeysView[str]:
        return _StreamingKeys(self)

    def items(self) -> ItemsView[str, int]:
        return _StreamingItems(self)

    def values(self) -> ValuesView[int]:
        return _StreamingValues(self)

    def __repr__(self) -> str:
        return f"<operator_index of {len(self)} operators>"


class _StreamingKeys(KeysView):
    def __contains__(self, name: object) -> bool:
        return name in self._mapping

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping)


class _StreamingItems(ItemsView):
    def __iter__(self) -> Iterator[tuple[str, int]]:
        index = self._mapping
        if index._dict is not None:
            return iter(index._dict.items())
        # (ground operators are distinct bindings, so every name comes once)
        return ((n, i) for i, n in enumerate(index._names))

    def __contains__(self, item: object) -> bool:
        return item in self._mapping._lookup().items()


class _StreamingValues(ValuesView):
    def __iter__(self) -> Iterator[int]:
        return (i for _, i in self._mapping.items())


class TaskView:
    """Read-only facts about one task, for a heuristic's constructor.

    Lifted side: domain_name, problem_name, objects, object_types (object ->
    its types incl. ancestors), type_parents, predicates (name -> arity),
    static_atoms, init_atoms, goal_atoms, goal_neg_atoms, functions.
    Grounded side: facts (id -> atom), fact_names, fact_index (atom -> id),
    operators (id -> name) and operator_index (name -> id; both built when first
    read, and iterating operator_index streams the names without a dict: see
    OperatorIndex), cost, pre_pos/pre_neg/add/delete
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
        # `operators` and `operator_index` are built when first read (properties below)
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
        return len(self.ground.operators)

    @property
    def operators(self) -> tuple[str, ...]:
        """Operator names by id, built on first use (millions on hard tasks)."""
        names = self.__dict__.get("_operators")
        if names is None:
            names = tuple(self.ground.operators)
            self.__dict__["_operators"] = names
        return names

    @property
    def operator_index(self) -> Mapping[str, int]:
        """Operator name -> id. Iterating it (items(), keys(), values()) builds
        no dict: the names stream a chunk at a time; the first lookup builds
        the dict."""
        index = self.__dict__.get("_operator_index")
        if index is None:
            index = OperatorIndex(self.ground.operators)
            self.__dict__["_operator_index"] = index
        return index

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
            with gc_paused():  # millions of operator names on hard tasks (planner.util.gcpause)
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
