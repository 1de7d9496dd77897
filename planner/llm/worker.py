"""The process that evaluates one candidate (started only by planner.llm.sandbox).

It reads one job from stdin, applies CPU and memory limits to itself, does
the job's trusted preparation (parse, ground, reference plan) and then runs
the job, which hands the candidate to a jailed child (planner.jail: its own
uid, PID/IPC/network/mount namespaces, seccomp, rlimits) and judges what
comes back. This process never executes candidate code. The result goes back
as one JSON line on a private duplicate of the original stdout, tagged with a
nonce from the job; stdout/stderr themselves point at /dev/null.
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time
import traceback
from typing import Any

MAX_TRACEBACK = 4000

def main() -> None:
    job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    _preload()
    result_fd = os.dup(1)
    limits = job.get("limits", {})
    _limit_resources(limits)
    try:
        from planner.llm.jobs import JOBS

        spec = JOBS[job["job"]]
        prepared = spec.prepare(job.get("payload", {}))
    except BaseException as err:  # noqa: BLE001 - trusted phase: report, do not guess
        result = {"outcome": "error", "detail": f"preparing the job failed: {type(err).__name__}: {err}"[:500],
                  "traceback": _tail(traceback.format_exc())}
    else:
        _quiet(result_fd)
        if isinstance(prepared, dict):
            prepared["limits"] = limits
        result = _run(spec.run, prepared)
    line = job["nonce"] + " " + json.dumps(result, default=str) + "\n"
    data = line.encode("utf-8", "replace")
    while data:
        data = data[os.write(result_fd, data):]
    os._exit(0)  # skip atexit handlers and finalizers a candidate may have registered


def _preload() -> None:
    """Import what candidates and jobs need before file access is restricted."""
    for name in ("collections", "functools", "heapq", "itertools", "math", "numpy", "numpy.fft", "numpy.random", "numpy.polynomial", "numpy.ma",
                 "networkx", "encodings.idna", "planner._core", "planner.heuristics.api",
                 "planner.search.engine", "planner.frontend.grounding", "planner.heuristics.pyperplan",
                 "planner.search.solve", "planner.plans.validate", "planner.llm.jobs", "planner.jail",
                 "planner.heuristics.untrusted", "planner.search.jailed"):
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 - a job needing it reports the failure itself
            pass


def _limit_resources(limits: dict[str, Any]) -> None:
    """CPU time and address space, for the trusted preparation and the candidate alike."""
    cpu = int(limits.get("cpu_seconds", 60))
    mem = int(limits.get("memory_mb", 2048)) * 1024 * 1024
    _limit(resource.RLIMIT_CPU, cpu, cpu + 1)
    _limit(resource.RLIMIT_AS, mem, mem)
    _limit(resource.RLIMIT_CORE, 0, 0)


def _quiet(keep_fd: int) -> None:
    """stdio on /dev/null, no descriptor but the result's kept."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    os.closerange(3, keep_fd)
    os.closerange(keep_fd + 1, 1 << 16)


def _limit(which: int, soft: int, hard: int) -> bool:
    try:
        _, old_hard = resource.getrlimit(which)
        if old_hard != resource.RLIM_INFINITY:
            hard = min(hard, old_hard)
            soft = min(soft, hard)
        resource.setrlimit(which, (soft, hard))
        return True
    except (ValueError, OSError):
        return False


def _run(run: Any, prepared: Any) -> dict[str, Any]:
    start = time.perf_counter()
    try:
        result = run(prepared)
    except MemoryError:
        result = {"outcome": "memout", "detail": "MemoryError"}
    except RecursionError:
        result = {"outcome": "crash", "detail": "RecursionError: maximum recursion depth exceeded"}
    except BaseException as err:  # noqa: BLE001 - candidate code may raise anything
        result = {"outcome": "crash", "detail": f"{type(err).__name__}: {err}"[:500],
                  "traceback": _tail(traceback.format_exc())}
    result["worker_time"] = time.perf_counter() - start
    result["cpu_time"] = time.process_time()
    return result


def _tail(text: str) -> str:
    return text if len(text) <= MAX_TRACEBACK else "..." + text[-MAX_TRACEBACK:]


if __name__ == "__main__":
    main()
