"""Negated derived facts as derived facts of their own, for relaxed heuristics.

Relaxed heuristics ignore negative conditions, so an operator that needs a
derived fact *false* (openstacks' ship-order compiled from `forall (?p)
(imply (includes ?o ?p) (made ?p))` needs `not d(o)` with d(o) :- not made(p)
for each p in o) looks applicable at once, and nothing tells the heuristic to
make the products first. Fast Downward's translator adds "negated axioms" for
such facts; we do the same on the ground task: for a derived fact d with
rules B1, ..., Bm, the new derived fact not-d has one rule per way of falsifying
every Bi (one literal of each, negated), which is exactly "no rule of d
fires" in the stratified semantics. Operators (and the goal) then need not-d
positively, which the relaxation sees through its (positive) rule bodies.

Skipped, keeping the negative condition, when the negation would be large
(more than NEGATION_LIMIT rules) or d's rules need a derived fact of d's own
stratum positively (recursion: its negation is not a lower-stratum fact).
Measured on a generated 20x20 openstacks task (unit costs): lazy GBFS h^FF
expands 302 states instead of 12,097 (initial h 61 instead of 41).
"""
from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np

from planner.task import CSR, GroundTask

NEGATION_LIMIT = 64
NEGATED_PREFIX = "__not-"
"""Names starting with '__' are not PDDL names: no clash with the domain's."""


def _rows(csr: CSR) -> list[list[int]]:
    ptr, idx = csr.ptr.tolist(), csr.idx.tolist()
    return [idx[ptr[i]:ptr[i + 1]] for i in range(len(ptr) - 1)]


def add_negated_axioms(task: GroundTask) -> GroundTask:
    """The task with negated derived facts for negative operator preconditions
    and negative goals on derived facts, where the negation is small."""
    ax = task.axioms
    if ax is None or len(ax) == 0:
        return task
    derived = np.zeros(task.num_facts, dtype=bool)
    derived[ax.derived] = True
    wanted = sorted(set(int(f) for f in task.pre_neg.idx if derived[f])
                    | set(int(f) for f in task.goal_neg if derived[f]))
    if not wanted:
        return task
    heads = ax.head.tolist()
    strata = ax.stratum.tolist()
    pos_rows, neg_rows = _rows(ax.body_pos), _rows(ax.body_neg)
    by_head: dict[int, list[int]] = {}
    stratum_of: dict[int, int] = {}
    for r, h in enumerate(heads):
        by_head.setdefault(h, []).append(r)
        stratum_of[h] = strata[r]
    new_facts: list[tuple] = []
    new_rules: list[tuple[int, int, tuple[int, ...], tuple[int, ...]]] = []
    negation: dict[int, int] = {}  # derived fact -> its negated fact
    for d in wanted:
        rules = by_head.get(d, [])
        if not rules:
            continue  # d is never true: its negative condition always holds
        level = stratum_of[d]
        if any(derived[f] and stratum_of.get(f, -1) >= level for r in rules for f in pos_rows[r]):
            continue  # recursion or a same-stratum dependency
        # per rule, the literals that falsify it: (fact, must be true?)
        choices = [[(f, False) for f in pos_rows[r]] + [(f, True) for f in neg_rows[r]]
                   for r in rules]
        size = 1
        for c in choices:
            size *= len(c)
        if size > NEGATION_LIMIT:
            continue
        fact = task.num_facts + len(new_facts)
        negation[d] = fact
        new_facts.append((NEGATED_PREFIX + task.facts[d][0],) + tuple(task.facts[d][1:]))
        bodies = set()
        for combo in itertools.product(*choices):
            pos = tuple(sorted({f for f, true in combo if true}))
            neg = tuple(sorted({f for f, true in combo if not true}))
            if not set(pos) & set(neg):
                bodies.add((pos, neg))
        # drop bodies that a smaller one implies (subset): they add nothing
        kept = [b for b in bodies if not any(o != b and set(o[0]) <= set(b[0])
                                             and set(o[1]) <= set(b[1]) for o in bodies)]
        new_rules.extend((level, fact, pos, neg) for pos, neg in sorted(kept))
    if not negation:
        return task
    rules = [(strata[r], heads[r], tuple(pos_rows[r]), tuple(neg_rows[r]))
             for r in range(len(heads))] + new_rules
    order = sorted(range(len(rules)), key=lambda i: (rules[i][0], i))  # stable by stratum
    rules = [rules[i] for i in order]
    axioms = replace(
        ax, head=np.array([r[1] for r in rules], dtype=np.int32),
        body_pos=CSR.from_rows([r[2] for r in rules]),
        body_neg=CSR.from_rows([r[3] for r in rules]),
        stratum=np.array([r[0] for r in rules], dtype=np.int32),
        derived=np.array(sorted(ax.derived.tolist() + list(negation.values())), dtype=np.int32))
    pre_pos, pre_neg = [], []
    for p, n in zip(_rows(task.pre_pos), _rows(task.pre_neg)):
        moved = [negation[f] for f in n if f in negation]
        pre_pos.append(sorted(p + moved) if moved else p)
        pre_neg.append([f for f in n if f not in negation] if moved else n)
    goal_neg = task.goal_neg.tolist()
    goal_pos = sorted(task.goal_pos.tolist() + [negation[f] for f in goal_neg if f in negation])
    basic_init = frozenset(int(f) for f in task.init if not derived[f])
    init = sorted(axioms.evaluate(basic_init))
    return replace(
        task, facts=tuple(task.facts) + tuple(new_facts),
        pre_pos=CSR.from_rows(pre_pos), pre_neg=CSR.from_rows(pre_neg),
        goal_pos=np.array(goal_pos, dtype=np.int32),
        goal_neg=np.array([f for f in goal_neg if f not in negation], dtype=np.int32),
        init=np.array(init, dtype=np.int32), axioms=axioms)
