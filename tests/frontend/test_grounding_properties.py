"""Property tests: grounding agrees with the independent validator.

Hypothesis writes small random typed domains and problems as PDDL text (a
type hierarchy, `either`, constants, negative preconditions, equality and
inequality, conditional effects with `when` and `forall`), grounds them
(without relevance pruning, so that every reachable operator is kept), and
walks random action sequences through both the grounded task (reference
GroundTask.applicable/apply/is_goal) and planner.plans.validate, which reads the
PDDL objects directly:

* at every step both accept or both refuse, and the states agree (the
  validator's fluent atoms are exactly the grounded state's facts); at the
  end the validator says "valid" exactly when the grounded state is a goal;
* every state the walks reach holds only reachable (grounded) facts;
* every binding a brute-force enumeration finds applicable (and not a
  no-op) in a state on the walk is a grounded operator.

A step with no grounded operator is one the grounder proved useless: it
must be refused by the validator or leave the state unchanged.
"""
from __future__ import annotations

import itertools

from hypothesis import event, given
from hypothesis import strategies as st

from planner.frontend.grounding import UnsolvableTaskError, ground
from planner.frontend.inputs import parse_strings
from planner.plans.files import PlanStep
from planner.plans.validate import CompiledTask, FailureKind
from tests.frontend.worlds import PROPERTY_SETTINGS, World, worlds




def well_typed(world: World, ptype: str, obj: str) -> bool:
    wanted = ptype[len("(either "):-1].split() if ptype.startswith("(either") else [ptype]
    return any(w in world.ancestors[world.objects[obj]] for w in wanted)


def all_bindings(world: World) -> list[PlanStep]:
    """Every action with every tuple of objects, well typed or not."""
    names = sorted(world.objects)
    return [PlanStep(a.name, args) for a in world.actions
            for args in itertools.product(names, repeat=len(a.params))]


def fluent_atoms(state, static: frozenset[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(a for a in state if a[0] not in static)


class Pair:
    """The grounded task and the validator for one world."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.parsed = parse_strings(world.domain, world.problem)
        self.validator = CompiledTask.from_parsed(self.parsed)
        try:
            self.task = ground(self.parsed, prune_irrelevant=False)
        except UnsolvableTaskError:
            self.task = None
        self.by_name: dict[str, list[int]] = {}
        if self.task is not None:
            for i, name in enumerate(self.task.operators):
                self.by_name.setdefault(name, []).append(i)

    @property
    def static(self) -> frozenset[str]:
        return self.task.lifted.static_predicates

    def atoms(self, state) -> frozenset[tuple[str, ...]]:
        return frozenset(self.task.facts[f] for f in state)

    def applied(self, steps: list[PlanStep]):
        """(whether the validator applies every step, its state after them)."""
        report = self.validator.validate(steps)
        ok = report.valid or report.failure is FailureKind.GOAL
        return ok, report


def random_walk(pair: Pair, data, max_len: int = 10) -> list[PlanStep]:
    """Mostly applicable grounded operators, sometimes an arbitrary binding."""
    steps: list[PlanStep] = []
    bindings = all_bindings(pair.world)
    state = frozenset(int(f) for f in pair.task.init)
    for _ in range(data.draw(st.integers(1, max_len), label="length")):
        applicable = [o for o in range(pair.task.num_operators)
                      if pair.task.applicable(state, o)]
        if applicable and data.draw(st.integers(0, 3), label="kind"):
            op = data.draw(st.sampled_from(applicable), label="op")
            name = pair.task.operators[op].strip("()").split()
            steps.append(PlanStep(name[0], tuple(name[1:])))
            state = pair.task.apply(state, op)
        else:
            step = data.draw(st.sampled_from(bindings), label="binding")
            steps.append(step)
            ops = [o for o in pair.by_name.get(str(step), [])
                   if pair.task.applicable(state, o)]
            if ops:
                state = pair.task.apply(state, ops[0])
    return steps


@PROPERTY_SETTINGS
@given(world=worlds(), data=st.data())
def test_validator_accepts_exactly_what_the_grounded_task_accepts(world: World, data) -> None:
    pair = Pair(world)
    event("grounding: unsolvable" if pair.task is None else "grounding: grounded")
    if pair.task is None:
        # grounding proved the goal unreachable: no sequence may be a valid plan
        for k in range(3):
            steps = data.draw(st.lists(st.sampled_from(all_bindings(world)), max_size=4))
            assert not pair.validator.validate(steps).valid, (world.domain, world.problem, steps)
        return
    steps = random_walk(pair, data)
    task = pair.task
    state = frozenset(int(f) for f in task.init)
    assert pair.atoms(state) == fluent_atoms(pair.validator.init, pair.static)
    previous = fluent_atoms(pair.validator.init, pair.static)
    for i in range(len(steps)):
        step = steps[i]
        ok, report = pair.applied(steps[: i + 1])
        ops = pair.by_name.get(str(step), [])
        applicable = [o for o in ops if task.applicable(state, o)]
        context = (world.domain, world.problem, steps[: i + 1], report.describe())
        if ops:
            assert ok == bool(applicable), context
        elif ok:  # pruned as useless: must not change the state
            assert fluent_atoms(report.final_state, pair.static) == previous, context
        if not ok:
            event("walk: refused a step")
            return
        if applicable and task.conditional is not None:
            ce = task.conditional
            if any(all(int(f) in state for f in ce.cond_pos.row(e))
                   and not any(int(f) in state for f in ce.cond_neg.row(e))
                   for e in ce.ops.row(applicable[0])):
                event("walk: a conditional effect fired")
        if applicable:
            successors = {pair.atoms(task.apply(state, o)) for o in applicable}
            assert len(successors) == 1, context
            state = task.apply(state, applicable[0])
        now = fluent_atoms(report.final_state, pair.static)
        # the walk only reaches reachable facts, and both sides agree on the state
        assert now <= set(task.facts), context
        assert pair.atoms(state) == now, context
        previous = now
    report = pair.validator.validate(steps)
    event(f"walk: {len(steps)} steps, all applied, plan {'valid' if report.valid else 'invalid'}")
    event("task has conditional effects" if task.conditional is not None else "no conditional effects")
    assert report.valid == task.is_goal(state), (world.domain, world.problem, steps,
                                                 report.describe())


@PROPERTY_SETTINGS
@given(world=worlds(), data=st.data())
def test_grounding_finds_every_applicable_binding(world: World, data) -> None:
    pair = Pair(world)
    if pair.task is None:
        return
    steps = random_walk(pair, data, max_len=6)
    bindings = all_bindings(world)
    for k in range(len(steps) + 1):
        prefix = steps[:k]
        ok, before = pair.applied(prefix)
        if not ok:
            break
        for step in bindings:
            applies, after = pair.applied(prefix + [step])
            if not applies:
                continue
            assert all(well_typed(world, t, o) for (_, t), o in
                       zip(next(a for a in world.actions if a.name == step.name).params,
                           step.args)), (world.domain, step)
            changes = (fluent_atoms(after.final_state, pair.static)
                       != fluent_atoms(before.final_state, pair.static))
            if changes:
                event("brute force: found an applicable, state-changing binding")
                assert str(step) in pair.by_name, (world.domain, world.problem, prefix, step)
