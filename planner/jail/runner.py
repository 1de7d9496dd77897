"""Run a function in a jailed child and take back only a small, capped result.

The trusted parent (which has parsed and grounded) forks an intermediate
process; that process enters new namespaces and forks the jailed child, init
of a new PID namespace. The jailed child runs the caller's trusted `prepare`
(imports, loading a compiled module's file), applies every layer of
planner.jail.layers, reports which held, and only then calls `target`, which
may import and run LLM-written code. Its result goes back as JSON in a
length-prefixed frame on a pipe, capped in size; its stdout and stderr go to
another pipe the parent reads (capped) and never copies to its own stdout.

The parent enforces the wall-clock deadline from the fork, before any
candidate code is imported: at the deadline it SIGKILLs the jailed child
through a pidfd (no pid reuse race), and since that child is its PID
namespace's init, everything it could have started dies with it; the
intermediate process reaps it and exits, and the parent reaps that. A
crash, hang, oversized or malformed result is a JailResult outcome, turned
into HeuristicFailure by `unwrap`, never a traceback.
"""
from __future__ import annotations

import atexit
import gc
import json
import math
import os
import selectors
import signal
import stat
import struct
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from planner.errors import PlannerError
from planner.exitcodes import ExitCode
from planner.jail import layers as L

MAX_RESULT_BYTES = 4 << 20
"""A plan of 100k steps as JSON ids is ~0.7 MB; anything bigger is not a result."""
MAX_OUTPUT_BYTES = 64 << 10
"""stdout/stderr of the child kept for the log; the rest is read and dropped."""
MAX_LINE_BYTES = 4096
"""A longer run of output without a newline is kept as it is, never offered as a line."""
DEFAULT_MEMORY_MB = 4096
"""Address space the child may add to what it inherits from the parent."""
KILL_GRACE = 0.5
"""Seconds past the deadline before SIGKILL. The jailed search stops itself
SEARCH_MARGIN before the deadline, so a search out of time gets 0.8 s to send
its statistics: the compiled search checks its clock between evaluations, and
a slow Python heuristic (0.1-0.5 s per state in learn's slow_but_correct test
candidate) overruns by up to one call; sending takes < 5 ms. The kill itself
stays well within the 1 s the deadline is promised to hold within."""
SEARCH_MARGIN = 0.3
_HEADER = struct.Struct(">Q")
_EXIT_JAIL_INCOMPLETE = 3
_EXIT_PREPARE_FAILED = 4
_EXIT_INTERMEDIATE = 70

OUTCOMES = ("ok", "error", "timeout", "crash", "garbage", "oversize", "unjailed", "prepare-failed")
"""ok: target returned a value; error: target raised (message only); timeout:
killed at the deadline; crash: died without a result (signal, exit); garbage:
the result frame is not JSON; oversize: the result exceeds its cap; unjailed:
a required layer could not be built and unjailed runs are not allowed;
prepare-failed: the trusted preparation in the child failed."""


