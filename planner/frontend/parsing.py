"""Reading PDDL files with the `pddl` package, with errors a user can act on.

The `pddl` package parses but neither locates its semantic errors nor checks
names, arities or our supported fragment. This module reads the text
(case-folded, as PDDL is case-insensitive), parses it, turns every parser
exception into a PDDLInputError with file, line and column, and then checks
what the package does not (see planner.frontend.checks).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import lark
import numpy as np
from pddl.core import Domain, Problem
from pddl.exceptions import PDDLError

from planner.errors import PDDLInputError, UnsupportedFeatureError

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_NESTING = 100_000
"""Deepest parenthesis nesting accepted. Real PDDL stays far below (IPC
domains: < 20); a 50 MB file of nested (and ...) took Lark and pddl minutes
and gigabytes before this check refused it in a fraction of a second."""

SUPPORTED_REQUIREMENTS = frozenset(
    {
        "strips", "typing", "negative-preconditions", "disjunctive-preconditions",
        "equality", "existential-preconditions", "universal-preconditions",
        "quantified-preconditions", "conditional-effects", "adl", "action-costs",
        # Accepted at parse time; planner.frontend.checks refuses numeric use beyond action costs.
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
        masked = mask_comments(self.text)
        match = pattern.search(masked, start)
        return self.position(match.start()) if match else None

    def find_atom(self, name: str, terms: list[str], start: int = 0) -> tuple[int, int] | None:
        """Line and column of the first atom written '(name term ...)' exactly,
        outside comments: an arity error points at the offending atom, not at
        the first use of its predicate."""
        pattern = re.compile(r"\(\s*" + re.escape(name.lower())
                             + "".join(r"\s+" + re.escape(t.lower()) for t in terms) + r"\s*\)")
        match = pattern.search(mask_comments(self.text), start)
        return self.position(match.start()) if match else None

    def error(self, message: str, token: str | None = None, start: int = 0,
              cls: type[PDDLInputError] = PDDLInputError) -> PDDLInputError:
        """An error located at the first occurrence of `token` (or at the file)."""
        where = self.find_token(token, start) if token else None
        line, column = where if where else (None, None)
        return cls(message, self.path, line, column)


@lru_cache(maxsize=4)
def mask_comments(text: str) -> str:
    """The text with comments blanked out, keeping every offset."""
    return _COMMENT.sub(lambda m: " " * len(m.group(0)), text)


@dataclass(frozen=True)
class InitialState:
    """The problem's :init section, read by our own fast reader.

    The `pddl` package builds a Python object per atom through a general
    LALR parser, which took 10 s on a 2.6 MB rovers problem; the :init
    section is a flat list, so we read it with a tokenizer instead, and
    hand `pddl` the problem with that section blanked out (offsets kept).
    """

    atoms: frozenset[tuple[str, ...]]
    functions: dict[tuple[str, ...], float]

    @staticmethod
    def offset_in(src: "SourceFile", atom: tuple[str, ...]) -> int:
        """Where an atom is written in the problem (for error messages only)."""
        words = [re.escape(w) for w in atom]
        pattern = r"\(\s*" + r"\s+".join(words) + r"\s*\)"
        if atom and atom[0] == "=":
            pattern = r"\(\s*=\s*\(\s*" + r"\s+".join(words[1:]) + r"\s*\)"
        match = re.search(pattern, mask_comments(src.text))
        return match.start() if match else 0


@dataclass(frozen=True)
class ParsedTask:
    """A parsed domain and problem, with their sources for locating errors.

    `problem.init` is empty: the initial state is in `init` (see InitialState).
    """

    domain: Domain
    problem: Problem
    domain_source: SourceFile
    problem_source: SourceFile
    init: InitialState

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
    if not text.strip() or not mask_comments(text).strip():
        raise PDDLInputError("file is empty (no PDDL definition)", name)
    return SourceFile(name, text.lower())


def _check_nesting(src: SourceFile) -> None:
    masked = mask_comments(src.text)
    data = np.frombuffer(masked.encode("latin-1", "replace"), dtype=np.uint8)
    depth = np.cumsum((data == 40).astype(np.int32) - (data == 41).astype(np.int32))
    too_deep = np.flatnonzero(depth > MAX_NESTING)
    if len(too_deep):
        line, col = src.position(int(too_deep[0]))
        raise PDDLInputError(f"parentheses nested more than {MAX_NESTING} levels deep",
                             src.path, line, col)


def _check_requirements(src: SourceFile) -> str:
    """Refuse unsupported requirements by name and location; return the text to parse.

    The `pddl` package refuses cost functions such as (road-length ?a ?b)
    under :action-costs alone, which IPC domains use; we let it parse them
    as numeric fluents and check their use ourselves.
    """
    _check_nesting(src)
    masked = mask_comments(src.text)
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


def _lark_cache_file(start: str) -> str | bool:
    """Where Lark may cache its parse tables (it checks a grammar hash itself).

    Building the LALR tables costs 0.3-0.4 s per parser at every start-up,
    which matters for IPC agile scores; the cache brings it to ~0.03 s.
    """
    try:
        import platformdirs

        folder = Path(platformdirs.user_cache_dir("planner"))
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".writable"
        probe.touch()
        return str(folder / f"lark-pddl-{lark.__version__}-{start}.cache")
    except OSError:
        return False


@lru_cache(maxsize=1)
def _grammar() -> tuple[str, str]:
    from pddl.parser import GRAMMAR_FILE, PARSERS_DIRECTORY

    return GRAMMAR_FILE.read_text(), str(PARSERS_DIRECTORY)


class _ReusableParser:
    """A Lark parser built once per process, whose transformer is reset
    before every file.

    pddl's transformers remember the names they have seen, so each file
    needs a clean one; but building the LALR parser costs ~40 ms even from
    Lark's cache, most of the parse time of a small task. Lark's callbacks
    are bound methods of the transformer object, so re-running its
    __init__ gives a clean transformer without rebuilding the parser.
    """

    def __init__(self, start: str, transformer) -> None:
        _let_pddl_know_the_root_type()
        grammar, imports = _grammar()
        self.transformer = transformer
        self.parser = lark.Lark(grammar, parser="lalr", import_paths=[imports], start=start,
                                transformer=transformer, cache=_lark_cache_file(start))

    def parse(self, text: str, **reset):
        self.transformer.__init__(**reset)
        return self.parser.parse(text)


def _let_pddl_know_the_root_type() -> None:
    """pddl 0.5.1 refuses '?x - object' unless some declared type names
    'object' as its parent: its set of known types leaves the root type out.
    Add it (once per process); 'object' is every PDDL domain's root type."""
    from pddl import _validation
    from pddl.custom_types import name

    original = _validation.Types._get_all_types
    if getattr(original, "planner_patched", False):
        return

    def _get_all_types(self):
        types = original(self)
        types.add(name("object"))
        return types

    _get_all_types.planner_patched = True  # type: ignore[attr-defined]
    _validation.Types._get_all_types = _get_all_types


