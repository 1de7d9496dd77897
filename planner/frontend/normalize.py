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
from dataclasses import dataclass, field, replace

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


@dataclass(frozen=True)
class Axiom:
    """One flat derivation rule: head(args) holds when the body conjunction
    holds for some binding of the remaining parameters. A (:derived ...) rule
    becomes one Axiom per disjunct of its condition's DNF."""

    predicate: str
    params: tuple[Param, ...]
    """The head's variables first (num_head of them), then existential ones."""
    num_head: int
    body: tuple[Literal, ...]
    stratum: int = 0
    """Rules of stratum k may negate only derived predicates of strata < k."""

    @property
    def head(self) -> Literal:
        return Literal(self.predicate, tuple(p.name for p in self.params[: self.num_head]))


class StratificationError(UnsupportedFeatureError):
    """Derived predicates that depend negatively on themselves (through a
    cycle of rules) have no stratified meaning; Fast Downward refuses them too."""


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
    axioms: list[Axiom] = field(default_factory=list)
    """Stratified derivation rules (empty without :derived)."""
    derived_predicates: dict[str, int] = field(default_factory=dict)
    """Derived predicate -> its stratum."""


class DNFTooLarge(UnsupportedFeatureError):
    """A condition's DNF would exceed MAX_DNF_TERMS; the caller compiles it
    into derived predicates instead (see _Normalizer.compile)."""


DERIVED_PREFIX = "__derived-"
"""Derived predicates made from conditions too large for DNF. Names starting
with '__' cannot be PDDL names, so they never clash with the domain's."""