class HeuristicFailure(PlannerError):
    """A jailed heuristic failed (crash, hang, bad output, bad values): that
    heuristic's failure, never the planner's. `reason` is the JailResult outcome
    or a check's name; `detail` says more."""

    exit_code = ExitCode.SEARCH_CRITICAL_ERROR

    def __init__(self, message: str, reason: str = "error", detail: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.detail = detail


class JailUnavailable(PlannerError):
    """The host cannot build the jail and the user did not accept running unjailed."""

    exit_code = ExitCode.DRIVER_UNSUPPORTED


@dataclass
class JailResult:
    """What came back from one jailed run."""

    outcome: str
    value: Any = None
    detail: str = ""
    output: str = ""
    """The child's stdout and stderr, capped; for logs only."""
    wall_time: float = 0.0
    layers: dict[str, Any] = field(default_factory=dict)
    returncode: int | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def unwrap(self, label: str = "heuristic") -> Any:
        """The target's value, or HeuristicFailure naming what went wrong."""
        if self.ok:
            return self.value
        raise HeuristicFailure(f"{label}: {self.outcome}: {self.detail}"[:1000], self.outcome, self.detail)


@dataclass(frozen=True)
class JailLimits:
    wall_seconds: float
    """Deadline from the fork, enforced by the parent with SIGKILL."""
    cpu_seconds: int | None = None
    """RLIMIT_CPU; default ceil(wall_seconds) + 1 (the wall deadline normally comes first)."""
    memory_mb: int | None = DEFAULT_MEMORY_MB
    """Address space on top of the parent's at fork time; None: no limit."""
    max_result_bytes: int = MAX_RESULT_BYTES


_in_jailed_child = False


def in_jailed_child() -> bool:
    """True in a jailed child once its lock-down is done (before target runs):
    code that must never run in the trusted parent (compiling an LLM-written
    kernel, planner.heuristics.kernel) checks this."""
    return _in_jailed_child


_uid_lock = threading.Lock()
_uid_counter = 0
_ROOT_LOCK = threading.Lock()
_empty_root: str | None = None


def next_job_uid() -> int:
    """A uid no other running job on this host has: the pid keeps processes
    apart, the counter keeps up to 100 concurrent jobs of one process apart."""
    global _uid_counter
    with _uid_lock:
        _uid_counter += 1
        counter = _uid_counter
    return L.JOB_UID_BASE + (os.getpid() % 1_000_000) * 100 + counter % 100


def empty_root() -> str | None:
    """An empty directory owned by us and writable by no one, to chroot into.
    One per user and host under the temp directory, checked before each reuse.
    When that one cannot be trusted (someone else's, writable, or not empty: it is
    never cleaned, since its contents are not ours to judge), this process makes
    its own and removes it at exit; before, every such process left one behind
    (95 in /tmp after a day of test runs as uid 65534 on a poisoned shared root)."""
    global _empty_root
    with _ROOT_LOCK:
        if _empty_root is not None and _is_safe_root(_empty_root):
            return _empty_root
        path = os.path.join(tempfile.gettempdir(), f"planner-jail-root-{os.geteuid()}")
        try:
            os.mkdir(path, 0o555)
        except FileExistsError:
            pass
        except OSError:
            return None
        if not _is_safe_root(path):
            try:
                path = tempfile.mkdtemp(prefix="planner-jail-root-")
                os.chmod(path, 0o555)
            except OSError:
                return None
            atexit.register(_remove_own_root, path, os.getpid())
        _empty_root = path
        return path


def _remove_own_root(path: str, pid: int) -> None:
    """At exit of the process that made PATH (not of a forked child): remove it if it
    is still empty (rmdir refuses otherwise, and then it stays for inspection)."""
    if os.getpid() == pid:
        try:
            os.rmdir(path)
        except OSError:
            pass


def _is_safe_root(path: str) -> bool:
    try:
        info = os.lstat(path)
        return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()
                and info.st_mode & 0o222 == 0 and not os.listdir(path))
    except OSError:
        return False


def _address_space_now() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def run_jailed(target: Callable[[], Any], limits: JailLimits,
               prepare: Callable[[], None] | None = None,
               allow_unjailed: bool = False,
               on_line: Callable[[bytes], bool] | None = None) -> JailResult:
    """Run target() in a jailed child; its JSON-able return value comes back as
    JailResult.value. prepare() runs in the child before the lock-down (trusted
    code only: imports, opening files). With allow_unjailed, a missing required
    layer is recorded in JailResult.layers instead of refusing to run.

    on_line, when given, sees each complete line of the child's output (without
    its newline) as it arrives, so that a long run can show progress; a line it
    returns True for is taken (not kept in JailResult.output). Lines are the
    child's, so untrusted: on_line must treat them as such."""
    if limits.cpu_seconds is not None:
        cpu: int | None = limits.cpu_seconds
    else:
        cpu = int(math.ceil(limits.wall_seconds)) + 1 if math.isfinite(limits.wall_seconds) else None
    address_space = (_address_space_now() + limits.memory_mb * (1 << 20)
                     if limits.memory_mb is not None else None)
    uid = next_job_uid()
    root = empty_root()
    with _ROOT_LOCK:
        L.prebuild_seccomp()
    r_res, w_res = os.pipe()
    r_out, w_out = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()  # else the child could print the parent's buffered text again
        except (OSError, ValueError, AttributeError):
            pass
    start = time.monotonic()
    # As root, this thread's next child is made init of a new PID namespace directly
    # (unshare(CLONE_NEWPID) only changes where this thread's children go; it is set
    # back right after the fork). One fork instead of two: a fork of a process that
    # has parsed and grounded costs 6-10 ms on the 2-core bench machine, and the
    # intermediate process's own fork, pipe handshake and reaping added 12 ms to
    # each jailed call (bench/examples/jail). Otherwise (no root, or the kernel
    # refuses) an intermediate process enters the namespaces and forks the child.
    pid_ns = L.pid_namespace_for_next_child()
    if pid_ns is not None:
        try:
            pid = os.fork()
        finally:
            if pid_ns is not None and (pid_ns.parent_pid == os.getpid()):
                pid_ns.restore()
        if pid == 0:  # the jailed child, init of its PID namespace: never returns
            code = _EXIT_INTERMEDIATE
            try:
                os.close(r_res), os.close(r_out)
                code = _direct_child(target, prepare, w_res, w_out, uid, root, cpu,
                                     address_space, allow_unjailed)
            finally:
                os._exit(code)
        for fd in (w_res, w_out):
            os.close(fd)
        try:
            pidfd: int | None = os.pidfd_open(pid)  # our own unreaped child: no pid reuse
        except OSError:
            pidfd = None
        return _supervise_and_close(pid, pidfd, r_res, r_out, None, None, start, limits,
                                    _Output(on_line))
    r_ctl, w_ctl = os.pipe()
    r_go, w_go = os.pipe()
    pid = os.fork()
    if pid == 0:  # the intermediate process: never returns
        code = _EXIT_INTERMEDIATE
        try:
            os.close(r_res), os.close(r_out), os.close(r_ctl), os.close(w_go)
            code = _intermediate(target, prepare, w_res, w_out, w_ctl, r_go, uid, root, cpu,
                                 address_space, allow_unjailed)
        finally:
            os._exit(code)
    for fd in (w_res, w_out, w_ctl, r_go):
        os.close(fd)
    return _supervise_and_close(pid, None, r_res, r_out, r_ctl, w_go, start, limits, _Output(on_line))


