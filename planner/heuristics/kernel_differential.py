"""Differential testing: a compiled kernel against its Python reference.

A kernel is accepted only if it gives the same value as its reference on
every sampled state; the states are reachable ones, from random walks from
the initial state (tests drive the seeds and walk lengths with hypothesis,
tests/heuristics/test_kernel.py); in the candidate
pipeline the probe (planner.llm.jobs) runs it in the jailed child with
fixed seeds. The reference is the heuristic's Python form (a
shipped heuristic's class) or, for an LLM-written kernel program, the same
program run by the interpreter: that catches everything compilation changes
(integer wrap-around, float vs int division, typing surprises).
Preferred operators are compared as sets and reported, but only values
decide: a Python heuristic iterating a set of strings orders its ties by
string hash, which differs between runs of the interpreter itself.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

Reference = Callable[[np.ndarray], tuple[float, list[int]]]


def walk_states(task: Any, seed: int, walks: int = 10, length: int = 30) -> list[np.ndarray]:
    """States (uint8 per fact) on `walks` random walks of up to `length` steps
    from the initial state, the initial state first; duplicates dropped."""
    from planner import _core

    succ = _core.SuccessorGenerator(_core.CompiledTask(task))
    rng = random.Random(seed)
    init = frozenset(int(f) for f in task.init)
    seen = {init}
    out = [init]
    for _ in range(walks):
        state = init
        for _ in range(rng.randint(1, max(1, length))):
            ops = succ.applicable_ops(state)
            if not ops:
                break
            state = task.apply(state, ops[rng.randrange(len(ops))])
            if state not in seen:
                seen.add(state)
                out.append(state)
    arrays = []
    for state in out:
        a = np.zeros(task.num_facts, dtype=np.uint8)
        a[sorted(state)] = 1
        arrays.append(a)
    return arrays


@dataclass
class Comparison:
    """The outcome of comparing a kernel with its reference on some states."""

    states: int = 0
    value_mismatches: list[tuple[int, float, float]] = field(default_factory=list)
    """(state index, kernel value, reference value)."""
    preferred_mismatches: int = 0
    both_failed: int = 0
    """States on which kernel and reference both failed (agreement)."""
    errors: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.value_mismatches and not self.errors

    def reason(self) -> str:
        if self.errors:
            return self.errors[0]
        if self.value_mismatches:
            i, k, r = self.value_mismatches[0]
            return (f"the compiled kernel and its Python reference disagree on {len(self.value_mismatches)} "
                    f"of {self.states} sampled states (first: state {i}, kernel {k}, Python {r})")
        return "equal"


def _same(a: float, b: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return a == b or abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def compare(kernel: Any, reference: Reference, states: Sequence[np.ndarray]) -> Comparison:
    """Evaluate both on every state; kernel is a KernelHeuristic (its compiled
    evaluator is used). A state on which both fail (the Python form raises, the
    kernel reports a failure) counts as agreement: the kernel reproduces its
    reference's failures too. One failing without the other is a difference."""
    result = Comparison()
    evaluator = kernel.evaluator()
    for i, state in enumerate(states):
        result.states += 1
        kernel_error = reference_error = None
        try:
            hk, pk = evaluator.evaluate_bytes(state)
        except Exception as err:  # noqa: BLE001 - the kernel's failure, compared below
            kernel_error = f"{type(err).__name__}: {err}"
        try:
            hr, pr = reference(state)
        except Exception as err:  # noqa: BLE001
            reference_error = f"{type(err).__name__}: {err}"
        if kernel_error is not None and reference_error is not None:
            result.both_failed += 1
            continue
        if kernel_error is not None:
            result.errors.append(f"the compiled kernel failed on sampled state {i} where its "
                                 f"reference did not: {kernel_error}")
            break
        if reference_error is not None:
            result.errors.append(f"the Python reference failed on sampled state {i} where the "
                                 f"kernel did not: {reference_error}")
            break
        if not _same(float(hk), float(hr)):
            result.value_mismatches.append((i, float(hk), float(hr)))
        elif set(pk) != set(pr) and kernel.provides_preferred:
            result.preferred_mismatches += 1
    return result


def class_reference(cls: type, task: Any) -> Reference:
    """A Python heuristic class (constructed here with a TaskView) as a reference."""
    from planner import _core
    from planner.heuristics.api import TaskView

    instance = cls(TaskView(task))
    context = _core.ViewContext(task)
    op_index = {n: i for i, n in enumerate(task.operators)}

    def run(state: np.ndarray) -> tuple[float, list[int]]:
        view = _core.StateView.from_ids(context, np.flatnonzero(state).tolist())
        r = instance(view)
        if isinstance(r, (tuple, list)):
            prefs = [op_index[o] if isinstance(o, str) else int(o) for o in (r[1] or ())]
            return float(r[0]), prefs
        return float(r), []

    return run


def check_kernel(kernel: Any, task: Any, reference: Reference | None = None, seed: int = 0,
                 walks: int = 10, length: int = 30) -> Comparison:
    """Compare on random-walk states of task; reference defaults to the
    program run by the interpreter (KernelHeuristic.reference)."""
    states = walk_states(task, seed, walks, length)
    return compare(kernel, reference or kernel.reference, states)
