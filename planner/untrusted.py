"""Searching with heuristic code we do not trust: only inside the jail.

LLM-written heuristics (stored files for `--heuristic auto`, DK files of
`planner plan`, portfolio members) and heuristic files named on the command
line reach the planner as UntrustedHeuristic: their text, never an imported
class. The trusted parent has parsed and grounded; jailed_search forks a
jailed child (planner.jail) that loads the code, builds the evaluators and
runs the compiled search on the task it inherited, and sends back the plan
as operator ids with the search statistics. The parent trusts none of it:
solve() validates the plan with the independent validator, never believes
an "unsolvable" or "incomplete" from the child (a candidate may claim
safe_dead_ends), and writes every file itself.

In the child, each heuristic's values go through a guard that rejects bools
(which the compiled search would read as 0/1) before the compiled checks of
non-numbers, NaN and negative values; safe_dead_ends is ignored.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

from planner.jail import HeuristicFailure, JailLimits, JailResult, run_jailed
from planner.task import GroundTask

PRELOAD = ("collections", "collections.abc", "functools", "heapq", "itertools", "math", "typing",
           "numpy", "planner.heuristic_api", "planner.pyperplan_compat")
"""Modules an LLM-written heuristic may import (planner.llm.static_check), loaded
before the chroot hides the file system (already in memory in a planner
process, so this costs nothing measurable). networkx (~0.3 s to import) is
loaded only for code that names it; a heuristic file of the user's also gets
the standard-library modules its top-level imports name."""
_NOT_PRELOADED = frozenset({"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo",
                            "webbrowser", "pydoc", "ensurepip", "venv", "lib2to3"})

MAX_PLAN_LENGTH = 1 << 20


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


def is_untrusted(spec: Any) -> bool:
    return isinstance(spec, UntrustedHeuristic)


def from_file_spec(spec: str) -> UntrustedHeuristic:
    """'PATH.py[:Class]' read now, loaded later in the jail."""
    from pathlib import Path

    from planner.errors import ArgumentError
    from planner.heuristic_api import split_heuristic_spec

    path, class_name = split_heuristic_spec(spec)
    try:
        code = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ArgumentError(f"heuristic file not found or unreadable: {err}", path=path) from None
    return UntrustedHeuristic(code, class_name or None, path, str(Path(path).resolve()), kind="file")


def _prepare(sources: Sequence[UntrustedHeuristic]) -> Any:
    """Trusted, in the child before the lock-down: imports and compiled modules' files."""
    loaded: dict[int, Any] = {}

    def prepare() -> None:
        for name in PRELOAD:
            __import__(name)
        from planner import pyperplan_compat

        pyperplan_compat.install_module_aliases()
        for source in sources:
            if source.kind == "file":
                for name in _stdlib_imports(source.code):
                    try:
                        __import__(name)
                    except Exception:  # noqa: BLE001 - the heuristic reports it when it imports
                        pass
        if any("networkx" in s.code for s in sources):
            try:
                import networkx  # noqa: F401
            except ImportError:
                pass
        for i, source in enumerate(sources):
            if source.compiled:
                loaded[i] = _create_extension(source.compiled)
    return prepare, loaded


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


def load_in_jail(source: UntrustedHeuristic, extension: Any = None) -> type:
    """The heuristic class (only ever called inside the jailed child)."""
    if extension is not None:
        loader, module = extension
        loader.exec_module(module)
        cls = getattr(module, source.class_name or "", None)
        if isinstance(cls, type):
            return cls
    if source.kind == "file":
        from planner.heuristic_api import load_heuristic_source

        return load_heuristic_source(source.code, source.path, source.class_name or "")
    return _load_candidate(source.code, source.class_name)


CANDIDATE_MODULE = "candidate_heuristic"


