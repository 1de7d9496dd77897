"""The isolation layers of a jailed child, applied one by one before any
candidate code is imported, and the host check that says which of them this
kernel and user allow.

Layers (in the order applied):

- descriptors: everything inherited is closed except the child's two pipes;
  stdin is /dev/null, stdout and stderr go to the output pipe the parent reads.
- namespaces (unshare(2) through libc, which Python 3.11 does not expose):
  PID (the search child is init of its own PID namespace: killing it kills
  everything it could have started, and it sees no other process), IPC (SysV
  objects it makes die with it and it sees no others), network (no interface
  but a downed loopback; only where seccomp, which denies every socket, does
  not hold), mount (mount changes stay private) and UTS.
  As root they need nothing else; otherwise a user namespace is tried first.
- chroot into an empty, root-owned directory: /proc, the user's files and the
  planner's own sources are out of sight.
- an unprivileged uid/gid distinct per job, supplementary groups cleared:
  jobs running side by side cannot signal or ptrace each other.
- rlimits: CPU seconds, address space, NPROC 0 (no process or thread: the
  per-job uid owns only this one), FSIZE 0, NOFILE 16, CORE 0.
- no_new_privs and the seccomp allow-list (planner.jail.seccomp_filter).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import resource
import signal
from dataclasses import dataclass, field

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
NAMESPACES = {"pid": CLONE_NEWPID, "ipc": CLONE_NEWIPC, "net": CLONE_NEWNET,
              "mount": CLONE_NEWNS, "uts": CLONE_NEWUTS}
REQUIRED = ("pid_namespace", "uid", "rlimits", "no_new_privs", "seccomp", "descriptors")
"""Layers without which the jail is not built (planner doctor exits 37, LLM-written
code is refused unless the user accepts the risk). The network, IPC, mount and
UTS namespaces and the chroot are defence in depth behind seccomp's denial of
sockets, SysV IPC and writes; they are reported but not required."""

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
JOB_UID_BASE = 1_500_000_000
"""Job uids/gids are JOB_UID_BASE + a number unique per running job on this host
(far above any account's uid; nothing on disk is owned by them)."""
MAX_OPEN_FILES = 16

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)

try:  # imported now: after the chroot the file system is out of sight
    from planner.jail import seccomp_filter as _seccomp_filter
    _SECCOMP_ERROR = ""
except (ImportError, RuntimeError, OSError) as _err:  # pyseccomp missing or no libseccomp.so
    _seccomp_filter = None
    _SECCOMP_ERROR = f"libseccomp unavailable: {_err}"


class LayerError(OSError):
    """A lock-down step failed."""


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise LayerError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def prctl(option: int, arg: int) -> None:
    _check(_libc.prctl(ctypes.c_int(option), ctypes.c_ulong(arg), ctypes.c_ulong(0),
                       ctypes.c_ulong(0), ctypes.c_ulong(0)), "prctl")


def set_parent_death_signal() -> None:
    """SIGKILL this process when the process that forked it dies."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


@dataclass
class Layers:
    """Which layers held in one child (reported to the parent before candidate code runs)."""

    held: dict[str, bool] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def mark(self, name: str, ok: bool, note: str = "") -> bool:
        self.held[name] = ok
        if note:
            self.notes[name] = note
        return ok

    @property
    def missing(self) -> list[str]:
        return [name for name in REQUIRED if not self.held.get(name)]

    def as_dict(self) -> dict[str, object]:
        return {"held": dict(self.held), "notes": dict(self.notes)}


class PidNamespaceForChild:
    """This thread's next child goes into a new PID namespace until restore()."""

    def __init__(self, own: int) -> None:
        self._own = own
        self.parent_pid = os.getpid()

    def restore(self) -> None:
        """Later children of this thread go into our own PID namespace again."""
        try:
            _check(_libc.setns(ctypes.c_int(self._own), ctypes.c_int(CLONE_NEWPID)), "setns")
        finally:
            os.close(self._own)


