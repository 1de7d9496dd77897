"""Independent plan validation, straight from the PDDL semantics.

The validator must not share code with the grounder or the search: a bug
there (a missed conditional effect, a dropped type constraint) would then
validate its own wrong plans. So it reads the pddl-package objects directly
and executes the plan on a set of ground atoms:

* the initial state is the set of init atoms (closed world);
* a step names an action and objects; the objects must exist and have the
  parameter types (type hierarchies, `either`);
* the precondition is evaluated recursively under the parameter binding
  (and/or/not/imply/exists/forall/equality);
* all effects (including `when` conditions and `forall`) are evaluated in
  the state *before* the step; deletes are applied before adds (adds win);
* derived predicates (:derived) are recomputed in every state before it is
  checked: stratified by the validator itself, each stratum a naive
  fixpoint over all bindings of its rules' head variables;
* the plan cost is the sum of `(increase (total-cost) ...)` when the problem
  minimises total-cost, else one per step (unit cost), as Fast Downward does.

Formulas are compiled once into small node objects in negation normal form,
so checking a step costs one dictionary lookup per atom and plans of
thousands of steps on tasks with thousands of atoms validate in well under a
second. When a check fails, the same nodes explain which ground literal or
subformula is false.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Iterable, Mapping, Protocol, Sequence

from pddl.action import Action
from pddl.core import Domain, Problem
from pddl.logic import base as logic
from pddl.logic import effects as peffects
from pddl.logic import functions as pfunctions
from pddl.logic.predicates import DerivedPredicate, EqualTo, Predicate
from pddl.logic.terms import Constant, Term, Variable

from planner.errors import PDDLInputError, UnsupportedFeatureError
from planner.plans.files import PlanStep

if TYPE_CHECKING:
    from planner.frontend.parsing import ParsedTask

Atom = tuple[str, ...]
State = set[Atom]
Binding = dict[str, str]


class InitialStateLike(Protocol):
    """An initial state read outside `pddl` (planner.frontend.parsing.InitialState)."""

    atoms: frozenset[tuple[str, ...]]
    functions: Mapping[tuple[str, ...], float]

_TermRef = tuple[bool, str]
"""(is_variable, name): a variable name (without '?') or an object name."""


class FailureKind(Enum):
    """Why a plan is invalid; the first one met while executing it is reported."""

    UNKNOWN_ACTION = "unknown action"
    WRONG_ARITY = "wrong number of arguments"
    UNKNOWN_OBJECT = "unknown object"
    WRONG_TYPE = "argument of the wrong type"
    PRECONDITION = "precondition not satisfied"
    UNDEFINED_COST = "action cost undefined"
    GOAL = "goal not satisfied"


@dataclass(frozen=True)
class ValidationReport:
    """The verdict on a plan, with enough detail to find the mistake."""

    valid: bool
    cost: int | float
    """Cost of the whole plan if valid, else of the steps applied before failing."""
    unit_cost: bool
    """True when the problem has no total-cost metric (every step costs 1)."""
    steps_applied: int
    failure: FailureKind | None = None
    step_index: int | None = None
    """0-based index of the failing step (None for goal failures)."""
    step: PlanStep | None = None
    details: tuple[str, ...] = ()
    """The false ground literals/subformulas, unmet goals, or what was wrong."""
    final_state: frozenset[Atom] = field(default=frozenset(), repr=False, compare=False)
    """The state reached (after the last applied step)."""

    def describe(self) -> str:
        """Human-readable verdict, several lines, no trailing newline."""
        if self.valid:
            return f"Plan valid\nPlan cost: {_format_number(self.cost)}"
        lines = ["Plan invalid"]
        if self.failure is FailureKind.GOAL:
            lines.append(f"Goal not satisfied after {self.steps_applied} steps; false:")
        else:
            assert self.step_index is not None and self.step is not None
            where = f" (plan line {self.step.line})" if self.step.line is not None else ""
            lines.append(f"Step {self.step_index + 1}{where}: {self.step}")
            assert self.failure is not None
            lines.append(f"{self.failure.value[0].upper()}{self.failure.value[1:]}:")
        lines.extend(f"  {detail}" for detail in self.details)
        return "\n".join(lines)


def _format_number(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# --------------------------------------------------------------------------
# Compiled conditions (negation normal form)


class _UndefinedFluent(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _ground_terms(terms: tuple[_TermRef, ...], b: Binding) -> tuple[str, ...]:
    return tuple(b[n] if v else n for v, n in terms)


def _term_text(ref: _TermRef, b: Binding) -> str:
    is_var, name = ref
    return b.get(name, f"?{name}") if is_var else name


class _Cond:
    """A condition node; failures() is only called when holds() is False."""

    __slots__ = ()

    def holds(self, state: State, b: Binding) -> bool:
        raise NotImplementedError

    def failures(self, state: State, b: Binding) -> list[str]:
        return [self.text(b)]

    def text(self, b: Binding) -> str:
        raise NotImplementedError


class _Truth(_Cond):
    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = value

    def holds(self, state: State, b: Binding) -> bool:
        return self.value

    def text(self, b: Binding) -> str:
        return "(and)" if self.value else "(or)"


class _Atom(_Cond):
    __slots__ = ("pred", "terms")

    def __init__(self, pred: str, terms: tuple[_TermRef, ...]) -> None:
        self.pred = pred
        self.terms = terms

    def ground(self, b: Binding) -> Atom:
        return (self.pred, *_ground_terms(self.terms, b))

    def holds(self, state: State, b: Binding) -> bool:
        return self.ground(b) in state

    def text(self, b: Binding) -> str:
        return "(" + " ".join([self.pred, *(_term_text(t, b) for t in self.terms)]) + ")"


class _NegAtom(_Cond):
    __slots__ = ("atom",)

    def __init__(self, atom: _Atom) -> None:
        self.atom = atom

    def holds(self, state: State, b: Binding) -> bool:
        return self.atom.ground(b) not in state

    def text(self, b: Binding) -> str:
        return f"(not {self.atom.text(b)})"


class _Equal(_Cond):
    __slots__ = ("left", "right", "positive")

    def __init__(self, left: _TermRef, right: _TermRef, positive: bool) -> None:
        self.left, self.right, self.positive = left, right, positive

    def holds(self, state: State, b: Binding) -> bool:
        left = b[self.left[1]] if self.left[0] else self.left[1]
        right = b[self.right[1]] if self.right[0] else self.right[1]
        return (left == right) == self.positive

    def text(self, b: Binding) -> str:
        eq = f"(= {_term_text(self.left, b)} {_term_text(self.right, b)})"
        return eq if self.positive else f"(not {eq})"


class _And(_Cond):
    __slots__ = ("parts",)

    def __init__(self, parts: list[_Cond]) -> None:
        self.parts = parts

    def holds(self, state: State, b: Binding) -> bool:
        return all(p.holds(state, b) for p in self.parts)

    def failures(self, state: State, b: Binding) -> list[str]:
        return [f for p in self.parts if not p.holds(state, b) for f in p.failures(state, b)]

    def text(self, b: Binding) -> str:
        return "(and " + " ".join(p.text(b) for p in self.parts) + ")"


class _Or(_Cond):
    __slots__ = ("parts",)

    def __init__(self, parts: list[_Cond]) -> None:
        self.parts = parts

    def holds(self, state: State, b: Binding) -> bool:
        return any(p.holds(state, b) for p in self.parts)

    def text(self, b: Binding) -> str:
        return "(or " + " ".join(p.text(b) for p in self.parts) + ")"


class _Imply(_Cond):
    __slots__ = ("antecedent", "consequent")

    def __init__(self, antecedent: _Cond, consequent: _Cond) -> None:
        self.antecedent, self.consequent = antecedent, consequent

    def holds(self, state: State, b: Binding) -> bool:
        return not self.antecedent.holds(state, b) or self.consequent.holds(state, b)

    def failures(self, state: State, b: Binding) -> list[str]:
        because = self.antecedent.text(b)
        return [f"{f} (required because {because} holds)" for f in self.consequent.failures(state, b)]

    def text(self, b: Binding) -> str:
        return f"(imply {self.antecedent.text(b)} {self.consequent.text(b)})"


class _Quantified(_Cond):
    __slots__ = ("names", "domains", "labels", "body")

    def __init__(
        self, names: tuple[str, ...], domains: tuple[tuple[str, ...], ...], labels: tuple[str, ...], body: _Cond
    ) -> None:
        self.names, self.domains, self.labels, self.body = names, domains, labels, body

    def bindings(self, b: Binding) -> Iterable[Binding]:
        for values in itertools.product(*self.domains):
            inner = dict(b)
            inner.update(zip(self.names, values))
            yield inner

    def _text(self, keyword: str, b: Binding) -> str:
        outer = {k: v for k, v in b.items() if k not in self.names}
        params = " ".join(f"?{n}{label}" for n, label in zip(self.names, self.labels))
        return f"({keyword} ({params}) {self.body.text(outer)})"


class _Forall(_Quantified):
    __slots__ = ()

    def holds(self, state: State, b: Binding) -> bool:
        return all(self.body.holds(state, inner) for inner in self.bindings(b))

    def failures(self, state: State, b: Binding) -> list[str]:
        for inner in self.bindings(b):
            if not self.body.holds(state, inner):
                where = ", ".join(f"?{n} = {inner[n]}" for n in self.names)
                return [f"{f} (for {where} in {self.text(b)})" for f in self.body.failures(state, inner)]
        return []

    def text(self, b: Binding) -> str:
        return self._text("forall", b)


class _IndexedState(set):
    """A state that also keeps its atoms by predicate and by (predicate,
    position, object), so that an existential condition can enumerate the
    matching atoms of one of its conjuncts instead of every binding of its
    variables (used while deriving: validating a 12-step plan on a 25x25
    reach grid took over a minute with the naive enumeration)."""

    def __init__(self, atoms: Iterable[Atom] = ()) -> None:
        super().__init__()
        self.by_pred: dict[str, list[Atom]] = {}
        self.by_arg: dict[tuple[str, int, str], list[Atom]] = {}
        for atom in atoms:
            self.add(atom)

    def add(self, atom: Atom) -> None:
        if atom not in self:
            super().add(atom)
            self.by_pred.setdefault(atom[0], []).append(atom)
            for i, value in enumerate(atom[1:]):
                self.by_arg.setdefault((atom[0], i, value), []).append(atom)


class _Exists(_Quantified):
    __slots__ = ("anchors", "allowed")

    def __init__(self, *args) -> None:
        super().__init__(*args)
        parts = self.body.parts if isinstance(self.body, _And) else [self.body]
        names = set(self.names)
        self.anchors = [p for p in parts if isinstance(p, _Atom)
                        and any(v and n in names for v, n in p.terms)]
        self.allowed = {n: frozenset(d) for n, d in zip(self.names, self.domains)}

    def _candidates(self, state: "_IndexedState", outer: Binding):
        """The anchor atom with the fewest matching atoms in the state, and those."""
        best = None
        for anchor in self.anchors:
            atoms = state.by_pred.get(anchor.pred, ())
            for i, (is_var, name) in enumerate(anchor.terms):
                if not is_var or name in outer:
                    bound = outer[name] if is_var else name
                    found = state.by_arg.get((anchor.pred, i, bound), ())
                    if len(found) < len(atoms):
                        atoms = found
            if best is None or len(atoms) < len(best[1]):
                best = (anchor, atoms)
        return best

    def holds(self, state: State, b: Binding) -> bool:
        if not self.anchors or not isinstance(state, _IndexedState):
            return any(self.body.holds(state, inner) for inner in self.bindings(b))
        # the body is a conjunction with the anchor atom: only bindings under
        # which the anchor is in the state can satisfy it
        names = set(self.names)
        outer = {k: v for k, v in b.items() if k not in names}  # quantified names shadow
        anchor, atoms = self._candidates(state, outer)
        covered = {n for v, n in anchor.terms if v and n in names}
        rest = [i for i, n in enumerate(self.names) if n not in covered]
        for atom in atoms:
            if len(atom) != len(anchor.terms) + 1:
                continue
            inner = dict(outer)
            ok = True
            for (is_var, name), value in zip(anchor.terms, atom[1:]):
                if is_var and name in names:
                    if inner.get(name, value) != value or value not in self.allowed[name]:
                        ok = False
                        break
                    inner[name] = value
                elif (outer[name] if is_var else name) != value:
                    ok = False
                    break
            if not ok:
                continue
            for values in itertools.product(*(self.domains[i] for i in rest)):
                full = dict(inner)
                full.update(zip((self.names[i] for i in rest), values))
                if self.body.holds(state, full):
                    return True
        return False

    def text(self, b: Binding) -> str:
        return self._text("exists", b)


# --------------------------------------------------------------------------
# Compiled numeric expressions and effects


class _Num:
    __slots__ = ()

    def value(self, fluents: dict[Atom, float], b: Binding) -> float:
        raise NotImplementedError


class _NumConst(_Num):
    __slots__ = ("number",)

    def __init__(self, number: float) -> None:
        self.number = number

    def value(self, fluents: dict[Atom, float], b: Binding) -> float:
        return self.number


class _NumFluent(_Num):
    __slots__ = ("atom",)

    def __init__(self, atom: _Atom) -> None:
        self.atom = atom

    def value(self, fluents: dict[Atom, float], b: Binding) -> float:
        key = self.atom.ground(b)
        try:
            return fluents[key]
        except KeyError:
            raise _UndefinedFluent(self.atom.text(b)) from None


class _NumOp(_Num):
    __slots__ = ("op", "parts")

    _OPS = {
        "+": lambda x, y: x + y,
        "-": lambda x, y: x - y,
        "*": lambda x, y: x * y,
        "/": lambda x, y: x / y,
    }

    def __init__(self, op: str, parts: list[_Num]) -> None:
        self.op, self.parts = op, parts

    def value(self, fluents: dict[Atom, float], b: Binding) -> float:
        values = [p.value(fluents, b) for p in self.parts]
        if self.op == "-" and len(values) == 1:
            return -values[0]
        result = values[0]
        for v in values[1:]:
            result = self._OPS[self.op](result, v)
        return result


class _Effect:
    """Adds, deletes, conditional and universal effects, and cost increases."""

    __slots__ = ("adds", "dels", "whens", "foralls", "costs")

    def __init__(self) -> None:
        self.adds: list[_Atom] = []
        self.dels: list[_Atom] = []
        self.whens: list[tuple[_Cond, _Effect]] = []
        self.foralls: list[tuple[_Quantified, _Effect]] = []
        self.costs: list[_Num] = []

    def collect(
        self, state: State, b: Binding, fluents: dict[Atom, float], adds: State, dels: State
    ) -> float:
        """Gather the effects that fire in `state`; return the cost increase."""
        for atom in self.adds:
            adds.add(atom.ground(b))
        for atom in self.dels:
            dels.add(atom.ground(b))
        cost = 0.0
        for expr in self.costs:
            cost += expr.value(fluents, b)
        for condition, effect in self.whens:
            if condition.holds(state, b):
                cost += effect.collect(state, b, fluents, adds, dels)
        for quantifier, effect in self.foralls:
            for inner in quantifier.bindings(b):
                cost += effect.collect(state, inner, fluents, adds, dels)
        return cost


@dataclass
class _Action:
    name: str
    params: tuple[str, ...]
    param_types: tuple[frozenset[str], ...]
    """Allowed types per parameter (several for `either`; empty: any object)."""
    precondition: _Cond
    effect: _Effect


# --------------------------------------------------------------------------
# Compiling the pddl-package objects


def _lower(name: object) -> str:
    return str(name).lower()


class _Compiler:
    """Turns the pddl objects of one domain+problem pair into nodes."""

    def __init__(self, domain: Domain, problem: Problem, original=None,
                 extra_parents: Mapping[str, Sequence[str]] | None = None,
                 dummy_types: frozenset[str] = frozenset()) -> None:
        # names as the user wrote them: planner.frontend.parsing escapes reserved words
        # (`object`, `oneof`, ...) before the `pddl` package sees them
        self._original = original or (lambda name: name)
        self.extra_parents = {self._n(t): [self._n(p) for p in ps]
                              for t, ps in (extra_parents or {}).items()}
        self.parents = {self._n(t): (self._n(p) if p is not None else None)
                        for t, p in domain.types.items() if str(t) not in dummy_types}
        self.predicates = {self._n(p.name): p.arity for p in domain.predicates}
        self.functions = {self._n(f.name): f.arity for f in domain.functions}
        self.declared_types: dict[str, str] = {}
        self.object_types: dict[str, frozenset[str]] = {}
        for obj in itertools.chain(domain.constants, problem.objects):
            declared = self._n(obj.type_tag or "object")
            self.declared_types[self._n(obj.name)] = declared
            self.object_types[self._n(obj.name)] = self.ancestors(declared)
        by_type: dict[str, list[str]] = {}
        for obj in sorted(self.object_types):
            for t in self.object_types[obj]:
                by_type.setdefault(t, []).append(obj)
        self.objects_of = {t: tuple(objs) for t, objs in by_type.items()}

    def _n(self, name: object) -> str:
        return self._original(str(name).lower())

    def ancestors(self, type_name: str) -> frozenset[str]:
        """The type and all its ancestors; a type listed under several parents
        in :types has all of them (as in Fast Downward)."""
        seen = {"object"}
        todo: list[str] = [type_name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            parent = self.parents.get(current)
            if parent is not None:
                todo.append(parent)
            todo.extend(self.extra_parents.get(current, ()))
        return frozenset(seen)

    def domain_of(self, tags: frozenset[str]) -> tuple[str, ...]:
        if not tags:
            return tuple(sorted(self.object_types))
        return tuple(sorted({o for t in tags for o in self.objects_of.get(t, ())}))

    # terms and atoms -------------------------------------------------------

    def term(self, term: Term, scope: frozenset[str], where: str) -> _TermRef:
        name = self._n(term.name)
        if isinstance(term, Variable):
            if name not in scope:
                raise PDDLInputError(f"undeclared variable ?{name} in {where}")
            return (True, name)
        if isinstance(term, Constant):
            if name not in self.object_types:
                raise PDDLInputError(f"unknown constant {name} in {where}")
            return (False, name)
        raise UnsupportedFeatureError(f"unsupported term {term} in {where}")

    def atom(self, predicate: Predicate, scope: frozenset[str], where: str) -> _Atom:
        name = self._n(predicate.name)
        arity = self.predicates.get(name)
        if arity is None:
            raise PDDLInputError(f"undeclared predicate {name} in {where}")
        if arity != predicate.arity:
            raise PDDLInputError(f"predicate {name} takes {arity} arguments, not {predicate.arity}, in {where}")
        return _Atom(name, tuple(self.term(t, scope, where) for t in predicate.terms))

    def variables(
        self, variables: Iterable[Variable], scope: frozenset[str]
    ) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], tuple[str, ...], frozenset[str]]:
        """Names, object domains and type labels of quantified variables, and the inner scope."""
        ordered = sorted(variables, key=lambda v: self._n(v.name))
        names = tuple(self._n(v.name) for v in ordered)
        tags = [frozenset(self._n(t) for t in v.type_tags) for v in ordered]
        domains = tuple(self.domain_of(t) for t in tags)
        labels = tuple(_type_label(t) for t in tags)
        return names, domains, labels, scope | frozenset(names)

    # conditions ------------------------------------------------------------

    def condition(self, formula: object, scope: frozenset[str], where: str, positive: bool = True) -> _Cond:
        """Compile `formula` (negated unless `positive`) into NNF nodes."""
        if formula is None:
            return _Truth(positive)
        if isinstance(formula, Predicate):
            atom = self.atom(formula, scope, where)
            return atom if positive else _NegAtom(atom)
        if isinstance(formula, EqualTo):
            return _Equal(self.term(formula.left, scope, where), self.term(formula.right, scope, where), positive)
        if isinstance(formula, logic.Not):
            return self.condition(formula.argument, scope, where, not positive)
        if isinstance(formula, (logic.And, logic.Or)):
            parts = [self.condition(op, scope, where, positive) for op in formula.operands]
            conjunctive = isinstance(formula, logic.And) == positive
            if not parts:
                return _Truth(conjunctive)
            if len(parts) == 1:
                return parts[0]
            return _And(parts) if conjunctive else _Or(parts)
        if isinstance(formula, logic.Imply):
            antecedent, consequent = _imply_operands(formula, where)
            if positive:
                return _Imply(self.condition(antecedent, scope, where), self.condition(consequent, scope, where))
            return _And([self.condition(antecedent, scope, where), self.condition(consequent, scope, where, False)])
        if isinstance(formula, (logic.ForallCondition, logic.ExistsCondition)):
            universal = isinstance(formula, logic.ForallCondition) == positive
            names, domains, labels, inner = self.variables(formula.variables, scope)
            body = self.condition(formula.condition, inner, where, positive)
            return (_Forall if universal else _Exists)(names, domains, labels, body)
        if isinstance(formula, DerivedPredicate):
            raise UnsupportedFeatureError(f"derived predicates are not supported by the validator ({where})")
        raise UnsupportedFeatureError(f"unsupported condition {formula} in {where}")

    # effects ---------------------------------------------------------------

    def effect(self, formula: object, scope: frozenset[str], where: str, into: _Effect | None = None) -> _Effect:
        eff = into if into is not None else _Effect()
        if formula is None:
            return eff
        if isinstance(formula, logic.And):
            for op in formula.operands:
                self.effect(op, scope, where, eff)
        elif isinstance(formula, Predicate):
            eff.adds.append(self.atom(formula, scope, where))
        elif isinstance(formula, logic.Not) and isinstance(formula.argument, Predicate):
            eff.dels.append(self.atom(formula.argument, scope, where))
        elif isinstance(formula, peffects.When):
            eff.whens.append((self.condition(formula.condition, scope, where), self.effect(formula.effect, scope, where)))
        elif isinstance(formula, peffects.Forall):
            names, domains, labels, inner = self.variables(formula.variables, scope)
            quantifier = _Forall(names, domains, labels, _Truth(True))  # only enumerates bindings
            eff.foralls.append((quantifier, self.effect(formula.effect, inner, where)))
        elif isinstance(formula, pfunctions.Increase):
            target, amount = formula.operands
            if not (isinstance(target, pfunctions.NumericFunction) and self._n(target.name) == "total-cost"):
                raise UnsupportedFeatureError(f"numeric effect {formula} in {where}: only (increase (total-cost) ...) is supported")
            eff.costs.append(self.number(amount, scope, where))
        elif isinstance(formula, _NUMERIC_EFFECTS):
            raise UnsupportedFeatureError(f"numeric effect {formula} in {where}: only (increase (total-cost) ...) is supported")
        else:
            raise UnsupportedFeatureError(f"unsupported effect {formula} in {where}")
        return eff

    def number(self, expr: object, scope: frozenset[str], where: str) -> _Num:
        if isinstance(expr, pfunctions.NumericValue):
            return _NumConst(float(expr.value))
        if isinstance(expr, pfunctions.NumericFunction):
            name = self._n(expr.name)
            arity = self.functions.get(name)
            if arity is None:
                raise PDDLInputError(f"undeclared function {name} in {where}")
            if arity != expr.arity:
                raise PDDLInputError(f"function {name} takes {arity} arguments, not {expr.arity}, in {where}")
            return _NumFluent(_Atom(name, tuple(self.term(t, scope, where) for t in expr.terms)))
        if isinstance(expr, pfunctions.UnaryMinus):
            return _NumOp("-", [self.number(expr.operand, scope, where)])
        for cls, op in ((pfunctions.Plus, "+"), (pfunctions.Minus, "-"), (pfunctions.Times, "*"), (pfunctions.Divide, "/")):
            if isinstance(expr, cls):
                return _NumOp(op, [self.number(o, scope, where) for o in expr.operands])
        raise UnsupportedFeatureError(f"unsupported numeric expression {expr} in {where}")

    # whole task ------------------------------------------------------------

    def action(self, action: Action) -> _Action:
        name = self._n(action.name)
        where = f"action {name}"
        params = tuple(self._n(p.name) for p in action.parameters)
        types = tuple(frozenset(self._n(t) for t in p.type_tags) for p in action.parameters)
        scope = frozenset(params)
        return _Action(
            name, params, types, self.condition(action.precondition, scope, where), self.effect(action.effect, scope, where)
        )

    def ground_init(self, problem: Problem, init: InitialStateLike | None) -> tuple[set[Atom], dict[Atom, float]]:
        """The init atoms and function values: from `init` if given, else from problem.init."""
        if init is not None:
            atoms = {tuple(self._n(x) for x in atom) for atom in init.atoms}
            return atoms, {tuple(self._n(x) for x in key): float(v) for key, v in init.functions.items()}
        atoms: set[Atom] = set()
        fluents: dict[Atom, float] = {}
        for fact in problem.init:
            if isinstance(fact, Predicate):
                atoms.add(self.atom(fact, frozenset(), "the initial state").ground({}))
            elif isinstance(fact, pfunctions.EqualTo):
                target, value = fact.operands
                if isinstance(target, pfunctions.NumericFunction) and isinstance(value, pfunctions.NumericValue):
                    key = (self._n(target.name), *(self._n(t.name) for t in target.terms))
                    fluents[key] = float(value.value)
                else:
                    raise UnsupportedFeatureError(f"unsupported numeric initial value {fact}")
            elif isinstance(fact, logic.Not):
                continue  # closed world: negative init literals say nothing new
            else:
                raise UnsupportedFeatureError(f"unsupported initial-state element {fact}")
        return atoms, fluents


    def derivation(self, domain: Domain) -> "_Derivation":
        """The domain's (:derived ...) rules, compiled and stratified here,
        independently of planner.frontend.normalize."""
        rules: list[tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...], _Cond]] = []
        uses: dict[str, set[tuple[str, bool]]] = {}
        definitions = {self._n(p.name): p for p in domain.predicates}
        for rule in sorted(domain.derived_predicates, key=lambda r: str(r.predicate)):
            name = self._n(rule.predicate.name)
            where = f"the derived predicate {name}"
            params = tuple(self._n(t.name) for t in rule.predicate.terms)
            definition = definitions.get(name)
            domains = []
            for i, term in enumerate(rule.predicate.terms):
                tags = term.type_tags
                if not tags and definition is not None and i < len(definition.terms):
                    tags = definition.terms[i].type_tags
                domains.append(self.domain_of(frozenset(self._n(t) for t in tags)))
            cond = self.condition(rule.condition, frozenset(params), where)
            rules.append((name, params, tuple(domains), cond))
            uses.setdefault(name, set()).update(self._mentions(rule.condition, True))
        return _Derivation(rules, _strata(uses))

    def _mentions(self, formula: object, positive: bool) -> set[tuple[str, bool]]:
        """(predicate, occurs positively) for every atom of a condition."""
        out: set[tuple[str, bool]] = set()
        todo = [(formula, positive)]
        while todo:
            f, pos = todo.pop()
            if isinstance(f, Predicate):
                out.add((self._n(f.name), pos))
            elif isinstance(f, logic.Not):
                todo.append((f.argument, not pos))
            elif isinstance(f, logic.Imply):
                a, b = f.operands[0], f.operands[-1]
                todo += [(a, not pos), (b, pos)]
            elif isinstance(f, (logic.And, logic.Or)):
                todo += [(op, pos) for op in f.operands]
            elif isinstance(f, (logic.ExistsCondition, logic.ForallCondition)):
                todo.append((f.condition, pos))
        return out


def _strata(uses: dict[str, set[tuple[str, bool]]]) -> dict[str, int]:
    """Stratum per derived predicate (>= those it uses, > those it negates)."""
    stratum = {p: 0 for p in uses}
    for _ in range(len(uses) + 1):
        changed = False
        for head, body in sorted(uses.items()):
            for pred, positive in sorted(body):
                if pred in stratum:
                    need = stratum[pred] + (0 if positive else 1)
                    if stratum[head] < need:
                        stratum[head] = need
                        changed = True
        if not changed:
            return stratum
    raise PDDLInputError("the derived predicates cannot be stratified (a derived predicate "
                         "depends negatively on itself)")


class _Derivation:
    """Derived atoms of a state: naive fixpoint per stratum, over all bindings
    of each rule's head variables (a reference, not a fast evaluator)."""

    def __init__(self, rules, strata: dict[str, int]) -> None:
        self.layers: list[list] = []
        for level in sorted(set(strata.values())):
            self.layers.append([r for r in rules if strata[r[0]] == level])
        self.derived = frozenset(strata)

    def __bool__(self) -> bool:
        return bool(self.layers)

    def closure(self, basic: State) -> State:
        state = _IndexedState(a for a in basic if a[0] not in self.derived)
        for layer in self.layers:
            changed = True
            while changed:
                changed = False
                for name, params, domains, cond in layer:
                    for values in itertools.product(*domains):
                        atom = (name, *values)
                        if atom not in state and cond.holds(state, dict(zip(params, values))):
                            state.add(atom)
                            changed = True
        return state


