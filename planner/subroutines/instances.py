"""Grounding subroutines against a grounded task, the augmented task the
search runs on, and the expansion of its plans back to primitive steps.

A macro instance is only built from ground operators the grounder kept
(relaxed-reachable and relevant), joined step by step on shared parameters,
and only kept when its steps compose (planner.subroutines.compose). The
augmented task is the original with one extra operator per instance appended
after the primitives (ids >= the original operator count), so the compiled
search core and every heuristic run on it unchanged, and a plan maps back to
primitive steps by replacing each extra id with its steps.

Caps: the join stops a subroutine at `max_per_subroutine` instances and the
whole task at `max_total` (default: as many instances as the task has
operators, at least 2,000 and at most 200,000), dropping the subroutine that
overflows rather than keeping an arbitrary subset, and logs it; on huge tasks
the fast path then degrades to fewer (or no) subroutines instead of a task
too big to search.
"""
from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass, field, replace
from typing import Iterator, Sequence

import numpy as np

from planner.subroutines.compose import CompositionError, compose
from planner.subroutines.lifted import Subroutine
from planner.task import CSR, ConditionalEffects, GroundTask, OperatorNames

log = logging.getLogger(__name__)

DEFAULT_MAX_PER_SUBROUTINE = 50_000


def operator_signatures(task: GroundTask) -> list[tuple[str, tuple[str, ...]]]:
    """(schema, objects) of every operator, from its plan name '(schema a b)'.
    Lazy names (planner.task.OperatorNames) are read from their per-schema
    object-id rows without building the strings (transport medium, 50k
    operators: 0.8 s instead of 2.9 s on the loaded shared machine)."""
    ops = task.operators
    if isinstance(ops, OperatorNames) and hasattr(ops, "_blocks"):
        try:
            return _signatures_from_blocks(ops)
        except (AttributeError, IndexError, ValueError):  # another layout of the lazy names
            pass
    out = []
    for name in ops:
        parts = name.strip("()").split()
        out.append((parts[0] if parts else "", tuple(parts[1:])))
    return out


def _signatures_from_blocks(ops: OperatorNames) -> list[tuple[str, tuple[str, ...]]]:
    blocks, objects = ops._blocks, np.array(ops._objects, dtype=object)
    starts, order = np.asarray(ops._starts), np.asarray(ops._order)
    block_of = np.searchsorted(starts, order, side="right") - 1
    out: list = [None] * len(order)
    for b, (schema, rows) in enumerate(blocks):
        where = np.nonzero(block_of == b)[0]
        if not len(where):
            continue
        args = objects[np.asarray(rows)[order[where] - starts[b]]] if np.asarray(rows).size \
            else np.empty((len(where), 0), dtype=object)
        for pos, row in zip(where.tolist(), args.tolist()):
            out[pos] = (schema, tuple(row))
    return out


class _Names(Sequence[str]):
    """The original operator names followed by the macro instances' names;
    the original sequence stays lazy (planner.task.OperatorNames)."""

    def __init__(self, base: Sequence[str], extra: Sequence[str]) -> None:
        self._base = base
        self._extra = list(extra)
        self._n = len(base)
        self._index: dict[str, int] | None = None

    def __len__(self) -> int:
        return self._n + len(self._extra)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if i < self._n:
            return self._base[i]
        return self._extra[i - self._n]

    def __iter__(self) -> Iterator[str]:
        yield from self._base
        yield from self._extra

    def index(self, name: str, *args) -> int:  # type: ignore[override]
        if self._index is None:
            self._index = {n: i for i, n in enumerate(self)}
        if name not in self._index:
            raise ValueError(f"no operator {name}")
        return self._index[name]


@dataclass(frozen=True)
class MacroTask(GroundTask):
    """A GroundTask whose last len(macro_first_step) operators are macro
    instances. The search layer reads only `macro_first_step` (each macro's
    first primitive step): the compiled core prefers macro successors
    (planner.core.search.Search), in lazy searches evaluating them first and
    lazily; heuristics see the macros as ordinary operators."""

    macro_first_step: np.ndarray | None = None


@dataclass
class Instance:
    subroutine: int
    """Index into the subroutine list the task was augmented with."""
    steps: tuple[int, ...]
    """Primitive operator ids, in order."""
    name: str