class _Output:
    """The child's stdout and stderr as read so far: kept up to MAX_OUTPUT_BYTES
    (the rest is read and dropped), each complete line first offered to on_line."""

    def __init__(self, on_line: Callable[[bytes], bool] | None) -> None:
        self.kept = bytearray()
        self._partial = bytearray()
        self._on_line = on_line

    def feed(self, chunk: bytes) -> None:
        if self._on_line is None:
            self._keep(chunk)
            return
        self._partial.extend(chunk)
        start = 0
        while (end := self._partial.find(b"\n", start)) >= 0:
            line = bytes(self._partial[start:end])
            if len(line) > MAX_LINE_BYTES or not self._offer(line):
                self._keep(line + b"\n")
            start = end + 1
        del self._partial[:start]
        if len(self._partial) > MAX_LINE_BYTES:
            self._keep(bytes(self._partial))
            self._partial.clear()

    def close(self) -> None:
        """The child is done: a last line without its newline is kept as it is."""
        if self._partial:
            self._keep(bytes(self._partial))
            self._partial.clear()

    def _offer(self, line: bytes) -> bool:
        try:
            return bool(self._on_line(line))  # type: ignore[misc]
        except OSError:  # our own stderr closed (a pipe to `head`): keep the line instead
            return False

    def _keep(self, data: bytes) -> None:
        room = MAX_OUTPUT_BYTES - len(self.kept)
        if room > 0:
            self.kept.extend(data[:room])


def _supervise_and_close(pid: int, pidfd: int | None, r_res: int, r_out: int, r_ctl: int | None,
                         w_go: int | None, start: float, limits: JailLimits,
                         out: _Output) -> JailResult:
    deadline = start + limits.wall_seconds
    try:
        return _supervise(pid, pidfd, r_res, r_out, r_ctl, w_go, start, deadline, limits, out)
    except BaseException:  # Ctrl-C, the caller's alarm...: the child must not outlive us
        _kill(pid, pidfd)
        _reap(pid)
        raise
    finally:
        for fd in (r_res, r_out, r_ctl, w_go, pidfd):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass


def _setup_stdio(w_out: int) -> None:
    """stdin /dev/null; stdout and stderr the output pipe, at both levels."""
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(w_out, 1)
    os.dup2(w_out, 2)
    os.close(devnull)
    # The parent's sys.stdout may be anything (a test's capture, a closed pipe): the
    # child's print() goes to its own descriptors 1 and 2, the output pipe.
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)
    sys.stdin = open(0, encoding="utf-8", closefd=False)


