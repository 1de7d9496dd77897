"""Shared fixtures for the LLM pipeline tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures import benchmark


@pytest.fixture
def blocksworld() -> Path:
    return benchmark("blocksworld")


@pytest.fixture
def training_tasks(blocksworld: Path) -> list[Path]:
    return sorted((blocksworld / "training" / "easy").glob("p*.pddl"))