@dataclass
class AugmentedTask:
    task: GroundTask
    """The original task plus one operator per instance."""
    base: GroundTask
    subroutines: tuple[Subroutine, ...]
    instances: list[Instance]
    counts: list[int] = field(default_factory=list)
    """Instances per subroutine (0 for one dropped by a cap)."""
    dropped: dict[str, str] = field(default_factory=dict)
    """Subroutine name -> why it has no instances."""
    build_time: float = 0.0

    @property
    def num_base_operators(self) -> int:
        return self.base.num_operators

    def expand(self, plan: Sequence[int]) -> tuple[int, ...]:
        """A plan of the augmented task as primitive operator ids."""
        n = self.base.num_operators
        out: list[int] = []
        for o in plan:
            o = int(o)
            if o < n:
                out.append(o)
            else:
                out.extend(self.instances[o - n].steps)
        return tuple(out)

    def used(self, plan: Sequence[int]) -> dict[str, int]:
        """How often each subroutine occurs in a plan of the augmented task."""
        n = self.base.num_operators
        counts: dict[str, int] = {}
        for o in plan:
            if int(o) >= n:
                name = self.subroutines[self.instances[int(o) - n].subroutine].name
                counts[name] = counts.get(name, 0) + 1
        return counts


class OutOfTime(Exception):
    """Building a subroutine's instances passed the fast path's deadline."""


def ground_instances(task: GroundTask, subroutine: Subroutine, limit: int,
                     signatures: list[tuple[str, tuple[str, ...]]] | None = None,
                     by_schema: dict[str, list[int]] | None = None,
                     deadline: float | None = None,
                     ) -> tuple[list[tuple[tuple[int, ...], tuple[str, ...]]], bool]:
    """All bindings of the subroutine's parameters for which every step is an
    operator of `task`, as (step operator ids, parameter objects); the flag
    says the join stopped at `limit`. Composability is not checked here.
    Past `deadline` (a time.perf_counter() value) the join raises
    OutOfTime: on a hard satellite task one join took 34 s of a 60 s run."""
    sigs = signatures if signatures is not None else operator_signatures(task)
    if by_schema is None:
        by_schema = {}
        for o, (schema, _) in enumerate(sigs):
            by_schema.setdefault(schema, []).append(o)
    partial: list[tuple[tuple[int, ...], dict[int, str]]] = [((), {})]
    bound: set[int] = set()
    for k_step, (schema, args) in enumerate(subroutine.steps):
        ops = by_schema.get(schema, [])
        if not ops:
            return [], False
        positions = [k for k, p in enumerate(args) if p in bound]
        index: dict[tuple[str, ...], list[int]] = {}
        for o in ops:
            objs = sigs[o][1]
            if len(objs) != len(args):
                continue
            # A parameter used twice in one step must get the same object.
            ok = True
            seen: dict[int, str] = {}
            for p, obj in zip(args, objs):
                if seen.setdefault(p, obj) != obj:
                    ok = False
                    break
            if ok:
                index.setdefault(tuple(objs[k] for k in positions), []).append(o)
        if k_step == len(subroutine.steps) - 1:
            # Count the last join before building it: a subroutine over the
            # cap costs a pass over the partial bindings, not the whole join
            # (transport drive+drop: 104k instances on a medium task).
            total = sum(len(index.get(tuple(b[args[k]] for k in positions), ())) for _, b in partial)
            if total > limit:
                return [], True
        nxt: list[tuple[tuple[int, ...], dict[int, str]]] = []
        for n, (steps, binding) in enumerate(partial):
            if deadline is not None and n % 4096 == 0 and time.perf_counter() > deadline:
                raise OutOfTime(subroutine.name)
            for o in index.get(tuple(binding[args[k]] for k in positions), ()):
                new = dict(binding)
                for p, obj in zip(args, sigs[o][1]):
                    new[p] = obj
                nxt.append((steps + (o,), new))
                if len(nxt) > limit:
                    return [], True
        partial = nxt
        bound.update(args)
        if not partial:
            return [], False
    return [(steps, tuple(b[p] for p in range(subroutine.arity))) for steps, b in partial], False


