"""Tasks Fast Downward's translator reads and the `pddl` package refuses:
missing requirement flags, reserved words as names, a type under two parents.

Each test domain is written here from the PDDL definition; each is solved,
its plan checked by our validator, and its reachable facts and operators
compared, by name, with Fast Downward's translator (the atoms and operators
of its SAS file).
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from tests.fixtures import fd_translation
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.errors import PDDLInputError
from planner.frontend.grounding import ground
from planner.frontend.inputs import parse_strings
from planner.frontend.pddl_text import RESERVED, Escapes, Rewrite
from planner.plans.files import PlanStep
from planner.search.engine import search
from planner.task import atom_str, is_artificial
from planner.plans.validate import validate_parsed

# --- helpers -------------------------------------------------------------


def fd_task(domain: str, problem: str, tmp_path: Path) -> tuple[set[str], set[str]]:
    """(operator names, positive atoms) of Fast Downward's translation, without
    the axioms and derived atoms it makes of quantified and disjunctive
    conditions (we compile those into artificial operators instead)."""
    ops, atoms, _ = fd_translation(domain, problem, tmp_path)
    return ops, atoms


def solve_and_compare(domain: str, problem: str, tmp_path: Path) -> list[str]:
    """Parse, ground, plan and validate; compare with FD; return the plan."""
    parsed = parse_strings(domain, problem, "domain.pddl", "problem.pddl")
    task = ground(parsed)
    fd_ops, fd_atoms = fd_task(domain, problem, tmp_path)
    assert {o for o in task.operators if not is_artificial(o)} == fd_ops
    assert {atom_str(f) for f in task.facts if not f[0].startswith("__")} == fd_atoms
    result = search(task, "astar", evaluators=("blind",))
    assert result.plan is not None
    names = [task.operators[o] for o in result.plan if not is_artificial(task.operators[o])]
    steps = [PlanStep(n[1:-1].split()[0], tuple(n[1:-1].split()[1:])) for n in names]
    report = validate_parsed(parsed, steps)
    assert report.valid, report.describe()
    return names


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def position(text: str, needle: str, nth: int = 0) -> str:
    """'line:col' of the nth occurrence of needle."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at) + 1
    return f"{line}:{at - (text.rfind(chr(10), 0, at) + 1) + 1}"


# --- lenient requirements -------------------------------------------------

LENIENT_DOMAIN = """(define (domain lenient)
  (:types ball room - object gripper)
  (:constants left right - gripper)
  (:predicates (at ?b - ball ?r - room) (at-robby ?r - room) (free ?g - gripper)
               (carry ?b - ball ?g - gripper) (lit ?r - room))
  (:functions (total-cost) - number)
  (:action move :parameters (?from ?to - room)
    :precondition (and (at-robby ?from) (not (= ?from ?to)))
    :effect (and (at-robby ?to) (not (at-robby ?from)) (increase (total-cost) 2)))
  (:action switch-on :parameters (?r - room)
    :precondition (and (at-robby ?r) (not (lit ?r)))
    :effect (lit ?r))
  (:action pick :parameters (?b - ball ?r - room ?g - gripper)
    :precondition (and (at ?b ?r) (at-robby ?r) (free ?g)
                       (or (lit ?r) (exists (?o - ball) (carry ?o left))))
    :effect (and (carry ?b ?g) (not (at ?b ?r)) (not (free ?g)) (increase (total-cost) 1)))
  (:action drop :parameters (?b - ball ?r - room ?g - gripper)
    :precondition (and (carry ?b ?g) (at-robby ?r)
                       (forall (?o - ball) (imply (at ?o ?r) (lit ?r))))
    :effect (and (at ?b ?r) (free ?g) (not (carry ?b ?g))
                 (when (lit ?r) (not (lit ?r))) (increase (total-cost) 1))))
"""

LENIENT_PROBLEM = """(define (problem lenient-1) (:domain lenient)
  (:objects b1 b2 - ball r1 r2 - room)
  (:init (at-robby r1) (at b1 r1) (at b2 r1) (free left) (free right) (lit r1)
         (= (total-cost) 0))
  (:goal (and (at b1 r2) (at b2 r2)))
  (:metric minimize (total-cost)))
"""

EXPECTED_FLAGS = {
    # flag: (token, occurrence) of its first use; the warning points at the keyword
    "typing": (" - object", 0),
    "action-costs": ("total-cost", 0),
    "equality": ("= ?from", 0),
    "negative-preconditions": ("not (lit", 0),
    "disjunctive-preconditions": ("or (lit", 0),
    "existential-preconditions": ("exists", 0),
    "universal-preconditions": ("forall", 0),
    "conditional-effects": ("when", 0),
}


