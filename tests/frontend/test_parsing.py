"""planner.frontend.parsing: reading files, case folding, requirements, errors located
at file:line:column, the fast :init reader, and the parse_strings API."""
from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import PDDLInputError, PlannerError, UnsupportedFeatureError
from planner.frontend.parsing import SourceFile, source_from_bytes
from planner.frontend.inputs import parse_files, parse_strings

DOMAIN = """(define (domain Shuttle)
  (:requirements :strips :typing :negative-preconditions :equality)
  (:types truck - vehicle vehicle place)
  (:constants depot - place)
  (:predicates (at ?v - vehicle ?p - place) (road ?a ?b - place) (visited ?p - place))
  (:action Drive
    :parameters (?v - truck ?from ?to - place)
    :precondition (and (at ?v ?from) (road ?from ?to) (not (= ?from ?to)))
    :effect (and (not (at ?v ?from)) (at ?v ?to) (visited ?to))))
"""
PROBLEM = """; comment (with parentheses
(define (problem P1)
  (:domain shuttle)
  (:objects T1 - truck A b - place)
  (:init (at t1 DEPOT) (road depot a) ; (road a b) is commented out
         (road a B))
  (:goal (and (at t1 b) (visited a))))
"""


def test_parse_strings_reads_everything_case_folded() -> None:
    parsed = parse_strings(DOMAIN, PROBLEM)
    assert parsed.domain.name == "shuttle"
    assert {a.name for a in parsed.domain.actions} == {"drive"}
    assert {o.name for o in parsed.problem.objects} == {"t1", "a", "b"}
    assert parsed.init.atoms == frozenset({("at", "t1", "depot"), ("road", "depot", "a"),
                                           ("road", "a", "b")})
    assert parsed.domain_path == "<domain>" and parsed.problem_path == "<problem>"


def test_parse_files_names_the_files(tmp_path: Path) -> None:
    (tmp_path / "d.pddl").write_text(DOMAIN)
    (tmp_path / "p.pddl").write_text(PROBLEM)
    parsed = parse_files(tmp_path / "d.pddl", tmp_path / "p.pddl")
    assert parsed.domain_path == str(tmp_path / "d.pddl")
    assert parsed.problem_path == str(tmp_path / "p.pddl")


def test_utf8_comments_and_bom_free_text_are_fine() -> None:
    parse_strings("; café ☕\n" + DOMAIN, PROBLEM)


def test_init_function_values_and_costs() -> None:
    domain = DOMAIN.replace(":equality)", ":equality :action-costs)").replace(
        "(visited ?p - place))",
        "(visited ?p - place))\n  (:functions (total-cost) - number (len ?a ?b - place) - number)")
    problem = PROBLEM.replace("(road a B))", "(road a B) (= (len depot a) 3) (= (total-cost) 0))")
    parsed = parse_strings(domain, problem)
    assert parsed.init.functions == {("len", "depot", "a"): 3, ("total-cost",): 0}


def test_position_is_one_based() -> None:
    src = SourceFile("f", "ab\ncd\n")
    assert src.position(0) == (1, 1)
    assert src.position(4) == (2, 2)
    assert src.find_token("cd") == (2, 1)


def test_find_token_skips_comments_and_partial_words() -> None:
    src = SourceFile("f", "; road\n(roads road)")
    assert src.find_token("road") == (2, 8)


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"; only a comment\n", "empty"),
    (b"(a)\x00", "binary"),
    (b"(define \xff)", "UTF-8"),
])
def test_source_from_bytes_refuses(data: bytes, message: str) -> None:
    with pytest.raises(PDDLInputError, match=message) as err:
        source_from_bytes(data, "x.pddl")
    assert err.value.path == "x.pddl"


def test_syntax_error_is_located() -> None:
    bad = DOMAIN.replace("(:action Drive", "(:action Drive Drive")
    with pytest.raises(PDDLInputError) as err:
        parse_strings(bad, PROBLEM)
    assert (err.value.path, err.value.line) == ("<domain>", 6)
    assert err.value.column is not None
    assert str(err.value).startswith("<domain>:6:")


def test_unsupported_requirement_is_located() -> None:
    bad = DOMAIN.replace(":equality)", ":equality\n   :durative-actions)")
    with pytest.raises(UnsupportedFeatureError) as err:
        parse_strings(bad, PROBLEM)
    assert (err.value.line, err.value.column) == (3, 4)


def test_requirement_in_comment_is_ignored() -> None:
    parse_strings(DOMAIN.replace("(:types", "; (:requirements :durative-actions)\n  (:types"),
                  PROBLEM)


def test_action_costs_without_numeric_fluents_requirement() -> None:
    """IPC domains declare cost functions under :action-costs alone."""
    domain = DOMAIN.replace(":equality)", ":equality :action-costs)").replace(
        "(visited ?p - place))",
        "(visited ?p - place))\n  (:functions (total-cost) - number (len ?a ?b - place) - number)"
    ).replace("(visited ?to))))", "(visited ?to) (increase (total-cost) (len ?from ?to)))))")
    problem = PROBLEM.replace("(road a B))", "(road a B) (= (len depot a) 3) (= (len a b) 1))")
    parse_strings(domain, problem.replace("(visited a)))", "(visited a))) (:metric minimize (total-cost))"))


def test_action_without_precondition() -> None:
    domain = DOMAIN.replace(
        "    :precondition (and (at ?v ?from) (road ?from ?to) (not (= ?from ?to)))\n", "")
    parsed = parse_strings(domain, PROBLEM)
    assert len(parsed.domain.actions) == 1