def augment(task: GroundTask, subroutines: Sequence[Subroutine], *,
            max_per_subroutine: int = DEFAULT_MAX_PER_SUBROUTINE, max_total: int | None = None,
            deadline: float | None = None) -> AugmentedTask:
    """The task with every composable instance of `subroutines` as an extra
    operator. Instances with no net effect are left out (they can only make
    the search wider). `deadline` (a time.perf_counter() value) stops adding
    subroutines when building takes too long."""
    start = time.perf_counter()
    if max_total is None:
        max_total = min(max(2_000, task.num_operators), 200_000)
    sigs = operator_signatures(task) if subroutines else []
    by_schema: dict[str, list[int]] = {}
    for o, (schema, _) in enumerate(sigs):
        by_schema.setdefault(schema, []).append(o)
    instances: list[Instance] = []
    composites = []
    cache: dict = {}
    counts: list[int] = []
    dropped: dict[str, str] = {}
    for k, sub in enumerate(subroutines):
        if deadline is not None and time.perf_counter() > deadline:
            dropped[sub.name] = "out of time building instances"
            counts.append(0)
            continue
        room = min(max_per_subroutine, max_total - len(instances))
        try:
            bindings, overflow = ground_instances(task, sub, room, sigs, by_schema, deadline)
        except OutOfTime:
            dropped[sub.name] = "out of time building instances"
            counts.append(0)
            continue
        if overflow:
            dropped[sub.name] = f"more than {room} instances"
            log.info("subroutines: %s dropped (more than %d instances)", sub.name, room)
            counts.append(0)
            continue
        made = 0
        sub_name = sub.name
        for n, (steps, objects) in enumerate(bindings):
            if deadline is not None and n % 1024 == 0 and time.perf_counter() > deadline:
                dropped[sub.name] = "out of time building instances"
                break
            try:
                comp = compose(task, steps, cache)
            except CompositionError:
                continue
            if not comp.has_effect:
                continue
            composites.append(comp)
            instances.append(Instance(k, steps, "(" + " ".join([sub_name, *objects]) + ")"))
            made += 1
        counts.append(made)
        if not made:
            dropped.setdefault(sub.name, "no composable instance in this task")
    extended = _extend(task, composites, [i.name for i in instances])
    if instances:
        fields = {f.name: getattr(extended, f.name) for f in dataclasses.fields(GroundTask)}
        extended = MacroTask(**fields, macro_first_step=np.array([i.steps[0] for i in instances],
                                                                 dtype=np.int32))
    return AugmentedTask(extended, task, tuple(subroutines), instances, counts, dropped,
                         time.perf_counter() - start)


def _concat(csr: CSR, rows: list[Sequence[int]]) -> CSR:
    if not rows:
        return csr
    extra = CSR.from_rows([sorted(r) for r in rows])
    ptr = np.concatenate([csr.ptr, (extra.ptr[1:] + csr.ptr[-1]).astype(np.int32)]).astype(np.int32)
    idx = np.concatenate([csr.idx, extra.idx]).astype(np.int32)
    return CSR(ptr, idx)


def _extend(task: GroundTask, composites: list, names: list[str]) -> GroundTask:
    if not composites:
        return task
    conditional = task.conditional
    if conditional is not None:
        # Macro instances have no conditional effects left (compose folds or rejects them).
        conditional = ConditionalEffects(
            ops=_concat(conditional.ops, [[] for _ in composites]),
            cond_pos=conditional.cond_pos, cond_neg=conditional.cond_neg,
            add=conditional.add, delete=conditional.delete,
        )
    operators = task.operators
    if isinstance(operators, (OperatorNames, _Names)) or not isinstance(operators, tuple):
        operators = _Names(operators, names)
    else:
        operators = operators + tuple(names)
    return replace(
        task,
        operators=operators,
        cost=np.concatenate([task.cost, np.array([c.cost for c in composites], dtype=np.int64)]),
        pre_pos=_concat(task.pre_pos, [c.pre_pos for c in composites]),
        pre_neg=_concat(task.pre_neg, [c.pre_neg for c in composites]),
        add=_concat(task.add, [c.add for c in composites]),
        delete=_concat(task.delete, [c.delete for c in composites]),
        conditional=conditional,
    )