def _load_candidate(code: str, class_name: str | None) -> type:
    """Candidate code as a fresh module; its class by name, or its one class with __call__."""
    import builtins
    import linecache
    import types

    from planner.heuristic_api import HeuristicError

    module = types.ModuleType(CANDIDATE_MODULE)
    module.__dict__["__builtins__"] = builtins
    linecache.cache["<candidate>"] = (len(code), None, code.splitlines(True), "<candidate>")
    exec(compile(code, "<candidate>", "exec"), module.__dict__)  # noqa: S102 - only inside the jail
    if class_name is not None:
        cls = module.__dict__.get(class_name)
        if not isinstance(cls, type):
            raise HeuristicError(f"the code defines no class named {class_name!r}")
        return cls
    classes = [v for v in module.__dict__.values()
               if isinstance(v, type) and v.__module__ == CANDIDATE_MODULE and "__call__" in vars(v)]
    if len(classes) != 1:
        raise HeuristicError(f"expected one heuristic class with __call__, found {len(classes)}")
    return classes[0]


def guarded_evaluator(cls: type, task: GroundTask, label: str) -> Any:
    """A compiled evaluator over an instance of cls, with bools rejected and
    safe_dead_ends ignored."""
    from planner import _core
    from planner.heuristic_api import HeuristicError, TaskView

    try:
        instance = cls(TaskView(task))
    except BaseException as exc:  # noqa: BLE001 - SystemExit/GeneratorExit are failures too
        raise HeuristicError(f"heuristic {label}: constructor failed: {type(exc).__name__}: {exc}") from None

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


def jailed_search(task: GroundTask, algorithm: str, weight: float, members: Sequence[Any],
                  preferred: bool | None, time_limit: float | None, memory_limit: float | None,
                  allow_unjailed: bool = False) -> JailResult:
    """Search with `members` (UntrustedHeuristic and trusted specs) in a jailed
    child; a portfolio drops failing members there and goes on. The value of an
    'ok' result is checked by parse_child_result, not here."""
    sources = [m for m in members if is_untrusted(m)]
    prepare, extensions = _prepare(sources)
    # The child's search stops itself slightly before the parent's SIGKILL, so a
    # search out of time still reports its statistics.
    search_limit = None if time_limit is None else max(time_limit - 0.05, 0.01)

    def target() -> dict[str, Any]:
        from planner.heuristic_api import HeuristicError
        from planner.solve import _search_portfolio, _search_stats, resolve_heuristic

        evaluators, dropped, errors = [], [], []
        for member in members:
            try:
                if is_untrusted(member):
                    index = sources.index(member)
                    cls = load_in_jail(member, extensions.get(index))
                    evaluators.append(guarded_evaluator(cls, task, getattr(cls, "__name__", member.label)))
                else:
                    evaluators.append(resolve_heuristic(member, task))
            except Exception as err:  # noqa: BLE001 - that member's failure
                label = member.label if is_untrusted(member) else str(member)
                dropped.append(label)
                errors.append(f"{label}: {type(err).__name__}: {err}"[:300])
        if not evaluators:
            return {"failed": errors}
        seen: dict[str, int] = {}
        for evaluator in evaluators:  # portfolio members often share a class name
            if sum(e.name == evaluator.name for e in evaluators) > 1:
                seen[evaluator.name] = seen.get(evaluator.name, 0) + 1
                evaluator.name = f"{evaluator.name}#{seen[evaluator.name]}"
        deadline = math.inf if search_limit is None else _now() + search_limit
        try:
            result, used, more = _search_portfolio(task, algorithm, weight, evaluators, preferred,
                                                   deadline, memory_limit)
        except HeuristicError as err:
            return {"failed": errors + [str(err)[:300]], "kind": _failure_kind(err.__cause__)}
        stats = _search_stats(result)
        stats["search_time"] = result.statistics.search_time
        return {"status": result.status.value, "plan": list(result.plan) if result.plan else None,
                "cost": result.cost, "statistics": stats, "heuristic": [e.name for e in used],
                "dropped": dropped + list(more), "errors": errors}

    wall = math.inf if time_limit is None else time_limit
    memory = None if memory_limit is None else int(memory_limit) + 256
    limits = JailLimits(wall_seconds=wall, memory_mb=memory if memory else 4096)
    return run_jailed(target, limits, prepare=prepare, allow_unjailed=allow_unjailed)


