"""Heuristic code we do not trust, as text: it is loaded only inside the jail.

LLM-written heuristics (stored files for `--heuristic auto`, DK files of
`planner plan`, portfolio members, learn's candidates) and heuristic files
named on the command line reach the planner as UntrustedHeuristic: their
text, never an imported class. planner.search.jailed forks the jailed child
that calls loader.load_in_jail and guarded_evaluator; the parent never does.

In the child, each heuristic's values go through a guard that rejects bools
(which the compiled search would read as 0/1) before the compiled checks of
non-numbers, NaN and negative values; safe_dead_ends is ignored.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from planner.task import GroundTask

PRELOAD = ("collections", "collections.abc", "functools", "heapq", "itertools", "math", "typing",
           "numpy", "planner.heuristics.api", "planner.heuristics.pyperplan",
           "planner.heuristics.loader", "planner.heuristics.kernel",
           "planner.heuristics.kernel_differential")
"""Modules an LLM-written heuristic may import (planner.llm.static_check), loaded
before the chroot hides the file system (already in memory in a planner
process, so this costs nothing measurable). networkx (~0.3 s to import) is
loaded only for code that names it; a heuristic file of the user's also gets
the standard-library modules its top-level imports name."""
_NOT_PRELOADED = frozenset({"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo",
                            "webbrowser", "pydoc", "ensurepip", "venv", "lib2to3"})


@dataclass(frozen=True)
class UntrustedHeuristic:
    """Heuristic code that runs only inside the jail."""

    code: str
    class_name: str | None
    label: str
    """How messages name it: the file, or 'portfolio member (sample 3)'."""
    path: str = "<heuristic>"
    kind: str = "candidate"
    """'candidate': LLM-written (exec'd as a fresh module, class by name or the one
    class with __call__); 'file': a heuristic file named by the user (heuristic_api's
    rules, Pyperplan aliases)."""
    compiled: str | None = None
    """A compiled extension module built from exactly this code, if any."""
    shares: int = 1
    """Turns per round of a portfolio's alternation ('PATH.py*3', 'auto*3')."""
    python_form: UntrustedHeuristic | None = None
    """For a kernel form: the Python form it was translated from, which a search
    tries in the jail before h^FF when the kernel fails there (a crash, a compile
    error, a bad value), since it is the same heuristic, only slower."""


def is_untrusted(spec: Any) -> bool:
    return isinstance(spec, UntrustedHeuristic)


def from_file_spec(spec: str) -> UntrustedHeuristic:
    """'PATH.py[:Class]' read now, loaded later in the jail."""
    from pathlib import Path

    from planner.errors import ArgumentError

    path, class_name = spec, ""
    if spec.rpartition(":")[0].endswith(".py"):
        path, _, class_name = spec.rpartition(":")
    try:
        code = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ArgumentError(f"heuristic file not found or unreadable: {err}", path=path) from None
    return UntrustedHeuristic(code, class_name or None, path, str(Path(path).resolve()), kind="file")


def prepare_for_jail(sources: Sequence[UntrustedHeuristic], loading_only: bool = True) -> Any:
    """Trusted, in the child before the lock-down: imports and compiled modules' files.
    loading_only=False: Numba's full warm-up even when every kernel's object code
    is cached (the rerun after a planner.heuristics.kernel.CACHE_MISS)."""
    import os

    loaded: dict[int, Any] = {}

    def prepare() -> None:
        for name in PRELOAD:
            __import__(name)
        from planner.heuristics import pyperplan

        pyperplan.install_module_aliases()
        for source in sources:
            if source.kind == "file":
                for name in _stdlib_imports(source.code):
                    try:
                        __import__(name)
                    except Exception:  # noqa: BLE001 - the heuristic reports it when it imports
                        pass
        if any(is_kernel(s) for s in sources):
            # Numba and LLVM loaded and initialised (a trivial kernel compiled, in
            # memory) before the chroot; the candidate's kernel compiles after it, or
            # loads the object code a jailed run of the same code compiled (read
            # into memory here, loaded after the lock-down).
            from planner.heuristics.kernel import prepare_loading, preload_cache, warm_up

            hits = [preload_cache(source.code) for source in sources if is_kernel(source)]
            forced = os.environ.get("PLANNER_KERNEL_PREPARATION") == "warm-up"  # bench/kernel_startup.py
            if all(hits) and loading_only and not forced:
                # every kernel has cached object code: loading it needs Numba's code
                # generator only (0.01 s), not the trivial compilation that loads
                # Numba's typing and lowering (0.8-1.4 s of CPU per jailed run).
                prepare_loading()
            else:
                warm_up()
        if any("networkx" in s.code for s in sources):
            try:
                import networkx  # noqa: F401
            except ImportError:
                pass
        for i, source in enumerate(sources):
            if source.compiled:
                loaded[i] = _create_extension(source.compiled)
    return prepare, loaded