def _direct_child(target: Callable[[], Any], prepare: Callable[[], None] | None, w_res: int,
                  w_out: int, uid: int, root: str | None, cpu: int | None,
                  address_space: int | None, allow_unjailed: bool) -> int:
    """The jailed child forked straight into its PID namespace: the other
    namespaces, then the rest of the lock-down (_jailed)."""
    L.set_parent_death_signal()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    layers = L.Layers()
    layers.mark("pid_namespace", os.getpid() == 1)
    _setup_stdio(w_out)
    L.close_descriptors(layers, (w_res,))
    L.enter_namespaces(layers, without_pid=True)
    return _jailed(target, prepare, layers, w_res, uid, root, cpu, address_space, allow_unjailed)


def _intermediate(target: Callable[[], Any], prepare: Callable[[], None] | None, w_res: int,
                  w_out: int, w_ctl: int, r_go: int, uid: int, root: str | None, cpu: int | None,
                  address_space: int | None, allow_unjailed: bool) -> int:
    """Enter namespaces, fork the jailed child, report its pid, wait for it.
    Runs no candidate code; mirrors the child's end in its exit status."""
    L.set_parent_death_signal()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    layers = L.Layers()
    _setup_stdio(w_out)
    L.close_descriptors(layers, (w_res, w_ctl, r_go))
    L.enter_namespaces(layers)
    if not layers.held.get("pid_namespace"):
        os.write(w_ctl, struct.pack(">i", 0))  # the parent kills this process itself
        os.close(w_ctl), os.close(r_go)
        return _jailed(target, prepare, layers, w_res, uid, root, cpu, address_space, allow_unjailed)
    child = os.fork()
    if child == 0:
        code = _EXIT_INTERMEDIATE
        try:
            os.close(w_ctl), os.close(r_go)
            code = _jailed(target, prepare, layers, w_res, uid, root, cpu, address_space,
                           allow_unjailed)
        finally:
            os._exit(code)
    os.close(w_res)
    os.dup2(0, 1), os.dup2(0, 2)
    os.write(w_ctl, struct.pack(">i", child))
    os.close(w_ctl)
    os.read(r_go, 1)  # the child stays unreaped (its pid pinned) until the parent holds a pidfd
    os.close(r_go)
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else _EXIT_INTERMEDIATE


