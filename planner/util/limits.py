"""Time and memory limits in Fast Downward's notation, and enforcing them.

`--time-limit 30m`, `--memory-limit 8G`: suffixes s/m/h and K/M/G; a bare
number means seconds or MiB, as in Fast Downward's driver.
"""
from __future__ import annotations

import argparse
import math
import re
import resource

from planner.errors import ArgumentError

_TIME_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}
_MEMORY_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3}


def parse_time(text: str) -> float:
    """'30', '30s', '5m', '1.5h' -> seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", str(text).lower())
    if not match or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(
            f"invalid time limit '{text}' (use a positive number with s, m or h, e.g. 30m)")
    return float(match.group(1)) * _TIME_UNITS[match.group(2) or "s"]


def parse_memory(text: str) -> int:
    """'512', '512M', '8G', '300000K' -> bytes (bare numbers are MiB)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?)b?\s*", str(text).lower())
    if not match or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(
            f"invalid memory limit '{text}' (use a positive number with K, M or G, e.g. 8G)")
    return int(float(match.group(1)) * _MEMORY_UNITS[match.group(2) or "m"])


def apply_memory_limit(limit_bytes: int) -> None:
    """Cap this process's address space so that running out is a MemoryError,
    not the kernel's OOM killer; never raise an existing lower cap."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit_bytes = min(limit_bytes, hard)
    if soft != resource.RLIM_INFINITY:
        limit_bytes = min(limit_bytes, soft)
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, hard))


def peak_memory_kb() -> int:
    """Peak resident set size of this process in KiB since the last
    reset_peak_memory() (Linux: VmHWM), else since the process started."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def reset_peak_memory() -> bool:
    """Start measuring the peak resident set size afresh (Linux: writing 5 to
    /proc/self/clear_refs resets VmHWM), so that a library call reports its
    own peak rather than the whole process's. False where unsupported."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def check_limits(time_limit: object, memory_limit: object) -> None:
    """ArgumentError naming the argument unless each limit is None or a
    positive finite number (library calls; the CLI parses its own syntax)."""
    for name, value in (("time_limit", time_limit), ("memory_limit", memory_limit)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value) or value <= 0:
            raise ArgumentError(f"{name} must be a positive number or None, got {value!r}")
