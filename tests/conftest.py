"""pytest hooks and fixtures shared by every test folder (helpers live in tests/fixtures.py).

Tests marked `slow` (whole benchmark folders, minutes) are deselected unless
run with `--runslow` or selected explicitly with `-m slow`.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures import benchmarks_dir


@pytest.fixture(scope="session")
def benchmarks() -> Path:
    return benchmarks_dir()


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
