"""Run untrusted candidate code in a locked-down worker process, one job at a time.

The caller never imports or executes candidate code. Each job runs in a fresh
interpreter (python -s -P -B: no user site, no script folder on sys.path, no
bytecode writes) with a clean environment (no API keys; its only PYTHON*
variable is PYTHONHASHSEED, so no environment-driven imports), an empty temporary
working directory, no inherited descriptors and its own session, so the whole
process group is killed on the wall-clock deadline. The worker applies CPU,
memory, process and file-size limits itself (see planner.llm.worker). Output
is read with a byte cap; anything but a well-formed result line tagged with
this job's nonce is classified from the exit status, never trusted.
"""
from __future__ import annotations

import json
import math
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import planner

OUTCOMES = ("solved", "unsolved", "ok", "timeout", "memout", "crash", "invalid-value",
            "nonzero-at-goal", "zero-at-nongoal", "infinite-on-solvable", "error")
"""Every outcome a job can have. 'ok' is a passed probe or load check; 'error' means the
trusted preparation failed (e.g. the task does not ground), not the candidate."""

MAX_OUTPUT_BYTES = 1 << 20
_live_workers: dict[int, str] = {}
"""Running workers: process group id -> the worker's home directory."""
_live_lock = threading.Lock()
_PROJECT_ROOT = str(Path(planner.__file__).resolve().parent.parent)
_BOOTSTRAP = ("import sys; sys.path.insert(0, {root!r}); "
              "from planner.llm.worker import main; main()")


@dataclass(frozen=True)
class Limits:
    """Per-job resource limits. wall_seconds defaults to cpu_seconds * 1.5 + 5
    (interpreter start-up, imports and a loaded machine)."""

    cpu_seconds: int = 60
    memory_mb: int = 2048
    wall_seconds: float | None = None

    @property
    def wall(self) -> float:
        return self.wall_seconds if self.wall_seconds is not None else self.cpu_seconds * 1.5 + 5

    def as_dict(self) -> dict[str, Any]:
        return {"cpu_seconds": self.cpu_seconds, "memory_mb": self.memory_mb}


@dataclass
class JobResult:
    """What happened to one job; `data` holds the job's own fields (times, values...)."""

    outcome: str
    data: dict[str, Any] = field(default_factory=dict)
    wall_time: float = 0.0
    returncode: int | None = None
    stderr: str = ""

    @property
    def detail(self) -> str:
        return str(self.data.get("detail", ""))

    def as_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, **self.data, "wall_time": self.wall_time,
                "returncode": self.returncode}


def clean_environment(home: str) -> dict[str, str]:
    """Only what an interpreter needs; single-threaded numeric libraries."""
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": home,
        "TMPDIR": home,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        # The per-user kernel object-code cache (planner.heuristics.kernel): the
        # worker's jailed child reads the entries of the code it runs before the
        # lock-down, and the worker writes what that child compiled, so learn's
        # probe, translation and training runs of one kernel compile it once
        # (5-30 s each otherwise).
        "PLANNER_KERNEL_CACHE": _kernel_cache(),
    }


def _kernel_cache() -> str:
    from planner.heuristics.kernel import cache_root

    try:
        return cache_root()
    except ImportError:  # no platformdirs: a cache nobody reads again
        return os.path.join(tempfile.gettempdir(), f"planner-kernels-{os.getuid()}")


def run_job(job: str, payload: dict[str, Any], limits: Limits = Limits()) -> JobResult:
    """Run planner.llm.jobs.JOBS[job](payload) in a sandboxed worker and classify the result.

    Never raises because of anything the candidate does; an OSError here means
    the machine cannot start processes at all.
    """
    nonce = secrets.token_hex(16)
    request = json.dumps({"job": job, "payload": payload, "limits": limits.as_dict(),
                          "nonce": nonce}).encode("utf-8")
    # ignore_cleanup_errors: kill_all_workers may have removed it already
    with tempfile.TemporaryDirectory(prefix="planner-sandbox-", ignore_cleanup_errors=True) as home:
        os.chmod(home, 0o755)  # readable by the unprivileged worker, writable by no one else
        start = time.monotonic()
        proc = subprocess.Popen(
            # Not -I: it implies -E, which ignores PYTHONHASHSEED too, so every job hashed
            # strings with a random seed and a heuristic iterating a set of names computed
            # different values in two jobs (the rovers program: on 97 of 616 states of the
            # kernel check). -s -P are the rest of -I; the environment is clean_environment's.
            [sys.executable, "-s", "-P", "-B", "-c", _BOOTSTRAP.format(root=_PROJECT_ROOT)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=home, env=clean_environment(home), close_fds=True, start_new_session=True,
        )
        with _live_lock:
            _live_workers[proc.pid] = home
        try:
            stdout, stderr, timed_out = _communicate(proc, request, limits.wall)
        finally:
            _kill_group(proc)
        wall = time.monotonic() - start
    return _classify(proc.returncode, stdout, stderr, timed_out, nonce, wall, limits)


def _communicate(proc: subprocess.Popen, request: bytes, wall: float) -> tuple[bytes, bytes, bool]:
    """Feed the job, read both pipes up to MAX_OUTPUT_BYTES each, stop at the deadline."""
    assert proc.stdin and proc.stdout and proc.stderr
    try:
        proc.stdin.write(request)
        proc.stdin.close()
    except BrokenPipeError:
        pass
    deadline = time.monotonic() + wall
    buffers = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}
    with selectors.DefaultSelector() as sel:
        for pipe in (proc.stdout, proc.stderr):
            sel.register(pipe, selectors.EVENT_READ)
        while sel.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return bytes(buffers[proc.stdout.fileno()]), bytes(buffers[proc.stderr.fileno()]), True
            for key, _ in sel.select(timeout=min(remaining, 1.0)):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                buf = buffers[key.fd]
                if len(buf) < MAX_OUTPUT_BYTES:
                    buf.extend(chunk[: MAX_OUTPUT_BYTES - len(buf)])
    try:
        proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return bytes(buffers[proc.stdout.fileno()]), bytes(buffers[proc.stderr.fileno()]), True
    return bytes(buffers[proc.stdout.fileno()]), bytes(buffers[proc.stderr.fileno()]), False