def pid_namespace_for_next_child() -> PidNamespaceForChild | None:
    """As root: make the calling thread's next child init of a new PID namespace
    (unshare(CLONE_NEWPID) moves only this thread's future children; the parent
    stays where it is). None when not root or the kernel refuses: then an
    intermediate process enters the namespaces (enter_namespaces)."""
    if os.geteuid() != 0:
        return None
    try:
        own = os.open("/proc/thread-self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    if _libc.unshare(ctypes.c_int(CLONE_NEWPID)) != 0:
        os.close(own)
        return None
    return PidNamespaceForChild(own)


def enter_namespaces(layers: Layers, without_pid: bool = False) -> None:
    """New namespaces for this process and (PID) its next child; without_pid: the
    process is already init of its own PID namespace. As root all at once;
    otherwise inside a new user namespace, mapping the caller's uid to itself."""
    kinds = {name: flag for name, flag in NAMESPACES.items() if not (without_pid and name == "pid")}
    if seccomp_ready():
        # No network namespace where the seccomp filter will hold: it denies socket()
        # and socketpair() of every family, and no socket is inherited (descriptors),
        # so the namespace would add nothing. It was the costliest layer: 4 ms more per
        # job (fork+unshare+exit 15.7 vs 11.9 ms median) and ~24 ms of kernel CPU for
        # its teardown (cleanup_net) on the 2-core bench machine (bench/examples/jail).
        del kinds["net"]
        layers.mark("net_namespace", False, "not needed: seccomp denies every socket")
    flags = 0
    for flag in kinds.values():
        flags |= flag
    if os.geteuid() != 0:
        uid, gid = os.geteuid(), os.getegid()
        try:
            unshare(CLONE_NEWUSER)
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{uid} {uid} 1")
            _write("/proc/self/gid_map", f"{gid} {gid} 1")
            layers.mark("user_namespace", True)
        except OSError as err:
            layers.mark("user_namespace", False, str(err))
    try:
        unshare(flags)
        for name in kinds:
            layers.mark(f"{name}_namespace", True)
        return
    except OSError:
        pass
    for name, flag in kinds.items():  # some kernels lack one kind: take the others
        try:
            unshare(flag)
            layers.mark(f"{name}_namespace", True)
        except OSError as err:
            layers.mark(f"{name}_namespace", False, str(err))


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def private_mounts(layers: Layers) -> None:
    """Mount changes in this namespace stay here (and none come in)."""
    if not layers.held.get("mount_namespace"):
        return
    result = _libc.mount(None, b"/", None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None)
    layers.mark("private_mounts", result == 0, "" if result == 0 else os.strerror(ctypes.get_errno()))


def enter_chroot(layers: Layers, root: str | None) -> None:
    if root is None:
        layers.mark("chroot", False, "no empty root directory")
        return
    try:
        os.chroot(root)
        os.chdir("/")
        layers.mark("chroot", True)
    except OSError as err:
        layers.mark("chroot", False, str(err))


def drop_identity(layers: Layers, uid: int) -> None:
    """Become uid/gid `uid` with no supplementary groups (as root), or stay the
    calling user inside its user namespace (then `uid` is not ours to take)."""
    if os.geteuid() == 0 and not layers.held.get("user_namespace"):
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            ok = os.getuid() == uid and os.geteuid() == uid and os.getgroups() == []
            layers.mark("uid", ok, f"uid {uid}")
        except OSError as err:
            layers.mark("uid", False, str(err))
        return
    # Unprivileged host: the job keeps the user's uid but sits in its own user and
    # PID namespaces, where no other job's process is visible or signalable. Entering
    # the user namespace gave it every capability there (over its own files, too: its
    # uid is mapped), which it gives up here, after the chroot that needed one.
    # Before, a job could create files in the chroot's root directory (0555, its own):
    # the doctor's probe left /jail-probe in /tmp/planner-jail-root-* under
    # test_unprivileged's seccomp-less case; with CAP_SYS_CHROOT kept, mkdir and chroot
    # are the classic way out of a chroot, which only seccomp's allow-list denied.
    kept = ""
    if layers.held.get("user_namespace"):
        try:
            drop_capabilities()
        except OSError as err:
            kept = str(err)
    ok = bool(layers.held.get("user_namespace") and layers.held.get("pid_namespace")) and not kept
    if ok:
        note = "own user namespace, caller's uid, no capabilities"
    elif kept:
        note = f"own user namespace, but its capabilities kept: {kept}"
    else:
        note = "not root and no user namespace"
    layers.mark("uid", ok, note)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


_LINUX_CAPABILITY_VERSION_3 = 0x20080522


def drop_capabilities() -> None:
    """Empty effective, permitted and inheritable capability sets (capset(2); a later
    exec cannot regain any: no_new_privs, and seccomp denies execve)."""
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()  # version 3: two 32-bit words per set, all zero
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def set_limits(layers: Layers, cpu_seconds: int | None, address_space: int | None) -> None:
    """CPU, address space, no processes, no file writes, few descriptors, no core.
    cpu_seconds None: no CPU limit (a run without a time limit)."""
    limits = [(resource.RLIMIT_NPROC, 0, 0),
              (resource.RLIMIT_FSIZE, 0, 0),
              (resource.RLIMIT_NOFILE, MAX_OPEN_FILES, MAX_OPEN_FILES),
              (resource.RLIMIT_CORE, 0, 0)]
    if cpu_seconds is not None:
        limits.append((resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1))
    if address_space is not None:
        limits.append((resource.RLIMIT_AS, address_space, address_space))
    ok = True
    for which, soft, hard in limits:
        try:
            _, old_hard = resource.getrlimit(which)
            if old_hard != resource.RLIM_INFINITY:  # a limit set on the parent still holds
                hard = min(hard, old_hard)
                soft = min(soft, hard)
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError):
            ok = False
    # A write past FSIZE fails with EFBIG instead of killing the child.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    layers.mark("rlimits", ok)


