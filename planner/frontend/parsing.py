"""Reading PDDL files with the `pddl` package, with errors a user can act on.

The `pddl` package parses but neither locates its semantic errors nor checks
names, arities or our supported fragment. This module reads the text
(case-folded, as PDDL is case-insensitive), parses it, turns every parser
exception into a PDDLInputError with file, line and column, and then checks
what the package does not (see planner.frontend.checks).
"""
from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import lark
import numpy as np
from pddl.core import Domain, Problem
from pddl.exceptions import PDDLError

from planner.errors import PDDLInputError, UnsupportedFeatureError
from planner.frontend.pddl_text import Analysis, Escapes, Rewrite, analyse, domain_predicates, extend

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
        # Grounded into axioms (planner.frontend.normalize, planner.frontend.grounding); the
        # search core refuses tasks with axioms until it evaluates them.
        "derived-predicates",
    }
)
UNSUPPORTED_REQUIREMENTS = {
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
    escapes: Escapes = field(default_factory=lambda: Escapes(set()), compare=False, repr=False)
    """Reserved names escaped for the `pddl` package (shared by a domain and its
    problem); names and messages from the parser are spelled back through it."""

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return line, column

    def find_token(self, token: str, start: int = 0, role: str | None = None
                   ) -> tuple[int, int] | None:
        """Line and column of the first whole-token occurrence of `token`, outside
        comments, from `start`; with role "head" only where it follows '(' (a
        predicate or keyword), with role "arg" only where it does not (an
        object), so an error names the offending token, not an earlier use of
        the same word in another role."""
        token = self.escapes.original(token)
        pattern = re.compile(r"(?<![\w\-?:])" + re.escape(token.lower()) + r"(?![\w\-])")
        masked = mask_comments(self.text)
        for match in pattern.finditer(masked, start):
            if role is not None:
                j = match.start() - 1
                while j >= 0 and masked[j].isspace():
                    j -= 1
                if (j >= 0 and masked[j] == "(") != (role == "head"):
                    continue
            return self.position(match.start())
        return None

    def find_atom(self, name: str, terms: list[str], start: int = 0) -> tuple[int, int] | None:
        """Line and column of the first atom written '(name term ...)' exactly,
        outside comments: an arity error points at the offending atom, not at
        the first use of its predicate."""
        name = self.escapes.original(name)
        terms = [self.escapes.original(t) for t in terms]
        pattern = re.compile(r"\(\s*" + re.escape(name.lower())
                             + "".join(r"\s+" + re.escape(t.lower()) for t in terms) + r"\s*\)")
        match = pattern.search(mask_comments(self.text), start)
        return self.position(match.start()) if match else None

    def error(self, message: str, token: str | None = None, start: int = 0,
              cls: type[PDDLInputError] = PDDLInputError, role: str | None = None
              ) -> PDDLInputError:
        """An error located at the first occurrence of `token` (or at the file)."""
        where = self.find_token(token, start, role) if token else None
        if where is None and token and role is not None:
            where = self.find_token(token, start)
        line, column = where if where else (None, None)
        return cls(self.escapes.unescape_text(message), self.path, line, column)


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
    extra_parents: dict[str, list[str]] = field(default_factory=dict)
    """Type -> the parents it is listed under after its first (Fast Downward
    makes it a subtype of every one; escaped names, as in `domain`)."""
    dummy_types: frozenset[str] = frozenset()
    """Types the parser saw that stand for those later listings; not real types."""

    @property
    def escapes(self) -> Escapes:
        return self.domain_source.escapes

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
    """Refuse unsupported and unknown requirements by name and location; return
    the text to parse. Flags a file uses without declaring are handled by
    `_prepare` (added to the parser's set, with a warning)."""
    _check_nesting(src)
    masked = mask_comments(src.text)
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
    return src.text


_SILENT_FLAGS = {"numeric-fluents"}
"""Flags added without a warning when :action-costs is declared or used: IPC
domains declare only :action-costs and read costs from functions such as
(road-length ?a ?b), which the `pddl` package counts as numeric fluents."""


@dataclass
class _Prepared:
    """A file's text as handed to the `pddl` package, and what was changed."""

    text: str
    rewrite: Rewrite
    analysis: Analysis
    flags: frozenset[str]
    """Every requirement flag the parser must accept for this file."""


def _prepare(src: SourceFile, text: str, predicates: set[str], is_domain: bool,
             declared_elsewhere: set[str] = frozenset()) -> _Prepared:
    """Escape reserved names, hide later parent listings of a type, and find
    the requirement flags the file uses without declaring them.

    Fast Downward's translator reads a task whatever its :requirements say;
    so do we, with one warning per missing flag at the first token needing it.
    """
    analysis = analyse(mask_comments(text), src.escapes, predicates, is_domain)
    declared = extend(analysis.declared | set(declared_elsewhere))
    cost_flags = "action-costs" in declared or "action-costs" in analysis.used
    for flag, offset in sorted(analysis.used.items(), key=lambda kv: kv[1]):
        if flag in declared or (flag in _SILENT_FLAGS and cost_flags):
            continue
        line, col = src.position(offset)
        log.warning("planner: warning: %s:%d:%d: requirement :%s is not declared but is "
                    "used here; reading the task as Fast Downward does", src.path, line, col, flag)
    flags = set(analysis.used) | set(analysis.declared)
    if cost_flags:
        flags |= {"action-costs", "numeric-fluents"}
    rewrite = Rewrite(text, analysis.edits)
    return _Prepared(rewrite.text, rewrite, analysis, frozenset(flags))


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
    from pddl.requirements import Requirements, _extend_domain_requirements

    class _DomainTransformer(DomainTransformer):
        """pddl 0.5.1 crashes on an action without :precondition or :effect
        (the missing optional parts arrive as None); skip them. The flags a
        file uses without declaring them (see `_prepare`) are added to the
        requirements it checks, so it reads what Fast Downward reads."""

        def __init__(self, extra_requirements=frozenset()) -> None:
            super().__init__()
            self._extra = {Requirements(f) for f in extra_requirements}
            self._requirements = set(self._extra)
            self._extended_requirements = _extend_domain_requirements(self._requirements)

        def requirements(self, args):
            super().requirements(args)
            self._requirements |= self._extra
            self._extended_requirements = _extend_domain_requirements(self._requirements)
            return dict(requirements=self._requirements)

        def domain(self, args):
            from pddl.action import Action
            from pddl.core import Domain
            from pddl.logic.predicates import DerivedPredicate

            args = [arg for arg in args if arg is not None]
            kwargs = {"requirements": self._requirements}
            actions, derived = [], []
            for arg in args[2:-1]:
                if isinstance(arg, Action):
                    actions.append(arg)
                elif isinstance(arg, DerivedPredicate):
                    derived.append(arg)
                else:
                    kwargs.update(arg)
            kwargs.update(actions=actions, derived_predicates=derived)
            self._types = None
            return Domain(**kwargs)

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


def _run_parser(parser: "_ReusableParser", src: SourceFile, prepared: _Prepared, **reset):
    import sys

    limit = getattr(sys, "tracebacklimit", None)
    try:
        return parser.parse(prepared.text, **reset)
    except lark.exceptions.UnexpectedInput as exc:
        line = getattr(exc, "line", None)
        column = getattr(exc, "column", None)
        if line is not None and line < 0:
            line = column = None
        if isinstance(exc, lark.exceptions.UnexpectedEOF) or line is None:
            line, column = src.text.count("\n") + 1, None
        elif column is not None:
            line, column = _original_position(src, prepared, line, column)
        message = src.escapes.unescape_text(_describe_lark_error(exc))
        raise PDDLInputError(message, src.path, line, column) from None
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


def _original_position(src: SourceFile, prepared: _Prepared, line: int,
                       column: int) -> tuple[int, int]:
    """(line, column) in the user's file of a position in the rewritten text."""
    text = prepared.text
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return src.position(prepared.rewrite.original_offset(start + column - 1))


def _from_pddl_error(exc: BaseException, src: SourceFile) -> PDDLInputError:
    message = src.escapes.unescape_text(str(exc).strip() or type(exc).__name__)
    names = re.findall(r"'([\w\-?]+)'", message)
    # an undefined constant is a term, never the name after '(' of the same
    # spelling (a predicate or keyword): point at the term
    role = "arg" if message.startswith("Constant ") else None
    where = None
    for name in names:
        where = src.find_token(name, 0, role) or (src.find_token(name) if role else None)
        if where:
            break
    line, column = where if where else (None, None)
    message = re.sub(r"frozenset\(\{(.*?)\}\)", r"\1", message)
    return PDDLInputError(message, src.path, line, column)


def parse_domain_source(src: SourceFile) -> Domain:
    text = _check_requirements(src)
    prepared = _prepare(src, text, domain_predicates(mask_comments(text)), True)
    domain = _run_parser(_domain_parser(), src, prepared, extra_requirements=prepared.flags)
    # what `_prepare` found (extra type parents), for `_parse`
    domain._planner_analysis = prepared.analysis  # type: ignore[attr-defined]
    return domain


def parse_problem_source(src: SourceFile, domain: Domain | None = None
                         ) -> tuple[Problem, InitialState]:
    from pddl.requirements import Requirements

    text = _check_requirements(src)
    text, init = _split_init(src, text)
    domain_flags = {str(r.value) for r in domain.requirements} if domain is not None else set()
    predicates = ({src.escapes.original(str(p.name)) for p in domain.predicates}
                  if domain is not None else set())
    prepared = _prepare(src, text, predicates, False, domain_flags)
    reqs = {Requirements(f) for f in prepared.flags | domain_flags}
    problem = _run_parser(_problem_parser(), src, prepared, domain_requirements=reqs)
    return problem, _escape_init(init, src.escapes)


def _escape_init(init: InitialState, escapes: Escapes) -> InitialState:
    """The initial state in the names the parser saw (reserved words escaped)."""
    from planner.frontend.pddl_text import RESERVED

    def name(word: str) -> str:
        return escapes.escape(word) if word in RESERVED else word

    words = set(itertools.chain.from_iterable(init.atoms))
    words.update(itertools.chain.from_iterable(h[1:] for h in init.functions))
    words.update(h[0] for h in init.functions if h[0] != "total-cost")
    if not words & RESERVED:
        return init
    atoms = frozenset(tuple(name(w) for w in a) for a in init.atoms)
    functions = {(h[0] if h[0] == "total-cost" else name(h[0]),) + tuple(name(w) for w in h[1:]): v
                 for h, v in init.functions.items()}
    return InitialState(atoms, functions)


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
