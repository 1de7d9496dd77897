"""Mining subroutine candidates from validated plans.

Input: plans of training tasks as primitive operator ids of their grounded
tasks (our own plans, validated by planner.validate before they get here).
Every window of 2-4 consecutive plan steps is a candidate occurrence when

* it is causally linked: each step after the first needs a fact an earlier
  step of the window changed (otherwise it is two jobs that happen to be
  adjacent, and as a macro it multiplies instances without guiding search);
* it composes (planner.subroutines.compose): windows whose conditional
  effects depend on the start state are rejected;
* it does not undo itself (no net effect, or a step whose effects a later
  step reverts).

Windows are lifted by parameter unification (equal objects -> one parameter)
and counted by canonical step list. Candidates are ranked by support (the
number of training tasks they occur in), then occurrences, then fewer
parameters (fewer ground instances). Every occurrence is replayed: the lifted
candidate is grounded again with the occurrence's objects, composed, and
applied to the plan's state before the window; it must give the plan's state
after it. A candidate failing a replay is rejected (it would mean the lifting
lost information) and the reason is kept.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from planner.subroutines.compose import (
    CompositionError, causally_linked, compose, run_steps, undoes_itself)
from planner.subroutines.instances import operator_signatures
from planner.subroutines.lifted import Subroutine, canonical_steps, lift_window
from planner.task import GroundTask

MIN_LENGTH = 2
MAX_LENGTH = 4


@dataclass(frozen=True)
class TrainingPlan:
    task: GroundTask
    plan: tuple[int, ...]
    """Primitive operator ids of `task`, a validated plan."""
    name: str = ""


@dataclass
class Occurrence:
    plan_index: int
    start: int
    objects: tuple[str, ...]


@dataclass
class MiningResult:
    candidates: list[Subroutine]
    """Ranked, best first; stats hold support, occurrences and length."""
    rejected: dict[str, str] = field(default_factory=dict)
    """Lifted window (Subroutine.describe()) -> why it is not a candidate."""
    occurrences: dict[str, list[Occurrence]] = field(default_factory=dict)
    """Candidate key -> where it occurs."""


def _ground_steps(sub: Subroutine, objects: Sequence[str], index: Mapping[str, int]) -> list[int] | None:
    steps = []
    for schema, args in sub.steps:
        name = "(" + " ".join([schema, *(objects[a] for a in args)]) + ")"
        if name not in index:
            return None
        steps.append(index[name])
    return steps


def _shares_objects(window_sigs: Sequence[tuple[str, tuple[str, ...]]]) -> bool:
    """Every step after the first mentions an object an earlier step did. A
    step linked only through a 0-ary fact (blocksworld's handempty) makes a
    macro whose parameters multiply: (stack ?0 ?1)(unstack ?2 ?3) had more
    than 2,000 instances on the smallest held-out task."""
    seen: set[str] = set(window_sigs[0][1]) if window_sigs else set()
    for _, objs in window_sigs[1:]:
        if not seen.intersection(objs):
            return False
        seen.update(objs)
    return True


def _objects_of(window_sigs: Sequence[tuple[str, tuple[str, ...]]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for _, objs in window_sigs:
        for o in objs:
            seen.setdefault(o)
    return tuple(seen)


def mine(plans: Sequence[TrainingPlan], schema_types: Mapping[str, Sequence[str]] | None = None,
         min_support: int = 2, max_candidates: int = 10,
         lengths: Sequence[int] = tuple(range(MIN_LENGTH, MAX_LENGTH + 1))) -> MiningResult:
    """Ranked candidates from `plans` (see the module docstring)."""
    found: dict[tuple, Subroutine] = {}
    where: dict[tuple, list[Occurrence]] = defaultdict(list)
    rejected_why: dict[tuple, Counter] = defaultdict(Counter)
    lifted_of: dict[tuple, Subroutine] = {}
    indices: list[dict[str, int]] = []
    for p, tp in enumerate(plans):
        sigs = operator_signatures(tp.task)
        index: dict[str, int] = {}
        for o, name in enumerate(tp.task.operators):
            index.setdefault(name, o)
        indices.append(index)
        plan_sigs = [sigs[o] for o in tp.plan]
        for length in lengths:
            for start in range(0, len(tp.plan) - length + 1):
                window = tp.plan[start:start + length]
                sub = lift_window(plan_sigs[start:start + length], schema_types)
                key = canonical_steps(sub.steps)
                lifted_of.setdefault(key, sub)
                if not _shares_objects(plan_sigs[start:start + length]):
                    rejected_why[key]["a step shares no object with the earlier ones"] += 1
                    continue
                if not causally_linked(tp.task, window):
                    rejected_why[key]["not causally linked"] += 1
                    continue
                try:
                    compose(tp.task, window)
                except CompositionError as err:
                    rejected_why[key][err.reason.split(" depends")[0] if "conditional" in err.reason
                                      else err.reason] += 1
                    continue
                if undoes_itself(tp.task, window):
                    rejected_why[key]["undoes itself"] += 1
                    continue
                found.setdefault(key, sub)
                where[key].append(Occurrence(p, start, _objects_of(plan_sigs[start:start + length])))
    rejected: dict[str, str] = {}
    ranked = []
    for key, sub in found.items():
        occ = where[key]
        if rejected_why.get(key):
            # The same lifted window is sometimes not composable or undoes
            # itself: its instances would be a mixed bag; keep it only when the
            # good occurrences dominate.
            bad = sum(rejected_why[key].values())
            if bad > len(occ):
                reason, _ = rejected_why[key].most_common(1)[0]
                rejected[sub.describe()] = f"{reason} in {bad} of {bad + len(occ)} occurrences"
                continue
        failure = _replay(sub, occ, plans, indices)
        if failure:
            rejected[sub.describe()] = failure
            continue
        support = len({o.plan_index for o in occ})
        if support < min_support:
            rejected[sub.describe()] = f"support {support} < {min_support}"
            continue
        ranked.append(sub.with_stats(support=support, occurrences=len(occ), length=len(sub.steps)))
    for key, why in rejected_why.items():
        if key not in found:
            sub = lifted_of[key]
            reason, count = why.most_common(1)[0]
            rejected.setdefault(sub.describe(), f"{reason} ({count} windows)")
    ranked.sort(key=lambda s: (-s.stats["support"], -s.stats["occurrences"], s.arity, len(s.steps),
                               s.describe()))
    for sub in ranked[max_candidates:]:
        rejected[sub.describe()] = f"ranked below the best {max_candidates}"
    kept = ranked[:max_candidates]
    return MiningResult(kept, rejected, {s.key: where[canonical_steps(s.steps)] for s in kept})


def _replay(sub: Subroutine, occurrences: Sequence[Occurrence], plans: Sequence[TrainingPlan],
            indices: Sequence[Mapping[str, int]]) -> str | None:
    """None when the lifted subroutine, re-grounded at every occurrence, maps
    the plan's state before the window to the state after it; else why not."""
    states: dict[int, list[frozenset[int]]] = {}
    for occ in occurrences:
        tp = plans[occ.plan_index]
        if occ.plan_index not in states:
            trace = [frozenset(int(f) for f in tp.task.init)]
            for o in tp.plan:
                trace.append(tp.task.apply(trace[-1], o))
            states[occ.plan_index] = trace
        trace = states[occ.plan_index]
        steps = _ground_steps(sub, occ.objects, indices[occ.plan_index])
        if steps is None:
            return f"replay: a step is not an operator at {tp.name or occ.plan_index}:{occ.start + 1}"
        comp = compose(tp.task, steps)
        before, after = trace[occ.start], trace[occ.start + len(steps)]
        if not comp.applicable(before) or comp.apply(before) != after:
            return f"replay: composite differs from the plan at {tp.name or occ.plan_index}:{occ.start + 1}"
        if run_steps(tp.task, before, steps) != after:
            return f"replay: steps differ from the plan at {tp.name or occ.plan_index}:{occ.start + 1}"
    return None