def _failure_kind(cause: BaseException | None) -> str:
    """'invalid-value' when the compiled search (or the bool guard) rejected a
    value, 'memout' for MemoryError, else 'crash'."""
    if isinstance(cause, MemoryError):
        return "memout"
    text = str(cause)
    if isinstance(cause, (TypeError, ValueError)) and any(
            mark in text for mark in ("expected a number", "expected a non-negative", "expected h or",
                                      "preferred operator", "out of range")):
        return "invalid-value"
    return "crash"


def _now() -> float:
    import time

    return time.perf_counter()


@dataclass(frozen=True)
class ChildSearch:
    """The child's search as the parent accepts it (shapes and ranges checked)."""

    status: str
    plan: tuple[int, ...] | None
    statistics: dict[str, Any]
    heuristic: tuple[str, ...]
    dropped: tuple[str, ...]


_STATUSES = ("solved", "unsolvable", "incomplete", "out_of_time", "out_of_memory")


def parse_child_result(value: Any, task: GroundTask) -> ChildSearch:
    """Check the untrusted child's answer; HeuristicFailure('garbage') when malformed,
    HeuristicFailure('failed') when every heuristic failed."""
    if not isinstance(value, dict):
        raise HeuristicFailure("the jailed search returned no result object", "garbage")
    if "failed" in value:
        errors = value["failed"] if isinstance(value["failed"], list) else [str(value["failed"])]
        kind = value.get("kind") if value.get("kind") in ("invalid-value", "memout") else "failed"
        raise HeuristicFailure("; ".join(str(e)[:300] for e in errors[:4]) or "heuristic failed", kind)
    status = value.get("status")
    if status not in _STATUSES:
        raise HeuristicFailure(f"the jailed search returned status {str(status)[:40]!r}", "garbage")
    plan = value.get("plan")
    if plan is not None:
        if (not isinstance(plan, list) or len(plan) > MAX_PLAN_LENGTH
                or not all(type(o) is int and 0 <= o < task.num_operators for o in plan)):
            raise HeuristicFailure("the jailed search returned a malformed plan", "garbage")
        plan = tuple(plan)
    if status == "solved" and plan is None:
        raise HeuristicFailure("the jailed search said solved without a plan", "garbage")
    raw_stats = value.get("statistics") if isinstance(value.get("statistics"), dict) else {}
    stats: dict[str, Any] = {}
    for key in ("expansions", "evaluations", "generated", "dead_ends", "reopened", "registered_states",
                "peak_memory_kb"):
        item = raw_stats.get(key)
        stats[key] = item if type(item) is int and item >= 0 else 0
    for key in ("bytes_per_state", "search_time"):
        item = raw_stats.get(key)
        stats[key] = float(item) if type(item) in (int, float) and math.isfinite(item) and item >= 0 else 0.0
    initial = raw_stats.get("initial_h") if isinstance(raw_stats.get("initial_h"), dict) else {}
    stats["initial_h"] = {str(k)[:80]: float(v) for k, v in list(initial.items())[:16]
                          if type(v) in (int, float) and not math.isnan(v)}
    names = value.get("heuristic") if isinstance(value.get("heuristic"), list) else []
    dropped = value.get("dropped") if isinstance(value.get("dropped"), list) else []
    return ChildSearch(status, plan, stats, tuple(str(n)[:80] for n in names[:16]),
                       tuple(str(n)[:200] for n in dropped[:16]))


def log_child_output(result: JailResult, log: Any) -> None:
    """The child's stdout/stderr go to the log (stderr), marked, never to stdout."""
    if result.output.strip():
        lines = result.output.strip().splitlines()
        shown = "\n".join("  | " + line[:200] for line in lines[:20])
        more = f"\n  | ... {len(lines) - 20} more line(s)" if len(lines) > 20 else ""
        log.warning("output of the jailed heuristic (not the planner's):\n%s%s", shown, more)


__all__ = ["ChildSearch", "UntrustedHeuristic", "from_file_spec", "is_untrusted", "jailed_search",
           "load_in_jail", "parse_child_result"]
