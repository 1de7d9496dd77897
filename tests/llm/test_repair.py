from __future__ import annotations

from planner.llm.evaluate import CandidateRecord
from planner.llm.prompt import build_prompt
from planner.llm.repair import describe_problem, repair_messages, repairs_needed

CODE = "import os\n\nclass DomainHeuristic:\n    def __call__(self, s):\n        return 0\n"


def record(**kw) -> CandidateRecord:
    base = dict(sample_index=0, key="k", provenance={}, code=CODE, code_sha256="c",
                class_name="DomainHeuristic", static={"ok": True})
    base.update(kw)
    return CandidateRecord(**base)


def test_static_rejection_quotes_the_line_and_rule():
    r = record(static={"ok": False, "rule": "import", "line": 1,
                       "message": "import of 'os' is not allowed"})
    text = describe_problem(r)
    assert "line 1 (rule `import`)" in text and "```python\nimport os\n```" in text


def test_probe_failure_shows_the_counterexample_state_and_traceback():
    probe = {"outcome": "nonzero-at-goal", "detail": "h = 3.0 in a goal state",
             "counterexample": {"atoms": [["on", "b1", "b2"], ["arm-empty"]], "truncated": False,
                                "is_goal": True, "on_plan": True},
             "traceback": ""}
    text = describe_problem(record(probe=probe))
    assert "non-zero value in a goal state" in text and "h = 3.0" in text
    assert "('on', 'b1', 'b2')\n('arm-empty',)" in text and "(a goal state;" in text


def test_search_crash_is_repairable_but_timeouts_are_not():
    crashed = record(probe={"outcome": "ok"}, runs={
        "/t/p02.pddl": {"outcome": "timeout"},
        "/t/p01.pddl": {"outcome": "crash", "detail": "KeyError: 'b9'", "traceback": "KeyError: 'b9'"}})
    text = describe_problem(crashed)
    assert "`p01.pddl`" in text and "KeyError: 'b9'" in text and "Traceback" in text
    slow = record(probe={"outcome": "ok"}, runs={"/t/p01.pddl": {"outcome": "timeout"}})
    solved = record(probe={"outcome": "ok"}, runs={"/t/p01.pddl": {"outcome": "solved"}})
    assert describe_problem(slow) is None and describe_problem(solved) is None
    assert repairs_needed([slow, crashed, solved]) == [crashed]


def test_repair_conversation_continues_the_original_prompt(blocksworld, training_tasks):
    prompt = build_prompt(blocksworld / "domain.pddl", training_tasks)
    r = record(code=None, static={"ok": False, "rule": "no-code", "message": "no Python code block"})
    messages = repair_messages(prompt, r, "I would count blocks.")
    assert messages[:2] == prompt.as_list()
    assert messages[2] == {"role": "assistant", "content": "I would count blocks."}
    assert messages[3]["role"] == "user" and "no Python code block" in messages[3]["content"]
    assert f"class `{prompt.class_name}`" in messages[3]["content"]
