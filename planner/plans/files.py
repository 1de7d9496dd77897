"""Plan files: reading what planners write and writing what validators read.

The format is Fast Downward's sas_plan: one ground action per line as
`(name arg ...)`, `;` starting a comment, and a trailer
`; cost = N (unit cost)` or `; cost = N (general cost)`. Names are
case-insensitive in PDDL, so steps are stored lowercase. VAL-style lines
(`0.000: (name arg) [1.000]`) are accepted too, so plans from temporal-style
tools can be checked without editing.

Plans are written atomically (temporary file in the same directory, then
os.replace) so that a planner killed mid-write never leaves a truncated plan
that a validator or a benchmark script would mistake for a real one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from planner.util.atomic import atomic_write_text
from planner.errors import PlannerError
from planner.exitcodes import ExitCode


class PlanFileError(PlannerError):
    """A plan file that cannot be read or does not follow the plan format."""

    exit_code = ExitCode.DRIVER_INPUT_ERROR


@dataclass(frozen=True)
class PlanStep:
    """One ground action of a plan, e.g. PlanStep('drive', ('t1', 'a', 'b'))."""

    name: str
    args: tuple[str, ...] = ()
    line: int | None = field(default=None, compare=False)
    """Line in the plan file it came from, for error messages (not compared)."""

    def __str__(self) -> str:
        return "(" + " ".join((self.name, *self.args)) + ")"


@dataclass(frozen=True)
class Plan:
    """The steps of a plan file plus the cost its trailer claims, if any."""

    steps: tuple[PlanStep, ...]
    declared_cost: int | float | None = None
    path: str | None = None


_COST_TRAILER = re.compile(r"cost\s*=\s*([-+]?\d+(?:\.\d+)?)", re.IGNORECASE)
_TIMESTAMP = re.compile(r"^\d+(?:\.\d+)?\s*:\s*")
_DURATION = re.compile(r"\s*\[\s*\d+(?:\.\d+)?\s*\]$")
_NAME = re.compile(r"[^\s()]+")


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def _parse_step(body: str, path: str | None, line: int, start_col: int) -> PlanStep:
    """Parse `(name arg ...)`; body has no comment and no surrounding blanks."""

    def fail(message: str, col: int) -> PlanFileError:
        return PlanFileError(message, path=path, line=line, column=start_col + col)

    if not body.startswith("("):
        raise fail(f"expected '(' to start an action, found {body[:20]!r}", 0)
    close = body.find(")")
    nested = body.find("(", 1)
    if nested >= 0 and (close < 0 or nested < close):
        raise fail("nested '(' inside an action", nested)
    if close < 0:
        raise fail("missing ')' to close the action", len(body))
    if close != len(body) - 1:
        raise fail(f"unexpected text after ')': {body[close + 1:][:20]!r}", close + 1)
    inner = body[1:close]
    tokens = _NAME.findall(inner)
    if not tokens:
        raise fail("empty action '()'", 0)
    name, *args = (t.lower() for t in tokens)
    return PlanStep(name, tuple(args), line)


def parse_plan(text: str, path: str | Path | None = None) -> Plan:
    """Parse plan text; a malformed line raises PlanFileError with path:line:column."""
    where = str(path) if path is not None else None
    steps: list[PlanStep] = []
    declared: int | float | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        code, _, comment = raw.partition(";")
        if comment:
            match = _COST_TRAILER.search(comment)
            if match:
                declared = _number(match.group(1))
        stripped = code.strip()
        if not stripped:
            continue
        col = len(code) - len(code.lstrip()) + 1
        timestamp = _TIMESTAMP.match(stripped)
        if timestamp:
            col += timestamp.end()
            stripped = stripped[timestamp.end():]
        stripped = _DURATION.sub("", stripped)
        steps.append(_parse_step(stripped, where, number, col))
    return Plan(tuple(steps), declared, where)


def read_plan(path: str | Path) -> Plan:
    """Read a plan file; a missing or unreadable file is a PlanFileError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanFileError("plan file not found", path=path) from None
    except IsADirectoryError:
        raise PlanFileError("plan path is a directory, not a file", path=path) from None
    except UnicodeDecodeError as err:
        raise PlanFileError(f"plan file is not UTF-8 text ({err.reason})", path=path) from None
    except OSError as err:
        raise PlanFileError(f"cannot read plan file: {err.strerror}", path=path) from None
    return parse_plan(text, path)


def _format_cost(cost: int | float) -> str:
    return str(int(cost)) if float(cost).is_integer() else repr(float(cost))


def format_plan(steps: Iterable[PlanStep | str], cost: int | float, unit_cost: bool) -> str:
    """The sas_plan text: one step per line, then `; cost = N (unit|general cost)`."""
    kind = "unit cost" if unit_cost else "general cost"
    lines = [str(step) for step in steps]
    lines.append(f"; cost = {_format_cost(cost)} ({kind})")
    return "\n".join(lines) + "\n"


def write_plan(
    path: str | Path,
    steps: Sequence[PlanStep | str],
    cost: int | float,
    unit_cost: bool,
) -> None:
    """Write a plan atomically: readers see the old file or the whole new one."""
    target = Path(path)
    text = format_plan(steps, cost, unit_cost)
    try:
        atomic_write_text(target, text, make_parents=False)
    except OSError as err:
        raise PlanFileError(f"cannot write plan file: {err.strerror}", path=path) from None


def remove_stale_plans(plan_file: str | Path) -> list[Path]:
    """Delete PLAN and PLAN.1, PLAN.2, ... left by an earlier run, as Fast
    Downward's driver does before it searches: scripts read 'a plan file
    exists' as 'this run found a plan'. Returns the files removed."""
    plan = Path(plan_file)
    removed = []
    candidates = [plan]
    if plan.parent.is_dir():
        candidates += [p for p in plan.parent.glob(f"{plan.name}.*")
                       if p.name[len(plan.name) + 1:].isdigit()]
    for path in candidates:
        try:
            if path.is_file():
                path.unlink()
                removed.append(path)
        except OSError:
            pass
    return removed
