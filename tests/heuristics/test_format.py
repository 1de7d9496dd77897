from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.errors import LLMError
from planner.heuristics.format import (check_domain, default_path, domain_fingerprint, read_provenance,
                               write_heuristic)

DOMAIN = "(define (domain d) (:predicates (p ?x)) (:action a :parameters (?x) :precondition (p ?x) :effect (not (p ?x))))"


@given(st.sampled_from([" ", "\n", "\t", "  \n  "]), st.booleans())
def test_fingerprint_ignores_comments_case_and_layout(space, upper):
    text = DOMAIN.replace(" ", space) + "\n; a comment\n"
    text = text.upper() if upper else text
    assert domain_fingerprint(text) == domain_fingerprint(DOMAIN)


def test_fingerprint_changes_with_the_domain():
    assert domain_fingerprint(DOMAIN) != domain_fingerprint(DOMAIN.replace("(not (p ?x))", "(p ?x)"))


def test_written_heuristic_carries_its_provenance(tmp_path):
    domain = tmp_path / "domain.pddl"
    domain.write_text(DOMAIN)
    path = tmp_path / "out" / "h.py"
    code = "class H:\n    def __call__(self, s):\n        return 0\n"
    write_heuristic(path, code, "H", {"model": "m", "domain_fingerprint": domain_fingerprint(DOMAIN)})
    assert path.read_text().endswith(code)
    assert read_provenance(path)["model"] == "m" and read_provenance(path)["class_name"] == "H"
    assert json.loads((tmp_path / "out" / "h.py.json").read_text())["model"] == "m"
    check_domain(path, domain)
    other = tmp_path / "other.pddl"
    other.write_text(DOMAIN.replace("(p ?x))))", "(p ?x)) (p ?x))))"))
    with pytest.raises(LLMError, match="different domain"):
        check_domain(path, other)
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_files_without_header_are_refused(tmp_path):
    plain = tmp_path / "h.py"
    plain.write_text("class H: pass\n")
    with pytest.raises(LLMError, match="no provenance header"):
        read_provenance(plain)


def test_default_path_is_per_domain_and_fingerprint(tmp_path):
    domain = tmp_path / "domain.pddl"
    domain.write_text(DOMAIN)
    path = default_path(domain, tmp_path / "heuristics")
    assert path.parent.name == "d" and path.stem == domain_fingerprint(DOMAIN)[:16]
