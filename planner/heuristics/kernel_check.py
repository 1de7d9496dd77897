"""Static check of the kernel subset: what Numba's nopython mode would reject,
reported with a line and a plain reason before anything is compiled.

planner.heuristics.static_check runs these rules on every kernel program (a module
with top-level `prepare` and `h`), after its general safety rules. They apply
to h and the top-level functions it calls (compiled together); prepare is
plain Python. The rules are deliberately narrower than Numba (e.g. no dicts,
strings or try/except in a kernel): a kernel works on numbers and arrays, and
every construct left out is one whose failure would otherwise surface as a
long typing error. Compile errors that slip through still reach the repair
loop with Numba's message.
"""
from __future__ import annotations

import ast
import builtins as _builtins
from typing import Iterator

from planner.heuristics.kernel import kernel_functions

KERNEL_BUILTINS = frozenset({
    "range", "len", "min", "max", "abs", "int", "float", "bool", "enumerate", "zip", "round",
    "True", "False", "None",
})
NUMPY_FUNCTIONS = frozenset({
    "zeros", "ones", "empty", "full", "arange", "zeros_like", "ones_like", "empty_like",
    "full_like", "sum", "minimum", "maximum", "abs", "argmin", "argmax", "searchsorted",
    "sort", "argsort", "inf", "int32", "int64", "uint8", "float64", "bool_", "where", "any",
    "all", "cumsum", "count_nonzero", "flatnonzero", "nonzero", "sqrt", "floor", "ceil",
})
MATH_FUNCTIONS = frozenset({"inf", "isinf", "isnan", "sqrt", "floor", "ceil", "log", "exp",
                            "fabs", "pow"})
ARRAY_METHODS = frozenset({"fill", "copy", "sum", "min", "max", "argmin", "argmax", "any", "all",
                           "astype", "reshape", "nonzero", "append", "pop", "cumsum"})
ARRAY_ATTRIBUTES = frozenset({"shape", "size", "ndim", "dtype", "T"})

_DENIED = {
    ast.ClassDef: "classes", ast.Lambda: "lambda", ast.FunctionDef: "nested functions",
    ast.GeneratorExp: "generator expressions", ast.DictComp: "dict comprehensions",
    ast.SetComp: "set comprehensions", ast.Yield: "yield", ast.YieldFrom: "yield",
    ast.With: "with statements", ast.Try: "try/except (a failing kernel call already fails "
    "only this heuristic)", ast.JoinedStr: "f-strings", ast.Global: "global",
    ast.Nonlocal: "nonlocal", ast.Delete: "del", ast.Dict: "dict literals (use arrays)",
    ast.Starred: "star arguments", ast.Raise: "raise (return math.inf for dead ends)",
    ast.Assert: "assert",
}


def kernel_violations(tree: ast.Module, preferred: bool) -> Iterator[tuple[str, int, str]]:
    """(rule, line, message) for each construct outside the kernel subset."""
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    jitted = kernel_functions(tree)
    constants = _numeric_constants(tree) | _imported_functions(tree)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name.startswith("_planner"):
            yield "kernel-reserved", node.lineno, f"names starting with _planner are reserved ({node.name})"
    h = defs["h"]
    args = h.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.defaults or args.posonlyargs:
        yield "kernel-signature", h.lineno, ("h takes plain positional parameters: "
                                             "h(state, *arrays) or h(state, preferred, *arrays)")
    minimum = 2 if preferred else 1
    if len(args.args) < minimum:
        yield "kernel-signature", h.lineno, (
            "with PREFERRED = True the kernel is h(state, preferred, *arrays)" if preferred
            else "the kernel is h(state, *arrays)")
    calls = {name: _called(defs[name], defs) for name in jitted}
    for name in jitted:
        if _reaches(name, name, calls):
            yield "kernel-recursion", defs[name].lineno, (
                f"{name} calls itself (directly or through other functions); kernels cannot recurse: "
                "use a loop with an explicit stack array")
    for name in jitted:
        yield from _check_function(defs[name], set(jitted), constants)


def _imported_functions(tree: ast.Module) -> set[str]:
    """Names bound by `from math import inf` / `from numpy import zeros` that are in the subset."""
    out = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module in ("math", "numpy"):
            allowed = MATH_FUNCTIONS if node.module == "math" else NUMPY_FUNCTIONS
            out.update(a.asname or a.name for a in node.names if a.name in allowed)
    return out


def _numeric_constants(tree: ast.Module) -> set[str]:
    out = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            if _is_numeric(node.value):
                out.update(t.id for t in node.targets)
    return out


def _is_numeric(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float, bool)) and not isinstance(node.value, complex)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _is_numeric(node.operand)
    if isinstance(node, ast.Tuple):
        return all(_is_numeric(e) for e in node.elts)
    return False


def _called(fn: ast.FunctionDef, defs: dict) -> set[str]:
    return {n.func.id for n in ast.walk(fn)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in defs}


def _reaches(start: str, target: str, calls: dict[str, set[str]]) -> bool:
    todo, seen = list(calls.get(start, ())), set()
    while todo:
        x = todo.pop()
        if x == target:
            return True
        if x not in seen:
            seen.add(x)
            todo.extend(calls.get(x, ()))
    return False


def _local_names(fn: ast.FunctionDef) -> set[str]:
    names = {a.arg for a in fn.args.args}
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _check_function(fn: ast.FunctionDef, jitted: set[str], constants: set[str]) -> Iterator[tuple[str, int, str]]:
    local = _local_names(fn)
    docstring = (fn.body and isinstance(fn.body[0], ast.Expr)
                 and isinstance(fn.body[0].value, ast.Constant) and fn.body[0].value)
    for node in ast.walk(fn):
        if node is fn:
            continue
        label = _DENIED.get(type(node))
        if label is not None:
            yield "kernel-construct", node.lineno, f"{label} cannot be compiled in kernel function {fn.name}"
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)) and node is not docstring:
            yield "kernel-construct", node.lineno, (f"strings cannot be used in kernel function {fn.name}: "
                                                   "turn names into numbers in prepare()")
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            n = node.id
            if n in local or n in jitted or n in constants or n in KERNEL_BUILTINS or n in ("np", "numpy", "math"):
                continue
            if hasattr(_builtins, n):
                yield "kernel-name", node.lineno, f"builtin {n}() is not available in kernels"
            else:
                yield "kernel-name", node.lineno, (
                    f"{fn.name} uses {n!r}, which is neither a local, a number constant nor a kernel "
                    "function: pass data in as an array returned by prepare()")
        elif isinstance(node, ast.Attribute):
            base = node.value
            if isinstance(base, ast.Name) and base.id in ("np", "numpy") and base.id not in local:
                if node.attr not in NUMPY_FUNCTIONS:
                    yield "kernel-call", node.lineno, f"numpy.{node.attr} is not in the kernel subset"
            elif isinstance(base, ast.Name) and base.id == "math" and base.id not in local:
                if node.attr not in MATH_FUNCTIONS:
                    yield "kernel-call", node.lineno, f"math.{node.attr} is not in the kernel subset"
            elif node.attr not in ARRAY_METHODS and node.attr not in ARRAY_ATTRIBUTES:
                yield "kernel-call", node.lineno, (f"attribute .{node.attr} is not in the kernel subset "
                                                   f"(arrays offer {', '.join(sorted(ARRAY_ATTRIBUTES | ARRAY_METHODS))})")
        elif isinstance(node, ast.Call) and node.keywords:
            yield "kernel-call", node.lineno, "keyword arguments are not supported in kernel calls"
