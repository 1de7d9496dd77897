"""Reading PDDL files with the `pddl` package, with errors a user can act on.

The `pddl` package parses but neither locates its semantic errors nor checks
names, arities or our supported fragment. This module reads the text
(case-folded, as PDDL is case-insensitive), parses it, turns every parser
exception into a PDDLInputError with file, line and column, and then checks
what the package does not (see planner.checks).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import lark
from pddl.core import Domain, Problem
from pddl.exceptions import PDDLError

from planner.errors import PDDLInputError, UnsupportedFeatureError

MAX_FILE_BYTES = 512 * 1024 * 1024

SUPPORTED_REQUIREMENTS = frozenset(
    {
        "strips", "typing", "negative-preconditions", "disjunctive-preconditions",
        "equality", "existential-preconditions", "universal-preconditions",
        "quantified-preconditions", "conditional-effects", "adl", "action-costs",
        # Accepted at parse time; planner.checks refuses numeric use beyond action costs.
        "numeric-fluents", "fluents",
    }
)
UNSUPPORTED_REQUIREMENTS = {
    "derived-predicates": "derived predicates (axioms)",
    "durative-actions": "durative actions",
    "duration-inequalities": "duration inequalities",
    "continuous-effects": "continuous effects",
    "timed-initial-literals": "timed initial literals",
    "preferences": "preferences",
    "constraints": "state-trajectory constraints",
    "object-fluents": "object fluents",
    "non-deterministic": "non-deterministic effects",
    "probabilistic-effects": "probabilistic effects",
}

_REQUIREMENTS_BLOCK = re.compile(r"\(\s*:requirements\b([^)]*)\)")
_COMMENT = re.compile(r";[^\n]*")


@dataclass(frozen=True)
class SourceFile:
    """A PDDL file's text (case-folded) and the name to show in messages."""

    path: str
    text: str

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return line, column

    def find_token(self, token: str, start: int = 0) -> tuple[int, int] | None:
        """Line and column of the first whole-token occurrence of `token`, outside comments."""
        pattern = re.compile(r"(?<![\w\-?:])" + re.escape(token.lower()) + r"(?![\w\-])")
        masked = _mask_comments(self.text)
        match = pattern.search(masked, start)
        return self.position(match.start()) if match else None

    def error(self, message: str, token: str | None = None, start: int = 0,
              cls: type[PDDLInputError] = PDDLInputError) -> PDDLInputError:
        """An error located at the first occurrence of `token` (or at the file)."""
        where = self.find_token(token, start) if token else None
        line, column = where if where else (None, None)
        return cls(message, self.path, line, column)


@lru_cache(maxsize=8)
def _mask_comments(text: str) -> str:
    """The text with comments blanked out, keeping every offset."""
    return _COMMENT.sub(lambda m: " " * len(m.group(0)), text)


@dataclass(frozen=True)
class ParsedTask:
    """A parsed domain and problem, with their sources for locating errors."""

    domain: Domain
    problem: Problem
    domain_source: SourceFile
    problem_source: SourceFile

    @property
    def domain_path(self) -> str:
        return self.domain_source.path

    @property
    def problem_path(self) -> str:
        return self.problem_source.path