class _Fresh:
    """Fresh variable names for quantified variables lifted to parameters."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, name: str) -> str:
        self.count += 1
        return f"?{name}@{self.count}"


def _same(name: str) -> str:
    return name


def _types_of(tags, o=_same) -> tuple[str, ...]:
    return tuple(sorted(o(str(t)) for t in tags)) if tags else ("object",)


def _term(term, subst: dict[str, str], o=_same) -> str:
    """A term as the user wrote it (`o` spells escaped reserved names back)."""
    if isinstance(term, Variable):
        return subst.get(str(term.name), "?" + str(term.name))
    if isinstance(term, Constant):
        return o(str(term.name))
    return str(term)


class _Normalizer:
    def __init__(self, objects_of_type, original=_same,
                 static: set[str] | None = None, init: set | None = None) -> None:
        self.objects_of_type = objects_of_type
        self.fresh = _Fresh()
        self.o = original
        self.static = static or set()
        self.init = init or set()
        self.in_forall = 0
        self.simplify = False
        """Evaluate static literals in forall expansions: only for conditions
        whose plain DNF is too large, so all others normalise as before."""
        self.axioms: list[Axiom] = []
        """Derived predicates made by `compile` (rules of conditions too large for DNF)."""
        self.arities: dict[str, int] = {}
        self.scope: dict[str, Param] = {}
        """Parameters of the action being normalised (for derived predicates' types)."""

    def dnf(self, formula, positive: bool, subst: dict[str, str], where: str):
        """DNF of (formula if positive else not formula): a list of
        (literals, exists-params) conjunctions."""
        if isinstance(formula, (Predicate, EqualTo)):
            lit = self.literal(formula, positive, subst)
            value = self.static_value(lit)
            if value is not None:
                return [((), ())] if value else []
            return [((lit,), ())]
        if isinstance(formula, Not):
            return self.dnf(formula.argument, not positive, subst, where)
        if isinstance(formula, Imply):
            a, b = formula.operands
            if positive:
                return self._disjoin([self.dnf(a, False, subst, where),
                                      self.dnf(b, True, subst, where)])
            return self._conjoin([self.dnf(a, True, subst, where),
                                  self.dnf(b, False, subst, where)], where)
        if isinstance(formula, (And, Or)):
            parts = [self.dnf(op, positive, subst, where) for op in formula.operands]
            if isinstance(formula, And) == positive:
                return self._conjoin(parts, where)
            return self._disjoin(parts)
        if isinstance(formula, (ExistsCondition, ForallCondition)):
            existential = isinstance(formula, ExistsCondition) == positive
            if existential:
                return self._exists(formula, positive, subst, where)
            return self._forall(formula, positive, subst, where)
        raise UnsupportedFeatureError(f"unsupported construct {type(formula).__name__} in {where}")

    def literal(self, formula, positive: bool, subst) -> Literal:
        if isinstance(formula, EqualTo):
            return Literal(EQUALITY, (_term(formula.left, subst, self.o),
                                      _term(formula.right, subst, self.o)), positive)
        return Literal(self.o(str(formula.name)),
                       tuple(_term(t, subst, self.o) for t in formula.terms), positive)

    def static_value(self, lit: Literal) -> bool | None:
        """Truth of a ground static literal inside an expanded forall (None
        otherwise). `forall (?c) (imply (locked ?c) (not (visited ?c)))` over n
        objects has 2^n disjuncts unexpanded; with the static (locked c)
        evaluated per object it has one. Only inside forall expansions of
        conditions too large otherwise, so all others normalise as before."""
        if not (self.simplify and self.in_forall) or any(a.startswith("?") for a in lit.args):
            return None
        if lit.predicate == EQUALITY:
            return (lit.args[0] == lit.args[1]) == lit.positive
        if lit.predicate not in self.static:
            return None
        return ((lit.predicate,) + lit.args in self.init) == lit.positive

    def _exists(self, formula, positive, subst, where):
        inner = dict(subst)
        params = []
        for v in sorted(formula.variables, key=lambda v: v.name):
            name = self.fresh(str(v.name))
            inner[str(v.name)] = name
            params.append(Param(name, _types_of(v.type_tags, self.o)))
        result = []
        for lits, extra in self.dnf(formula.condition, positive, inner, where):
            result.append((lits, tuple(params) + extra))
        return result

    def _forall(self, formula, positive, subst, where):
        variables = sorted(formula.variables, key=lambda v: v.name)
        domains = [self.objects_of_type(_types_of(v.type_tags, self.o)) for v in variables]
        parts = []
        self.in_forall += 1
        try:
            for combo in itertools.product(*domains):
                inner = dict(subst)
                inner.update({str(v.name): o for v, o in zip(variables, combo)})
                part = self.dnf(formula.condition, positive, inner, where)
                if part == [((), ())]:
                    continue  # true for this object
                if not part:
                    return []  # false for this object: the forall is false
                parts.append(part)
        finally:
            self.in_forall -= 1
        return self._conjoin(parts, where)

    # -- conditions too large for DNF: derived predicates ---------------------
    def conjunction(self, formula, subst: dict[str, str], scope: dict[str, Param],
                    where: str) -> list[tuple[tuple[Literal, ...], tuple[Param, ...]]]:
        """The DNF of a condition, or, if that exceeds MAX_DNF_TERMS, one
        conjunction over new derived predicates (as Fast Downward's translator
        compiles such conditions into axioms)."""
        try:
            return self.dnf(formula, True, subst, where)
        except DNFTooLarge:
            pass
        self.simplify = True
        try:
            try:
                return self.dnf(formula, True, subst, where)
            except DNFTooLarge:
                lits, params = self.compile(formula, True, subst, scope, where)
                return [(lits, params)]
        finally:
            self.simplify = False

    def compile(self, formula, positive: bool, subst: dict[str, str],
                scope: dict[str, Param], where: str) -> tuple[tuple[Literal, ...], tuple[Param, ...]]:
        """(formula if positive else not formula) as a conjunction of literals
        with existential parameters, without expansion: a disjunction becomes
        a derived predicate with one rule per disjunct, a universal condition
        the negation of a derived predicate of its counterexamples. Sizes stay
        linear in the formula (times the DNF cap for small subformulas)."""
        try:
            dnf = self.dnf(formula, positive, subst, where)
            if len(dnf) == 1:
                return dnf[0]
            # no disjunct (false): a derived predicate without rules
            return (self._derived_rule(dnf, scope),), ()
        except DNFTooLarge:
            pass
        if isinstance(formula, Not):
            return self.compile(formula.argument, not positive, subst, scope, where)
        if isinstance(formula, Imply):
            a, b = formula.operands
            if not positive:
                return self._conjunction([(a, True), (b, False)], subst, scope, where)
            return (self._disjunction([(a, False), (b, True)], subst, scope, where),), ()
        if isinstance(formula, (And, Or)):
            parts = [(op, positive) for op in formula.operands]
            if isinstance(formula, And) == positive:
                return self._conjunction(parts, subst, scope, where)
            return (self._disjunction(parts, subst, scope, where),), ()
        if isinstance(formula, (ExistsCondition, ForallCondition)):
            inner = dict(subst)
            inner_scope = dict(scope)
            params = []
            for v in sorted(formula.variables, key=lambda v: v.name):
                name = self.fresh(str(v.name))
                inner[str(v.name)] = name
                param = Param(name, _types_of(v.type_tags, self.o))
                inner_scope[name] = param
                params.append(param)
            if isinstance(formula, ExistsCondition) == positive:
                lits, extra = self.compile(formula.condition, positive, inner, inner_scope, where)
                return lits, tuple(params) + extra
            # forall x. phi  ==  not (exists x. not phi): a derived predicate
            # of the counterexamples, negated (it lies in a lower stratum)
            lits, extra = self.compile(formula.condition, not positive, inner, inner_scope, where)
            head = self._derived_rule([(lits, tuple(params) + extra)], scope)
            return (head.negate(),), ()
        raise UnsupportedFeatureError(f"unsupported construct {type(formula).__name__} in {where}")

    def _conjunction(self, parts, subst, scope, where):
        lits: list[Literal] = []
        params: list[Param] = []
        for formula, positive in parts:
            more, extra = self.compile(formula, positive, subst, scope, where)
            lits.extend(more)
            params.extend(extra)
        return tuple(lits), tuple(params)

    def _disjunction(self, parts, subst, scope, where) -> Literal:
        disjuncts = [self.compile(formula, positive, subst, scope, where)
                     for formula, positive in parts]
        return self._derived_rule(disjuncts, scope)

    def _derived_rule(self, disjuncts, scope: dict[str, Param]) -> Literal:
        """A new derived predicate over the free variables of `disjuncts`
        (conjunctions with their own existential parameters), one rule each."""
        own = {p.name for _, extra in disjuncts for p in extra}
        free = sorted({a for lits, _ in disjuncts for lit in lits for a in lit.args
                       if a.startswith("?") and a not in own})
        head_params = tuple(scope[v] if v in scope else Param(v, ("object",)) for v in free)
        name = f"{DERIVED_PREFIX}{len(self.arities)}"
        self.arities[name] = len(head_params)
        for lits, extra in disjuncts:
            self.axioms.append(Axiom(name, head_params + tuple(extra), len(head_params),
                                     _dedupe(lits)))
        return Literal(name, tuple(free), True)

    def _disjoin(self, parts):
        terms = [term for part in parts for term in part]
        if self.simplify and ((), ()) in terms:
            return [((), ())]  # a true disjunct makes the disjunction true
        return terms

    def _conjoin(self, parts, where):
        result = [((), ())]
        for part in parts:
            result = [(a + b, ea + eb) for a, ea in result for b, eb in part]
            if len(result) > MAX_DNF_TERMS:
                raise DNFTooLarge(
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
            atom = Literal(self.o(str(effect.name)),
                           tuple(_term(t, subst, self.o) for t in effect.terms), True)
            return [Effect(variables, condition, atom)]
        if isinstance(effect, Not):
            inner = effect.argument
            atom = Literal(self.o(str(inner.name)),
                           tuple(_term(t, subst, self.o) for t in inner.terms), False)
            return [Effect(variables, condition, atom)]
        if isinstance(effect, Forall):
            inner = dict(subst)
            params = list(variables)
            for v in sorted(effect.variables, key=lambda v: v.name):
                name = self.fresh(str(v.name))
                inner[str(v.name)] = name
                params.append(Param(name, _types_of(v.type_tags, self.o)))
            return self.effects(effect.effect, inner, tuple(params), condition, where)
        if isinstance(effect, When):
            out = []
            scope = dict(self.scope)
            scope.update({p.name: p for p in variables})
            for lits, extra in self.conjunction(effect.condition, subst, scope, where):
                out.extend(self.effects(effect.effect, subst, variables + extra,
                                        condition + lits, where))
            return out
        if isinstance(effect, fn.Increase):
            return []  # costs are read separately
        raise UnsupportedFeatureError(f"unsupported effect {type(effect).__name__} in {where}")


def _cost_of(effect, subst, where, o=_same) -> int | tuple[str, tuple[str, ...]] | None:
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
    return (o(str(amount.name)), tuple(_term(t, subst, o) for t in amount.terms))


def normalize(parsed: ParsedTask) -> NormalTask:
    domain, problem = parsed.domain, parsed.problem
    o = parsed.escapes.original
    type_parents = {o(str(t)): (None if p is None else o(str(p)))
                    for t, p in domain.types.items() if str(t) not in parsed.dummy_types}
    extra = {o(t): [o(p) for p in ps] for t, ps in parsed.extra_parents.items()}
    objects: dict[str, tuple[str, ...]] = {}
    for obj in list(domain.constants) + list(problem.objects):
        objects[o(str(obj.name))] = _with_extra_parents(_types_of(obj.type_tags, o),
                                                        type_parents, extra)
    subtypes = _type_closure(type_parents)

    def objects_of_type(types: tuple[str, ...]) -> list[str]:
        wanted = set()
        for t in types:
            wanted |= subtypes.get(t, {t})
        if "object" in types:
            return sorted(objects)
        return sorted(ob for ob, ts in objects.items() if wanted & set(ts))

    init = {tuple(o(w) for w in a) for a in parsed.init.atoms}
    norm = _Normalizer(objects_of_type, o, _static_predicates(parsed), init)
    has_metric = problem.metric is not None
    schemas = []
    for action in sorted(domain.actions, key=lambda a: o(str(a.name))):
        schemas.extend(_schemas_of(action, norm, has_metric))
    functions = {tuple(o(w) for w in h): v for h, v in parsed.init.functions.items()}
    predicates = {o(str(p.name)): len(p.terms) for p in domain.predicates}
    goal, goal_schemas = _goal(problem, norm, has_metric)
    if goal_schemas:
        schemas.extend(goal_schemas)
        predicates[GOAL_REACHED] = 0
    fluents = {e.atom.predicate for s in schemas for e in s.effects}
    axioms = _axioms(parsed, norm) + norm.axioms
    predicates.update(norm.arities)
    axioms, strata = _stratified(axioms, parsed)
    return NormalTask(
        domain_name=o(str(domain.name)), problem_name=o(str(problem.name)), objects=objects,
        type_parents=type_parents, predicates=predicates, schemas=schemas, init=init,
        functions=functions, goal=goal,
        uses_action_costs=has_metric,
        fluent_predicates=fluents,
        axioms=axioms,
        derived_predicates=strata,
    )


def _axioms(parsed: ParsedTask, norm: _Normalizer) -> list[Axiom]:
    """Flat axioms of the domain's (:derived ...) rules."""
    o = norm.o
    rules = sorted(parsed.domain.derived_predicates, key=lambda d: o(str(d.predicate.name)))
    if not rules:
        return []
    declared = {o(str(p.name)): p for p in parsed.domain.predicates}
    flat: list[Axiom] = []
    for rule in rules:
        name = o(str(rule.predicate.name))
        where = f"the derived predicate '{name}'"
        head_params = []
        subst: dict[str, str] = {}
        definition = declared.get(name)
        for i, term in enumerate(rule.predicate.terms):
            tags = term.type_tags
            if not tags and definition is not None and i < len(definition.terms):
                tags = definition.terms[i].type_tags
            var = "?" + str(term.name)
            subst[str(term.name)] = var
            head_params.append(Param(var, _types_of(tags, o)))
        scope = {p.name: p for p in head_params}
        for lits, extra in norm.conjunction(rule.condition, subst, scope, where):
            flat.append(Axiom(name, tuple(head_params) + extra, len(head_params), _dedupe(lits)))
    return flat


def _stratified(flat: list[Axiom], parsed: ParsedTask) -> tuple[list[Axiom], dict[str, int]]:
    if not flat:
        return [], {}
    strata = stratify(flat, parsed)
    return [replace(a, stratum=strata[a.predicate]) for a in flat], strata


def _on_negative_cycle(edges: set[tuple[str, str, int]]) -> str:
    """A predicate on a cycle of rules that passes through a negation."""
    succ: dict[str, set[str]] = {}
    for src, dst, _ in edges:
        succ.setdefault(src, set()).add(dst)
    for src, dst, weight in sorted(edges):
        if weight == 0:
            continue
        seen, todo = {dst}, [dst]
        while todo:
            p = todo.pop()
            if p == src:
                return dst
            for q in succ.get(p, ()):
                if q not in seen:
                    seen.add(q)
                    todo.append(q)
    raise AssertionError("no negative cycle")  # pragma: no cover - stratify found one


def stratify(axioms: list[Axiom], parsed: ParsedTask | None = None) -> dict[str, int]:
    """Stratum of each derived predicate: at least that of every derived
    predicate its rules use positively, more than that of every one they
    negate. Computed as longest paths (negative edges weigh 1) by relaxing
    at most n times; still changing after that means a cycle through a
    negation, which has no stratified meaning (a located error)."""
    derived = sorted({a.predicate for a in axioms})
    heads = set(derived)
    edges: set[tuple[str, str, int]] = set()
    for a in axioms:
        for lit in a.body:
            if lit.predicate in heads:
                edges.add((lit.predicate, a.predicate, 0 if lit.positive else 1))
    stratum = {p: 0 for p in derived}
    for _ in range(len(derived) + 1):
        changed = False
        for src, dst, weight in sorted(edges):
            if stratum[dst] < stratum[src] + weight:
                stratum[dst] = stratum[src] + weight
                changed = True
        if not changed:
            return stratum
    bad = _on_negative_cycle(edges)
    message = (f"the derived predicates cannot be stratified: '{bad}' depends negatively on "
               "itself through its :derived rules")
    if parsed is not None:
        from planner.frontend.checks import derived_anchor

        src = parsed.domain_source
        anchor = derived_anchor(src, parsed.escapes.forward.get(bad, bad))
        line, col = src.position(anchor)
        raise StratificationError(message, src.path, line, col)
    raise StratificationError(message)


def _static_predicates(parsed: ParsedTask) -> set[str]:
    """Predicates no action changes and no rule derives (user's names)."""
    from planner.frontend.checks import _effect_predicates

    o = parsed.escapes.original
    changed = {o(str(n)) for a in parsed.domain.actions if a.effect is not None
               for n in _effect_predicates(a.effect)}
    derived = {o(str(d.predicate.name)) for d in parsed.domain.derived_predicates}
    return {o(str(p.name)) for p in parsed.domain.predicates} - changed - derived


def _with_extra_parents(types: tuple[str, ...], parents: dict[str, str | None],
                        extra: dict[str, list[str]]) -> tuple[str, ...]:
    """An object's declared types plus every extra parent of any of their
    ancestors. Fast Downward makes a type listed under two parents in :types a
    subtype of both (its translator takes the transitive closure of all
    listings); `type_parents` keeps one parent per type, so the others are
    added to the object's own types, which gives the same instances per type."""
    if not extra:
        return types
    out = list(types)
    todo = list(types)
    seen: set[str] = set()
    while todo:
        t = todo.pop()
        if t in seen or t is None:
            continue
        seen.add(t)
        for p in extra.get(t, []):
            if p not in out:
                out.append(p)
            todo.append(p)
        if parents.get(t) is not None:
            todo.append(parents[t])
    return tuple(sorted(out))


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
    name = norm.o(str(action.name))
    where = f"action '{name}'"
    params = tuple(Param("?" + str(p.name), _types_of(p.type_tags, norm.o))
                   for p in action.parameters)
    subst: dict[str, str] = {}
    norm.scope = {p.name: p for p in params}
    pre_dnf = (norm.conjunction(action.precondition, subst, norm.scope, where)
               if action.precondition is not None else [((), ())])
    effects = (tuple(norm.effects(action.effect, subst, (), (), where))
               if action.effect is not None else ())
    cost = _cost_of(action.effect, subst, where, norm.o) if action.effect is not None else None
    if cost is None or not has_metric:
        cost = 1 if not has_metric else 0
    return [
        Schema(name, params + extra, len(params), _dedupe(lits), effects, cost)
        for lits, extra in pre_dnf
    ]


def _dedupe(literals) -> tuple[Literal, ...]:
    return tuple(dict.fromkeys(literals))


def _goal(problem, norm: _Normalizer, has_metric: bool):
    """(goal literals, extra schemas): a conjunction stays as it is; anything
    else is reached through artificial actions, one per disjunct."""
    if problem.goal is None:
        return (), []
    norm.scope = {}
    dnf = norm.conjunction(problem.goal, {}, {}, "the goal")
    if len(dnf) == 1 and not dnf[0][1]:
        return _dedupe(dnf[0][0]), []
    reached = Literal(GOAL_REACHED, (), True)
    effect = Effect((), (), reached)
    schemas = [Schema(GOAL_ACTION, extra, 0, _dedupe(lits), (effect,), 0)
               for lits, extra in dnf]
    return (reached,), schemas