def test_missing_requirement_flags_warn_once_each_at_their_first_use(caplog):
    parse_strings(LENIENT_DOMAIN, LENIENT_PROBLEM, "domain.pddl", "problem.pddl")
    messages = warnings_of(caplog)
    for flag, (needle, nth) in EXPECTED_FLAGS.items():
        found = [m for m in messages if f"requirement :{flag} is not declared" in m]
        assert len(found) == 1, (flag, messages)
        offset = 1 if needle.startswith(" ") else 0  # the '-', not the space before it
        line, col = map(int, position(LENIENT_DOMAIN, needle, nth).split(":"))
        assert f"domain.pddl:{line}:{col + offset}:" in found[0], (flag, found[0])
    assert len(messages) == len(EXPECTED_FLAGS)


def test_lenient_task_plans_and_matches_fast_downward(tmp_path):
    plan = solve_and_compare(LENIENT_DOMAIN, LENIENT_PROBLEM, tmp_path)
    assert "(move r1 r2)" in plan


def test_declared_flags_and_implied_ones_do_not_warn(caplog):
    domain = LENIENT_DOMAIN.replace("(:types", "(:requirements :adl :action-costs)\n  (:types")
    parse_strings(domain, LENIENT_PROBLEM)
    assert warnings_of(caplog) == []


def test_a_flag_needed_only_by_the_problem_warns_in_the_problem(caplog):
    domain = """(define (domain d) (:requirements :strips)
      (:predicates (p ?x) (q ?x)) (:action a :parameters (?x) :precondition (p ?x) :effect (q ?x)))"""
    problem = """(define (problem x) (:domain d) (:objects o1 o2)
      (:init (p o1))
      (:goal (exists (?y) (q ?y))))"""
    parsed = parse_strings(domain, problem, "d.pddl", "p.pddl")
    messages = warnings_of(caplog)
    assert len(messages) == 1
    assert "p.pddl:3:15: requirement :existential-preconditions is not declared" in messages[0]
    task = ground(parsed)
    assert [o for o in task.operators if not is_artificial(o)] == ["(a o1)"]


def test_cost_functions_under_action_costs_alone_stay_silent(caplog):
    domain = """(define (domain d) (:requirements :strips :action-costs)
      (:predicates (at ?x) (road ?x ?y)) (:functions (total-cost) (len ?x ?y) - number)
      (:action go :parameters (?x ?y) :precondition (and (at ?x) (road ?x ?y))
        :effect (and (at ?y) (not (at ?x)) (increase (total-cost) (len ?x ?y)))))"""
    problem = """(define (problem x) (:domain d) (:objects a b)
      (:init (at a) (road a b) (= (len a b) 4) (= (total-cost) 0))
      (:goal (at b)) (:metric minimize (total-cost)))"""
    task = ground(parse_strings(domain, problem))
    assert warnings_of(caplog) == []
    assert task.cost.tolist() == [4]


# --- reserved words as names ---------------------------------------------

KEYWORD_DOMAIN = """(define (domain keywords)
  (:requirements :strips :typing :negative-preconditions :equality)
  (:types thing place - object)
  (:predicates (at ?object - thing ?p - place) (oneof ?p - place) (assign ?x - thing)
               (total-cost ?p - place) (either ?p - place))
  (:action move
    :parameters (?object - thing ?from ?to - place)
    :precondition (and (at ?object ?from) (oneof ?to) (not (= ?from ?to)))
    :effect (and (not (at ?object ?from)) (at ?object ?to) (assign ?object) (total-cost ?to)))
  (:action increase
    :parameters (?forall - place)
    :precondition (and (total-cost ?forall) (not (either ?forall)))
    :effect (either ?forall)))
"""

KEYWORD_PROBLEM = """(define (problem keywords-1) (:domain keywords)
  (:objects either total-cost - thing object oneof when - place)
  (:init (at either object) (at total-cost object) (oneof oneof) (oneof when))
  (:goal (and (at either oneof) (assign total-cost) (either oneof) (at total-cost when))))
"""


def test_reserved_words_as_names_plan_with_the_users_names(tmp_path, caplog):
    plan = solve_and_compare(KEYWORD_DOMAIN, KEYWORD_PROBLEM, tmp_path)
    assert "(move either object oneof)" in plan
    assert "(increase oneof)" in plan
    assert warnings_of(caplog) == []


def test_reserved_words_in_ground_atoms_and_lifted_view():
    task = ground(parse_strings(KEYWORD_DOMAIN, KEYWORD_PROBLEM))
    assert ("at", "either", "oneof") in task.facts
    assert ("oneof", "oneof") in task.lifted.static_atoms
    assert set(task.lifted.objects) == {"either", "total-cost", "object", "oneof", "when"}
    assert task.lifted.object_types["object"] == ("object", "place")
    assert "assign" in task.lifted.predicates and "kw_assign" not in task.lifted.predicates


