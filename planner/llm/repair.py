"""Repair prompts: show a failed candidate its counterexample and ask for a fix.

The conversation is the original prompt, the candidate's own answer, and one
follow-up naming what went wrong as precisely as we know it: the static rule
and the offending line; the probe's outcome with the state (as the planner
stores it) and the traceback; or the search's crash. Candidates that merely
ran out of time get no repair prompt: there is no counterexample to show.
The follow-up is rendered from a versioned template whose sha256 joins the
candidate's provenance.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from planner.llm.evaluate import CandidateRecord
from planner.llm.prompt import Prompt, fill, load_template, split_roles, templates_sha256

REPAIR_TEMPLATE = "repair_v1"
MAX_STATE_ATOMS = 60
REPAIRABLE_RUN_OUTCOMES = ("crash", "invalid-value")


def repair_template_sha256() -> str:
    return templates_sha256([REPAIR_TEMPLATE])


def describe_problem(record: CandidateRecord) -> str | None:
    """Markdown describing why the candidate failed, or None if there is nothing to fix."""
    if record.stage == "no-code" and record.static.get("rule") == "api-error":
        return None  # no answer to repair; a rerun requests the sample again (failures are not cached)
    if record.stage == "no-code":
        return ("Your answer contained no Python code block defining the heuristic class "
                f"({record.static.get('message')}).")
    if record.stage == "rejected":
        return _static_problem(record)
    if record.stage == "probe-failed":
        return _probe_problem(record.probe or {})
    broken = {t: r for t, r in record.runs.items() if r.get("outcome") in REPAIRABLE_RUN_OUTCOMES}
    if broken:
        task, run = next(iter(sorted(broken.items())))
        return (f"During search on training task `{_name(task)}` the heuristic failed "
                f"({run['outcome']}): {run.get('detail', '')}\n" + _traceback(run))
    return None


def repair_messages(prompt: Prompt, record: CandidateRecord,
                    response: str) -> list[dict[str, str]] | None:
    """The conversation asking for a fix, or None if the candidate needs none."""
    problem = describe_problem(record)
    if problem is None:
        return None
    text = fill(load_template(REPAIR_TEMPLATE), {"problem": problem, "class_name": prompt.class_name},
                REPAIR_TEMPLATE)
    return [*prompt.as_list(), {"role": "assistant", "content": response}, *split_roles(text)]


def _static_problem(record: CandidateRecord) -> str:
    static = record.static
    line = static.get("line")
    quoted = ""
    if record.code is not None and isinstance(line, int) and 1 <= line <= record.code.count("\n") + 1:
        quoted = f"\n\n```python\n{record.code.splitlines()[line - 1].rstrip()}\n```"
    return (f"The safety check rejected line {line} (rule `{static.get('rule')}`): "
            f"{static.get('message')}.{quoted}\n\nOnly the listed imports and plain Python are allowed.")


def _probe_problem(probe: Mapping[str, Any]) -> str:
    outcome, detail = probe.get("outcome"), probe.get("detail", "")
    what = {
        "invalid-value": "returned a value that is not a non-negative number",
        "nonzero-at-goal": "returned a non-zero value in a goal state",
        "zero-at-nongoal": "returned 0 in a state that is not a goal state",
        "infinite-on-solvable": "returned infinity in a state from which the goal is reachable",
        "crash": "raised an exception",
        "timeout": "did not finish within the time limit (an endless loop, or far too slow)",
        "memout": "ran out of memory",
    }.get(str(outcome), str(outcome))
    text = f"On the small task shown above, the heuristic {what}: {detail}"
    example = probe.get("counterexample")
    if example:
        atoms = [tuple(a) for a in example.get("atoms", [])]
        shown = atoms[:MAX_STATE_ATOMS]
        more = len(atoms) - len(shown) + (1 if example.get("truncated") else 0)
        kind = "a goal state" if example.get("is_goal") else "a state that is not a goal"
        text += (f"\n\nThe state ({kind}; its non-static atoms as `for atom in state` yields them):\n"
                 "```python\n" + "\n".join(repr(a) for a in shown)
                 + (f"\n# ... and {more} more" if more > 0 else "") + "\n```")
    return text + ("\n" + _traceback(probe) if probe.get("traceback") else "")


def _traceback(run: Mapping[str, Any]) -> str:
    trace = str(run.get("traceback") or "").strip()
    return f"\nTraceback:\n```\n{trace[-2500:]}\n```" if trace else ""


def _name(task: str) -> str:
    return task.rsplit("/", 1)[-1]


def repairs_needed(records: Sequence[CandidateRecord]) -> list[CandidateRecord]:
    """Records worth a repair prompt (those with a concrete problem to show)."""
    return [r for r in records if describe_problem(r) is not None]
