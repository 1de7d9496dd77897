"""Pull the heuristic's Python code and class name out of an LLM response.

LLMs wrap code in Markdown fences (```python, ```py, bare ```), sometimes
several (an explanation snippet, then the answer), sometimes none. We take
the fenced block that defines a class with __call__ or a kernel program
(top-level prepare and h) (the last such one, since
answers end with their final version), else the last Python-looking block,
else the whole response if it parses. Failing that, the candidate is rejected
with rule 'no-code'.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from planner.heuristics.kernel import KERNEL_CLASS_NAME, is_kernel_program
from planner.heuristics.loader import heuristic_classes as _classes


def heuristic_classes(code: str) -> list[str]:
    """The heuristic classes of code (planner.heuristics.loader), or for a kernel
    program (top-level prepare and h, no class) [KERNEL_CLASS_NAME]."""
    classes = _classes(code)
    if not classes and is_kernel_program(code):
        return [KERNEL_CLASS_NAME]
    return classes

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$",
                    re.MULTILINE | re.DOTALL)
_PY_TAGS = {"", "python", "py", "python3", "py3"}
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class Extracted:
    """Code of the candidate and the heuristic class it defines (None if unknown)."""

    code: str | None
    class_name: str | None
    reason: str | None = None
    """Why nothing usable was found (rule 'no-code')."""


def code_blocks(text: str) -> list[str]:
    """Fenced blocks tagged as Python or untagged, in order of appearance."""
    text = _THINK.sub("", text)  # reasoning models' scratch work is not the answer
    return [m.group(3) for m in _FENCE.finditer(text) if m.group(2).lower() in _PY_TAGS]



def extract(response: str | None, class_name: str | None = None) -> Extracted:
    """The code block to evaluate; prefers blocks that define class_name, if given."""
    if not response or not response.strip():
        return Extracted(None, None, "empty response")
    blocks = code_blocks(response)
    if not blocks:
        stripped = _THINK.sub("", response).strip()
        if heuristic_classes(stripped):
            blocks = [stripped]
    if not blocks:
        return Extracted(None, None, "no Python code block in the response")
    chosen = _choose(blocks, class_name)
    classes = heuristic_classes(chosen)
    name = class_name if class_name in classes else (classes[-1] if classes else None)
    return Extracted(chosen.strip("\n") + "\n", name)


def _choose(blocks: list[str], class_name: str | None) -> str:
    if class_name is not None:
        named = [b for b in blocks if class_name in heuristic_classes(b)]
        if named:
            return named[-1]
    with_class = [b for b in blocks if heuristic_classes(b)]
    if with_class:
        return with_class[-1]
    # No block parses into a heuristic class: keep the longest so the static
    # check reports the real problem (often a syntax error) on the real answer.
    return max(blocks, key=len)