def kill_all_workers() -> None:
    """SIGKILL every running worker's process group and remove its home directory (for a
    learner told to stop: `planner learn` on SIGTERM exits at once with os._exit, so the
    directories' own clean-up never runs; a SIGTERM test left one per run in /tmp before)."""
    with _live_lock:
        workers = list(_live_workers.items())
    for pid, home in workers:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        shutil.rmtree(home, ignore_errors=True)


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the worker's whole process group (it is its own session leader)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    with _live_lock:
        _live_workers.pop(proc.pid, None)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


def _classify(returncode: int | None, stdout: bytes, stderr: bytes, timed_out: bool,
              nonce: str, wall: float, limits: Limits) -> JobResult:
    err_text = stderr.decode("utf-8", "replace")[-4000:]
    if timed_out:
        return JobResult("timeout", {"detail": "wall-clock limit"}, wall, returncode, err_text)
    data = _parse_result(stdout, nonce)
    if data is not None:
        return JobResult(data.pop("outcome"), data, wall, returncode, err_text)
    if returncode is not None and returncode < 0:
        sig = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else str(-returncode)
        # SIGXCPU comes at the soft CPU limit, SIGKILL at the hard one; a SIGKILL
        # before that much time has passed was sent by someone else (the candidate).
        if -returncode == signal.SIGXCPU or (
            -returncode == signal.SIGKILL and wall >= limits.cpu_seconds
        ):
            return JobResult("timeout", {"detail": f"CPU limit ({sig})"}, wall, returncode, err_text)
        return JobResult("crash", {"detail": f"killed by {sig}"}, wall, returncode, err_text)
    if "MemoryError" in err_text or "Cannot allocate memory" in err_text:
        return JobResult("memout", {"detail": "out of memory"}, wall, returncode, err_text)
    return JobResult("crash", {"detail": f"worker exited with status {returncode} and no result"},
                     wall, returncode, err_text)


def _parse_result(stdout: bytes, nonce: str) -> dict[str, Any] | None:
    prefix = nonce.encode() + b" "
    for line in reversed(stdout.splitlines()):
        if line.startswith(prefix):
            try:
                data = json.loads(line[len(prefix):])
            except ValueError:
                return None
            if isinstance(data, dict) and data.get("outcome") in OUTCOMES:
                return data
            return None
    return None


def probe_candidate(code: str, domain: str | Path, problem: str | Path,
                    class_name: str | None = None, plan: list[str] | None = None,
                    limits: Limits = Limits(cpu_seconds=30)) -> JobResult:
    """Fast pre-check: construct the heuristic on the task and evaluate it on the
    states along a plan (given as operator names, or found with FF) and their
    successors; outcome 'ok' or the first problem found."""
    payload = {"code": code, "class_name": class_name, "domain": str(Path(domain).resolve()),
               "problem": str(Path(problem).resolve()), "plan": plan}
    return run_job("probe", payload, limits)


def states_candidate(code: str, domain: str | Path, problems: Sequence[str | Path],
                     class_name: str | None = None, seed: int = 0, walks: int = 20,
                     length: int = 60, seconds: float = 0.3,
                     limits: Limits = Limits(cpu_seconds=120)) -> JobResult:
    """The candidate's values on random-walk states of each task (the same states
    for the same seed, walks and length) and its evaluations per CPU second
    there: planner.llm.translate compares a kernel with its Python form this
    way. data['tasks'] holds one row per problem (values, preferred, per_s)."""
    payload = {"code": code, "class_name": class_name, "domain": str(Path(domain).resolve()),
               "problems": [str(Path(p).resolve()) for p in problems], "seed": seed,
               "walks": walks, "length": length, "seconds": seconds}
    return run_job("states", payload, limits)


def solve_candidate(code: str, domain: str | Path, problem: str | Path,
                    class_name: str | None = None, time_limit: float = 60.0,
                    memory_mb: int = 2048, search: str = "gbfs",
                    use_preferred: bool | None = None,
                    members: Sequence[tuple[str, str | None]] = ()) -> JobResult:
    """planner.search.solve on the task with the candidate as heuristic (and the
    portfolio `members`, (code, class name) pairs, in alternation with it). The
    search stops itself at time_limit (outcome 'timeout' with statistics) and at
    80% of memory_mb resident (outcome 'memout'); the CPU and address-space
    limits are the backstop."""
    payload = {"code": code, "class_name": class_name, "domain": str(Path(domain).resolve()),
               "problem": str(Path(problem).resolve()), "time_limit": time_limit,
               "search": search, "use_preferred": use_preferred, "memory_mb": memory_mb * 0.8,
               "members": [list(m) for m in members]}
    cpu = int(math.ceil(time_limit * 1.2)) + 10
    return run_job("solve", payload, Limits(cpu_seconds=cpu, memory_mb=memory_mb,
                                            wall_seconds=cpu * 1.5 + 10))
