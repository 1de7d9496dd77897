"""The grounded task: the compact integer form every search component reads.

Facts and operators are numbered 0..n-1. Per-operator lists (preconditions,
effects) are stored as CSR pairs of int32 numpy arrays so that compiled code
can walk them without touching a Python object per fact. The lifted view is
kept beside it for heuristics that reason about objects and predicates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator, Sequence

import numpy as np

Atom = tuple[str, ...]
"""A ground atom as (predicate, arg1, ..., argk), all lowercase."""


def is_artificial(operator_name: str) -> bool:
    """Operators the grounder adds (e.g. for disjunctive goals): '(__...'.
    They are not PDDL actions and are left out of plans."""
    return operator_name.startswith("(__")


def atom_str(atom: Atom) -> str:
    """PDDL spelling of an atom: ('at', 'a', 'b') -> '(at a b)'."""
    return "(" + " ".join(atom) + ")"


@dataclass(frozen=True)
class CSR:
    """Compressed sparse rows: row i is idx[ptr[i]:ptr[i+1]] (int32)."""

    ptr: np.ndarray
    idx: np.ndarray

    @staticmethod
    def from_rows(rows: Sequence[Sequence[int]]) -> "CSR":
        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        ptr = np.zeros(len(rows) + 1, dtype=np.int32)
        np.cumsum(lengths, out=ptr[1:])
        idx = np.fromiter((x for r in rows for x in r), dtype=np.int32, count=int(ptr[-1]))
        return CSR(ptr, idx)

    def __len__(self) -> int:
        return len(self.ptr) - 1

    def row(self, i: int) -> np.ndarray:
        return self.idx[self.ptr[i] : self.ptr[i + 1]]

    def rows(self) -> Iterator[np.ndarray]:
        for i in range(len(self)):
            yield self.row(i)


class OperatorNames(Sequence[str]):
    """Operator names, spelled out only when asked for.

    Large tasks have hundreds of thousands of operators and a search uses the
    names of a few dozen (the plan's); building every string up front took
    longer than the rest of grounding. Names are built from per-schema blocks
    of argument-id rows, and `select` keeps that laziness when operators are
    pruned.
    """

    def __init__(self, blocks: Sequence[tuple[str, np.ndarray]], objects: Sequence[str],
                 order: np.ndarray | None = None) -> None:
        self._blocks = list(blocks)  # (schema name, rows of object ids)
        self._objects = list(objects)
        starts = np.cumsum([0] + [len(rows) for _, rows in self._blocks])
        self._starts = starts
        self._order = order if order is not None else np.arange(int(starts[-1]))
        self._index: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._order)

    def _name(self, raw: int) -> str:
        block = int(np.searchsorted(self._starts, raw, side="right")) - 1
        schema, rows = self._blocks[block]
        args = rows[raw - int(self._starts[block])]
        return "(" + " ".join([schema] + [self._objects[a] for a in args.tolist()]) + ")"

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self._name(int(r)) for r in self._order[i]]
        return self._name(int(self._order[i]))

    def __iter__(self) -> Iterator[str]:
        for chunk in self.chunks():
            yield from chunk

    def chunks(self, size: int = 1 << 16) -> Iterator[list[str]]:
        """The names in order, `size` at a time, built a schema block at a time:
        one format per schema and the argument columns mapped to object names
        by numpy, instead of a search and a join per operator (5.7 M satellite
        operators: 40 s name by name, 3 s so). Only one chunk is alive at a
        time, so iterating costs no memory for the names."""
        objects = np.empty(len(self._objects), dtype=object)
        objects[:] = self._objects
        starts = np.asarray(self._starts)
        forms = []
        for schema, rows in self._blocks:
            shape = np.shape(rows)
            arity = shape[1] if len(shape) == 2 else 0
            forms.append("(" + schema + ")" if arity == 0 else
                         "(" + schema.replace("%", "%%") + " %s" * arity + ")")
        for lo in range(0, len(self._order), size):
            raw = np.asarray(self._order[lo:lo + size], dtype=np.int64)
            block = np.searchsorted(starts, raw, side="right") - 1
            first = int(block[0])
            if int(block.min()) == int(block.max()):  # the usual case: one schema's operators
                yield self._format(forms[first], first, raw, objects)
                continue
            out = np.empty(len(raw), dtype=object)
            for b in np.unique(block).tolist():
                where = np.nonzero(block == b)[0]
                out[where] = self._format(forms[b], b, raw[where], objects)
            yield out.tolist()

    def _format(self, form: str, block: int, raw: np.ndarray, objects: np.ndarray) -> list[str]:
        rows = np.asarray(self._blocks[block][1])
        if rows.ndim != 2 or rows.shape[1] == 0:
            return [form] * len(raw)
        args = rows[raw - int(self._starts[block])]
        columns = [objects[args[:, j]].tolist() for j in range(args.shape[1])]
        return [form % t for t in zip(*columns)]

    def select(self, keep: np.ndarray) -> "OperatorNames":
        """The names of operators `keep` (indices into this sequence), still lazy."""
        return OperatorNames(self._blocks, self._objects, self._order[np.asarray(keep)])

    def index(self, name: str, *args) -> int:  # type: ignore[override]
        if self._index is None:
            self._index = {n: i for i, n in enumerate(self)}
        if name not in self._index:
            raise ValueError(f"no operator {name}")
        return self._index[name]


@dataclass(frozen=True)
class ConditionalEffects:
    """Conditional effects: operator o owns effects ops.row(o); effect e fires
    when all of cond_pos.row(e) are true and all of cond_neg.row(e) false in
    the state the operator is applied to, and then adds add.row(e) and
    deletes delete.row(e)."""

    ops: CSR
    cond_pos: CSR
    cond_neg: CSR
    add: CSR
    delete: CSR


@dataclass(frozen=True)
class Axioms:
    """Ground derivation rules (from :derived), in stratum order.

    Derived facts are ordinary fact ids, listed in `derived`; no operator
    adds or deletes them. In every state they are recomputed from the other
    facts: all start false; then, stratum by stratum (`stratum` is
    non-decreasing), rule a makes head[a] true whenever all of
    body_pos.row(a) are true and all of body_neg.row(a) false, until nothing
    changes. Rules of a stratum negate only facts derived in lower strata
    (or basic facts), so this fixpoint is the stratified semantics of PDDL
    derived predicates and of Fast Downward's axioms.
    """

    head: np.ndarray
    """int32 fact id per rule."""
    body_pos: CSR
    body_neg: CSR
    stratum: np.ndarray
    """int32 per rule, non-decreasing."""
    derived: np.ndarray
    """Sorted int32 ids of the derived facts."""
    origin: tuple[str | None, int | None, int | None] = (None, None, None)
    """File, line and column of the first (:derived ...) rule, for messages."""

    def __len__(self) -> int:
        return len(self.head)

    def evaluate(self, state: frozenset[int] | set[int]) -> frozenset[int]:
        """Reference (slow) evaluation: `state` without its derived facts,
        plus the derived facts its basic facts imply."""
        derived = set(int(f) for f in self.derived)
        current = set(int(f) for f in state) - derived
        n = len(self.head)
        start = 0
        while start < n:
            end = start
            while end < n and self.stratum[end] == self.stratum[start]:
                end += 1
            changed = True
            while changed:
                changed = False
                for a in range(start, end):
                    h = int(self.head[a])
                    if h in current:
                        continue
                    if all(int(f) in current for f in self.body_pos.row(a)) and not any(
                            int(f) in current for f in self.body_neg.row(a)):
                        current.add(h)
                        changed = True
            start = end
        return frozenset(current)


@dataclass(frozen=True)
class LiftedView:
    """What the task looks like before grounding, for domain-aware heuristics."""

    domain_name: str
    problem_name: str
    objects: tuple[str, ...]
    object_types: dict[str, tuple[str, ...]]
    """Each object's type and all its ancestor types (object included)."""
    type_parents: dict[str, str | None]
    predicates: dict[str, int]
    """Predicate name -> arity."""
    static_predicates: frozenset[str]
    static_atoms: frozenset[Atom]
    init_atoms: frozenset[Atom]
    goal_pos: tuple[Atom, ...]
    goal_neg: tuple[Atom, ...]
    functions: dict[tuple[str, ...], float] = field(default_factory=dict)
    """Static numeric function values from the initial state (action costs)."""


@dataclass(frozen=True)
class GroundTask:
    """A grounded STRIPS task with negative preconditions and conditional effects.

    Semantics of applying operator o in state s: it is applicable when
    pre_pos.row(o) is a subset of s and pre_neg.row(o) is disjoint from s.
    The successor is (s - D) | A where A and D are the unconditional add and
    delete lists plus those of the conditional effects whose conditions hold
    in s (adds win over deletes, as in PDDL).
    """

    facts: tuple[Atom, ...]
    operators: Sequence[str]
    """Operator names as written in plans: '(drive truck a b)' (a tuple or OperatorNames)."""
    cost: np.ndarray
    """int64 per operator."""
    pre_pos: CSR
    pre_neg: CSR
    add: CSR
    delete: CSR
    init: np.ndarray
    """Sorted int32 ids of the facts true initially."""
    goal_pos: np.ndarray
    goal_neg: np.ndarray
    lifted: LiftedView
    conditional: ConditionalEffects | None = None
    uses_action_costs: bool = False
    """True when the domain has a total-cost metric (plans report general cost)."""
    mutex_groups: tuple[np.ndarray, ...] = ()
    """Sets of facts of which at most one is true in any reachable state."""
    axioms: Axioms | None = None
    """Derivation rules for the derived facts (None without :derived). With
    axioms, `init` and the states `apply` returns include the derived facts
    true in them; operators never add or delete derived facts."""

    @property
    def num_facts(self) -> int:
        return len(self.facts)

    @property
    def num_operators(self) -> int:
        return len(self.operators)

    @cached_property
    def fact_names(self) -> tuple[str, ...]:
        return tuple(atom_str(a) for a in self.facts)

    @cached_property
    def fact_index(self) -> dict[Atom, int]:
        return {a: i for i, a in enumerate(self.facts)}

    @property
    def is_unit_cost(self) -> bool:
        return not self.uses_action_costs

    def applicable(self, state: frozenset[int] | set[int], op: int) -> bool:
        """Reference (slow) applicability test, for tests and validation."""
        return all(int(f) in state for f in self.pre_pos.row(op)) and not any(
            int(f) in state for f in self.pre_neg.row(op)
        )

    def apply(self, state: frozenset[int], op: int) -> frozenset[int]:
        """Reference (slow) successor function, for tests and validation."""
        adds = set(int(f) for f in self.add.row(op))
        dels = set(int(f) for f in self.delete.row(op))
        if self.conditional is not None:
            ce = self.conditional
            for e in ce.ops.row(op):
                if all(int(f) in state for f in ce.cond_pos.row(e)) and not any(
                    int(f) in state for f in ce.cond_neg.row(e)
                ):
                    adds.update(int(f) for f in ce.add.row(e))
                    dels.update(int(f) for f in ce.delete.row(e))
        successor = frozenset((state - dels) | adds)
        if self.axioms is not None:
            return self.axioms.evaluate(successor)
        return successor

    def is_goal(self, state: frozenset[int] | set[int]) -> bool:
        return all(int(f) in state for f in self.goal_pos) and not any(
            int(f) in state for f in self.goal_neg
        )

    def plan_cost(self, plan: Sequence[int]) -> int:
        return int(sum(int(self.cost[o]) for o in plan))
