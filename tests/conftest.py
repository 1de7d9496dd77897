"""Shared helpers for the front-end tests (parsing, grounding, CLI).

* `benchmarks_dir()` / the `benchmarks` fixture: the shared IPC 2023
  learning-track tasks at ../shared/benchmarks/ipc2023-learning (relative to
  the repository root), or a skip when they are absent. They are never copied
  into the repository.
* `fd_translator()`: the command running Fast Downward's translator from the
  installed up-fast-downward package, or a skip.
* `run_planner(...)`: `python -m planner ...` in a subprocess from the
  repository root, with a timeout.
* Tests marked `slow` (whole benchmark folders, minutes) are deselected
  unless run with `--runslow` or selected explicitly with `-m slow`.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS_RELATIVE = "../shared/benchmarks/ipc2023-learning"
IPC_DOMAINS = ("blocksworld", "childsnack", "ferry", "floortile", "miconic",
               "rovers", "satellite", "sokoban", "spanner", "transport")


def benchmarks_path() -> Path:
    """Where the shared benchmarks should be (whether or not they exist)."""
    return (ROOT / BENCHMARKS_RELATIVE).resolve()


def have_benchmarks() -> bool:
    return benchmarks_path().is_dir()


def benchmarks_dir() -> Path:
    """The shared benchmark folder, or skip the calling test."""
    path = benchmarks_path()
    if not path.is_dir():
        pytest.skip(f"shared benchmarks absent ({BENCHMARKS_RELATIVE})")
    return path


@pytest.fixture(scope="session")
def benchmarks() -> Path:
    return benchmarks_dir()


def benchmark_tasks(split: str = "testing") -> list[tuple[str, str]]:
    """(domain, problem path relative to the domain folder) for every easy task
    of `split` ('training' or 'testing'); empty when the benchmarks are absent.
    Used at collection time for parametrisation, so it must not skip."""
    base = benchmarks_path()
    if not base.is_dir():
        return []
    tasks = []
    for domain in IPC_DOMAINS:
        folder = base / domain / split / "easy"
        tasks.extend((domain, f"{split}/easy/{p.name}") for p in sorted(folder.glob("p*.pddl")))
    return tasks


def fd_translator() -> list[str]:
    """Command prefix running Fast Downward's translator, or skip."""
    try:
        found = importlib.util.find_spec("fast_downward.translate") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        pytest.skip("Fast Downward's translator (up-fast-downward) is not installed")
    return [sys.executable, "-m", "fast_downward.translate"]


def planner_env(**extra: str) -> dict[str, str]:
    """The environment for a planner subprocess: the checkout first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


def run_planner(*args: str | Path, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    """`python -m planner ARGS` from the repository root, capturing text output."""
    return subprocess.run(
        [sys.executable, "-m", "planner", *map(str, args)],
        cwd=ROOT, env=planner_env(**env), capture_output=True, text=True, timeout=timeout,
    )


# Test modules import these helpers with `from conftest import ...`. Another
# conftest.py (tests/llm/) is also imported under the name `conftest`, and the
# last one imported wins in sys.modules; so before collecting (importing) a
# module of this folder, point the name back at this file. The module is also
# reachable as `tests_conftest` whatever the order.
sys.modules.setdefault("tests_conftest", sys.modules[__name__])
_HERE = Path(__file__).resolve().parent


def pytest_collectstart(collector: pytest.Collector) -> None:
    path = getattr(collector, "path", None)
    if isinstance(collector, pytest.Module) and path is not None and \
            Path(path).resolve().parent == _HERE:
        sys.modules["conftest"] = sys.modules["tests_conftest"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False,
                     help="also run tests marked slow (whole benchmark folders)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow") or "slow" in (config.getoption("-m") or ""):
        return
    slow = [item for item in items if "slow" in item.keywords]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if "slow" not in item.keywords]
