"""Chunked grounding passes give the same task as one pass over everything.

The grounder builds operators, finds mutex-pruned operators and gathers
relevant facts chunk by chunk to bound its memory on tasks with millions of
operators (planner.frontend.grounding.CHUNK_OPS, invariants.MUTEX_CHUNK_KEYS,
relevance.READ_CHUNK). Chunk boundaries must not show in the output: these
tests shrink the chunks to a few operators and compare every array.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.frontend import grounding
from planner.frontend import invariants
from planner.frontend import relevance
from planner.errors import PlannerError
from planner.frontend.grounding import ground
from planner.frontend.inputs import parse_strings
from planner.task import CSR, GroundTask
from tests.random_tasks import random_tasks
from tests.fixtures import ADL_DOMAIN, ADL_PROBLEM
from tests.frontend.worlds import World, worlds

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


def _csr(c: CSR) -> tuple:
    return (c.ptr.dtype.str, c.ptr.tolist(), c.idx.dtype.str, c.idx.tolist())


def fingerprint(t: GroundTask) -> list:
    """Every output of a task as plain data, dtypes included."""
    out = [t.facts, list(t.operators), t.cost.dtype.str, t.cost.tolist()]
    out += [_csr(getattr(t, k)) for k in ("pre_pos", "pre_neg", "add", "delete")]
    out += [(a.dtype.str, a.tolist()) for a in (t.init, t.goal_pos, t.goal_neg)]
    out += [[(g.dtype.str, g.tolist()) for g in t.mutex_groups]]
    ce = t.conditional
    out.append(None if ce is None else
               [_csr(getattr(ce, k)) for k in ("ops", "cond_pos", "cond_neg", "add", "delete")])
    return out


@pytest.fixture
def tiny_chunks(monkeypatch):
    """A function that runs its argument with every chunk a few items long."""
    def run(fn, *args, **kwargs):
        with monkeypatch.context() as m:
            m.setattr(grounding, "CHUNK_OPS", 2)
            m.setattr(invariants, "MUTEX_CHUNK_KEYS", 1)
            m.setattr(relevance, "READ_CHUNK", 1)
            return fn(*args, **kwargs)
    return run


def _ground_or_error(domain: str, problem: str, prune: bool):
    try:
        return fingerprint(ground(parse_strings(domain, problem), prune_irrelevant=prune))
    except PlannerError as e:
        return type(e).__name__


@pytest.mark.parametrize("prune", [False, True])
def test_adl_task_is_the_same_in_tiny_chunks(tiny_chunks, prune: bool) -> None:
    """Quantified and conditional effects spread over many chunks."""
    whole = _ground_or_error(ADL_DOMAIN, ADL_PROBLEM, prune)
    assert tiny_chunks(_ground_or_error, ADL_DOMAIN, ADL_PROBLEM, prune) == whole


@SETTINGS
@given(world=worlds())
def test_random_worlds_are_the_same_in_tiny_chunks(tiny_chunks, world: World) -> None:
    for prune in (False, True):
        whole = _ground_or_error(world.domain, world.problem, prune)
        assert tiny_chunks(_ground_or_error, world.domain, world.problem, prune) == whole


def _groups(draw, n: int) -> tuple[np.ndarray, ...]:
    """Random groups, some with a repeated fact (the check must still count distinct facts)."""
    groups = []
    for _ in range(draw(st.integers(0, 4))):
        g = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=4))
        groups.append(np.array(sorted(g), dtype=np.int32))
    return tuple(groups)


def _reference_mutex_rows(rows: CSR, groups, n_facts: int) -> list[bool]:
    """Does a row hold two distinct facts of one group? Spelled out with sets."""
    sets = [set(g.tolist()) for g in groups]
    return [any(len(set(r.tolist()) & s) >= 2 for s in sets) for r in rows.rows()]


@SETTINGS
@given(task=random_tasks(max_facts=9, max_ops=15), data=st.data())
def test_mutex_pruning_is_the_same_in_tiny_chunks(tiny_chunks, task: GroundTask, data) -> None:
    groups = _groups(data.draw, task.num_facts)
    bad = invariants._rows_with_mutex_pair(task.pre_pos, groups, task.num_facts)
    assert bad.tolist() == _reference_mutex_rows(task.pre_pos, groups, task.num_facts)
    small = tiny_chunks(invariants._rows_with_mutex_pair, task.pre_pos, groups, task.num_facts)
    assert small.tolist() == bad.tolist()
    pruned = invariants.prune_operators(task, groups)
    assert fingerprint(tiny_chunks(invariants.prune_operators, task, groups)) == \
        fingerprint(pruned)
    keep = np.flatnonzero(~bad)
    for kind in ("pre_pos", "pre_neg", "add", "delete"):  # the mask path equals _select
        assert _csr(getattr(pruned, kind)) == _csr(invariants._select(getattr(task, kind), keep))


@SETTINGS
@given(task=random_tasks(max_facts=9, max_ops=15), data=st.data())
def test_relevance_is_the_same_in_tiny_chunks(tiny_chunks, task: GroundTask, data) -> None:
    task = replace(task, mutex_groups=_groups(data.draw, task.num_facts))
    masks = [m.tolist() for m in relevance.relevant(task)]
    assert [m.tolist() for m in tiny_chunks(relevance.relevant, task)] == masks
    assert fingerprint(tiny_chunks(relevance.prune_irrelevant, task)) == \
        fingerprint(relevance.prune_irrelevant(task))
    fact_ok, op_ok = relevance.relevant(task)
    fact_map = np.where(fact_ok, np.cumsum(fact_ok) - 1, -1)
    for kind in ("pre_pos", "pre_neg", "add", "delete"):  # the mask path equals _restrict
        csr = getattr(task, kind)
        assert _csr(relevance._restrict_sorted(csr, op_ok, fact_map)) == \
            _csr(relevance._restrict(csr, np.flatnonzero(op_ok), fact_map))
