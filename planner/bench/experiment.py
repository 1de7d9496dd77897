"""What an experiment runs: tasks grouped into suites, limits, and run specs.

A suite is one domain's tasks: a shared IPC folder (its `testing/easy`
problems by default, or a glob inside it) or a generated set
(`gen:DOMAIN:PRESET:N[:SEED]`, written by our seeded generators into the
results folder so every run of the experiment sees the same bytes). Task
keys follow upper_bounds.json ("blocksworld/testing/easy/p01.pddl") so the
IPC quality score can look up the best known cost.
"""
from __future__ import annotations

import glob
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

from planner.errors import ArgumentError

DEFAULT_TASK_GLOB = "testing/easy/p*.pddl"


@dataclass(frozen=True)
class Task:
    """One planning task of a suite."""

    domain: str
    """Lab's domain name (the folder name, or NAME-gen-PRESET for generated sets)."""
    problem: str
    """Lab's problem name (the file name, or its relative path when names clash)."""
    domain_file: str
    problem_file: str
    key: str
    """Key in upper_bounds.json: DOMAIN/relative/path.pddl."""


@dataclass(frozen=True)
class Limits:
    """Per-run limits, as given to the planners' own flags."""

    time: float = 60.0
    """Seconds of wall-clock time (the planners' own limit; the runner kills at time + grace)."""
    memory: int = 4 * 2**30
    """Bytes of address space (the planners' own limit; RLIMIT_AS backstop at memory + margin)."""
    grace: float = 5.0
    """Seconds past the limit before the runner kills the run's process group."""
    margin: int = 512 * 2**20
    """Bytes of address space past the limit for the RLIMIT_AS backstop (interpreter, driver)."""

    @property
    def memory_mib(self) -> int:
        return max(1, self.memory // 2**20)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs for one run; plain data, so it pickles for Dask."""

    run_id: str
    algorithm: str
    kind: str
    """'ours', 'fd', 'pyperplan' or 'command' (see planner.bench.algorithms)."""
    args: tuple[str, ...]
    task: Task
    limits: Limits
    python: str
    """The interpreter running `planner` and FD's driver (sys.executable of the coordinator)."""
    project_root: str
    """Put on PYTHONPATH so `python -m planner` works on any worker with this checkout."""
    env: dict[str, str] = field(default_factory=dict)


def run_id(algorithm: str, domain: str, problem: str) -> str:
    """Lab's run id: the id list joined by dashes."""
    return "-".join((algorithm, domain, problem))


def shared_suite(folder: str | Path, pattern: str = DEFAULT_TASK_GLOB,
                 first: int | None = None) -> list[Task]:
    """Tasks of a shared IPC domain folder (domain.pddl + problems matching pattern)."""
    folder = Path(folder).resolve()  # workers run in their own folders
    domain_file = folder / "domain.pddl"
    if not domain_file.is_file():
        raise ArgumentError(f"no domain.pddl in suite folder {folder}", path=str(folder))
    problems = sorted(Path(p) for p in glob.glob(str(folder / pattern)))
    problems = [p for p in problems if p.name != "domain.pddl" and p.is_file()]
    if first is not None:
        problems = problems[:first]
    if not problems:
        raise ArgumentError(f"no problems match {pattern!r} in {folder}", path=str(folder))
    rel = [p.relative_to(folder).as_posix() for p in problems]
    names = [p.name for p in problems]
    unique = len(set(names)) == len(names)
    return [Task(folder.name, name if unique else r.replace("/", "_"), str(domain_file), str(p),
                 f"{folder.name}/{r}")
            for p, name, r in zip(problems, names, rel)]


def generated_suite(spec: str, out_dir: str | Path) -> list[Task]:
    """`gen:DOMAIN:PRESET:N[:SEED]`: N tasks from our generator, seeds SEED..SEED+N-1 (default 1)."""
    parts = spec.split(":")
    if len(parts) not in (4, 5) or parts[0] != "gen":
        raise ArgumentError(f"generated suite must be gen:DOMAIN:PRESET:N[:SEED], got {spec!r}")
    from planner.domains import domain_file, generate_problem

    name, preset = parts[1], parts[2]
    try:
        count, first_seed = int(parts[3]), int(parts[4]) if len(parts) == 5 else 1
        folder = (Path(out_dir) / "tasks" / f"{name}-{preset}").resolve()
        folder.mkdir(parents=True, exist_ok=True)
        tasks = []
        for seed in range(first_seed, first_seed + count):
            path = folder / f"s{seed}.pddl"
            text = generate_problem(name, seed, preset)
            if not path.exists() or path.read_text() != text:
                path.write_text(text)
            label = f"{name}-gen-{preset}"
            tasks.append(Task(label, path.name, str(domain_file(name)), str(path),
                              f"{label}/{path.name}"))
    except (ValueError, KeyError) as err:
        raise ArgumentError(f"bad generated suite {spec!r}: {err}") from None
    return tasks


def expand_suite(spec: str, out_dir: str | Path, pattern: str = DEFAULT_TASK_GLOB,
                 first: int | None = None) -> list[Task]:
    """One --suite argument: `gen:...`, a domain folder, or FOLDER:GLOB."""
    if spec.startswith("gen:"):
        return generated_suite(spec, out_dir)
    folder, sep, own_pattern = spec.partition(":")
    if sep and not os.path.isdir(spec):
        return shared_suite(folder, own_pattern, first)
    return shared_suite(spec, pattern, first)


def collect_tasks(specs: Sequence[str], out_dir: str | Path, pattern: str = DEFAULT_TASK_GLOB,
                  first: int | None = None) -> list[Task]:
    """All suites' tasks in the given order, without duplicates."""
    seen: dict[str, Task] = {}
    for spec in specs:
        for task in expand_suite(spec, out_dir, pattern, first):
            seen.setdefault(task.key, task)
    return list(seen.values())
