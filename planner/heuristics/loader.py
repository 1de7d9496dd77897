"""Loading heuristic classes from Python source: user files, stored and learned heuristics.

One rule decides which class in a source is "the heuristic" (heuristic_classes):
a top-level class that defines ``__call__`` in its body, or derives from such a
class defined earlier in the same source, and that no other such class derives
from (a local abstract base such as a Pyperplan-style ``Heuristic`` is not a
candidate). The LLM pipeline's extractor, the candidate loader and
``--heuristic FILE.py`` all use it, so a file that one accepts, all accept.
"""
from __future__ import annotations

import ast
import builtins
import importlib.util
import inspect
import linecache
import logging
import sys
import types
from pathlib import Path
from typing import Any

from planner.errors import ArgumentError, HeuristicError, LLMError
from planner.exitcodes import ExitCode
from planner.heuristics import api, pyperplan
from planner.heuristics.compile import extension_path
from planner.heuristics.format import check_domain, read_provenance
from planner.heuristics.kernel import KERNEL_CLASS_NAME, KernelError, is_kernel_program, kernel_class
from planner.heuristics.pyparse import parse_code
from planner.heuristics.static_check import check
from planner.heuristics.untrusted import UntrustedHeuristic

log = logging.getLogger(__name__)

CANDIDATE_MODULE = "candidate_heuristic"
CANDIDATE_FILE = "<candidate>"
LEGACY_API_MODULE = "planner.heuristic_api"
"""Where planner.heuristics.api lived before the package was regrouped; heuristic
files learned then, and the recorded answers in heuristics/pools, import it."""


def install_legacy_api_alias() -> None:
    """Let `from planner.heuristic_api import Heuristic` load the current API."""
    sys.modules.setdefault(LEGACY_API_MODULE, api)


class CandidateError(Exception):
    """The candidate's code does not define a usable heuristic class."""


