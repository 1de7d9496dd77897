from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fixtures import benchmark
from planner.errors import PlannerError
from planner.llm import prompt
from planner.llm.errors import TemplateError


def test_prompt_has_system_and_user_messages_with_every_section(blocksworld, training_tasks):
    p = prompt.build_prompt(blocksworld / "domain.pddl", training_tasks)
    assert [m["role"] for m in p.messages] == ["system", "user"]
    user = p.messages[1]["content"]
    assert "{{" not in user and "}}" not in user
    assert "(:action unstack" in user
    assert "# The heuristic interface" in user
    assert "class GripperHeuristic" in user and "class LogisticsHeuristic" in user
    assert "Return 0 **only** in goal states" in user
    assert f"one class\nnamed `{prompt.DEFAULT_CLASS_NAME}`" in user
    assert "('arm-empty',)" in user  # the example state as the planner stores it


def test_prompt_shows_smallest_and_largest_fitting_task(blocksworld, training_tasks):
    p = prompt.build_prompt(blocksworld / "domain.pddl", training_tasks)
    sizes = {str(t): len(t.read_text()) for t in training_tasks}
    small, large = p.training_tasks
    assert sizes[small] == min(sizes.values())
    assert sizes[large] == max(s for s in sizes.values() if s <= prompt.LARGE_TASK_MAX_CHARS)
    user = p.messages[1]["content"]
    for path in (small, large):
        name = re.search(r"\(problem ([^\s)]+)", Path(path).read_text()).group(1)
        assert f"(problem {name})" in user


def test_large_task_limit_falls_back_to_smallest_when_nothing_fits(training_tasks):
    small, large = prompt.choose_training_tasks(training_tasks, max_chars=10)
    assert small == large


def test_template_digest_is_recorded_and_changes_with_the_text(blocksworld, training_tasks, monkeypatch):
    p = prompt.build_prompt(blocksworld / "domain.pddl", training_tasks)
    names = [prompt.DEFAULT_TEMPLATE, prompt.INTERFACE_TEMPLATE, *prompt.DEFAULT_EXAMPLES]
    assert p.template_sha256 == prompt.templates_sha256(names)
    assert re.fullmatch(r"[0-9a-f]{64}", p.template_sha256)
    original = prompt.load_template
    monkeypatch.setattr(prompt, "load_template",
                        lambda n: original(n) + (" " if n == prompt.INTERFACE_TEMPLATE else ""))
    assert prompt.templates_sha256(names) != p.template_sha256


def test_static_atoms_are_separated_from_the_state():
    sat = benchmark("satellite")
    small, _ = prompt.choose_training_tasks(sorted((sat / "training" / "easy").glob("*.pddl")))
    static, dynamic, goals = prompt.describe_task((sat / "domain.pddl").read_text(), small.read_text())
    static_preds = {a[0] for a in static}
    assert {"supports", "calibration_target", "on_board"} <= static_preds
    assert "pointing" in {a[0] for a in dynamic}
    assert not static_preds & {a[0] for a in dynamic}
    assert goals and all(isinstance(a, tuple) and a == tuple(x.lower() for x in a) for a in goals)


def test_fill_rejects_missing_and_unknown_placeholders():
    with pytest.raises(TemplateError, match="no value"):
        prompt.fill("a {{x}} b", {})
    with pytest.raises(TemplateError, match="no placeholder"):
        prompt.fill("a {{x}} b", {"x": "1", "y": "2"})
    assert issubclass(TemplateError, PlannerError)


@given(st.text(), st.text())
def test_fill_inserts_values_verbatim_and_never_reexpands(a, b):
    out = prompt.fill("[{{a}}|{{b}}]", {"a": a, "b": b})
    assert out == f"[{a}|{b}]"


def test_unknown_template_and_unreadable_task_are_user_errors(tmp_path, blocksworld):
    with pytest.raises(TemplateError, match="no prompt template"):
        prompt.load_template("no_such_template")
    with pytest.raises(TemplateError, match="cannot read"):
        prompt.build_prompt(blocksworld / "domain.pddl", [tmp_path / "missing.pddl"])
    with pytest.raises(TemplateError, match="at least one"):
        prompt.build_prompt(blocksworld / "domain.pddl", [])


def test_split_roles_without_markers_is_one_user_message():
    assert prompt.split_roles("hello\n") == [{"role": "user", "content": "hello"}]


def test_unparsable_prompt_task_is_a_user_error_with_its_cause():
    with pytest.raises(TemplateError, match="cannot ground the task shown in the prompt"):
        prompt.describe_task("(define (domain d) (:predicates (p))", "(define (problem x) (:domain d))")