def _domain_transformer_cls():
    from pddl.parser.domain import DomainTransformer

    class _DomainTransformer(DomainTransformer):
        """pddl 0.5.1 crashes on an action without :precondition or :effect
        (the missing optional parts arrive as None); skip them."""

        def action_def(self, args):
            from pddl.action import Action
            from pddl.logic.base import And

            children = [c for c in args[5].children if c is not None]
            body = {children[i][1:]: children[i + 1] for i in range(0, len(children) - 1, 2)}
            body.setdefault("precondition", And())
            body.setdefault("effect", And())
            return Action(args[2], args[4], **body)

    return _DomainTransformer


@lru_cache(maxsize=1)
def _domain_parser() -> _ReusableParser:
    return _ReusableParser("domain", _domain_transformer_cls()())


@lru_cache(maxsize=1)
def _problem_parser() -> _ReusableParser:
    """Goals are checked against the domain's requirements: pddl 0.5.1 checks
    them against the problem's own (usually none) and refuses ADL goals."""
    from pddl.parser.problem import ProblemTransformer
    from pddl.requirements import _extend_domain_requirements

    domain_cls = _domain_transformer_cls()

    class _ProblemTransformer(ProblemTransformer):
        def __init__(self, domain_requirements=frozenset()) -> None:
            super().__init__()
            self._domain_transformer = domain_cls()
            reqs = set(domain_requirements)
            self._domain_transformer._requirements = reqs
            self._domain_transformer._extended_requirements = _extend_domain_requirements(reqs)

        # quantified goals need these; pddl 0.5.1 forgot to forward them
        def typed_list_variable(self, args):
            return self._domain_transformer.typed_list_variable(args)

        def type_def(self, args):
            return self._domain_transformer.type_def(args)

    return _ReusableParser("problem", _ProblemTransformer())


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


