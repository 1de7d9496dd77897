"""Random small ADL worlds (hypothesis strategies) shared by the grounding property tests.
"""
from __future__ import annotations
import itertools
from dataclasses import dataclass
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


@dataclass
class Action:
    name: str
    params: list[tuple[str, str]]  # (?name, type or '(either a b)')


PROPERTY_SETTINGS = settings(max_examples=50, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])


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
