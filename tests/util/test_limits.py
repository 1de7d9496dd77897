"""planner.util.limits: Fast Downward's notation for time and memory limits."""
from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from tests.fixtures import ROOT, planner_env
from planner.util.limits import parse_memory, parse_time, peak_memory_kb


@pytest.mark.parametrize("text,seconds", [
    ("30", 30.0), ("30s", 30.0), ("5m", 300.0), ("1.5h", 5400.0), (" 2M ", 120.0),
    ("0.5", 0.5), ("10S", 10.0),
])
def test_parse_time(text: str, seconds: float) -> None:
    assert parse_time(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "0", "-5", "5x", "5 m s", "1e3", "m"])
def test_parse_time_refuses(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="invalid time limit"):
        parse_time(text)


@pytest.mark.parametrize("text,nbytes", [
    ("512", 512 * 2**20), ("512M", 512 * 2**20), ("8G", 8 * 2**30), ("300000K", 300000 * 1024),
    ("2g", 2 * 2**30), ("1.5G", int(1.5 * 2**30)), ("64MB", 64 * 2**20),
])
def test_parse_memory(text: str, nbytes: int) -> None:
    assert parse_memory(text) == nbytes


@pytest.mark.parametrize("text", ["", "lots", "0", "-1G", "3T", "G"])
def test_parse_memory_refuses(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="invalid memory limit"):
        parse_memory(text)


def test_peak_memory_is_positive() -> None:
    assert peak_memory_kb() > 0


_CAP = """
import resource, sys
from planner.util.limits import apply_memory_limit
apply_memory_limit(int(sys.argv[1]))
first = resource.getrlimit(resource.RLIMIT_AS)[0]
apply_memory_limit(int(sys.argv[1]) * 4)  # never raises an existing lower cap
second = resource.getrlimit(resource.RLIMIT_AS)[0]
try:
    bytearray(int(sys.argv[1]) * 2)
    print(first, second, "allocated")
except MemoryError:
    print(first, second, "MemoryError")
"""


def test_apply_memory_limit_caps_the_address_space() -> None:
    limit = 2 * 2**30
    done = subprocess.run([sys.executable, "-c", _CAP, str(limit)], cwd=ROOT, env=planner_env(),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    first, second, outcome = done.stdout.split()
    assert int(first) == limit and int(second) == limit
    assert outcome == "MemoryError"
