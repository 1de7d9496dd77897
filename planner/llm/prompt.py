"""The synthesis prompt: domain PDDL, two training tasks, our interface, worked examples.

The prompt follows the reference method (Corrêa, Pereira & Seipp 2025): the
domain, the smallest and a larger training task, the planner's view of a state
and of the static facts, the heuristic interface, two worked examples on other
domains and a checklist. Its text lives in versioned template files under
templates/ so that changing a word is a new version: every result records the
template id and the sha256 of all template text that went into the prompt, so
results from different prompt versions are never mixed up silently.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Sequence

from planner.llm.errors import TemplateError

DEFAULT_TEMPLATE = "synthesize_v1"
DEFAULT_EXAMPLES = ("example_gripper_v1", "example_logistics_v1")
INTERFACE_TEMPLATE = "interface_v1"
KERNEL_TEMPLATE = "synthesize_kernel_v1"
KERNEL_INTERFACE = "interface_kernel_v1"
KERNEL_EXAMPLES = ("example_kernel_gripper_v1",)
"""The compiled kernel form (planner.heuristics.kernel): build_prompt(...,
template=KERNEL_TEMPLATE, interface=KERNEL_INTERFACE, examples=KERNEL_EXAMPLES)."""
TRANSLATE_TEMPLATE = "translate_kernel_v1"
"""The kernel translation of a selected Python heuristic (planner.llm.translate)."""
TRANSLATION_HEADING = "# Task: the kernel form of a Python heuristic"
"""The translation prompt's first user line: how a replay endpoint
(planner.llm.replay) tells a translation request from a synthesis request."""
DEFAULT_CLASS_NAME = "DomainHeuristic"
LARGE_TASK_MAX_CHARS = 12_000
"""A larger task is shown in full; tasks beyond this size would crowd out the
domain and examples, so the largest task that fits is used instead."""

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_ROLE_MARK = re.compile(r"^<!-- role: (system|user) -->\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Prompt:
    """Chat messages plus what is needed to tell prompt versions apart."""

    messages: tuple[dict[str, str], ...]
    template: str
    template_sha256: str
    """sha256 over the names and text of every template file used."""
    class_name: str
    training_tasks: tuple[str, ...] = field(default=())
    """Paths of the tasks shown in the prompt (smallest first)."""

    def as_list(self) -> list[dict[str, str]]:
        return [dict(m) for m in self.messages]


def load_template(name: str) -> str:
    """Text of templates/<name>.md shipped with the package."""
    try:
        return resources.files("planner.llm").joinpath("templates", f"{name}.md").read_text("utf-8")
    except FileNotFoundError as err:
        raise TemplateError(f"no prompt template named {name!r}") from err


def templates_sha256(names: Sequence[str]) -> str:
    """Stable digest of the named templates (order-sensitive, name-qualified)."""
    digest = hashlib.sha256()
    for name in names:
        text = load_template(name).encode("utf-8")
        digest.update(name.encode("utf-8") + b"\0" + str(len(text)).encode() + b"\0" + text)
    return digest.hexdigest()


def fill(template: str, values: dict[str, str], name: str = "template") -> str:
    """Replace {{key}} placeholders; unknown or unused keys are errors, because
    a silently empty section would give the LLM a different prompt than intended."""
    wanted = set(_PLACEHOLDER.findall(template))
    missing = wanted - values.keys()
    if missing:
        raise TemplateError(f"{name}: no value for placeholder(s) {sorted(missing)}")
    unused = values.keys() - wanted
    if unused:
        raise TemplateError(f"{name}: template has no placeholder(s) {sorted(unused)}")
    # One pass, so values containing '{{x}}' are not expanded again.
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def split_roles(text: str) -> list[dict[str, str]]:
    """Cut a filled template at its `<!-- role: ... -->` markers into chat messages."""
    marks = list(_ROLE_MARK.finditer(text))
    if not marks:
        return [{"role": "user", "content": text.strip()}]
    messages = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        messages.append({"role": mark.group(1), "content": text[mark.end() : end].strip()})
    return messages


def choose_training_tasks(
    tasks: Sequence[str | Path], max_chars: int = LARGE_TASK_MAX_CHARS
) -> tuple[Path, Path]:
    """The smallest task and the largest one whose text fits max_chars.

    Size is measured in characters of PDDL, a good proxy for the number of
    objects and atoms within one domain.
    """
    if not tasks:
        raise TemplateError("at least one training task is needed to build the prompt")
    sized = sorted((len(_read(p)), str(p)) for p in tasks)
    small = Path(sized[0][1])
    fitting = [p for size, p in sized if size <= max_chars]
    large = Path(fitting[-1]) if fitting else small
    return small, large


def build_prompt(
    domain_file: str | Path,
    training_tasks: Sequence[str | Path],
    template: str = DEFAULT_TEMPLATE,
    examples: Sequence[str] = DEFAULT_EXAMPLES,
    class_name: str = DEFAULT_CLASS_NAME,
    interface: str = INTERFACE_TEMPLATE,
) -> Prompt:
    """Build the synthesis prompt for one domain from its files (interface:
    the template describing the program's form, KERNEL_INTERFACE for kernels)."""
    domain_text = _read(domain_file)
    small, large = choose_training_tasks(training_tasks)
    small_text = _read(small)
    static, dynamic, goals = describe_task(domain_text, small_text)
    names = [template, interface, *examples]
    values = {
        "domain_name": _domain_name(domain_text),
        "domain_pddl": _strip_comments(domain_text),
        "small_task": _strip_comments(small_text),
        "large_task": _strip_comments(_read(large)),
        "static_atoms": _format_atoms(static),
        "example_state": _format_atoms(dynamic),
        "goal_atoms": _format_atoms(goals),
        "interface": load_template(interface).strip(),
        "examples": "\n\n".join(load_template(e).strip() for e in examples),
        "class_name": class_name,
    }
    text = fill(load_template(template), values, template)
    return Prompt(
        messages=tuple(split_roles(text)),
        template=template,
        template_sha256=templates_sha256(names),
        class_name=class_name,
        training_tasks=(str(small), str(large)) if large != small else (str(small),),
    )


def build_translation_prompt(domain_file: str | Path, python_code: str,
                             class_name: str = "<kernel>",
                             template: str = TRANSLATE_TEMPLATE,
                             examples: Sequence[str] = KERNEL_EXAMPLES) -> Prompt:
    """The request for the kernel form of a selected Python heuristic: the domain,
    the program (as stored, provenance header dropped), the kernel interface and
    its worked example. class_name is what the answer is filed as (the kernel
    class name, planner.heuristics.kernel.KERNEL_CLASS_NAME)."""
    domain_text = _read(domain_file)
    names = [template, KERNEL_INTERFACE, *examples]
    values = {
        "domain_name": _domain_name(domain_text),
        "domain_pddl": _strip_comments(domain_text),
        "python_program": python_code.strip("\n"),
        "interface": load_template(KERNEL_INTERFACE).strip(),
        "examples": "\n\n".join(load_template(e).strip() for e in examples),
        "class_name": class_name,
    }
    text = fill(load_template(template), values, template)
    if TRANSLATION_HEADING not in text:
        raise TemplateError(f"{template}: the translation heading is missing")
    return Prompt(messages=tuple(split_roles(text)), template=template,
                  template_sha256=templates_sha256(names), class_name=class_name)


def describe_task(
    domain_text: str, problem_text: str
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]], list[tuple[str, ...]]]:
    """(static atoms, non-static initial atoms, goal atoms) exactly as the heuristic's
    TaskView and StateView will show them: the task is parsed and grounded by the
    planner itself, so the prompt's example can never disagree with the interface."""
    from planner.errors import PlannerError
    from planner.frontend.grounding import ground
    from planner.frontend.inputs import parse_strings

    try:
        task = ground(parse_strings(domain_text, problem_text, "<prompt domain>", "<prompt task>"))
    except PlannerError as err:
        raise TemplateError(f"cannot ground the task shown in the prompt: {err}") from err
    lifted = task.lifted
    static = sorted(lifted.static_atoms)
    dynamic = sorted(set(lifted.init_atoms) - set(lifted.static_atoms))
    goals = sorted(lifted.goal_pos)
    return static, dynamic, goals


def _format_atoms(atoms: Sequence[tuple[str, ...]]) -> str:
    if not atoms:
        return "set()"
    return "{\n" + "".join(f"    {atom!r},\n" for atom in atoms) + "}"


def _domain_name(domain_text: str) -> str:
    match = re.search(r"\(\s*domain\s+([^\s()]+)", domain_text, re.IGNORECASE)
    return match.group(1).lower() if match else "unknown"


def _strip_comments(text: str) -> str:
    lines = (line.split(";", 1)[0].rstrip() for line in text.splitlines())
    return "\n".join(line for line in lines if line).strip()


def _read(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise TemplateError(f"cannot read {path}: {err.strerror}", path=path) from err
