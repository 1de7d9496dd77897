"""From the PDDL formulas of one task to flat lifted schemas.

The grounder only understands conjunctions of literals, so this module
rewrites ADL into that form, the way Fast Downward's translator does:
negations are pushed to atoms, disjunctions split an action into variants
(one per disjunct of the precondition's DNF), existential variables become
extra parameters, universal preconditions are expanded over the task's
objects, and effects are flattened into (forall-variables, condition, atom)
triples, with conditions in DNF as well.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from pddl.logic import functions as fn
from pddl.logic.base import And, ExistsCondition, ForallCondition, Imply, Not, Or
from pddl.logic.effects import Forall, When
from pddl.logic.predicates import EqualTo, Predicate
from pddl.logic.terms import Constant, Variable

from planner.errors import UnsupportedFeatureError
from planner.frontend.parsing import ParsedTask

EQUALITY = "="
MAX_DNF_TERMS = 4096
GOAL_REACHED = "__goal-reached"
GOAL_ACTION = "__reach-goal"
"""A goal that is not a conjunction of literals becomes an artificial action
adding GOAL_REACHED (as Fast Downward's translator does with an axiom). Names
starting with '__' cannot be PDDL names, so these never clash with the
domain's and are dropped from plans (planner.task.is_artificial)."""


@dataclass(frozen=True)
class Literal:
    """An atom or its negation over variables ('?x') and constants ('a')."""

    predicate: str
    args: tuple[str, ...]
    positive: bool = True

    def negate(self) -> "Literal":
        return Literal(self.predicate, self.args, not self.positive)


@dataclass(frozen=True)
class Param:
    name: str  # with leading '?'
    types: tuple[str, ...]  # a union ('either'); ('object',) for untyped


@dataclass(frozen=True)
class Effect:
    """For each binding of `variables` where `condition` holds, add/delete `atom`."""

    variables: tuple[Param, ...]
    condition: tuple[Literal, ...]
    atom: Literal  # positive = add, negative = delete


@dataclass(frozen=True)
class Schema:
    """One precondition variant of an action: a conjunction of literals."""

    name: str
    params: tuple[Param, ...]
    num_original_params: int
    precondition: tuple[Literal, ...]
    effects: tuple[Effect, ...]
    cost: int | tuple[str, tuple[str, ...]] = 1
    """A constant, or a function term (name, args) valued in the initial state."""


@dataclass
class NormalTask:
    domain_name: str
    problem_name: str
    objects: dict[str, tuple[str, ...]]  # object -> declared types (either-unions flattened)
    type_parents: dict[str, str | None]
    predicates: dict[str, int]
    schemas: list[Schema]
    init: set[tuple[str, ...]]
    functions: dict[tuple[str, ...], float]
    goal: tuple[Literal, ...]
    uses_action_costs: bool
    fluent_predicates: set[str] = field(default_factory=set)


class _Fresh:
    """Fresh variable names for quantified variables lifted to parameters."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, name: str) -> str:
        self.count += 1
        return f"?{name}@{self.count}"


def _types_of(tags) -> tuple[str, ...]:
    return tuple(sorted(str(t) for t in tags)) if tags else ("object",)


def _term(term, subst: dict[str, str]) -> str:
    if isinstance(term, Variable):
        return subst.get(str(term.name), "?" + str(term.name))
    if isinstance(term, Constant):
        return str(term.name)
    return str(term)


class _Normalizer:
    def __init__(self, objects_of_type) -> None:
        self.objects_of_type = objects_of_type
        self.fresh = _Fresh()

    def dnf(self, formula, positive: bool, subst: dict[str, str], where: str):
        """DNF of (formula if positive else not formula): a list of
        (literals, exists-params) conjunctions."""
        if isinstance(formula, Predicate):
            lit = Literal(str(formula.name), tuple(_term(t, subst) for t in formula.terms),
                          positive)
            return [((lit,), ())]
        if isinstance(formula, EqualTo):
            lit = Literal(EQUALITY, (_term(formula.left, subst), _term(formula.right, subst)),
                          positive)
            return [((lit,), ())]
        if isinstance(formula, Not):
            return self.dnf(formula.argument, not positive, subst, where)
        if isinstance(formula, Imply):
            a, b = formula.operands
            if positive:
                return self.dnf(a, False, subst, where) + self.dnf(b, True, subst, where)
            return self._conjoin([self.dnf(a, True, subst, where),
                                  self.dnf(b, False, subst, where)], where)
        if isinstance(formula, (And, Or)):
            parts = [self.dnf(op, positive, subst, where) for op in formula.operands]
            if isinstance(formula, And) == positive:
                return self._conjoin(parts, where)
            return [term for part in parts for term in part]
        if isinstance(formula, (ExistsCondition, ForallCondition)):
            existential = isinstance(formula, ExistsCondition) == positive
            if existential:
                return self._exists(formula, positive, subst, where)
            return self._forall(formula, positive, subst, where)
        raise UnsupportedFeatureError(f"unsupported construct {type(formula).__name__} in {where}")

    def _exists(self, formula, positive, subst, where):
        inner = dict(subst)
        params = []
        for v in sorted(formula.variables, key=lambda v: v.name):
            name = self.fresh(str(v.name))
            inner[str(v.name)] = name
            params.append(Param(name, _types_of(v.type_tags)))
        result = []
        for lits, extra in self.dnf(formula.condition, positive, inner, where):
            result.append((lits, tuple(params) + extra))
        return result

    def _forall(self, formula, positive, subst, where):
        variables = sorted(formula.variables, key=lambda v: v.name)
        domains = [self.objects_of_type(_types_of(v.type_tags)) for v in variables]
        parts = []
        for combo in itertools.product(*domains):
            inner = dict(subst)
            inner.update({str(v.name): o for v, o in zip(variables, combo)})
            parts.append(self.dnf(formula.condition, positive, inner, where))
        return self._conjoin(parts, where)

    def _conjoin(self, parts, where):
        result = [((), ())]
        for part in parts:
            result = [(a + b, ea + eb) for a, ea in result for b, eb in part]
            if len(result) > MAX_DNF_TERMS:
                raise UnsupportedFeatureError(
                    f"the condition of {where} has more than {MAX_DNF_TERMS} disjuncts "
                    "in disjunctive normal form")
        return result

    def effects(self, effect, subst, variables, condition, where):
        """Flatten an effect into Effects; `condition` is a tuple of literals."""
        if isinstance(effect, And):
            out = []
            for op in effect.operands:
                out.extend(self.effects(op, subst, variables, condition, where))
            return out
        if isinstance(effect, Predicate):
            atom = Literal(str(effect.name), tuple(_term(t, subst) for t in effect.terms), True)
            return [Effect(variables, condition, atom)]
        if isinstance(effect, Not):
            inner = effect.argument
            atom = Literal(str(inner.name), tuple(_term(t, subst) for t in inner.terms), False)
            return [Effect(variables, condition, atom)]
        if isinstance(effect, Forall):
            inner = dict(subst)
            params = list(variables)
            for v in sorted(effect.variables, key=lambda v: v.name):
                name = self.fresh(str(v.name))
                inner[str(v.name)] = name
                params.append(Param(name, _types_of(v.type_tags)))
            return self.effects(effect.effect, inner, tuple(params), condition, where)
        if isinstance(effect, When):
            out = []
            for lits, extra in self.dnf(effect.condition, True, subst, where):
                out.extend(self.effects(effect.effect, subst, variables + extra,
                                        condition + lits, where))
            return out
        if isinstance(effect, fn.Increase):
            return []  # costs are read separately
        raise UnsupportedFeatureError(f"unsupported effect {type(effect).__name__} in {where}")


def _cost_of(effect, subst, where) -> int | tuple[str, tuple[str, ...]] | None:
    """The (increase (total-cost) X) of an effect, or None."""
    found = []

    def walk(e, conditional):
        if isinstance(e, And):
            for op in e.operands:
                walk(op, conditional)
        elif isinstance(e, (Forall, When)):
            walk(e.effect, True)
        elif isinstance(e, fn.Increase):
            if conditional:
                raise UnsupportedFeatureError(f"conditional action costs in {where}")
            found.append(e.operands[1])

    walk(effect, False)
    if not found:
        return None
    if len(found) > 1:
        raise UnsupportedFeatureError(f"more than one (increase (total-cost) ...) in {where}")
    amount = found[0]
    if isinstance(amount, fn.NumericValue):
        return amount.value
    return (str(amount.name), tuple(_term(t, subst) for t in amount.terms))


def normalize(parsed: ParsedTask) -> NormalTask:
    domain, problem = parsed.domain, parsed.problem
    objects: dict[str, tuple[str, ...]] = {}
    for obj in list(domain.constants) + list(problem.objects):
        objects[str(obj.name)] = _types_of(obj.type_tags)
    type_parents = {str(t): (None if p is None else str(p)) for t, p in domain.types.items()}
    subtypes = _type_closure(type_parents)

    def objects_of_type(types: tuple[str, ...]) -> list[str]:
        wanted = set()
        for t in types:
            wanted |= subtypes.get(t, {t})
        if "object" in types:
            return sorted(objects)
        return sorted(o for o, ts in objects.items() if wanted & set(ts))

    norm = _Normalizer(objects_of_type)
    has_metric = problem.metric is not None
    schemas = []
    for action in sorted(domain.actions, key=lambda a: a.name):
        schemas.extend(_schemas_of(action, norm, has_metric))
    init, functions = set(parsed.init.atoms), dict(parsed.init.functions)
    predicates = {str(p.name): len(p.terms) for p in domain.predicates}
    goal, goal_schemas = _goal(problem, norm, has_metric)
    if goal_schemas:
        schemas.extend(goal_schemas)
        predicates[GOAL_REACHED] = 0
    fluents = {e.atom.predicate for s in schemas for e in s.effects}
    return NormalTask(
        domain_name=str(domain.name), problem_name=str(problem.name), objects=objects,
        type_parents=type_parents, predicates=predicates, schemas=schemas, init=init,
        functions=functions, goal=goal,
        uses_action_costs=has_metric,
        fluent_predicates=fluents,
    )


def _type_closure(parents: dict[str, str | None]) -> dict[str, set[str]]:
    """Each type -> itself and all its descendants."""
    closure: dict[str, set[str]] = {t: {t} for t in parents}
    closure.setdefault("object", {"object"})
    for t in parents:
        p = parents.get(t)
        seen = {t}
        while p is not None and p not in seen:
            closure.setdefault(p, {p}).add(t)
            seen.add(p)
            p = parents.get(p)
        closure["object"].add(t)
    return closure


def _schemas_of(action, norm: _Normalizer, has_metric: bool) -> list[Schema]:
    where = f"action '{action.name}'"
    params = tuple(Param("?" + str(p.name), _types_of(p.type_tags)) for p in action.parameters)
    subst: dict[str, str] = {}
    pre_dnf = (norm.dnf(action.precondition, True, subst, where)
               if action.precondition is not None else [((), ())])
    effects = (tuple(norm.effects(action.effect, subst, (), (), where))
               if action.effect is not None else ())
    cost = _cost_of(action.effect, subst, where) if action.effect is not None else None
    if cost is None or not has_metric:
        cost = 1 if not has_metric else 0
    return [
        Schema(str(action.name), params + extra, len(params), _dedupe(lits), effects, cost)
        for lits, extra in pre_dnf
    ]


def _dedupe(literals) -> tuple[Literal, ...]:
    return tuple(dict.fromkeys(literals))


def _goal(problem, norm: _Normalizer, has_metric: bool):
    """(goal literals, extra schemas): a conjunction stays as it is; anything
    else is reached through artificial actions, one per disjunct."""
    if problem.goal is None:
        return (), []
    dnf = norm.dnf(problem.goal, True, {}, "the goal")
    if len(dnf) == 1 and not dnf[0][1]:
        return _dedupe(dnf[0][0]), []
    reached = Literal(GOAL_REACHED, (), True)
    effect = Effect((), (), reached)
    schemas = [Schema(GOAL_ACTION, extra, 0, _dedupe(lits), (effect,), 0)
               for lits, extra in dnf]
    return (reached,), schemas