def heuristic_classes(code: str) -> list[str]:
    """The heuristic classes of `code` in order of definition (empty if it does not parse)."""
    try:
        tree = parse_code(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    qualifying: list[str] = []
    bases_of: dict[str, set[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
        defines_call = any(isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name == "__call__"
                           for f in node.body)
        if defines_call or bases & set(qualifying):
            if node.name in qualifying:  # redefined: the later definition counts
                qualifying.remove(node.name)
            qualifying.append(node.name)
            bases_of[node.name] = bases
    derived_from = set().union(*bases_of.values()) if bases_of else set()
    return [name for name in qualifying if name not in derived_from]


def _pick(namespace: dict, names: list[str], class_name: str | None, where: str) -> type:
    if class_name is not None:
        cls = namespace.get(class_name)
        if not inspect.isclass(cls):
            raise CandidateError(f"{where} defines no class named {class_name!r}")
        return cls
    if len(names) != 1:
        found = ", ".join(names) or "none"
        raise CandidateError(f"expected one heuristic class with __call__, found {len(names)} ({found})")
    return namespace[names[0]]


def load_candidate(code: str, class_name: str | None = None) -> type:
    """Execute candidate code in a fresh module and return its heuristic class
    (for a kernel program, the class that compiles it when constructed).

    This runs the code: only call it where LLM-written code may run."""
    if class_name == KERNEL_CLASS_NAME or (class_name is None and is_kernel_program(code)):
        try:
            return kernel_class(code, name="kernel")
        except KernelError as err:
            raise CandidateError(str(err)) from None
    install_legacy_api_alias()
    module = types.ModuleType(CANDIDATE_MODULE)
    module.__dict__["__builtins__"] = builtins
    # Tracebacks show the candidate's lines (the repair loop quotes them).
    linecache.cache[CANDIDATE_FILE] = (len(code), None, code.splitlines(True), CANDIDATE_FILE)
    exec(compile(code, CANDIDATE_FILE, "exec"), module.__dict__)  # noqa: S102 - sandboxed
    return _pick(module.__dict__, heuristic_classes(code), class_name, "the code")


def load_heuristic_file(spec: str) -> type:
    """The heuristic class named by 'PATH.py[:ClassName]' (a user's own file).

    Without a class name, the file must define exactly one heuristic class
    (see heuristic_classes).
    """
    path_str, class_name = spec, ""
    if spec.rpartition(":")[0].endswith(".py"):
        path_str, _, class_name = spec.rpartition(":")
    path = Path(path_str)
    if not path.is_file():
        raise ArgumentError(f"heuristic file not found: {path}", path=path)
    module = _import_file(path)
    try:
        source = path.read_text(encoding="utf-8")
        return _pick(vars(module), heuristic_classes(source), class_name or None, "heuristic file")
    except CandidateError as err:
        hint = "" if class_name else "; name one with PATH.py:ClassName"
        raise ArgumentError(f"{err}{hint}", path=path) from None


def load_heuristic_source(code: str, path: str, class_name: str = "") -> type:
    """As load_heuristic_file, from the file's text read earlier (the jailed
    child cannot see the file system); tracebacks still name the file.
    This runs the code: only load_in_jail (in the jailed child) calls it.
    A file without a class name that defines prepare and h is a kernel program."""
    if not class_name and is_kernel_program(code):
        try:
            return kernel_class(code, name=Path(path).name.split(".", 1)[0] or "kernel")
        except KernelError as err:
            raise HeuristicError(str(err), path=path, exit_code=ExitCode.SEARCH_INPUT_ERROR) from None
    pyperplan.install_module_aliases()
    install_legacy_api_alias()
    name = f"planner_user_heuristic_{abs(hash(path))}"
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    linecache.cache[path] = (len(code), None, code.splitlines(True), path)
    try:
        exec(compile(code, path, "exec"), module.__dict__)  # noqa: S102 - only inside the jail
    except SyntaxError as exc:
        raise HeuristicError(f"syntax error in heuristic: {exc.msg}", path=path, line=exc.lineno,
                             exit_code=ExitCode.SEARCH_INPUT_ERROR) from exc
    except Exception as exc:
        raise HeuristicError(f"importing heuristic failed: {type(exc).__name__}: {exc}",
                             path=path, exit_code=ExitCode.SEARCH_INPUT_ERROR) from exc
    try:
        return _pick(vars(module), heuristic_classes(code), class_name or None, "heuristic file")
    except CandidateError as err:
        hint = "" if class_name else "; name one with PATH.py:ClassName"
        raise ArgumentError(f"{err}{hint}", path=path) from None


def _import_file(path: Path) -> types.ModuleType:
    pyperplan.install_module_aliases()
    install_legacy_api_alias()
    name = f"planner_user_heuristic_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ArgumentError(f"cannot import heuristic file {path}", path=path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise HeuristicError(f"syntax error in heuristic: {exc.msg}", path=path, line=exc.lineno,
                             exit_code=ExitCode.SEARCH_INPUT_ERROR) from exc
    except Exception as exc:
        raise HeuristicError(f"importing heuristic failed: {type(exc).__name__}: {exc}",
                             path=path, exit_code=ExitCode.SEARCH_INPUT_ERROR) from exc
    return module


def load_stored_heuristic(path: str | Path, class_name: str) -> UntrustedHeuristic:
    """The heuristic in a stored file, after the static safety check (the user
    directory may hold LLM-written code), as code for the jail (never executed
    here); with its Cython-compiled form when `planner learn --compile` built
    one for exactly this source."""
    return _load_checked(path, Path(path).read_text(encoding="utf-8"), class_name, "stored heuristic")


def load_stored_portfolio(path: str | Path, class_name: str) -> list[UntrustedHeuristic]:
    """The heuristics of a stored file: its own, then the portfolio members
    recorded in its provenance, each after the same safety check, as code for
    the jail (with its compiled form when one was built)."""
    classes = [load_stored_heuristic(path, class_name)]
    for member in read_provenance(path).get("portfolio") or []:
        code, name = member.get("code"), member.get("class_name")
        if not isinstance(code, str) or not isinstance(name, str):
            raise ArgumentError("portfolio member without code or class name", path=str(path))
        what = f"portfolio member (sample {member.get('sample_index')})"
        classes.append(_load_checked(path, code, name, what))
    return classes


def _load_checked(path: str | Path, code: str, class_name: str, what: str) -> UntrustedHeuristic:
    result = check(code)
    if not result.ok:
        raise ArgumentError(f"{what} fails the safety check: {result.reason}", path=str(path))
    compiled = extension_path(path, result.code)  # named by the code's sha256: only this source
    return UntrustedHeuristic(result.code, class_name, class_name, str(path), kind="candidate",
                              compiled=str(compiled) if compiled.exists() else None)


def load_learned_portfolio(dk: str | Path, domain: str | Path) -> list[UntrustedHeuristic]:
    """The heuristics in DK (its own, then any portfolio members) as code for the
    jail, after checking its domain and re-running the safety check on every
    one. Nothing of DK is executed here."""
    if not Path(dk).is_file():
        raise ArgumentError(f"heuristic file not found: {dk}", path=dk)
    check_domain(dk, domain)
    result = check(Path(dk).read_text(encoding="utf-8"))
    if not result.ok:
        raise LLMError(f"heuristic fails the safety check: {result.reason}", path=dk)
    class_name = read_provenance(dk).get("class_name")
    try:
        return load_stored_portfolio(dk, class_name)
    except (CandidateError, ArgumentError) as err:
        raise LLMError(str(err), path=dk) from err
    except Exception as err:  # noqa: BLE001 - the file was edited into something broken
        raise LLMError(f"heuristic file does not load: {type(err).__name__}: {err}", path=dk) from err


def load_learned_heuristic(dk: str | Path, domain: str | Path) -> UntrustedHeuristic:
    """DK's own (best) heuristic; see load_learned_portfolio for all."""
    return load_learned_portfolio(dk, domain)[0]


def load_in_jail(source: UntrustedHeuristic, extension: Any = None) -> type:
    """The heuristic class (only ever called inside the jailed child)."""
    if extension is not None:
        loader, module = extension
        loader.exec_module(module)
        cls = getattr(module, source.class_name or "", None)
        if isinstance(cls, type):
            return cls
    if source.kind == "file":
        return load_heuristic_source(source.code, source.path, source.class_name or "")
    return load_candidate(source.code, source.class_name)