def no_new_privs(layers: Layers) -> None:
    try:
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        layers.mark("no_new_privs", True)
    except OSError as err:
        layers.mark("no_new_privs", False, str(err))


def install_seccomp(layers: Layers) -> None:
    if _seccomp_filter is None:
        layers.mark("seccomp", False, _SECCOMP_ERROR)
        return
    try:
        _seccomp_filter.install(os.getpid())
        layers.mark("seccomp", True)
    except OSError as err:
        layers.mark("seccomp", False, str(err))


def close_descriptors(layers: Layers, keep: tuple[int, ...]) -> None:
    """Close every descriptor but `keep` (given after 0-2 are set up)."""
    keep_set = set(keep) | {0, 1, 2}
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(range(3, 1024))
    for fd in fds:
        if fd not in keep_set:
            try:
                os.close(fd)
            except OSError:
                pass
    layers.mark("descriptors", True)


def prebuild_seccomp() -> None:
    """Build the child's filter once in the parent (see seccomp_filter.prebuild)."""
    if _seccomp_filter is not None:
        try:
            _seccomp_filter.prebuild(1)
        except (OSError, ValueError, RuntimeError):
            pass  # the child builds it itself, or reports why not


def seccomp_ready() -> bool:
    """Whether the child's filter is built (prebuild_seccomp) and will be loaded."""
    return _seccomp_filter is not None and _seccomp_filter.is_prebuilt(1)


def seccomp_available() -> tuple[bool, str]:
    """Whether libseccomp and the kernel's filter mode are usable (host check)."""
    if _seccomp_filter is None:
        return False, _SECCOMP_ERROR
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            if not any(line.startswith("Seccomp:") for line in status):
                return False, "kernel without seccomp"
    except OSError:
        pass
    return True, ""


def errno_name(code: int) -> str:
    return errno.errorcode.get(code, str(code))
