"""Run heuristics written against Pyperplan's interface.

Pyperplan heuristics look like::

    class MyH(Heuristic):
        def __init__(self, task):      # task.goals, task.facts, task.initial_state,
            ...                        # task.operators, task.static: frozensets of '(p a b)'
        def __call__(self, node):      # node.state: frozenset of '(p a b)'
            return len(self.goals - node.state)

We build the Pyperplan-style task once, and per evaluated state a node whose
`state` frozenset is only materialised when the heuristic reads it, then
cached (by state contents) so a state met twice is converted once.
As in Pyperplan, states and facts hold only the changing (non-static) atoms;
the static ones are in task.static.
"""
from __future__ import annotations

import sys
import types
from collections import OrderedDict
from functools import cached_property
from typing import Any, Iterable

from planner import _core
from planner.task import GroundTask, atom_str


class Heuristic:
    """Base class with Pyperplan's shape: call with a search node, get h."""

    def __call__(self, node: "SearchNode") -> float:
        raise NotImplementedError


class Operator:
    """Pyperplan's STRIPS operator: name and frozensets of fact strings."""

    __slots__ = ("name", "preconditions", "add_effects", "del_effects")

    def __init__(self, name: str, preconditions: frozenset[str], add_effects: frozenset[str],
                 del_effects: frozenset[str]) -> None:
        self.name = name
        self.preconditions = preconditions
        self.add_effects = add_effects
        self.del_effects = del_effects

    def applicable(self, state: frozenset[str]) -> bool:
        return self.preconditions <= state

    def apply(self, state: frozenset[str]) -> frozenset[str]:
        return (state - self.del_effects) | self.add_effects

    def __repr__(self) -> str:
        return f"Operator({self.name})"


class Task:
    """Pyperplan's Task: name, facts, initial_state, goals, operators (+ static)."""

    def __init__(self, ground: GroundTask) -> None:
        self._ground = ground
        names = ground.fact_names
        self.name = ground.lifted.problem_name
        self.facts: frozenset[str] = frozenset(names)
        self.initial_state: frozenset[str] = frozenset(names[int(f)] for f in ground.init)
        self.goals: frozenset[str] = frozenset(names[int(f)] for f in ground.goal_pos)
        self.static: frozenset[str] = frozenset(atom_str(a) for a in ground.lifted.static_atoms)

    @cached_property
    def operators(self) -> list[Operator]:
        """Built on first use: heuristics that never look pay nothing.

        Conditional effects and negative preconditions have no Pyperplan
        counterpart; operators keep only their unconditional STRIPS part.
        """
        g = self._ground
        names = g.fact_names

        def fs(row: Iterable[int]) -> frozenset[str]:
            return frozenset(names[int(f)] for f in row)

        return [
            Operator(g.operators[o], fs(g.pre_pos.row(o)), fs(g.add.row(o)), fs(g.delete.row(o)))
            for o in range(g.num_operators)
        ]

    def goal_reached(self, state: frozenset[str]) -> bool:
        return self.goals <= state

    def get_successor_states(self, state: frozenset[str]) -> list[tuple[Operator, frozenset[str]]]:
        return [(op, op.apply(state)) for op in self.operators if op.applicable(state)]


class SearchNode:
    """Pyperplan's node; `state` is built from the StateView on first access."""

    __slots__ = ("_view", "_cache", "_state", "parent", "action", "g")

    def __init__(self, view: Any, cache: "_StateCache") -> None:
        self._view = view
        self._cache = cache
        self._state: frozenset[str] | None = None
        self.parent = None
        self.action = None
        self.g = 0

    @property
    def state(self) -> frozenset[str]:
        if self._state is None:
            self._state = self._cache.lookup(self._view)
        return self._state


class _StateCache:
    """Recently converted states, keyed by their byte contents."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self.entries: OrderedDict[bytes, frozenset[str]] = OrderedDict()

    def lookup(self, view: Any) -> frozenset[str]:
        key = view.data
        found = self.entries.get(key)
        if found is None:
            found = view.names()
            self.entries[key] = found
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return found


class _Adapter:
    """Callable from StateView to the Pyperplan heuristic's value."""

    def __init__(self, heuristic: Any) -> None:
        self.heuristic = heuristic
        self.cache = _StateCache()

    def __call__(self, view: Any) -> Any:
        return self.heuristic(SearchNode(view, self.cache))


def is_pyperplan_heuristic(cls: type) -> bool:
    """True for subclasses of our Heuristic or of pyperplan's own base class."""
    return any(
        base is Heuristic or (base.__name__ == "Heuristic" and base.__module__.startswith("pyperplan"))
        for base in getattr(cls, "__mro__", ())
    )


def make_evaluator(spec: Any, task: GroundTask, name: str | None = None) -> _core.PythonEvaluator:
    """Compiled evaluator for a Pyperplan heuristic class (built here) or instance."""
    from planner.errors import HeuristicError

    if isinstance(spec, type):
        label = name or spec.__name__
        try:
            heuristic = spec(Task(task))
        except Exception as exc:
            raise HeuristicError(f"heuristic {label}: constructor failed: {type(exc).__name__}: {exc}") from exc
    else:
        heuristic = spec
        label = name or type(spec).__name__
    return _core.PythonEvaluator(_Adapter(heuristic), task, name=label, provides_preferred=False,
                                 safe=bool(getattr(heuristic, "safe_dead_ends", False)))


def install_module_aliases() -> None:
    """Make `from pyperplan.heuristics.heuristic_base import Heuristic` (and
    pyperplan.task's Task/Operator) resolve to this module when Pyperplan
    itself is not installed, so heuristic files written for it load as is."""
    try:
        import pyperplan  # noqa: F401  (the real package wins)
        return
    except ImportError:
        pass
    names = {
        "pyperplan": {},
        "pyperplan.heuristics": {},
        "pyperplan.heuristics.heuristic_base": {"Heuristic": Heuristic},
        "pyperplan.task": {"Task": Task, "Operator": Operator},
        "pyperplan.search": {},
        "pyperplan.search.searchspace": {"SearchNode": SearchNode},
    }
    for mod_name, attrs in names.items():
        if mod_name in sys.modules:
            continue
        module = types.ModuleType(mod_name)
        module.__dict__.update(attrs)
        module.__path__ = []  # type: ignore[attr-defined]  # behaves as a package
        sys.modules[mod_name] = module