def _jailed(target: Callable[[], Any], prepare: Callable[[], None] | None, layers: L.Layers,
            w_res: int, uid: int, root: str | None, cpu: int | None, address_space: int | None,
            allow_unjailed: bool) -> int:
    """The jailed child: prepare, lock down, report layers, run target, report result."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Everything inherited from the parent goes to the collector's permanent generation
    # (O(1): list splices). Otherwise the child's first full collection writes to the
    # header of every inherited object, copying each page of the parent's heap on write
    # (a grounded task is hundreds of thousands of objects), and every later one
    # traverses them again although none can become garbage the child could free.
    gc.freeze()
    if prepare is not None:
        try:
            prepare()
        except BaseException as err:  # noqa: BLE001 - trusted step; report and stop
            _send(w_res, {"layers": layers.as_dict(), "prepare_error": f"{type(err).__name__}: {err}"[:500]})
            return _EXIT_PREPARE_FAILED
    L.private_mounts(layers)
    L.enter_chroot(layers, root)
    L.drop_identity(layers, uid)
    try:
        L.set_parent_death_signal()  # cleared by the identity change: set again
    except OSError:
        pass
    L.set_limits(layers, cpu, address_space)
    L.no_new_privs(layers)
    L.install_seccomp(layers)
    _send(w_res, {"layers": layers.as_dict()})
    if layers.missing and not allow_unjailed:
        return _EXIT_JAIL_INCOMPLETE
    # Everything below may be subverted by candidate code; the parent trusts none of it.
    global _in_jailed_child
    _in_jailed_child = True
    try:
        envelope = {"value": target()}
    except BaseException as err:  # noqa: BLE001 - SystemExit, GeneratorExit... are the candidate's
        envelope = {"error": f"{type(err).__name__}: {err}"[:1000]}
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - a replaced or broken stream is the candidate's
            pass
    try:
        _send(w_res, envelope)
    except (TypeError, ValueError) as err:
        _send(w_res, {"error": f"result is not JSON: {err}"[:500]})
    return 0


def _send(fd: int, obj: Any) -> None:
    data = json.dumps(obj, allow_nan=True).encode("utf-8")
    data = _HEADER.pack(len(data)) + data
    while data:
        data = data[os.write(fd, data):]


def _supervise(pid: int, pidfd: int | None, r_res: int, r_out: int, r_ctl: int | None,
               w_go: int | None, start: float, deadline: float, limits: JailLimits,
               out: _Output) -> JailResult:
    res = bytearray()
    cap = limits.max_result_bytes + 64 * 1024 + 2 * _HEADER.size
    timed_out = oversize = False
    killed = False
    with selectors.DefaultSelector() as sel:
        if r_ctl is not None:  # the intermediate process reports the jailed child's pid
            sel.register(r_ctl, selectors.EVENT_READ, "ctl")
        sel.register(r_res, selectors.EVENT_READ, "res")
        sel.register(r_out, selectors.EVENT_READ, "out")
        ctl = bytearray()
        answered = False
        while sel.get_map():
            now = time.monotonic()
            if now >= deadline + KILL_GRACE and not killed:
                timed_out = True
                killed = _kill(pid, pidfd)
                # Nothing more is needed from it: EOF would wait for the kernel to free its
                # memory (exit_mm comes before exit_files; ~1 s for gigabytes).
                deadline = math.inf
                drain_until = now
            if killed and time.monotonic() > drain_until:
                break
            wait = (deadline + KILL_GRACE - now) if not killed else 0.1
            for key, _ in sel.select(timeout=max(0.0, min(wait, 1.0))):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    sel.unregister(key.fd)
                    continue
                if key.data == "ctl":
                    ctl.extend(chunk)
                    if len(ctl) >= 4:
                        child = struct.unpack(">i", bytes(ctl[:4]))[0]
                        sel.unregister(r_ctl)
                        if child > 0:
                            try:
                                pidfd = os.pidfd_open(child)
                            except OSError:
                                pidfd = None
                        try:
                            os.write(w_go, b"g")  # type: ignore[arg-type]
                        except OSError:
                            pass
                elif key.data == "res":
                    if len(res) + len(chunk) > cap:
                        oversize = True
                        killed = _kill(pid, pidfd)
                        deadline, drain_until = math.inf, time.monotonic() + 2.0
                        sel.unregister(r_res)
                    else:
                        res.extend(chunk)
                        answered = _two_frames(res)
                else:
                    out.feed(chunk)
            if answered:
                break
    if answered:
        # Both frames are in: nothing more is needed from the child. It flushed its
        # streams before sending, so what it printed is already in the output pipe.
        # Waiting for EOF instead waited for the kernel to tear down the child's copy
        # of our address space (exit_mm comes before exit_files): 18 ms median after
        # a `plan` call's grounding (bench/examples/jail). The kill also ends a child
        # that forged its frames and went on running.
        _kill(pid, pidfd)
        _drain(r_out, out)
    elif killed or timed_out or oversize:
        _kill(pid, pidfd)
    decoded, rest = _frames(bytes(res))
    if timed_out:
        # Killed: freeing its memory (a second for gigabytes) and its namespaces is the
        # kernel's business, not the caller's deadline's.
        status: int | None = None
        _reap_later(pid)
    elif answered or (not (killed or oversize) and decoded is not None and len(decoded) == 2
                      and rest == 0):
        # A complete answer (the child killed above, or at EOF: exiting).
        # Its namespaces' teardown (RCU grace periods: 20-60 ms measured) need not
        # delay the caller; a thread reaps the intermediate process once it has reaped
        # the child. The status is not needed here.
        status = 0
        _reap_later(pid)
    else:
        status = _reap(pid)
    if pidfd is not None and r_ctl is not None:  # opened here (the caller closes its own)
        os.close(pidfd)
    wall = time.monotonic() - start
    out.close()
    text = bytes(out.kept).decode("utf-8", "replace")
    frames = decoded if decoded is not None else []
    layer_frame = frames[0] if frames else None
    layers = layer_frame.get("layers", {}) if isinstance(layer_frame, dict) else {}
    result = JailResult("crash", None, "", text, wall, layers, status)
    if timed_out:
        result.outcome, result.detail = "timeout", f"killed at the {deadline_text(start, limits)} deadline"
        return result
    if oversize or (len(frames) < 2 and rest > limits.max_result_bytes):
        result.outcome, result.detail = "oversize", f"result larger than {limits.max_result_bytes} bytes"
        return result
    if isinstance(layer_frame, dict) and "prepare_error" in layer_frame:
        result.outcome, result.detail = "prepare-failed", str(layer_frame["prepare_error"])
        return result
    if layer_frame is not None and status == _EXIT_JAIL_INCOMPLETE and len(frames) == 1:
        missing = [n for n in L.REQUIRED if not layers.get("held", {}).get(n)]
        result.outcome = "unjailed"
        result.detail = "the jail could not be built: missing " + ", ".join(missing)
        return result
    if len(frames) >= 2:
        envelope = frames[1]
        if isinstance(envelope, dict) and set(envelope) == {"value"}:
            result.outcome, result.value = "ok", envelope["value"]
            return result
        if isinstance(envelope, dict) and set(envelope) == {"error"}:
            result.outcome, result.detail = "error", str(envelope["error"])[:1000]
            return result
        result.outcome, result.detail = "garbage", "result frame of unexpected shape"
        return result
    if decoded is None or rest < 0 or (rest > 0 and status == 0):
        result.outcome, result.detail = "garbage", "malformed result frame"
        return result
    result.detail = _describe_status(status)
    return result


def deadline_text(start: float, limits: JailLimits) -> str:
    return f"{limits.wall_seconds:g} s"


def _kill(pid: int, pidfd: int | None) -> bool:
    """SIGKILL the jailed child (through its pidfd) and the intermediate process."""
    if pidfd is not None:
        try:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    return True


_reaper_lock = threading.Lock()
_to_reap: list[int] = []
_reaper_wake = threading.Event()


def _reaper() -> None:
    while True:
        _reaper_wake.wait()
        with _reaper_lock:
            pids, _to_reap[:] = list(_to_reap), []
            _reaper_wake.clear()
        for pid in pids:
            _reap(pid)


_reaper_thread: threading.Thread | None = None


def _reap_later(pid: int) -> None:
    """Reap an exiting intermediate process in a daemon thread (_reap kills it if it
    has not exited within 10 s)."""
    global _reaper_thread
    with _reaper_lock:
        _to_reap.append(pid)
        if _reaper_thread is None or not _reaper_thread.is_alive():
            _reaper_thread = threading.Thread(target=_reaper, name="planner-jail-reaper", daemon=True)
            _reaper_thread.start()
    _reaper_wake.set()


def _reap(pid: int) -> int | None:
    """Wait for the intermediate process; returns its exit status (or 128+signal)."""
    deadline = time.monotonic() + 10.0
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if done:
            if os.WIFSIGNALED(status):
                return 128 + os.WTERMSIG(status)
            return os.WEXITSTATUS(status)
        if time.monotonic() > deadline:
            _kill(pid, None)
            deadline = time.monotonic() + 10.0
        time.sleep(0.0005)


def _two_frames(data: bytearray) -> bool:
    """Whether data holds two complete frames (layers, then the result)."""
    if len(data) < _HEADER.size:
        return False
    (first,) = _HEADER.unpack_from(data, 0)
    second_at = _HEADER.size + first
    if len(data) < second_at + _HEADER.size:
        return False
    (second,) = _HEADER.unpack_from(data, second_at)
    return len(data) >= second_at + _HEADER.size + second


def _drain(fd: int, out: _Output) -> None:
    """Read what is left in the output pipe without waiting for its writers."""
    try:
        os.set_blocking(fd, False)
        for _ in range(64):  # at most 4 MiB: a child still writing cannot hold us here
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            out.feed(chunk)
    except (BlockingIOError, OSError):
        pass


def _frames(data: bytes) -> tuple[list[Any] | None, int]:
    """Decoded frames and the byte count of an incomplete trailing frame (-1: malformed)."""
    frames: list[Any] = []
    pos = 0
    while pos + _HEADER.size <= len(data):
        (size,) = _HEADER.unpack_from(data, pos)
        if pos + _HEADER.size + size > len(data):
            return frames, size
        try:
            frames.append(json.loads(data[pos + _HEADER.size: pos + _HEADER.size + size]))
        except ValueError:
            return None, -1
        pos += _HEADER.size + size
    return frames, 0 if pos == len(data) else len(data) - pos


def _describe_status(status: int | None) -> str:
    if status is None:
        return "the child vanished"
    if status > 128:
        sig = status - 128
        name = signal.Signals(sig).name if sig in signal.valid_signals() else str(sig)
        return f"killed by {name} without a result"
    return f"exited with status {status} without a result"
