"""Static screening of LLM-written heuristic code before it is ever run.

The check is an allow-list of imports plus a deny-list of names, attributes
and constructs that reach outside the heuristic's job: I/O, dynamic code,
introspection escapes (`().__class__.__bases__[0].__subclasses__()`,
generator frames' f_globals), and the file / process / network corners of the
allowed libraries (numpy.load, ndarray.ctypes, networkx.write_*). It is a
cheap first filter with precise reasons (rule + line) for the repair loop; the
sandbox, not this check, is what contains code that slips through.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from planner.heuristics.pyparse import parse_code

MAX_CODE_CHARS = 200_000

ALLOWED_MODULES = frozenset({
    "math", "itertools", "collections", "heapq", "functools", "networkx", "numpy",
    "typing", "__future__", "planner.heuristics.api",
    "planner.heuristic_api",  # its name before the package was regrouped (loader.LEGACY_API_MODULE)
})
"""Top-level modules a candidate may import (and their submodules, minus DENIED_ATTRIBUTES)."""

DENIED_NAMES = frozenset({
    "open", "exec", "eval", "compile", "__import__", "globals", "locals", "vars",
    "input", "breakpoint", "help", "exit", "quit", "license", "copyright", "credits",
    "memoryview", "__builtins__", "__loader__", "__spec__",
})

DENIED_ATTRIBUTES = frozenset({
    # modules re-exported by allowed libraries
    "os", "sys", "subprocess", "socket", "ctypes", "shutil", "pathlib", "importlib",
    "builtins", "io", "pickle", "marshal", "signal", "threading", "multiprocessing",
    "posix", "urllib", "http", "tempfile", "resource", "gc", "inspect", "weakref",
    # frames, code objects and other introspection handles
    "gi_frame", "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await", "ag_frame",
    "ag_code", "f_globals", "f_locals", "f_builtins", "f_back", "f_code", "f_trace",
    "tb_frame", "tb_next", "co_code", "co_consts", "func_globals", "func_code", "mro",
    # numpy file, pickle and foreign-memory entry points
    "load", "loads", "save", "savez", "savez_compressed", "savetxt", "loadtxt", "genfromtxt",
    "fromfile", "tofile", "fromregex", "memmap", "dump", "ctypeslib", "f2py", "distutils",
    "testing", "lib", "DataSource", "show_config",
    # networkx file and drawing corners
    "drawing", "readwrite", "nx_agraph", "nx_pydot", "nx_latex", "open_file",
    # typing's string evaluation
    "get_type_hints", "ForwardRef", "_eval_type",
    # system calls
    "system", "popen", "fork", "forkpty", "spawn", "kill", "environ",
})
DENIED_ATTRIBUTE_PREFIXES = ("read_", "write_")

SAFE_DUNDERS = frozenset({
    "__init__", "__call__", "__slots__", "__len__", "__iter__", "__contains__", "__eq__",
    "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__", "__repr__", "__str__",
    "__getitem__", "__name__", "__post_init__", "__bool__", "__next__",
})
"""Dunders with no reach outside the object (needed for methods and super().__init__)."""

ATTRIBUTE_BUILTINS = frozenset({"getattr", "setattr", "delattr", "hasattr"})
_DUNDER = re.compile(r"__\w+__")
_MODULE_LEVEL = (ast.Import, ast.ImportFrom, ast.ClassDef, ast.FunctionDef, ast.Assign,
                 ast.AnnAssign)
_DENIED_NODES = {
    ast.AsyncFunctionDef: "async code",
    ast.Await: "async code",
    ast.AsyncFor: "async code",
    ast.AsyncWith: "async code",
    ast.Global: "global statement",
}


@dataclass(frozen=True)
class Violation:
    """Why a candidate was rejected: a rule id, where, and a readable message."""

    rule: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: [{self.rule}] {self.message}"


@dataclass(frozen=True)
class CheckResult:
    code: str
    """The code as checked (after normalize())."""
    violations: tuple[Violation, ...] = ()
    warnings: tuple[Violation, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def reason(self) -> Violation | None:
        """The first violation: what a report or a repair prompt should show."""
        return self.violations[0] if self.violations else None


def check(code: str) -> CheckResult:
    """Parse and screen candidate code; never raises on any input string."""
    if len(code) > MAX_CODE_CHARS:
        return CheckResult(code, (Violation("too-large", 1, f"code exceeds {MAX_CODE_CHARS} characters"),))
    try:
        tree = parse_code(code)
    except SyntaxError as err:
        return CheckResult(code, (Violation("syntax", err.lineno or 1, f"{err.msg}"),))
    except (ValueError, RecursionError, MemoryError) as err:
        return CheckResult(code, (Violation("syntax", 1, f"unparsable code: {type(err).__name__}"),))
    code, tree = _normalize(code, tree)
    checker = _Checker()
    try:
        checker.check_module(tree)
    except RecursionError:
        checker.reject("too-deep", 1, "code nested too deeply to check")
    _check_kernel(tree, checker)
    # Escapes first: a module-level call that is also an escape is reported as the escape.
    violations = sorted(checker.violations, key=lambda v: v.rule == "module-level-code")
    return CheckResult(code, tuple(violations), tuple(checker.warnings))


def _check_kernel(tree: ast.Module, checker: "_Checker") -> None:
    """A kernel program (top-level prepare and h, planner.heuristics.kernel) must also
    stay inside the subset Numba compiles: kernel_check says where it does not, with
    a line and a reason, before anything is compiled."""
    from planner.heuristics.kernel import is_kernel_program, preferred_flag
    from planner.heuristics.kernel_check import kernel_violations

    if is_kernel_program(tree):
        try:
            for rule, line, message in kernel_violations(tree, preferred_flag(tree)):
                checker.reject(rule, line, message)
        except RecursionError:
            checker.reject("too-deep", 1, "code nested too deeply to check")


def _normalize(code: str, tree: ast.Module) -> tuple[str, ast.Module]:
    """Drop top-level `if __name__ == "__main__":` blocks: LLMs add them as demos;
    they never run inside the planner, so they are removed rather than rejected."""
    lines = code.splitlines(keepends=True)
    drop: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and _is_main_guard(node.test):
            drop.update(range(node.lineno - 1, (node.end_lineno or node.lineno)))
    if not drop:
        return code, tree
    new = "".join(line for i, line in enumerate(lines) if i not in drop)
    return new, parse_code(new)


def _is_main_guard(test: ast.expr) -> bool:
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == "__name__" and len(test.comparators) == 1
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


def _module_allowed(name: str) -> bool:
    parts = name.split(".")
    if any(p in DENIED_ATTRIBUTES or _DUNDER.fullmatch(p) and p != "__future__" for p in parts):
        return False
    return any(name == m or name.startswith(m + ".") for m in ALLOWED_MODULES)


def _attribute_denied(name: str) -> bool:
    return name in DENIED_ATTRIBUTES or name.startswith(DENIED_ATTRIBUTE_PREFIXES)


class _Checker(ast.NodeVisitor):
    def __init__(self) -> None:
        self.violations: list[Violation] = []
        self.warnings: list[Violation] = []
        self._docstrings: set[int] = set()

    def reject(self, rule: str, line: int, message: str) -> None:
        self.violations.append(Violation(rule, line, message))

    def check_module(self, tree: ast.Module) -> None:
        self._mark_docstrings(tree)
        for node in tree.body:
            if not isinstance(node, _MODULE_LEVEL) and id(node) not in self._docstring_stmts(tree):
                self.reject("module-level-code", node.lineno,
                            f"{type(node).__name__} statement at module level (only imports, "
                            "definitions and assignments may run on import)")
        self.visit(tree)

    def _docstring_stmts(self, tree: ast.Module) -> set[int]:
        return {id(n) for n in tree.body if isinstance(n, ast.Expr) and id(n.value) in self._docstrings}

    def _mark_docstrings(self, tree: ast.AST) -> None:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body
                if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                    self._docstrings.add(id(body[0].value))

    def generic_visit(self, node: ast.AST) -> None:
        label = _DENIED_NODES.get(type(node))
        if label is not None:
            self.reject("construct", getattr(node, "lineno", 1), f"{label} is not allowed")
        super().generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if not _module_allowed(alias.name):
                self.reject("import", node.lineno, f"import of {alias.name!r} is not allowed "
                            f"(allowed: {', '.join(sorted(ALLOWED_MODULES - {'__future__'}))})")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            self.reject("import", node.lineno, "relative imports are not allowed")
            return
        module = node.module or ""
        if not _module_allowed(module):
            self.reject("import", node.lineno, f"import from {module!r} is not allowed")
            return
        for alias in node.names:
            if alias.name == "*":
                self.reject("import", node.lineno, f"'from {module} import *' is not allowed")
            elif _attribute_denied(alias.name) or alias.name in DENIED_NAMES or (
                _DUNDER.fullmatch(alias.name) and module != "__future__"
            ):
                self.reject("denied-attribute", node.lineno, f"{module}.{alias.name} is not allowed")

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in DENIED_NAMES:
            self.reject("denied-name", node.lineno, f"use of {node.id!r} is not allowed")
        elif _DUNDER.fullmatch(node.id) and not (
            node.id == "__slots__" and isinstance(node.ctx, ast.Store)
        ):
            self.reject("dunder-name", node.lineno, f"name {node.id!r} is not allowed")
        elif node.id == "print":
            self.warnings.append(Violation("print", node.lineno, "print() output is discarded"))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if _DUNDER.fullmatch(node.attr) and node.attr not in SAFE_DUNDERS:
            self.reject("dunder-attribute", node.lineno, f"attribute {node.attr!r} is not allowed")
        elif _attribute_denied(node.attr):
            self.reject("denied-attribute", node.lineno, f"attribute {node.attr!r} is not allowed")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in ATTRIBUTE_BUILTINS:
            name = node.args[1] if len(node.args) > 1 else None
            if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                self.reject("computed-attribute", node.lineno,
                            f"{func.id}() needs a constant attribute name")
            elif _DUNDER.fullmatch(name.value) or _attribute_denied(name.value):
                self.reject("dunder-attribute", node.lineno,
                            f"{func.id}() of {name.value!r} is not allowed")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and id(node) not in self._docstrings:
            match = _DUNDER.search(node.value)
            if match and match.group(0) not in SAFE_DUNDERS:
                self.reject("dunder-string", node.lineno,
                            f"string mentioning {match.group(0)!r} (format-string or getattr escape)")
        elif isinstance(node.value, bytes) and _DUNDER.search(node.value.decode("latin-1")):
            self.reject("dunder-string", node.lineno, "bytes mentioning a dunder name")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._check_def_name(node.name, node.lineno)
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for keyword in node.keywords:
            if keyword.arg == "metaclass":
                self.reject("construct", node.lineno, "metaclasses are not allowed")
        self.generic_visit(node)

    def _check_def_name(self, name: str, line: int) -> None:
        if _DUNDER.fullmatch(name) and name not in SAFE_DUNDERS:
            self.reject("dunder-attribute", line, f"defining {name!r} is not allowed")
