"""What a result depends on besides the code under test: versions, revision, machine.

Recorded in experiment.json when the experiment starts and shown in the
report, so a number can be traced to the planner revision (and whether the
checkout had uncommitted changes), the Fast Downward build and the hardware.
"""
from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import planner


def _package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def fast_downward_version(python: str = sys.executable) -> str | None:
    """'26.6 (7ea275526)' from `fast-downward.py --version`, or None if absent."""
    from planner.bench.algorithms import FD_SCRIPT

    if not FD_SCRIPT.is_file():
        return None
    try:
        out = subprocess.run([python, str(FD_SCRIPT), "--version"], capture_output=True, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    version = re.search(r"Fast Downward (\S+)", out)
    revision = re.search(r"git revision[^:]*: (\S+)", out)
    if not version:
        return None
    return version.group(1) + (f" ({revision.group(1)})" if revision else "")


def git_revision(root: str | Path) -> str | None:
    """HEAD's hash, with '+dirty' when tracked files under planner/ or ext/ differ from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--",
                                "planner", "ext"], cwd=root, capture_output=True, text=True,
                               timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (head + "+dirty" if dirty else head) if head else None


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            names = re.findall(r"model name\s*:\s*(.+)", info.read())
        cpu = names[0].strip() if names else cpu
    except OSError:
        pass
    return {"hostname": platform.node(), "system": f"{platform.system()} {platform.release()}",
            "cpu": cpu, "cores": os.cpu_count(),
            "memory_gib": round(_physical_memory_bytes() / 2**30, 1)}


def _physical_memory_bytes() -> int:
    """Total RAM from sysconf (POSIX), so `planner bench` needs no extra package for it."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 0


def environment(root: str | Path) -> dict[str, Any]:
    return {
        "versions": {"planner": planner.__version__, "python": platform.python_version(),
                     "numpy": _package_version("numpy"),
                     "up-fast-downward": _package_version("up-fast-downward"),
                     "fast-downward": fast_downward_version(),
                     "pyperplan": _package_version("pyperplan"),
                     "matplotlib": _package_version("matplotlib"),
                     "dask": _package_version("distributed")},
        "git_revision": git_revision(root),
        "machine": machine(),
    }