def test_error_about_a_reserved_name_uses_the_users_name_and_its_token():
    problem = KEYWORD_PROBLEM.replace("(at total-cost when)", "(at total-cost nowhere)")
    with pytest.raises(PDDLInputError) as err:
        parse_strings(KEYWORD_DOMAIN, problem, "d", "p")
    assert "nowhere" in str(err.value)
    assert str(err.value).startswith("p:" + position(problem, "nowhere"))
    bad_domain = KEYWORD_DOMAIN.replace("(assign ?object) (total-cost", "(assign ?object ?to) (total-cost")
    with pytest.raises(PDDLInputError) as err:
        parse_strings(bad_domain, KEYWORD_PROBLEM, "d", "p")
    assert "'assign' takes 1 argument(s), 2 given" in str(err.value)
    assert "kw_" not in str(err.value)
    assert str(err.value).startswith("d:" + position(bad_domain, "(assign ?object ?to)"))


def test_syntax_error_after_escaped_names_points_at_the_token():
    # escaped names are longer than the originals: positions map back
    problem = KEYWORD_PROBLEM.replace("(at either oneof) (assign", "(at either oneof) 5 (assign")
    with pytest.raises(PDDLInputError) as err:
        parse_strings(KEYWORD_DOMAIN, problem, "d", "p")
    assert str(err.value).startswith("p:" + _shift(position(problem, " 5 "), 1) + ": syntax error")
    domain = KEYWORD_DOMAIN.replace(":parameters (?forall - place)", ":parameters (?forall - place) 7")
    with pytest.raises(PDDLInputError) as err:
        parse_strings(domain, KEYWORD_PROBLEM, "d", "p")
    assert str(err.value).startswith("d:" + _shift(position(domain, " 7"), 1) + ": syntax error")


def _shift(pos: str, k: int) -> str:
    line, col = pos.split(":")
    return f"{line}:{int(col) + k}"


def test_object_as_a_variable_in_quantifiers_and_goals(tmp_path):
    domain = """(define (domain q) (:requirements :adl)
      (:types box)
      (:predicates (full ?object - box) (done))
      (:action fill :parameters (?object - box) :precondition (not (full ?object))
        :effect (full ?object))
      (:action finish :parameters () :precondition (forall (?object - box) (full ?object))
        :effect (done)))"""
    problem = """(define (problem q1) (:domain q) (:objects object either - box)
      (:init) (:goal (and (done) (exists (?object - box) (full ?object)))))"""
    plan = solve_and_compare(domain, problem, tmp_path)
    assert plan[-1] == "(finish)"


# --- a type listed under two parents -------------------------------------

MULTI_DOMAIN = """(define (domain multi) (:requirements :strips :typing)
  (:types car boat - vehicle amphibian - car amphibian - boat vehicle place - object)
  (:predicates (at ?v - vehicle ?p - place) (road ?a ?b - place) (water ?a ?b - place))
  (:action drive :parameters (?c - car ?a ?b - place)
    :precondition (and (at ?c ?a) (road ?a ?b)) :effect (and (at ?c ?b) (not (at ?c ?a))))
  (:action sail :parameters (?s - boat ?a ?b - place)
    :precondition (and (at ?s ?a) (water ?a ?b)) :effect (and (at ?s ?b) (not (at ?s ?a)))))
"""

MULTI_PROBLEM = """(define (problem m1) (:domain multi)
  (:objects a1 - amphibian c1 - car b1 - boat p1 p2 p3 - place)
  (:init (at a1 p1) (at c1 p1) (at b1 p2) (road p1 p2) (water p2 p3))
  (:goal (and (at a1 p3) (at c1 p2) (at b1 p3))))
"""


def test_a_type_under_two_parents_is_a_subtype_of_both(tmp_path):
    plan = solve_and_compare(MULTI_DOMAIN, MULTI_PROBLEM, tmp_path)
    assert "(drive a1 p1 p2)" in plan and "(sail a1 p2 p3)" in plan
    task = ground(parse_strings(MULTI_DOMAIN, MULTI_PROBLEM))
    assert {"car", "boat", "vehicle"} <= set(task.lifted.object_types["a1"])
    assert not any(t.startswith("kw_") for t in task.lifted.type_parents)


def test_the_validator_types_a_two_parent_object_as_both():
    parsed = parse_strings(MULTI_DOMAIN, MULTI_PROBLEM)
    steps = [PlanStep("sail", ("a1", "p2", "p3"))]
    report = validate_parsed(parsed, steps)
    assert not report.valid and "at a1 p2" in report.describe()  # typed fine, precondition false


