"""Random small GroundTasks and their explicit state spaces, for search tests.

The explicit space is built with GroundTask's reference apply(), which is
independent of the compiled successor generator and state packing, so a
disagreement points at the compiled code.
"""
from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from planner.task import CSR, ConditionalEffects, GroundTask, LiftedView


@dataclass(frozen=True)
class OpSpec:
    pre_pos: tuple[int, ...]
    pre_neg: tuple[int, ...]
    add: tuple[int, ...]
    delete: tuple[int, ...]
    cost: int
    effects: tuple[tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[int, ...]], ...] = ()
    """Conditional effects as (cond_pos, cond_neg, add, delete)."""


def build_task(
    n_facts: int,
    ops: list[OpSpec],
    init: set[int],
    goal_pos: set[int],
    goal_neg: set[int] = frozenset(),
    mutex_groups: tuple = (),
    action_costs: bool = True,
) -> GroundTask:
    facts = tuple((f"f{i}",) for i in range(n_facts))
    conditional = None
    if any(op.effects for op in ops):
        effects = [e for op in ops for e in op.effects]
        rows, k = [], 0
        for op in ops:
            rows.append(list(range(k, k + len(op.effects))))
            k += len(op.effects)
        conditional = ConditionalEffects(
            ops=CSR.from_rows(rows),
            cond_pos=CSR.from_rows([e[0] for e in effects]),
            cond_neg=CSR.from_rows([e[1] for e in effects]),
            add=CSR.from_rows([e[2] for e in effects]),
            delete=CSR.from_rows([e[3] for e in effects]),
        )
    lifted = LiftedView(
        domain_name="random",
        problem_name="random",
        objects=(),
        object_types={},
        type_parents={},
        predicates={f[0]: 0 for f in facts},
        static_predicates=frozenset(),
        static_atoms=frozenset(),
        init_atoms=frozenset(facts[i] for i in init),
        goal_pos=tuple(facts[i] for i in sorted(goal_pos)),
        goal_neg=tuple(facts[i] for i in sorted(goal_neg)),
    )
    return GroundTask(
        facts=facts,
        operators=tuple(f"(op{i})" for i in range(len(ops))),
        cost=np.array([op.cost for op in ops], dtype=np.int64),
        pre_pos=CSR.from_rows([op.pre_pos for op in ops]),
        pre_neg=CSR.from_rows([op.pre_neg for op in ops]),
        add=CSR.from_rows([op.add for op in ops]),
        delete=CSR.from_rows([op.delete for op in ops]),
        init=np.array(sorted(init), dtype=np.int32),
        goal_pos=np.array(sorted(goal_pos), dtype=np.int32),
        goal_neg=np.array(sorted(goal_neg), dtype=np.int32),
        lifted=lifted,
        conditional=conditional,
        uses_action_costs=action_costs,
        mutex_groups=tuple(np.array(g, dtype=np.int32) for g in mutex_groups),
    )


def _subset(n: int, max_size: int):
    return st.lists(st.integers(0, n - 1), max_size=max_size, unique=True).map(lambda xs: tuple(sorted(xs)))


@st.composite
def random_tasks(draw, max_facts: int = 7, max_ops: int = 12, negative: bool = True,
                 conditional: bool = True, zero_cost: bool = True) -> GroundTask:
    n = draw(st.integers(2, max_facts))
    n_ops = draw(st.integers(1, max_ops))
    ops = []
    for _ in range(n_ops):
        effects = ()
        if conditional and draw(st.booleans()):
            effects = tuple(
                (draw(_subset(n, 2)), draw(_subset(n, 1)), draw(_subset(n, 2)), draw(_subset(n, 2)))
                for _ in range(draw(st.integers(1, 2)))
            )
        ops.append(OpSpec(
            pre_pos=draw(_subset(n, 3)),
            pre_neg=draw(_subset(n, 1)) if negative else (),
            add=draw(_subset(n, 3)),
            delete=draw(_subset(n, 3)),
            cost=draw(st.integers(0 if zero_cost else 1, 5)),
            effects=effects,
        ))
    init = set(draw(_subset(n, n)))
    goal_pos = set(draw(_subset(n, 3)))
    goal_neg = set(draw(_subset(n, 1))) - goal_pos if negative else set()
    return build_task(n, ops, init, goal_pos, goal_neg)


def reachable_states(task: GroundTask) -> set[frozenset[int]]:
    start = frozenset(int(f) for f in task.init)
    seen = {start}
    queue = deque([start])
    while queue:
        s = queue.popleft()
        for o in range(task.num_operators):
            if task.applicable(s, o):
                t = task.apply(s, o)
                if t not in seen:
                    seen.add(t)
                    queue.append(t)
    return seen


def optimal_cost(task: GroundTask) -> int | None:
    """Dijkstra over the explicit state space; None when no goal is reachable."""
    start = frozenset(int(f) for f in task.init)
    dist = {start: 0}
    heap = [(0, sorted(start), start)]
    while heap:
        d, _, s = heapq.heappop(heap)
        if d > dist[s]:
            continue
        if task.is_goal(s):
            return d
        for o in range(task.num_operators):
            if task.applicable(s, o):
                t = task.apply(s, o)
                nd = d + int(task.cost[o])
                if nd < dist.get(t, 1 << 60):
                    dist[t] = nd
                    heapq.heappush(heap, (nd, sorted(t), t))
    return None


def is_valid_plan(task: GroundTask, plan: tuple[int, ...]) -> bool:
    state = frozenset(int(f) for f in task.init)
    for o in plan:
        if not task.applicable(state, o):
            return False
        state = task.apply(state, o)
    return task.is_goal(state)


def mutex_groups_of(task: GroundTask) -> list[list[int]]:
    """Greedy groups of facts pairwise never true together in a reachable state."""
    states = reachable_states(task)
    together = np.zeros((task.num_facts, task.num_facts), dtype=bool)
    for s in states:
        ids = sorted(s)
        for i in ids:
            for j in ids:
                together[i, j] = True
    groups, taken = [], set()
    for f in range(task.num_facts):
        if f in taken:
            continue
        group = [f]
        for g in range(f + 1, task.num_facts):
            if g not in taken and not any(together[g, x] for x in group):
                group.append(g)
        if len(group) > 1:
            groups.append(group)
            taken.update(group)
    return groups