_NUMERIC_EFFECTS = (pfunctions.Decrease, pfunctions.Assign, pfunctions.ScaleUp, pfunctions.ScaleDown)


def _type_label(tags: frozenset[str]) -> str:
    if not tags:
        return ""
    if len(tags) == 1:
        return f" - {next(iter(tags))}"
    return f" - (either {' '.join(sorted(tags))})"


def _imply_operands(formula: logic.Imply, where: str) -> tuple[object, object]:
    operands = formula.operands
    if len(operands) != 2:
        raise PDDLInputError(f"imply takes two arguments, not {len(operands)}, in {where}")
    return operands[0], operands[1]


def _uses_action_costs(problem: Problem) -> bool:
    metric = problem.metric
    if metric is None:
        return False
    expr = metric.expression
    if (
        metric.optimization != pfunctions.Metric.MINIMIZE
        or not isinstance(expr, pfunctions.NumericFunction)
        or _lower(expr.name) != "total-cost"
    ):
        raise UnsupportedFeatureError(f"unsupported metric {metric}: only (:metric minimize (total-cost)) is supported")
    return True


# --------------------------------------------------------------------------
# The validator


@dataclass
class CompiledTask:
    """A domain+problem compiled for repeated validation (compile once, check many plans)."""

    actions: dict[str, _Action]
    object_types: dict[str, frozenset[str]]
    """Each object's type and all its ancestors."""
    declared_types: dict[str, str]
    init: frozenset[Atom]
    fluents: dict[Atom, float]
    goal: _Cond
    unit_cost: bool
    derivation: _Derivation | None = None
    """The (:derived ...) rules; derived atoms are recomputed in every state."""

    def derive(self, state: State) -> State:
        return self.derivation.closure(state) if self.derivation else state

    @staticmethod
    def build(domain: Domain, problem: Problem, init: InitialStateLike | None = None,
              original=None, extra_parents: Mapping[str, Sequence[str]] | None = None,
              dummy_types: frozenset[str] = frozenset()) -> "CompiledTask":
        compiler = _Compiler(domain, problem, original, extra_parents, dummy_types)
        unit_cost = not _uses_action_costs(problem)
        actions = {}
        for action in domain.actions:
            compiled = compiler.action(action)
            actions[compiled.name] = compiled
        atoms, fluents = compiler.ground_init(problem, init)
        goal = compiler.condition(problem.goal, frozenset(), "the goal")
        return CompiledTask(
            actions, compiler.object_types, compiler.declared_types, frozenset(atoms), fluents, goal, unit_cost,
            compiler.derivation(domain),
        )

    @staticmethod
    def from_parsed(parsed: "ParsedTask") -> "CompiledTask":
        """Compile a task read by planner.frontend.parsing (whose initial state is in parsed.init)."""
        return CompiledTask.build(parsed.domain, parsed.problem, getattr(parsed, "init", None),
                                  parsed.escapes.original, parsed.extra_parents,
                                  parsed.dummy_types)

    def _check_call(self, step: PlanStep) -> tuple[FailureKind, str] | tuple[_Action, Binding]:
        action = self.actions.get(step.name)
        if action is None:
            known = ", ".join(sorted(self.actions))
            return FailureKind.UNKNOWN_ACTION, f"no action named {step.name} (actions: {known})"
        if len(step.args) != len(action.params):
            return FailureKind.WRONG_ARITY, f"{step.name} takes {len(action.params)} arguments, got {len(step.args)}"
        for param, tags, arg in zip(action.params, action.param_types, step.args):
            types = self.object_types.get(arg)
            if types is None:
                return FailureKind.UNKNOWN_OBJECT, f"no object named {arg} (for ?{param})"
            if tags and not (types & tags):
                wanted = _type_label(tags).removeprefix(" - ")
                return (
                    FailureKind.WRONG_TYPE,
                    f"?{param} must be of type {wanted}, but {arg} is of type {self.declared_types[arg]}",
                )
        return action, dict(zip(action.params, step.args))

    def validate(self, steps: Sequence[PlanStep]) -> ValidationReport:
        state: State = set(self.init)
        cost: float = 0
        for index, raw in enumerate(steps):
            step = _normalise(raw)

            def fail(kind: FailureKind, details: Sequence[str]) -> ValidationReport:
                return ValidationReport(
                    False, _tidy(cost), self.unit_cost, index, kind, index, step, tuple(details), frozenset(state)
                )

            checked = self._check_call(step)
            if isinstance(checked[0], FailureKind):
                return fail(checked[0], [str(checked[1])])
            action, binding = checked  # type: ignore[misc]
            full = self.derive(state)
            if not action.precondition.holds(full, binding):
                return fail(FailureKind.PRECONDITION, action.precondition.failures(full, binding))
            adds: State = set()
            dels: State = set()
            try:
                step_cost = action.effect.collect(full, binding, self.fluents, adds, dels)
            except _UndefinedFluent as undefined:
                return fail(FailureKind.UNDEFINED_COST, [f"{undefined.text} has no value in the initial state"])
            state -= dels
            state |= adds
            cost += 1 if self.unit_cost else step_cost
        state = self.derive(state)
        final = frozenset(state)
        if not self.goal.holds(state, {}):
            return ValidationReport(
                False, _tidy(cost), self.unit_cost, len(steps), FailureKind.GOAL, None, None,
                tuple(self.goal.failures(state, {})), final,
            )
        return ValidationReport(True, _tidy(cost), self.unit_cost, len(steps), final_state=final)


def _normalise(step: PlanStep) -> PlanStep:
    lowered = step.name.lower()
    args = tuple(a.lower() for a in step.args)
    if lowered == step.name and args == step.args:
        return step
    return PlanStep(lowered, args, step.line)


def _tidy(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def validate_plan(
    domain: Domain, problem: Problem, steps: Sequence[PlanStep], init: InitialStateLike | None = None
) -> ValidationReport:
    """Execute `steps` from the initial state and check every precondition and the goal.

    The initial state is `init` when given (planner.frontend.parsing reads :init
    itself for speed and leaves problem.init empty), else problem.init.
    Raises UnsupportedFeatureError/PDDLInputError for PDDL the validator
    cannot interpret; an invalid plan is a report, not an exception.
    """
    return CompiledTask.build(domain, problem, init).validate(steps)


def validate_parsed(parsed: "ParsedTask", steps: Sequence[PlanStep]) -> ValidationReport:
    """validate_plan for a task read by planner.frontend.parsing."""
    return CompiledTask.from_parsed(parsed).validate(steps)