# --- properties of the rewriting ------------------------------------------

_words = st.sampled_from(sorted(RESERVED) + ["a", "b-c", "x1", "kw_object"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_words, min_size=1, max_size=12))
def test_escaping_round_trips(words):
    escapes = Escapes(set(words))
    escaped = [escapes.escape(w) for w in words]
    assert [escapes.original(e) for e in escaped] == words
    assert len(set(escaped)) == len(set(words))
    assert not set(escaped) & set(words)
    assert escapes.unescape_text(" ".join(escaped)) == " ".join(words)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 5), st.text("xyz", max_size=8)),
                max_size=5))
def test_rewrite_offsets_map_back_to_the_original(raw_edits):
    text = "abcdefghij" * 5
    edits, last = [], -1
    for start, length, new in sorted(raw_edits):
        if start <= last:
            continue
        end = min(start + length, len(text))
        edits.append((start, end, new))
        last = max(end, start)
    rw = Rewrite(text, edits)
    expected = []
    pos = 0
    for start, end, new in edits:
        expected.extend(range(pos, start))
        expected.extend([start] * len(new))
        pos = end
    expected.extend(range(pos, len(text)))
    assert len(rw.text) == len(expected)
    assert [rw.original_offset(i) for i in range(len(rw.text))] == expected


def test_an_undefined_object_is_located_at_its_use_not_at_a_predicate_of_that_name():
    problem = KEYWORD_PROBLEM.replace("(at total-cost when)", "(at total-cost assign)")
    with pytest.raises(PDDLInputError) as err:
        parse_strings(KEYWORD_DOMAIN, problem, "d", "p")
    assert "undefined object or constant 'assign'" in str(err.value)
    assert str(err.value).startswith("p:" + position(problem, "assign)") + ":")


# --- renaming to reserved words round-trips --------------------------------

_RENAMABLE = {
    # role: names of the lenient task that can take any other name
    "object": ["b1", "b2", "r1", "r2", "left"],
    "predicate": ["lit", "carry", "free"],
    "action": ["pick", "switch-on"],
    "variable": ["?b", "?r", "?o"],
    "type": ["ball", "gripper"],
}
_TARGETS = sorted(RESERVED - {"object"}) + ["object"]


def _rename(text: str, mapping: dict[str, str]) -> str:
    def sub(m: re.Match) -> str:
        return mapping.get(m.group(0), m.group(0))
    return re.sub(r"\??[A-Za-z][\w\-]*", sub, text)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_renaming_names_to_reserved_words_round_trips(data):
    """Any legal renaming (objects, predicates, actions, variables, types to
    reserved words) grounds to the same task with the names mapped."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for role, names in _RENAMABLE.items():
        for name in names:
            if not data.draw(st.booleans(), label=f"rename {name}"):
                continue
            choices = [t for t in _TARGETS if t not in used and
                       not (role == "type" and t == "object") and
                       not (role == "action" and t in ("and", "not", "or", "when", "forall",
                                                       "exists", "imply", "either"))]
            if role in ("predicate",):
                # a predicate spelled like a connective reads as the connective in FD too
                choices = [t for t in choices if t not in ("and", "or", "not", "imply", "exists",
                                                           "forall", "when", "either", "increase",
                                                           "decrease", "assign", "scale-up",
                                                           "scale-down", "define")]
            if not choices:
                continue
            target = data.draw(st.sampled_from(choices), label=f"{name} ->")
            used.add(target)
            mapping[name] = ("?" + target) if name.startswith("?") else target
    domain = _rename(LENIENT_DOMAIN, mapping)
    problem = _rename(LENIENT_PROBLEM, mapping)
    base = ground(parse_strings(LENIENT_DOMAIN, LENIENT_PROBLEM))
    renamed = ground(parse_strings(domain, problem))
    plain = {k: v for k, v in mapping.items() if not k.startswith("?")}

    def rename_name(text: str) -> str:
        return "(" + " ".join(plain.get(w, w) for w in text[1:-1].split()) + ")"
    assert {rename_name(o) for o in base.operators} == set(renamed.operators)
    assert {tuple(plain.get(w, w) for w in f) for f in base.facts} == set(renamed.facts)


def test_an_undefined_constant_in_an_action_points_at_the_term():
    domain = KEYWORD_DOMAIN.replace("(total-cost ?forall) (not (either ?forall))",
                                    "(total-cost ?forall) (not (either oneof))")
    with pytest.raises(PDDLInputError) as err:
        parse_strings(domain, KEYWORD_PROBLEM, "d", "p")
    assert "'oneof'" in str(err.value) and "kw_" not in str(err.value)
    assert str(err.value).startswith("d:" + position(domain, "oneof))") + ":")
