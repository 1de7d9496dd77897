"""Errors a user can act on.

Every user mistake (bad PDDL, unsupported feature, bad arguments) is raised as
a PlannerError carrying the file, line and column where known and the exit
code from Fast Downward's table; the CLI prints it as one line, never a
traceback.
"""
from __future__ import annotations

from pathlib import Path

from planner.exitcodes import ExitCode


class PlannerError(Exception):
    """A problem the user can fix, with where it is and the exit code to use."""

    exit_code: ExitCode = ExitCode.DRIVER_CRITICAL_ERROR

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        exit_code: ExitCode | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        if exit_code is not None:
            self.exit_code = exit_code

    def location(self) -> str:
        parts = [p for p in (self.path, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        loc = self.location()
        return f"{loc}: {self.message}" if loc else self.message


class PDDLInputError(PlannerError):
    """Malformed or inconsistent PDDL (FD: translate input error)."""

    exit_code = ExitCode.TRANSLATE_INPUT_ERROR


class UnsupportedFeatureError(PlannerError):
    """A PDDL feature outside our fragment (FD reports these as input errors too)."""

    exit_code = ExitCode.TRANSLATE_INPUT_ERROR


class ArgumentError(PlannerError):
    """Bad command-line or API arguments."""

    exit_code = ExitCode.DRIVER_INPUT_ERROR


class GroundingLimitError(PlannerError):
    """Grounding ran out of its time or memory budget."""

    exit_code = ExitCode.TRANSLATE_OUT_OF_TIME


class HeuristicError(PlannerError):
    """A Python heuristic raised or returned something unusable during search."""

    exit_code = ExitCode.SEARCH_CRITICAL_ERROR
    failed_evaluators: tuple = ()
    """The evaluators that failed (set by planner.search.engine), so a portfolio can drop them."""


class LLMError(PlannerError):
    """A user error around LLM-written heuristics: a wrong endpoint or key, an
    offline run whose cache lacks a response, a heuristic file that does not
    load or was learned for another domain (subclasses in planner.llm.errors)."""

    exit_code = ExitCode.DRIVER_INPUT_ERROR
