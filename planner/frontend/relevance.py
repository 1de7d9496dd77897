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


def _changers(task: GroundTask) -> list[tuple[np.ndarray, np.ndarray]]:
    """fact -> operators that add or delete it, as CSRs (ptr, int32 operators):
    one for adds, one for deletes, one for conditional effects. Transposing
    them one at a time, by sorting fact * n_ops + op keys in place, keeps the
    peak near 12 bytes per pair of the largest list."""
    n_ops = task.num_operators
    parts = [(np.diff(task.add.ptr), task.add.idx), (np.diff(task.delete.ptr), task.delete.idx)]
    out = [_transpose(lengths, facts, n_ops, task.num_facts) for lengths, facts in parts]
    ce = task.conditional
    if ce is not None:
        effect_op = np.repeat(np.arange(len(ce.ops), dtype=np.int64), np.diff(ce.ops.ptr))
        owner = np.empty(len(ce.add), dtype=np.int64)
        owner[ce.ops.idx] = effect_op
        ops, facts = [], []
        for part in (ce.add, ce.delete):
            e, f = _pairs(part)
            ops.append(owner[e])
            facts.append(f)
        key = np.concatenate(facts) * max(n_ops, 1) + np.concatenate(ops)
        out.append(_sorted_keys_csr(key, n_ops, task.num_facts))
    return out


def _transpose(lengths: np.ndarray, facts: np.ndarray, n_ops: int,
               n_facts: int) -> tuple[np.ndarray, np.ndarray]:
    """fact -> rows of a CSR given as (row lengths, facts)."""
    key = facts.astype(np.int64)
    key *= max(n_ops, 1)
    key += np.repeat(np.arange(n_ops, dtype=np.int32), lengths)
    return _sorted_keys_csr(key, n_ops, n_facts)


