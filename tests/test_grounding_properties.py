"""Property tests: grounding agrees with the independent validator.

Hypothesis writes small random typed domains and problems as PDDL text (a
type hierarchy, `either`, constants, negative preconditions, equality and
inequality, conditional effects with `when` and `forall`), grounds them
(without relevance pruning, so that every reachable operator is kept), and
walks random action sequences through both the grounded task (reference
GroundTask.applicable/apply/is_goal) and planner.validate, which reads the
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
from dataclasses import dataclass

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from planner.grounding import UnsolvableTaskError, ground
from planner.parsing import parse_strings
from planner.plan import PlanStep
from planner.validate import CompiledTask, FailureKind

PROPERTY_SETTINGS = settings(max_examples=50, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])


@dataclass
class Action:
    name: str
    params: list[tuple[str, str]]  # (?name, type or '(either a b)')


@dataclass
class World:
    domain: str
    problem: str
    objects: dict[str, str]  # name -> declared type (constants included)
    ancestors: dict[str, set[str]]  # type -> itself and its ancestors, 'object' included
    actions: list[Action]


def _typed(var: str, t: str) -> str:
    """`?x - t`; plain `?x` for object (pddl 0.5.1 refuses `- object` in domains,
    see test_parsing.py)."""
    return var if t == "object" else f"{var} - {t}"


@st.composite
def worlds(draw) -> World:
    n_types = draw(st.integers(1, 3))
    types = [f"t{i}" for i in range(n_types)]
    parent = {t: draw(st.sampled_from(["object"] + types[:i])) for i, t in enumerate(types)}
    ancestors = {"object": {"object"}}
    for t in types:
        chain, p = {t}, parent[t]
        while p != "object":
            chain.add(p)
            p = parent[p]
        ancestors[t] = chain | {"object"}

    n_const = draw(st.integers(0, 1))
    constants = {f"k{i}": draw(st.sampled_from(types)) for i in range(n_const)}
    n_obj = draw(st.integers(2, 4))
    objs = {f"o{i}": draw(st.sampled_from(types)) for i in range(n_obj)}
    objects = {**constants, **objs}

    n_preds = draw(st.integers(2, 4))
    # p0 is nullary, so an atom can always be written
    arity = {f"p{i}": draw(st.integers(0, 2)) if i else 0 for i in range(n_preds)}
    preds = sorted(arity)

    def param_type() -> str:
        kind = draw(st.integers(0, 5))
        if kind == 0:
            return "object"
        if kind == 1 and n_types > 1:
            a, b = draw(st.lists(st.sampled_from(types), min_size=2, max_size=2, unique=True))
            return f"(either {a} {b})"
        return draw(st.sampled_from(types))

    def atom(terms: list[str]) -> str:
        p = draw(st.sampled_from(preds))
        args = [draw(st.sampled_from(terms)) for _ in range(arity[p])] if terms else None
        if args is None:
            p = draw(st.sampled_from([q for q in preds if arity[q] == 0] or [None]))
            if p is None:
                return ""
            args = []
        return "(" + " ".join([p] + args) + ")"

    def literal(terms: list[str], allow_eq: bool = True) -> str:
        kind = draw(st.integers(0, 5 if allow_eq and terms else 3))
        if kind >= 4:
            a, b = draw(st.sampled_from(terms)), draw(st.sampled_from(terms))
            return f"(= {a} {b})" if kind == 4 else f"(not (= {a} {b}))"
        a = atom(terms)
        if not a:
            return ""
        return a if kind <= 1 else f"(not {a})"

    def conj(parts: list[str]) -> str:
        parts = [p for p in parts if p]
        if not parts:
            return ""
        return parts[0] if len(parts) == 1 else "(and " + " ".join(parts) + ")"

    actions, action_text = [], []
    for i in range(draw(st.integers(1, 3))):
        n_params = draw(st.integers(0, 2))
        params = [(f"?x{j}", param_type()) for j in range(n_params)]
        terms = [p for p, _ in params] + list(constants)
        pre = conj([literal(terms) for _ in range(draw(st.integers(0, 3)))])
        effects = []
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.integers(0, 5))
            if kind <= 1:
                a = atom(terms)
                if a:
                    effects.append(a if kind == 0 else f"(not {a})")
            elif kind <= 3:
                cond = conj([literal(terms) for _ in range(draw(st.integers(1, 2)))])
                a = atom(terms)
                if cond and a:
                    neg = draw(st.booleans())
                    effects.append(f"(when {cond} {'(not ' + a + ')' if neg else a})")
            else:
                y = f"?y{len(effects)}"
                inner_terms = terms + [y]
                a = atom(inner_terms)
                if not a:
                    continue
                neg = draw(st.booleans())
                eff = f"(not {a})" if neg else a
                if draw(st.booleans()):
                    cond = conj([literal(inner_terms) for _ in range(draw(st.integers(1, 2)))])
                    if cond:
                        eff = f"(when {cond} {eff})"
                effects.append(f"(forall ({_typed(y, param_type())}) {eff})")
        if not effects:
            effects.append(atom(terms))
        name = f"a{i}"
        actions.append(Action(name, params))
        lines = [f"  (:action {name}", "    :parameters (" +
                 " ".join(_typed(p, t) for p, t in params) + ")"]
        if pre:
            lines.append(f"    :precondition {pre}")
        lines.append(f"    :effect (and {' '.join(effects)}))")
        action_text.append("\n".join(lines))

    # children of `object` last and bare (`- object` has its own test in test_parsing.py)
    type_decl = " ".join([f"{t} - {parent[t]}" for t in types if parent[t] != "object"]
                         + [t for t in types if parent[t] == "object"])
    const_decl = (f"  (:constants {' '.join(f'{c} - {t}' for c, t in constants.items())})\n"
                  if constants else "")
    pred_decl = " ".join("(" + " ".join([p] + [f"?v{j}" for j in range(arity[p])]) + ")"
                         for p in preds)
    domain = (f"(define (domain rnd)\n  (:requirements :adl :typing :equality "
              f":negative-preconditions)\n  (:types {type_decl})\n{const_decl}"
              f"  (:predicates {pred_decl})\n" + "\n".join(action_text) + ")\n")

    names = sorted(objects)
    all_atoms = [(p,) + args for p in preds for args in itertools.product(names, repeat=arity[p])]
    init = draw(st.lists(st.sampled_from(all_atoms), max_size=8, unique=True)) if all_atoms else []
    goal = []  # a third each: any atom, an initial atom, a negated atom
    for _ in range(draw(st.integers(1, 2))):
        kind = draw(st.integers(0, 2))
        a = draw(st.sampled_from(init if kind == 1 and init else all_atoms))
        text = "(" + " ".join(a) + ")"
        goal.append(f"(not {text})" if kind == 2 else text)
    problem = (f"(define (problem rnd-1) (:domain rnd)\n  (:objects "
               + " ".join(f"{o} - {t}" for o, t in objs.items()) + ")\n  (:init "
               + " ".join("(" + " ".join(a) + ")" for a in init) + ")\n  (:goal (and "
               + " ".join(goal) + ")))\n")
    return World(domain, problem, objects, ancestors, actions)


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
