from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from planner.llm.extract import code_blocks, extract, heuristic_classes
from tests.llm.replay_server import recorded

CLASS = "class H:\n    def __call__(self, s):\n        return 0\n"


def test_takes_the_last_block_that_defines_a_heuristic_class():
    text = ("First an idea:\n```python\nx = 1\n```\nThen a draft:\n```python\n" + CLASS +
            "```\nFinal answer:\n```py\n" + CLASS.replace("H", "Final") + "```\nDone.")
    got = extract(text)
    assert got.class_name == "Final" and "class Final" in got.code


def test_prefers_the_requested_class_name():
    text = ("```python\n" + CLASS.replace("H", "DomainHeuristic") + "```\n```python\n"
            + CLASS + "```")
    got = extract(text, class_name="DomainHeuristic")
    assert got.class_name == "DomainHeuristic" and "class H:" not in got.code


def test_ignores_reasoning_and_non_python_blocks():
    text = ("<think>\n```python\nclass Wrong:\n    def __call__(self, s): return 1\n```\n</think>\n"
            "```pddl\n(define (domain d))\n```\n~~~python\n" + CLASS + "~~~\n")
    got = extract(text)
    assert got.class_name == "H" and "Wrong" not in got.code and "define" not in got.code


def test_unfenced_code_is_accepted_when_it_parses():
    assert extract(CLASS).class_name == "H"


def test_no_code_is_reported_with_a_reason():
    for text in (recorded("prose_only"), "", None, "```text\nhello\n```"):
        got = extract(text)
        assert got.code is None and got.reason


def test_broken_code_is_still_extracted_for_the_static_check_to_reject():
    got = extract(recorded("syntax_error"))
    assert got.code is not None and "def __init__(self, task)\n" in got.code
    assert got.class_name is None


def test_recorded_good_candidate():
    got = extract(recorded("good_blocksworld"))
    assert got.class_name == "DomainHeuristic"
    assert heuristic_classes(got.code) == ["DomainHeuristic"]


@given(st.text())
def test_never_raises(text):
    got = extract(text)
    assert got.code is None or isinstance(got.code, str)
    # a chosen block is one of the text's blocks, or the whole answer when it has none
    blocks = code_blocks(text)
    if got.code is not None and blocks:
        assert got.code.strip("\n") in [b.strip("\n") for b in blocks]