def _sorted_keys_csr(key: np.ndarray, n_ops: int, n_facts: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR fact -> operators from fact * n_ops + op keys (sorted here, in place)."""
    key.sort(kind="stable")  # timsort: faster than quicksort on these keys
    ptr = np.searchsorted(key, np.arange(n_facts + 1, dtype=np.int64) * max(n_ops, 1))
    key %= max(n_ops, 1)
    return ptr, key.astype(np.int32)


def _distinct(values: np.ndarray, n: int) -> np.ndarray:
    """Sorted distinct values of ids below n (a mask beats sorting for many ids)."""
    if len(values) * 16 >= n:
        seen = np.zeros(n, dtype=bool)
        seen[values] = True
        return np.flatnonzero(seen)
    values = np.sort(values).astype(np.int64)  # not np.unique: its hashing is slow on ints
    if len(values) == 0:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _reads(task: GroundTask, ops: np.ndarray) -> np.ndarray:
    """Distinct facts that operators `ops` read: preconditions and effect conditions."""
    parts = [_gather(task.pre_pos.ptr, task.pre_pos.idx, ops),
             _gather(task.pre_neg.ptr, task.pre_neg.idx, ops)]
    ce = task.conditional
    if ce is not None:
        effects = _gather(ce.ops.ptr, ce.ops.idx, ops)
        parts += [_gather(ce.cond_pos.ptr, ce.cond_pos.idx, effects),
                  _gather(ce.cond_neg.ptr, ce.cond_neg.idx, effects)]
    return _distinct(np.concatenate(parts), task.num_facts)


READ_CHUNK = 1 << 17
"""Operators whose conditions are gathered at once: bounds the int64 offset
arrays _gather builds."""


def relevant(task: GroundTask) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (relevant facts, relevant operators)."""
    n_facts, n_ops = task.num_facts, task.num_operators
    changers = _changers(task)
    fact_ok = np.zeros(n_facts, dtype=bool)
    op_ok = np.zeros(n_ops, dtype=bool)
    frontier = np.unique(np.concatenate([task.goal_pos, task.goal_neg]).astype(np.int64))
    fact_ok[frontier] = True
    while len(frontier):
        ops = _distinct(np.concatenate([_gather(ptr, c, frontier) for ptr, c in changers]),
                        n_ops)
        ops = ops[~op_ok[ops]]
        op_ok[ops] = True
        facts = np.concatenate([_reads(task, ops[i:i + READ_CHUNK])
                                for i in range(0, len(ops), READ_CHUNK)]
                               + [np.empty(0, np.int64)])
        facts = _distinct(facts, n_facts)
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


def _restrict_sorted(csr: CSR, row_mask: np.ndarray, fact_map: np.ndarray) -> CSR:
    """_restrict for the rows where row_mask holds (in order), without int64
    arrays per entry: one int32 renumbering, one mask and one int32 prefix sum."""
    lengths = np.diff(csr.ptr)
    new_facts = fact_map.astype(np.int32)[csr.idx]
    ok = np.repeat(row_mask, lengths) & (new_facts >= 0)
    new_facts = new_facts[ok]
    kept = np.zeros(len(ok) + 1, dtype=np.int32 if len(ok) < 2**31 else np.int64)
    np.cumsum(ok, dtype=kept.dtype, out=kept[1:])
    del ok
    ptr = np.zeros(int(row_mask.sum()) + 1, dtype=np.int32)
    np.cumsum(kept[csr.ptr[1:][row_mask]] - kept[csr.ptr[:-1][row_mask]], out=ptr[1:])
    return CSR(ptr, new_facts)


def _concat_csr(a: CSR, b: CSR) -> CSR:
    return CSR(np.concatenate([a.ptr[:-1], b.ptr + a.ptr[-1]]).astype(np.int32),
               np.concatenate([a.idx, b.idx]).astype(np.int32))


def _relevant_with_axioms(task: GroundTask) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """relevant() with each axiom as one more operator (body as precondition,
    head as its add): a derived fact that matters makes its rules and their
    bodies matter. Returns (facts, operators, axioms) masks."""
    ax = task.axioms
    n_ops = task.num_operators
    n_ax = len(ax)
    empty = CSR(np.zeros(n_ax + 1, dtype=np.int32), np.empty(0, dtype=np.int32))
    heads = CSR(np.arange(n_ax + 1, dtype=np.int32), ax.head.astype(np.int32))
    conditional = task.conditional
    if conditional is not None:
        conditional = replace(conditional, ops=_concat_csr(conditional.ops, empty))
    augmented = replace(
        task, operators=tuple(range(n_ops + n_ax)),
        pre_pos=_concat_csr(task.pre_pos, ax.body_pos),
        pre_neg=_concat_csr(task.pre_neg, ax.body_neg),
        add=_concat_csr(task.add, heads), delete=_concat_csr(task.delete, empty),
        conditional=conditional, axioms=None)
    fact_ok, ok = relevant(augmented)
    return fact_ok, ok[:n_ops], ok[n_ops:]


def _restrict_axioms(task: GroundTask, keep: np.ndarray, fact_map: np.ndarray):
    ax = task.axioms
    if ax is None:
        return None
    rows = np.flatnonzero(keep)
    derived = fact_map[ax.derived]
    return replace(
        ax, head=fact_map[ax.head[rows]].astype(np.int32),
        body_pos=_restrict(ax.body_pos, rows, fact_map),
        body_neg=_restrict(ax.body_neg, rows, fact_map),
        stratum=ax.stratum[rows], derived=np.sort(derived[derived >= 0]).astype(np.int32))


def always_true(task: GroundTask) -> np.ndarray:
    """Mask of the facts true in every reachable state: initially true, not
    derived, and deleted by no operator or conditional effect."""
    deleted = np.zeros(task.num_facts, dtype=bool)
    deleted[task.delete.idx] = True
    if task.conditional is not None:
        deleted[task.conditional.delete.idx] = True
    always = np.zeros(task.num_facts, dtype=bool)
    always[task.init] = True
    always &= ~deleted
    if task.axioms is not None:
        always[task.axioms.derived] = False
    return always


def _rows_touching(csr: CSR, facts: np.ndarray) -> np.ndarray:
    """Mask of the CSR rows holding some fact of the boolean mask `facts`."""
    rows = np.repeat(np.arange(len(csr), dtype=np.int64), np.diff(csr.ptr))
    hit = np.zeros(len(csr), dtype=bool)
    hit[rows[facts[csr.idx]]] = True
    return hit


def drop_never_applicable(task: GroundTask) -> GroundTask:
    """Without the operators and axiom rules that need a fact false which is
    true in every state (relaxed reachability ignores negative conditions,
    so it keeps them). Fast Downward's translator drops them too: the fact's
    variable has one reachable value. On a generated 10x10 reach grid that
    is 182 of 446 operators ((open-door a b) needs (not (open a b)), and
    half the doors start open and never close). The always-true facts stay
    (FD removes them), since heuristics may read them from states."""
    always = always_true(task)
    if not always.any():
        return task
    bad = _rows_touching(task.pre_neg, always)
    axioms = task.axioms
    if axioms is not None:
        bad_rules = _rows_touching(axioms.body_neg, always)
        if bad_rules.any():
            rows = np.flatnonzero(~bad_rules)
            identity = np.arange(task.num_facts, dtype=np.int64)
            axioms = replace(axioms, head=axioms.head[rows],
                             body_pos=_restrict(axioms.body_pos, rows, identity),
                             body_neg=_restrict(axioms.body_neg, rows, identity),
                             stratum=axioms.stratum[rows])
    if not bad.any():
        return replace(task, axioms=axioms) if axioms is not task.axioms else task
    keep_ops = np.flatnonzero(~bad)
    identity = np.arange(task.num_facts, dtype=np.int64)
    operators = (task.operators.select(keep_ops) if hasattr(task.operators, "select")
                 else tuple(task.operators[i] for i in keep_ops.tolist()))
    return replace(
        task, operators=operators, cost=task.cost[keep_ops],
        pre_pos=_restrict_sorted(task.pre_pos, ~bad, identity),
        pre_neg=_restrict_sorted(task.pre_neg, ~bad, identity),
        add=_restrict_sorted(task.add, ~bad, identity),
        delete=_restrict_sorted(task.delete, ~bad, identity),
        conditional=_restrict_conditional(task.conditional, keep_ops, identity),
        axioms=axioms)


def prune_irrelevant(task: GroundTask) -> GroundTask:
    """The task without irrelevant operators and facts (numbering kept in order)."""
    task = drop_never_applicable(task)
    if task.axioms is not None:
        fact_ok, op_ok, ax_ok = _relevant_with_axioms(task)
    else:
        (fact_ok, op_ok), ax_ok = relevant(task), None
    if fact_ok.all() and op_ok.all() and (ax_ok is None or ax_ok.all()):
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
        pre_pos=_restrict_sorted(task.pre_pos, op_ok, fact_map),
        pre_neg=_restrict_sorted(task.pre_neg, op_ok, fact_map),
        add=_restrict_sorted(task.add, op_ok, fact_map),
        delete=_restrict_sorted(task.delete, op_ok, fact_map),
        init=remap(task.init), goal_pos=remap(task.goal_pos), goal_neg=remap(task.goal_neg),
        conditional=_restrict_conditional(task.conditional, keep_ops, fact_map),
        mutex_groups=tuple(g for g in (remap(g) for g in task.mutex_groups) if len(g) > 1),
        axioms=_restrict_axioms(task, ax_ok, fact_map) if ax_ok is not None else None,
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