def _run_parser(parser: "_ReusableParser", src: SourceFile, text: str, **reset):
    import sys

    limit = getattr(sys, "tracebacklimit", None)
    try:
        return parser.parse(text, **reset)
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
    except (PDDLError, lark.exceptions.LarkError) as exc:
        # pddl raises lark's ParseError for some semantic errors (e.g. an
        # undeclared constant in an action)
        raise _from_pddl_error(exc, src) from None
    except RecursionError:
        raise PDDLInputError("formulas are nested too deeply", src.path) from None
    except (TypeError, ValueError, AttributeError, KeyError, AssertionError,
            NotImplementedError) as exc:
        # pddl's transformer fails this way on some malformed input it does not check
        raise PDDLInputError(f"malformed PDDL ({type(exc).__name__}: {exc})", src.path) from None
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


def parse_problem_source(src: SourceFile, domain: Domain | None = None
                         ) -> tuple[Problem, InitialState]:
    text = _check_requirements(src)
    text, init = _split_init(src, text)
    reqs = domain.requirements if domain is not None else frozenset()
    return _run_parser(_problem_parser(), src, text, domain_requirements=reqs), init


_INIT_START = re.compile(r"\(\s*:init\b")
_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def _section_end(masked: str, open_at: int) -> int:
    """Offset just past the parenthesis that closes the one at `open_at` (-1 if none)."""
    data = np.frombuffer(masked.encode("latin-1", "replace"), dtype=np.uint8)[open_at:]
    depth = np.cumsum((data == 40).astype(np.int32) - (data == 41).astype(np.int32))
    closing = np.flatnonzero(depth == 0)
    return open_at + int(closing[0]) + 1 if len(closing) else -1


def _split_init(src: SourceFile, text: str) -> tuple[str, InitialState]:
    """Read the :init section ourselves; return the text with it blanked."""
    masked = mask_comments(text)
    match = _INIT_START.search(masked)
    if not match:
        return text, InitialState(frozenset(), {})
    end = _section_end(masked, match.start())
    if end < 0:
        line, col = src.position(match.start())
        raise PDDLInputError("unexpected end of file in the :init section "
                             "(unbalanced parentheses or a truncated file?)", src.path, line, col)
    body_start = match.end()
    init = _read_init(src, masked, body_start, end - 1)
    blank = masked[match.start():match.start() + 6] + re.sub(
        r"[^\n]+", lambda m: " " * len(m.group(0)), masked[match.start() + 6:end - 1]) + ")"
    return text[: match.start()] + blank + text[end:], init


def _read_init(src: SourceFile, masked: str, start: int, stop: int) -> InitialState:
    atoms: set[tuple[str, ...]] = set()
    functions: dict[tuple[str, ...], float] = {}
    tokens = _TOKEN.findall(masked, start, stop)
    i, n = 0, len(tokens)

    def fail(k: int, message: str) -> PDDLInputError:
        offsets = [m.start() for m in _TOKEN.finditer(masked, start, stop)]
        line, col = src.position(offsets[min(k, n - 1)] if n else start)
        return PDDLInputError(message, src.path, line, col)

    while i < n:
        if tokens[i] != "(":
            raise fail(i, f"syntax error in :init: expected '(', found '{tokens[i]}'")
        j = i + 1
        while j < n and tokens[j] != "(" and tokens[j] != ")":
            j += 1
        if j < n and tokens[j] == ")" and j > i + 1:
            atom = tuple(tokens[i + 1 : j])
            if atom[0] in ("=", "not", "and", "or"):
                raise fail(i + 1, f"malformed '{atom[0]}' in :init")
            atoms.add(atom)
            i = j + 1
            continue
        i = _read_init_function(tokens, i, functions, fail)
    return InitialState(frozenset(atoms), functions)


def _read_init_function(tokens, i, functions, fail) -> int:
    """(= (f a b) 5) -> functions[('f','a','b')] = 5; anything else nested is refused."""
    words = tokens[i : i + 3]
    if words[:3] != ["(", "=", "("]:
        if len(words) > 1 and words[1] == "not":
            raise fail(i + 1, "negative literals are not allowed in the initial state")
        if len(words) > 1 and words[1] == ")":
            raise fail(i + 1, "empty atom '()' in :init")
        raise fail(i + 1, "syntax error in :init: expected an atom '(pred arg ...)' "
                          "or a function value '(= (f arg ...) number)'")
    j = i + 3
    while j < len(tokens) and tokens[j] not in ("(", ")"):
        j += 1
    if j + 2 >= len(tokens) or tokens[j] != ")" or tokens[j + 2] != ")" or j == i + 3:
        raise fail(i, "syntax error in a function value '(= (f arg ...) number)' in :init")
    head = tuple(tokens[i + 3 : j])
    try:
        value = float(tokens[j + 1])
    except ValueError:
        raise fail(j + 1, f"expected a number, found '{tokens[j + 1]}'") from None
    functions[head] = int(value) if value.is_integer() else value
    return j + 3
