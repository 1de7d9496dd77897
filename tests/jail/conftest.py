"""The `arena` fixture: what a hostile corpus program may try to reach (tests.jail.harness)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.jail.harness import make_arena


@pytest.fixture
def arena(tmp_path: Path):
    with make_arena(tmp_path) as made:
        yield made
