"""Algorithm names and the command line each one runs.

Short names:
  ours-SEARCH-HEURISTIC   `planner solve --search SEARCH --heuristic HEURISTIC`
                          (SEARCH: gbfs, lazy-gbfs, astar, wastar:W, lazy-wastar:W;
                          e.g. ours-gbfs-ff, ours-lazy-gbfs-ff, ours-astar-lmcut)
  fd-lama-first           Fast Downward `--alias lama-first`
  fd-gbfs-ff              Fast Downward `--search "eager_greedy([ff()])"`
  fd-lazy-gbfs-ff         Fast Downward lazy greedy h^FF with preferred operators
  fd-astar-lmcut          Fast Downward `--search "astar(lmcut())"`
  pyperplan-gbfs-hff      pyperplan `-s gbf -H hff` (when pyperplan is installed)
Custom definitions, NAME=KIND:ARGS (ARGS split like a shell):
  bw-llm=ours:--search gbfs --heuristic heuristics/blocksworld/x.py
  fd-wa=fd:--evaluator h=ff() --search lazy_wastar([h],w=3)
  mine=command:./myplanner {domain} {problem} {plan} {time} {memory_mib}
A `command` planner must write its plan to {plan} and may print Fast
Downward's log lines; its exit code is read with Fast Downward's meanings.
"""
from __future__ import annotations

import importlib.util
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from planner.errors import ArgumentError

def _fd_script() -> Path:
    """fast-downward.py of the installed up-fast-downward package (no import: it is slow)."""
    spec = importlib.util.find_spec("up_fast_downward")
    if spec is None or spec.origin is None:
        return Path("up_fast_downward-not-installed/fast-downward.py")
    return Path(spec.origin).parent / "downward" / "fast-downward.py"


FD_SCRIPT = _fd_script()
KINDS = ("ours", "fd", "pyperplan", "command")

FD_CONFIGS = {
    "lama-first": ("--alias", "lama-first"),
    "gbfs-ff": ("--search", "eager_greedy([ff()])"),
    "lazy-gbfs-ff": ("--evaluator", "h=ff()", "--search", "lazy_greedy([h], preferred=[h])"),
    "astar-lmcut": ("--search", "astar(lmcut())"),
    "gbfs-add": ("--search", "eager_greedy([add()])"),
}


@dataclass(frozen=True)
class Algorithm:
    name: str
    kind: str
    args: tuple[str, ...]

    def describe(self) -> str:
        """The command line, for the report's algorithm table."""
        return f"{self.kind}: {shlex.join(self.args)}"


def parse_algorithm(spec: str) -> Algorithm:
    """A short name (ours-gbfs-ff, fd-lama-first, ...) or NAME=KIND:ARGS."""
    spec = spec.strip()
    if "=" in spec.split(":", 1)[0]:
        return _custom(spec)
    if spec.startswith("ours-"):
        return _ours(spec)
    if spec.startswith("fd-"):
        config = FD_CONFIGS.get(spec[3:])
        if config is None:
            raise ArgumentError(f"unknown Fast Downward configuration {spec!r}; "
                                f"known: {', '.join('fd-' + k for k in FD_CONFIGS)}")
        return Algorithm(spec, "fd", config)
    if spec.startswith("pyperplan-"):
        search, _, heuristic = spec[len("pyperplan-"):].partition("-")
        search = {"gbfs": "gbf", "astar": "astar", "wastar": "wastar"}.get(search, search)
        return Algorithm(spec, "pyperplan", ("-s", search, "-H", heuristic or "hff"))
    raise ArgumentError(f"unknown algorithm {spec!r} (ours-SEARCH-HEURISTIC, fd-..., "
                        "pyperplan-..., or NAME=KIND:ARGS)")


def _ours(spec: str) -> Algorithm:
    body = spec[len("ours-"):]
    search, sep, heuristic = body.rpartition("-")
    if not sep or not search or not heuristic:
        raise ArgumentError(f"ours-SEARCH-HEURISTIC expected, got {spec!r}")
    from planner.search.solve import parse_search_spec

    parse_search_spec(search)
    return Algorithm(spec, "ours", ("--search", search, "--heuristic", _absolute_heuristics(heuristic)))


def _custom(spec: str) -> Algorithm:
    name, _, rest = spec.partition("=")
    kind, sep, args = rest.partition(":")
    if not name or kind not in KINDS or not sep:
        raise ArgumentError(f"custom algorithm must be NAME=KIND:ARGS with KIND in {KINDS}, got {spec!r}")
    argv = shlex.split(args)
    if kind == "ours":
        argv = [_absolute_heuristics(a) if i and argv[i - 1] == "--heuristic" else a
                for i, a in enumerate(argv)]
    return Algorithm(name, kind, tuple(argv))


def _absolute_heuristics(spec: str) -> str:
    """Heuristic files given relative to where `planner bench` was started, made
    absolute: each run executes in its own folder. Handles 'a.py:Class' and
    comma-joined portfolios; names such as ff pass unchanged."""
    parts = []
    for part in spec.split(","):
        path, sep, cls = part.rpartition(":") if ".py:" in part else (part, "", "")
        if path.endswith(".py") and Path(path).is_file():
            path = str(Path(path).resolve())
        parts.append(path + sep + cls)
    return ",".join(parts)


def pyperplan_available() -> bool:
    return shutil.which("pyperplan") is not None or importlib.util.find_spec("pyperplan") is not None


def check_available(algorithm: Algorithm) -> None:
    """Refuse an experiment whose planner is missing, before any run starts."""
    if algorithm.kind == "fd" and not FD_SCRIPT.is_file():
        raise ArgumentError(f"Fast Downward not found at {FD_SCRIPT} (pip install up-fast-downward)")
    if algorithm.kind == "pyperplan" and not pyperplan_available():
        raise ArgumentError("pyperplan is not installed (pip install pyperplan)")


def command_line(kind: str, args: tuple[str, ...], python: str, domain: str, problem: str,
                 plan: str, time_limit: float, memory_mib: int) -> list[str]:
    """The argv of one run. Paths must be absolute: runs execute in their own folder."""
    seconds = max(1, int(time_limit))
    if kind == "ours":
        return [python, "-m", "planner", "solve", domain, problem, *args,
                "--time-limit", f"{seconds}s", "--memory-limit", f"{memory_mib}M",
                "--plan-file", plan, "--json"]
    if kind == "fd":
        fd = str(FD_SCRIPT)
        alias = list(args[:2]) if args[:1] == ("--alias",) else []
        component = list(args[2:]) if alias else list(args)
        return [python, fd, *alias, "--overall-time-limit", f"{seconds}s",
                "--overall-memory-limit", f"{memory_mib}M", "--plan-file", plan,
                domain, problem, *component]
    if kind == "pyperplan":
        runner = ["pyperplan"] if shutil.which("pyperplan") else [python, "-m", "pyperplan"]
        return [*runner, *args, domain, problem]
    if kind == "command":
        values = {"domain": domain, "problem": problem, "plan": plan, "time": str(seconds),
                  "memory_mib": str(memory_mib), "python": python}
        return [a.format(**values) for a in args]
    raise ArgumentError(f"unknown algorithm kind {kind!r}")
