"""pytest hooks and fixtures shared by every test folder (helpers live in tests/fixtures.py).

Tests marked `slow` (whole benchmark folders, minutes) are deselected unless
run with `--runslow` or selected explicitly with `-m slow`.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.fixtures import ROOT, benchmark, benchmarks_dir


@pytest.fixture(scope="session")
def benchmarks() -> Path:
    return benchmarks_dir()


@pytest.fixture(scope="session", autouse=True)
def kernel_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One kernel object-code cache (PLANNER_KERNEL_CACHE) for the whole session.

    Every jailed run of a kernel that is not cached compiles it (4-20 s wall per
    shipped kernel on 2 loaded cores); without this the tests shared the real
    user's cache (~/.cache/planner/kernels), so a run's time depended on what
    earlier runs had left there and the tests wrote into the user's home. Tests
    that assert cache misses or compiles set their own empty folder (function-
    scoped monkeypatch, which wins over this one and restores it afterwards);
    subprocesses and sandbox workers inherit the variable.
    """
    folder = tmp_path_factory.mktemp("kernel-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLANNER_KERNEL_CACHE", str(folder))
        yield folder


SHIPPED_KERNEL_FOLDER = {"rovers": "rover"}
"""Benchmark folder -> the domain's PDDL name, which names its heuristics/ folder."""


@pytest.fixture(scope="session")
def shipped_kernel_run(kernel_cache_dir: Path, tmp_path_factory: pytest.TempPathFactory
                       ) -> Callable[[str], Any]:
    """domain -> the SolveResult of the domain's stored kernel form, loaded as
    `--heuristic auto` loads it (text for the jail), solving testing/easy/p01 in
    the jail with no fallback, compiled with an empty cache of its own.

    Once per domain and session: each shipped kernel took one cold compile in
    tests/jail/test_kernel_jail.py (which asserts it) and another in
    tests/heuristics/test_store.py's `--heuristic auto` test. The object code
    this run compiled is then copied into the session's cache, so later jailed
    runs of that kernel (auto in test_store, the subroutine, learn and README
    tests) load it instead of compiling it again.
    """
    from planner.heuristics.kernel import KERNEL_CLASS_NAME
    from planner.heuristics.loader import load_stored_heuristic
    from planner.search.solve import solve

    results: dict[str, Any] = {}

    def run(domain: str) -> Any:
        if domain not in results:
            folder = benchmark(domain)
            (path,) = (ROOT / "heuristics" / SHIPPED_KERNEL_FOLDER.get(domain, domain)).glob("*.kernel.py")
            source = load_stored_heuristic(path, KERNEL_CLASS_NAME)
            private = tmp_path_factory.mktemp(f"kernel-cache-{domain}")
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("PLANNER_KERNEL_CACHE", str(private))
                result = solve(folder / "domain.pddl", folder / "testing" / "easy" / "p01.pddl",
                               search="gbfs", heuristic=source, time_limit=120, fallback=False)
            shutil.copytree(private, kernel_cache_dir, dirs_exist_ok=True)
            results[domain] = result
        return results[domain]

    return run


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
