"""Backward relevance analysis: drop what can never matter for the goal.

A fact is relevant when it is a goal or a (positive, negative or effect-)
condition of a relevant operator; an operator is relevant when it adds or
deletes a relevant fact. Removing every other operator, and every other fact
from the effects and the initial state, keeps exactly the plans restricted to
relevant operators, and these are plans again (the relevant facts evolve the
same without the rest), so solvability and optimal cost are preserved.
Fast Downward's translator and Pyperplan prune the same way; on generated
rovers tasks it removes about a fifth of the operators.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from planner.task import CSR, ConditionalEffects, GroundTask


def _gather(csr_ptr: np.ndarray, csr_idx: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Concatenation of the CSR rows `rows`, without a Python loop."""
    starts, ends = csr_ptr[rows], csr_ptr[rows + 1]
    counts = (ends - starts).astype(np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=csr_idx.dtype)
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)
    return csr_idx[offsets]


def _pairs(csr: CSR) -> tuple[np.ndarray, np.ndarray]:
    rows = np.repeat(np.arange(len(csr), dtype=np.int64), np.diff(csr.ptr))
    return rows, csr.idx.astype(np.int64)


def _transpose(rows: np.ndarray, cols: np.ndarray, n_cols: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(cols, kind="stable")
    ptr = np.zeros(n_cols + 1, dtype=np.int64)
    np.cumsum(np.bincount(cols, minlength=n_cols), out=ptr[1:])
    return ptr, rows[order]


def _effect_and_condition_pairs(task: GroundTask):
    """(op, fact) pairs for 'op changes fact' and for 'op reads fact'."""
    eff = [_pairs(task.add), _pairs(task.delete)]
    cond = [_pairs(task.pre_pos), _pairs(task.pre_neg)]
    ce = task.conditional
    if ce is not None:
        effect_op = np.repeat(np.arange(len(ce.ops), dtype=np.int64), np.diff(ce.ops.ptr))
        owner = np.empty(len(ce.add), dtype=np.int64)
        owner[ce.ops.idx] = effect_op
        for part, into in ((ce.add, eff), (ce.delete, eff), (ce.cond_pos, cond),
                           (ce.cond_neg, cond)):
            e, f = _pairs(part)
            into.append((owner[e], f))
    join = lambda ps: (np.concatenate([p[0] for p in ps]),  # noqa: E731
                       np.concatenate([p[1] for p in ps]))
    return join(eff), join(cond)


def relevant(task: GroundTask) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (relevant facts, relevant operators)."""
    n_facts, n_ops = task.num_facts, task.num_operators
    (eff_ops, eff_facts), (cond_ops, cond_facts) = _effect_and_condition_pairs(task)
    changers_ptr, changers = _transpose(eff_ops, eff_facts, n_facts)
    order = np.argsort(cond_ops, kind="stable")
    reads_ptr = np.zeros(n_ops + 1, dtype=np.int64)
    np.cumsum(np.bincount(cond_ops, minlength=n_ops), out=reads_ptr[1:])
    reads = cond_facts[order]
    fact_ok = np.zeros(n_facts, dtype=bool)
    op_ok = np.zeros(n_ops, dtype=bool)
    frontier = np.unique(np.concatenate([task.goal_pos, task.goal_neg]).astype(np.int64))
    fact_ok[frontier] = True
    while len(frontier):
        ops = np.unique(_gather(changers_ptr, changers, frontier))
        ops = ops[~op_ok[ops]]
        op_ok[ops] = True
        facts = np.unique(_gather(reads_ptr, reads, ops))
        frontier = facts[~fact_ok[facts]]
        fact_ok[frontier] = True
    return fact_ok, op_ok


def _restrict(csr: CSR, keep_rows: np.ndarray, fact_map: np.ndarray) -> CSR:
    """Rows `keep_rows` of csr, with facts renumbered by fact_map (-1 = dropped)."""
    rows, facts = _pairs(csr)
    row_map = np.full(len(csr), -1, dtype=np.int64)
    row_map[keep_rows] = np.arange(len(keep_rows))
    new_rows, new_facts = row_map[rows], fact_map[facts]
    ok = (new_rows >= 0) & (new_facts >= 0)
    ptr = np.zeros(len(keep_rows) + 1, dtype=np.int32)
    np.cumsum(np.bincount(new_rows[ok], minlength=len(keep_rows)), out=ptr[1:])
    return CSR(ptr, new_facts[ok].astype(np.int32))


def prune_irrelevant(task: GroundTask) -> GroundTask:
    """The task without irrelevant operators and facts (numbering kept in order)."""
    fact_ok, op_ok = relevant(task)
    if fact_ok.all() and op_ok.all():
        return task
    keep_facts = np.flatnonzero(fact_ok)
    keep_ops = np.flatnonzero(op_ok)
    fact_map = np.full(task.num_facts, -1, dtype=np.int64)
    fact_map[keep_facts] = np.arange(len(keep_facts))
    remap = lambda ids: np.sort(fact_map[ids][fact_map[ids] >= 0]).astype(np.int32)  # noqa
    operators = (task.operators.select(keep_ops) if hasattr(task.operators, "select")
                 else tuple(task.operators[i] for i in keep_ops.tolist()))
    return replace(
        task,
        facts=tuple(task.facts[i] for i in keep_facts.tolist()),
        operators=operators,
        cost=task.cost[keep_ops],
        pre_pos=_restrict(task.pre_pos, keep_ops, fact_map),
        pre_neg=_restrict(task.pre_neg, keep_ops, fact_map),
        add=_restrict(task.add, keep_ops, fact_map),
        delete=_restrict(task.delete, keep_ops, fact_map),
        init=remap(task.init), goal_pos=remap(task.goal_pos), goal_neg=remap(task.goal_neg),
        conditional=_restrict_conditional(task.conditional, keep_ops, fact_map),
        mutex_groups=tuple(g for g in (remap(g) for g in task.mutex_groups) if len(g) > 1),
    )


def _restrict_conditional(ce: ConditionalEffects | None, keep_ops: np.ndarray,
                          fact_map: np.ndarray) -> ConditionalEffects | None:
    if ce is None:
        return None
    n_effects = len(ce.add)
    effect_op = np.full(n_effects, -1, dtype=np.int64)
    effect_op[ce.ops.idx] = np.repeat(np.arange(len(ce.ops)), np.diff(ce.ops.ptr))
    op_map = np.full(len(ce.ops), -1, dtype=np.int64)
    op_map[keep_ops] = np.arange(len(keep_ops))
    changes = np.zeros(n_effects, dtype=bool)
    for part in (ce.add, ce.delete):
        e, f = _pairs(part)
        np.logical_or.at(changes, e, fact_map[f] >= 0)
    keep_effects = np.flatnonzero(changes & (op_map[effect_op] >= 0))
    new_ops = op_map[effect_op[keep_effects]]
    order = np.argsort(new_ops, kind="stable")
    keep_effects, new_ops = keep_effects[order], new_ops[order]
    ptr = np.zeros(len(keep_ops) + 1, dtype=np.int32)
    np.cumsum(np.bincount(new_ops, minlength=len(keep_ops)), out=ptr[1:])
    ops = CSR(ptr, np.arange(len(keep_effects), dtype=np.int32))
    sub = lambda part: _restrict(part, keep_effects, fact_map)  # noqa: E731
    return ConditionalEffects(ops, sub(ce.cond_pos), sub(ce.cond_neg), sub(ce.add),
                              sub(ce.delete))