def test_untyped_quantified_goal_is_parsed() -> None:
    domain = DOMAIN.replace(":equality)", ":equality :universal-preconditions)")
    problem = PROBLEM.replace("(visited a)", "(forall (?p) (visited ?p))")
    parse_strings(domain, problem)


@pytest.mark.parametrize("quantifier", ["forall", "exists"])
def test_typed_quantified_goal_is_parsed(quantifier: str) -> None:
    domain = DOMAIN.replace(":equality)", ":equality :adl)")
    problem = PROBLEM.replace("(visited a)", f"({quantifier} (?p - place) (visited ?p))")
    parse_strings(domain, problem)


def test_parse_errors_do_not_leave_tracebacklimit_set() -> None:
    import sys

    with pytest.raises(PlannerError):
        parse_strings(DOMAIN.replace("(:action Drive", "(:action"), PROBLEM)
    assert not hasattr(sys, "tracebacklimit")


@pytest.mark.parametrize("where", ["parameter", "predicate", "constant", "forall"])
def test_object_type_is_accepted_in_domains(where: str) -> None:
    domain = DOMAIN.replace(":equality)", ":equality :conditional-effects)")
    if where == "parameter":
        domain = domain.replace("?v - truck ?from", "?v - truck ?x - object ?from")
    elif where == "predicate":
        domain = domain.replace("(visited ?p - place)", "(visited ?p - object)")
    elif where == "constant":
        domain = domain.replace("depot - place)", "depot - place home - object)")
    else:
        domain = domain.replace("(visited ?to))))", "(visited ?to) (forall (?o - object) (not (visited ?o))))))")
    parse_strings(domain, PROBLEM)


# Regression tests: blanking '- object' out of the text once merged typed-list
# groups (spanner/transport became type cycles, o1 below became a place).
TYPED_LISTS_DOMAIN = """(define (domain d) (:requirements :typing)
 (:types place - object truck - place)
 (:constants home - object)
 (:predicates (at ?x ?p) (done ?x))
 (:action go :parameters (?x - object ?p - place) :precondition (at ?x ?p) :effect (done ?x)))"""
TYPED_LISTS_PROBLEM = """(define (problem q) (:domain d)
 (:objects o1 - object a - place t - truck)
 (:init (at o1 a) (at t a)) (:goal (and (done o1) (done t))))"""


def test_object_annotation_keeps_the_typed_list_grouping() -> None:
    parsed = parse_strings(TYPED_LISTS_DOMAIN, TYPED_LISTS_PROBLEM)
    types = {o.name: set(o.type_tags) for o in parsed.problem.objects}
    assert types["o1"] in (set(), {"object"})
    (action,) = parsed.domain.actions
    assert set(action.parameters[0].type_tags) in (set(), {"object"})
    from planner.frontend.grounding import ground
    ops = set(ground(parsed).operators)
    assert {"(go o1 a)", "(go t a)"} <= ops


def test_object_root_type_before_subtypes_is_not_a_cycle() -> None:
    domain = """(define (domain d) (:requirements :typing)
     (:types location locatable - object man nut - locatable)
     (:predicates (at ?m - locatable ?l - location)))"""
    problem = """(define (problem q) (:domain d) (:objects bob - man l1 - location)
     (:init (at bob l1)) (:goal (at bob l1)))"""
    parsed = parse_strings(domain, problem)
    assert parsed.domain.types["man"] == "locatable"


def test_object_type_is_accepted_for_problem_objects() -> None:
    parse_strings(DOMAIN, PROBLEM.replace("A b - place)", "A b - place x - object)"))


def test_object_annotations_keep_typed_list_groups_apart() -> None:
    """'- object' ends a typed-list group: blanking it once merged the next group
    into it (transport's 'size location locatable - object vehicle - locatable')."""
    from planner.frontend.inputs import parse_strings

    domain = """(define (domain d) (:requirements :typing)
      (:types size location locatable - object vehicle package - locatable)
      (:predicates (at ?x - locatable ?l - location) (free ?x ?y - object ?z - location))
      (:action go :parameters (?v - vehicle ?a ?b - object ?l - location)
        :precondition (free ?a ?b ?l) :effect (at ?v ?l)))"""
    problem = """(define (problem p) (:domain d)
      (:objects o1 - object l1 - location v1 - vehicle)
      (:init (free o1 o1 l1)) (:goal (at v1 l1)))"""
    parsed = parse_strings(domain, problem)
    assert parsed.domain.types["vehicle"] == "locatable"
    assert parsed.domain.types["locatable"] in (None, "object")  # pddl drops the root
    objects = {str(o.name): set(map(str, o.type_tags)) for o in parsed.problem.objects}
    assert objects["o1"] <= {"object"} and objects["l1"] == {"location"}
    action = next(iter(parsed.domain.actions))
    params = {str(p.name): set(map(str, p.type_tags)) for p in action.parameters}
    assert params["a"] <= {"object"} and params["l"] == {"location"}


def test_a_problem_for_another_domain_is_parsed_with_a_located_warning(caplog):
    domain = "(define (domain d) (:predicates (p)) (:action a :parameters () :precondition (p) :effect (not (p))))"
    problem = "(define (problem x)\n  (:domain other)\n  (:init (p)) (:goal (not (p))))"
    parsed = parse_strings(domain, problem)
    assert parsed.problem.name == "x"
    assert "<problem>:2:12: the problem is for domain 'other', but the domain file defines 'd'" in caplog.text
    caplog.clear()
    parse_strings(domain, problem.replace("other", "D"))  # names are case-insensitive
    assert caplog.text == ""