def is_kernel(source: UntrustedHeuristic) -> bool:
    from planner.heuristics.kernel import KERNEL_CLASS_NAME, is_kernel_program

    if source.class_name == KERNEL_CLASS_NAME:
        return True
    return not source.class_name and is_kernel_program(source.code)


def _stdlib_imports(code: str) -> list[str]:
    """Standard-library modules named by the top-level imports of a heuristic file."""
    import ast
    import sys

    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    names = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return [n for n in names if n.split(".")[0] in sys.stdlib_module_names
            and n.split(".")[0] not in _NOT_PRELOADED]


def _create_extension(path: str) -> Any:
    """dlopen the module and run its PEP 489 create step; its body (the heuristic's
    code) runs later, in exec_module, after the lock-down. None on any failure
    (then the Python source is used)."""
    import importlib.machinery
    import importlib.util
    from pathlib import Path

    try:
        name = Path(path).name.split(".", 1)[0]
        loader = importlib.machinery.ExtensionFileLoader(name, path)
        spec = importlib.util.spec_from_file_location(name, path, loader=loader)
        if spec is None:
            return None
        return loader, importlib.util.module_from_spec(spec)
    except (ImportError, OSError):
        return None


def guarded_evaluator(cls: type, task: GroundTask, label: str) -> Any:
    """A compiled evaluator over an instance of cls, with bools rejected and
    safe_dead_ends ignored."""
    from planner import _core
    from planner.errors import HeuristicError
    from planner.heuristics.api import TaskView
    from planner.heuristics.kernel import KernelHeuristic
    from planner.util.gcpause import gc_paused

    try:
        with gc_paused():  # millions of operator names on hard tasks (planner.util.gcpause)
            instance = cls(TaskView(task))
    except BaseException as exc:  # noqa: BLE001 - SystemExit/GeneratorExit are failures too
        raise HeuristicError(f"heuristic {label}: constructor failed: {type(exc).__name__}: {exc}") from None
    if isinstance(instance, KernelHeuristic):
        # Compiled here, in the jailed child: the search calls its machine code
        # (planner._core.KernelEvaluator), which returns doubles only.
        evaluator = instance.evaluator(label)
        evaluator.is_safe = False
        return evaluator

    def guarded(state: Any, _h: Any = instance) -> Any:
        value = _h(state)
        kind = type(value)
        if kind is float or kind is int:
            return value
        head = value[0] if (kind is tuple or kind is list) and len(value) == 2 else value
        if type(head) is bool:
            raise TypeError(f"heuristic {label} returned a bool ({head!r}); expected a number")
        return value

    return _core.PythonEvaluator(guarded, task, name=label,
                                 provides_preferred=bool(getattr(instance, "provides_preferred", False)),
                                 safe=False)


def cache_miss(outcome: Any) -> bool:
    """A jailed run (planner.jail.JailResult) that met planner.heuristics.kernel.CACHE_MISS:
    run it again with prepare_for_jail(..., loading_only=False)."""
    import json

    from planner.heuristics.kernel import CACHE_MISS

    try:
        text = json.dumps(outcome.value, default=str)
    except (TypeError, ValueError):
        text = ""
    return CACHE_MISS in text or CACHE_MISS in str(outcome.detail or "")


__all__ = ["UntrustedHeuristic", "cache_miss", "from_file_spec", "guarded_evaluator", "is_untrusted",
           "prepare_for_jail"]
