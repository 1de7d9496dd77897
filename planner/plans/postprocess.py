"""Plan post-processing: shortcuts and greedy action elimination.

Satisficing search (greedy best-first with inadmissible heuristics) often finds
plans with steps that do nothing for the goal (a package loaded and unloaded)
or that take two steps where one does (a lift going down to floor 1 and up to
floor 68 where `down f70 f68` reaches the same state). improve_plan, run by
planner.search.solve on every plan it finds before the independent validator
checks it, does two things without search:

1. shortcut_steps replaces runs of up to SHORTCUT_WINDOW consecutive steps by
   one operator leading from the state before the run to exactly the state
   after it, at no more cost (or drops a run that leads back to its start).
2. eliminate_actions is greedy action elimination (Nakhost & Mueller 2010):
   take out step i, then walk the rest of the plan and also take out every
   later step that is no longer applicable (it depended on step i); the
   removal is valid when what is left still reaches the goal. Greedy action
   elimination (GAE) tries every step, keeps the valid removal that saves the
   most cost, and starts over, until no removal is valid. Its result is a
   subsequence of its input.

Both results are valid plans when the input is one (checked by executing them
with the task's semantics, conditional effects and axioms included), never
costlier and never longer. Each elimination trial walks the remaining plan
beside the unchanged plan and stops as soon as both states are equal again
(from there on both execute the same steps, and the unchanged plan is valid),
so a trial usually costs a few steps, not the rest of the plan. GAE rescans the
plan after each removal, quadratic in the plan's length: plans longer than
GREEDY_MAX_LENGTH get plain action elimination instead (one forward scan
keeping each valid removal at once, repeated until nothing changes). Both
steps stop at a deadline with the plan as improved so far.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from planner.task import GroundTask, is_artificial

GREEDY_MAX_LENGTH = 500
"""Plans up to this many steps get greedy (cost-ordered) elimination; longer
ones the single-scan variant. Measured on a synthetic lift task with random
detours (bench/examples/plan-post-processing/scaling.txt, CPU seconds): greedy
0.18 / 1.28 / 1.50 / 6.24 s for 250 / 500 / 1000 / 2000 steps, the scan 0.07 /
0.23 / 0.45 / 0.98 s, with about the same result (500 steps: cost 247 and 245)."""

_CHECK_EVERY = 256
"""Steps walked between looks at the clock."""


@dataclass(frozen=True)
class Elimination:
    """What eliminate_actions did."""

    plan: tuple[int, ...]
    """The remaining operator ids (a subsequence of the input)."""
    cost_before: int
    cost_after: int
    removed: int
    """Steps taken out."""
    seconds: float
    complete: bool
    """No further removal is valid (False: the deadline stopped it first)."""
    method: str
    """'greedy' (cost-ordered) or 'scan' (plans over GREEDY_MAX_LENGTH steps)."""


class _OutOfTime(Exception):
    pass


class _Semantics:
    """The task's successor semantics, with each operator's precondition and
    effect lists read once from the CSR arrays into Python sets (on first use)."""

    def __init__(self, task: GroundTask) -> None:
        self.task = task
        self.pre: dict[int, tuple[frozenset[int], frozenset[int]]] = {}
        self.eff: dict[int, tuple[frozenset[int], frozenset[int], tuple]] = {}
        self.axioms = task.axioms if task.axioms is not None and len(task.axioms) else None
        self.goal_pos = frozenset(task.goal_pos.tolist())
        self.goal_neg = frozenset(task.goal_neg.tolist())

    def load(self, o: int) -> None:
        if o in self.pre:
            return
        task, ce = self.task, self.task.conditional
        self.pre[o] = (frozenset(task.pre_pos.row(o).tolist()), frozenset(task.pre_neg.row(o).tolist()))
        conditional: tuple = ()
        if ce is not None:
            conditional = tuple((frozenset(ce.cond_pos.row(e).tolist()), frozenset(ce.cond_neg.row(e).tolist()),
                                 frozenset(ce.add.row(e).tolist()), frozenset(ce.delete.row(e).tolist()))
                                for e in ce.ops.row(o).tolist())
        self.eff[o] = (frozenset(task.add.row(o).tolist()), frozenset(task.delete.row(o).tolist()), conditional)

    def applicable(self, state: set[int], o: int) -> bool:
        pos, neg = self.pre[o]
        return pos <= state and neg.isdisjoint(state)

    def apply(self, state: set[int], o: int) -> set[int]:
        """Apply o to state in place (adds win over deletes); returns the facts
        that may have changed. With axioms the derived facts are recomputed and
        the caller compares whole states."""
        adds, dels, conditional = self.eff[o]
        if conditional:
            adds, dels = set(adds), set(dels)
            for cpos, cneg, cadd, cdel in conditional:
                if cpos <= state and cneg.isdisjoint(state):
                    adds |= cadd
                    dels |= cdel
        state -= dels
        state |= adds
        if self.axioms is not None:
            derived = self.axioms.evaluate(state)
            state.clear()
            state |= derived
        return adds | dels

    def is_goal(self, state: set[int]) -> bool:
        return self.goal_pos <= state and self.goal_neg.isdisjoint(state)


def eliminate_actions(task: GroundTask, plan: Sequence[int], deadline: float | None = None,
                      greedy_max_length: int = GREEDY_MAX_LENGTH) -> Elimination:
    """Remove redundant steps from a valid plan of `task` (operator ids) by
    greedy action elimination, until no removal is valid or time.perf_counter()
    passes `deadline`. The input must be a valid plan; the result is one too,
    a subsequence of it, never costlier."""
    start = time.perf_counter()
    steps = [int(o) for o in plan]
    cost = [int(task.cost[o]) for o in steps]
    before = sum(cost)
    sem = _Semantics(task)
    for o in set(steps):
        sem.load(o)
    init = set(int(f) for f in task.init)
    alive = [True] * len(steps)
    method = "greedy" if len(steps) <= greedy_max_length else "scan"
    clock = [0]

    def tick() -> None:
        clock[0] += 1
        if deadline is not None and clock[0] % _CHECK_EVERY == 0 and time.perf_counter() > deadline:
            raise _OutOfTime

    def trial(i: int, state: set[int]) -> list[int] | None:
        """Steps to take out with step i (i first), state being the one before
        step i in the current plan, or None when the rest would not reach the goal."""
        kept, dropped = set(state), set(state)
        diff: set[int] = set()
        gone = [i]
        touched = sem.apply(kept, steps[i])
        if sem.axioms is not None:
            if kept == dropped:
                return gone
        else:
            diff = {f for f in touched if (f in kept) != (f in dropped)}
            if not diff:
                return gone
        for j in range(i + 1, len(steps)):
            if not alive[j]:
                continue
            tick()
            touched = sem.apply(kept, steps[j])
            if sem.applicable(dropped, steps[j]):
                touched = touched | sem.apply(dropped, steps[j])
            else:
                gone.append(j)
            if sem.axioms is not None:
                if kept == dropped:
                    return gone
                continue
            for f in touched:
                if (f in kept) != (f in dropped):
                    diff.add(f)
                else:
                    diff.discard(f)
            if not diff:
                return gone  # the same state again: the rest runs as in the valid plan
        return gone if sem.is_goal(dropped) else None

    def saving(gone: list[int]) -> tuple[int, int]:
        return sum(cost[j] for j in gone), len(gone)

    complete = False
    best: list[int] | None = None
    try:
        changed = True
        while changed:
            changed = False
            state = set(init)
            best = None
            for i in range(len(steps)):
                if not alive[i]:
                    continue
                gone = trial(i, state)
                if gone is not None and method == "scan":
                    for j in gone:
                        alive[j] = False
                    changed = True
                    continue  # step i is gone: the state before the next step is this one
                if gone is not None and (best is None or saving(gone) > saving(best)):
                    best = gone
                sem.apply(state, steps[i])
            if best is not None:
                for j in best:
                    alive[j] = False
                best = None
                changed = True
        complete = True
    except _OutOfTime:
        if best is not None:  # found on the current plan: still valid
            for j in best:
                alive[j] = False
    remaining = tuple(o for o, keep in zip(steps, alive) if keep)
    after = sum(c for c, keep in zip(cost, alive) if keep)
    return Elimination(remaining, before, after, len(steps) - len(remaining),
                       time.perf_counter() - start, complete, method)


SHORTCUT_WINDOW = 3
"""Longest run of consecutive steps that shortcut_steps tries to replace by one
operator. Chains longer than that still shrink: a replacement is tried again
with the steps after it."""


@dataclass(frozen=True)
class Shortcut:
    """What shortcut_steps did."""

    plan: tuple[int, ...]
    cost_before: int
    cost_after: int
    replaced: int
    """Windows of consecutive steps replaced by one operator (or by none)."""
    seconds: float
    complete: bool


class _Achievers:
    """Operators whose unconditional add (or delete) list holds a fact, found by
    a vectorised scan of the CSR arrays and cached per fact."""

    def __init__(self, task: GroundTask) -> None:
        self.task = task
        self._adds: dict[int, frozenset[int]] = {}
        self._dels: dict[int, frozenset[int]] = {}

    def _scan(self, csr, fact: int) -> frozenset[int]:
        positions = np.flatnonzero(csr.idx == fact)
        return frozenset((np.searchsorted(csr.ptr, positions, side="right") - 1).tolist())

    def adding(self, fact: int) -> frozenset[int]:
        if fact not in self._adds:
            self._adds[fact] = self._scan(self.task.add, fact)
        return self._adds[fact]

    def deleting(self, fact: int) -> frozenset[int]:
        if fact not in self._dels:
            self._dels[fact] = self._scan(self.task.delete, fact)
        return self._dels[fact]


def shortcut_steps(task: GroundTask, plan: Sequence[int], deadline: float | None = None,
                   window: int = SHORTCUT_WINDOW) -> Shortcut:
    """Replace runs of 2..window consecutive steps by one operator that leads
    from the state before the run to exactly the state after it and costs less
    (or as much, being shorter), or drop the run when it leads back to the same
    state; until nothing changes or time.perf_counter() passes `deadline`.

    The search's plans often move a vehicle in two steps where one would do:
    a lift going down to floor 1 and up to floor 68 (generated miconic tasks,
    bench/examples/plan-post-processing/) where `down f70 f68` reaches the same
    state. The rest of the plan sees the same state, so the result is valid
    when the input is, never costlier and never longer. Candidate operators add
    a fact the run adds (or delete one it deletes) and are checked by applying
    them with the task's full semantics."""
    start = time.perf_counter()
    steps = [int(o) for o in plan]
    before = sum(int(task.cost[o]) for o in steps)
    sem = _Semantics(task)
    achievers = _Achievers(task)
    replaced = 0
    complete = False
    try:
        states = [frozenset(int(f) for f in task.init)]
        for k, o in enumerate(steps):
            if deadline is not None and k % _CHECK_EVERY == 0 and time.perf_counter() > deadline:
                raise _OutOfTime
            sem.load(o)
            state = set(states[-1])
            sem.apply(state, o)
            states.append(frozenset(state))
        i = 0
        while i < len(steps):
            if deadline is not None and time.perf_counter() > deadline:
                raise _OutOfTime
            done = False
            for j in range(min(len(steps), i + window), i + 1, -1):  # longest run first
                here, there = states[i], states[j]
                run_cost = sum(int(task.cost[o]) for o in steps[i:j])
                if here == there:
                    replacement: list[int] | None = []
                else:
                    replacement = None
                    added, deleted = there - here, here - there
                    # The operator must add every fact the run adds and delete every fact it
                    # deletes (unconditionally, without conditional effects): intersecting
                    # those lists leaves a few candidates (childsnack medium, 45,798 operators,
                    # an 89-step plan: 0.30 s of CPU with the rarest fact's achievers alone).
                    pools = [achievers.adding(f) for f in added]
                    if task.conditional is None or not pools:
                        pools += [achievers.deleting(f) for f in deleted]
                    pools.sort(key=len)
                    candidates = sorted(pools[0].intersection(*pools[1:])) if pools else []
                    for o in candidates:
                        # grounder-made operators are left out of written plans
                        if int(task.cost[o]) > run_cost or is_artificial(task.operators[o]):
                            continue
                        sem.load(o)
                        if not sem.applicable(set(here), o):
                            continue
                        state = set(here)
                        sem.apply(state, o)
                        if state == there:
                            replacement = [o]
                            break
                if replacement is None:
                    continue
                steps[i:j] = replacement
                # states[i] -> states[j] in one step (or none: the two are equal)
                del states[i + 1:j + (0 if replacement else 1)]
                replaced += 1
                done = True
                break
            if done:
                i = max(0, i - window + 1)  # the new step may shorten a run before it
            else:
                i += 1
        complete = True
    except _OutOfTime:
        pass
    after = sum(int(task.cost[o]) for o in steps)
    return Shortcut(tuple(steps), before, after, replaced, time.perf_counter() - start, complete)


@dataclass(frozen=True)
class Improvement:
    """What improve_plan did: shortcuts, then greedy action elimination."""

    plan: tuple[int, ...]
    cost_before: int
    cost_after: int
    removed: int
    """Steps fewer than the input."""
    replaced: int
    eliminated: int
    seconds: float
    complete: bool
    method: str


def improve_plan(task: GroundTask, plan: Sequence[int], deadline: float | None = None) -> Improvement:
    """shortcut_steps, then eliminate_actions on its result, sharing one deadline.
    The result is a valid plan of `task` when `plan` is one, never costlier and
    never longer."""
    start = time.perf_counter()
    cut = shortcut_steps(task, plan, deadline)
    elim = eliminate_actions(task, cut.plan, deadline)
    return Improvement(elim.plan, cut.cost_before, elim.cost_after, len(plan) - len(elim.plan),
                       cut.replaced, elim.removed, time.perf_counter() - start,
                       cut.complete and elim.complete, elim.method)
