"""Pausing Python's cyclic garbage collector while millions of objects are built.

Each collection of the oldest generation walks every tracked object, and the
collector runs one whenever enough new container objects have survived; building
millions of tuples and dicts at once (a TaskView's operator index, a heuristic
constructor reading it) therefore spends much of its time in collections that
find nothing. On a generated hard satellite task (5.7 M operators) the stored
kernel heuristic's TaskView and constructor took 10.9 s + 19.6 s with the
collector on and 5.2 s + 10.2 s paused (bench/examples/hard-branching/).
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block (re-enabled after, if it was on).

    Reference counting still frees everything that is not in a cycle; cycles
    made inside the block are collected by the first collection after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
