"""Paths of test data shared by the LLM pipeline tests (benchmarks, recordings)."""
from __future__ import annotations

from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "ipc2023-learning"
DATA = Path(__file__).parent / "data"


def benchmark(domain: str) -> Path:
    """Folder of one IPC 2023 learning-track domain; skips the test if absent."""
    path = BENCHMARKS / domain
    if not path.is_dir():
        pytest.skip(f"IPC 2023 benchmarks not found at {BENCHMARKS}")
    return path


def needs_search_core() -> pytest.MarkDecorator:
    """Skip unless the compiled core in this checkout has the Python plug-in API
    (a stale build of planner/_core lacks StateView: rebuild with
    `python setup.py build_ext --inplace`)."""
    try:
        from planner import _core

        fresh = hasattr(_core, "StateView") and hasattr(_core, "SearchEngine")
    except ImportError:
        fresh = False
    return pytest.mark.skipif(not fresh, reason="compiled search core missing or stale; rebuild it")