def read_source(path: str | Path) -> SourceFile:
    """Read a PDDL file as text, refusing missing, huge or binary files clearly."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise PDDLInputError("is a directory, not a PDDL file", str(p))
        if size > MAX_FILE_BYTES:
            raise PDDLInputError(f"file is too large ({size} bytes)", str(p))
        data = p.read_bytes()
    except FileNotFoundError:
        raise PDDLInputError("file not found", str(p)) from None
    except PermissionError:
        raise PDDLInputError("permission denied", str(p)) from None
    return source_from_bytes(data, str(p))


def source_from_bytes(data: bytes, name: str) -> SourceFile:
    if b"\x00" in data:
        raise PDDLInputError("binary data (NUL bytes), not a PDDL text file", name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PDDLInputError("not UTF-8 text (invalid byte)", name, line) from None
    if not text.strip() or not _mask_comments(text).strip():
        raise PDDLInputError("file is empty (no PDDL definition)", name)
    return SourceFile(name, text.lower())


def _check_requirements(src: SourceFile) -> str:
    """Refuse unsupported requirements by name and location; return the text to parse.

    The `pddl` package refuses cost functions such as (road-length ?a ?b)
    under :action-costs alone, which IPC domains use; we let it parse them
    as numeric fluents and check their use ourselves.
    """
    masked = _mask_comments(src.text)
    text = src.text
    for block in _REQUIREMENTS_BLOCK.finditer(masked):
        names = re.findall(r":([\w\-]+)", block.group(1))
        for name in names:
            if name in UNSUPPORTED_REQUIREMENTS:
                line, col = src.position(block.start(1) + block.group(1).index(":" + name))
                raise UnsupportedFeatureError(
                    f"unsupported requirement :{name} ({UNSUPPORTED_REQUIREMENTS[name]}); "
                    "supported: STRIPS, typing, negative/disjunctive/quantified preconditions, "
                    "equality, conditional effects, ADL, action costs",
                    src.path, line, col,
                )
            if name not in SUPPORTED_REQUIREMENTS:
                line, col = src.position(block.start(1) + block.group(1).index(":" + name))
                raise PDDLInputError(f"unknown requirement :{name}", src.path, line, col)
        if "action-costs" in names and "numeric-fluents" not in names and "fluents" not in names:
            end = block.end(1)
            text = text[:end] + " :numeric-fluents" + text[end:]
    if "(:derived" in masked.replace("( :", "(:"):
        raise src.error("derived predicates (axioms) are not supported", ":derived",
                        cls=UnsupportedFeatureError)
    return text


@lru_cache(maxsize=1)
def _domain_parser():
    from pddl.parser.domain import DomainParser

    return DomainParser()


@lru_cache(maxsize=1)
def _problem_parser():
    from pddl.parser.problem import ProblemParser

    return ProblemParser()


def _describe_lark_error(exc: lark.exceptions.UnexpectedInput) -> str:
    if isinstance(exc, lark.exceptions.UnexpectedEOF) or (
        isinstance(exc, lark.exceptions.UnexpectedToken) and exc.token.type == "$END"
    ):
        return "unexpected end of file (unbalanced parentheses or a truncated file?)"
    if isinstance(exc, lark.exceptions.UnexpectedToken):
        expected = sorted(_pretty_terminal(t) for t in exc.expected)
        shown = ", ".join(expected[:8]) + (", ..." if len(expected) > 8 else "")
        return f"syntax error: unexpected '{exc.token}'" + (f"; expected {shown}" if shown else "")
    if isinstance(exc, lark.exceptions.UnexpectedCharacters):
        return f"syntax error: unexpected character '{exc.char}'"
    return "syntax error"


_TERMINALS = {"LPAR": "'('", "RPAR": "')'", "NAME": "a name", "VARIABLE": "a variable",
              "NUMBER": "a number", "TYPE_SEP": "'-'"}


def _pretty_terminal(name: str) -> str:
    if name in _TERMINALS:
        return _TERMINALS[name]
    return "'" + name.lower().replace("_", "-") + "'" if name.isupper() else name


def _run_parser(parser, src: SourceFile, text: str):
    import sys

    limit = getattr(sys, "tracebacklimit", None)
    try:
        return parser(text)
    except lark.exceptions.UnexpectedInput as exc:
        line = getattr(exc, "line", None)
        column = getattr(exc, "column", None)
        if line is not None and line < 0:
            line = column = None
        if isinstance(exc, lark.exceptions.UnexpectedEOF) or line is None:
            line = src.text.count("\n") + 1
        raise PDDLInputError(_describe_lark_error(exc), src.path, line, column) from None
    except lark.exceptions.VisitError as exc:
        raise _from_pddl_error(exc.orig_exc, src) from None
    except PDDLError as exc:
        raise _from_pddl_error(exc, src) from None
    except RecursionError:
        raise PDDLInputError("formulas are nested too deeply", src.path) from None
    finally:
        # pddl's parser leaves sys.tracebacklimit at 0 after an error.
        if limit is None and hasattr(sys, "tracebacklimit"):
            del sys.tracebacklimit


def _from_pddl_error(exc: BaseException, src: SourceFile) -> PDDLInputError:
    message = str(exc).strip() or type(exc).__name__
    names = re.findall(r"'([\w\-?]+)'", message)
    where = None
    for name in names:
        where = src.find_token(name)
        if where:
            break
    line, column = where if where else (None, None)
    message = re.sub(r"frozenset\(\{(.*?)\}\)", r"\1", message)
    return PDDLInputError(message, src.path, line, column)


def parse_domain_source(src: SourceFile) -> Domain:
    text = _check_requirements(src)
    return _run_parser(_domain_parser(), src, text)


def parse_problem_source(src: SourceFile) -> Problem:
    text = _check_requirements(src)
    return _run_parser(_problem_parser(), src, text)


def parse_files(domain_path: str | Path, problem_path: str | Path) -> ParsedTask:
    """Parse and check a domain and problem file."""
    return _parse(read_source(domain_path), read_source(problem_path))


def parse_strings(domain_text: str, problem_text: str,
                  domain_name: str = "<domain>", problem_name: str = "<problem>") -> ParsedTask:
    """Parse and check PDDL given as strings (for the library API and tests)."""
    return _parse(
        source_from_bytes(domain_text.encode("utf-8"), domain_name),
        source_from_bytes(problem_text.encode("utf-8"), problem_name),
    )


def _parse(dsrc: SourceFile, psrc: SourceFile) -> ParsedTask:
    from planner.checks import check_task

    domain = parse_domain_source(dsrc)
    problem = parse_problem_source(psrc)
    parsed = ParsedTask(domain, problem, dsrc, psrc)
    check_task(parsed)
    return parsed
