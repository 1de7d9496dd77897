"""A jail for compiling candidate code (`planner learn --compile`): a command
that must fork and exec (Cython, then the C compiler) but may write only into
its job's build directory.

The search jail (planner.jail.runner) denies exec, processes and every write;
a compiler needs all three, so this jail keeps them and confines them instead:

- the command runs as an unprivileged uid distinct per job (the build
  directory is the only thing it owns), groups cleared, no_new_privs;
- in new mount, network, IPC and UTS namespaces: every mount is made
  read-only (mount_setattr, recursively from /) except a bind mount of the
  build directory, so /tmp, /dev/shm, the planner's caches and stores, and
  the user's files cannot be written whatever their permissions; no network
  interface but a downed loopback; SysV objects die with the job;
- rlimits: CPU seconds, address space, 64 processes for the job uid, files
  of at most 512 MiB, no core files;
- a seccomp filter denying what a compiler never needs: sockets other than
  AF_UNIX, ptrace and process_vm_*, mount/namespace/chroot calls, kernel
  modules, kexec, bpf, perf, keyrings, userfaultfd, io_uring, SysV IPC;
- a directory the job uid could not pass (a per-user Python under /root) is
  covered by an empty tmpfs with only the interpreter's directories bound
  back, so the rest of that home stays out of sight;
- when the command ends or its time is up, every process of the job uid is
  killed (kill(-1) as that uid reaches exactly the job's processes), so
  nothing it started outlives it.

The parent only copies the built file out of the build directory; it never
loads it (the extension's code runs only in the search jail).
"""
from __future__ import annotations

import ctypes
import errno
import os
import resource
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import Sequence

from planner.jail import layers as L
from planner.jail.runner import next_job_uid

SYS_MOUNT_SETATTR = 442
"""The same number on x86-64 and aarch64 (Linux >= 5.12)."""
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x1
MOUNT_ATTR_NOSUID = 0x2
MS_BIND = 0x1000
MS_NOSUID = 0x2
MS_NODEV = 0x4
BUILD_PROCESSES = 64
BUILD_FILE_BYTES = 512 << 20
BUILD_MEMORY_BYTES = 4 << 30
DENIED = ("ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root",
          "chroot", "unshare", "setns", "mount_setattr", "move_mount", "open_tree", "fsopen",
          "fsmount", "fsconfig", "fspick", "init_module", "finit_module", "delete_module",
          "kexec_load", "kexec_file_load", "bpf", "perf_event_open", "keyctl", "add_key",
          "request_key", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
          "msgget", "semget", "shmget", "reboot", "swapon", "swapoff", "acct", "quotactl",
          "settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "syslog",
          "name_to_handle_at", "open_by_handle_at", "lookup_dcookie", "personality")
"""System calls the build jail denies (EPERM). An allow-list would have to follow
every system call of the C toolchain; the confinement of a compiler is the uid,
the read-only mounts and the namespaces, and this list removes what could reach
around them."""


class BuildJailError(OSError):
    """The build jail could not be set up (not root, or the kernel lacks a layer)."""


@dataclass
class BuildResult:
    returncode: int | None
    """None: killed at the time limit."""
    stdout: str
    stderr: str
    uid: int


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def _mount_setattr(path: str, flags: int, attr_set: int, attr_clr: int) -> None:
    attr = _MountAttr(attr_set, attr_clr, 0, 0)
    result = L._libc.syscall(ctypes.c_long(SYS_MOUNT_SETATTR), ctypes.c_int(AT_FDCWD),
                             ctypes.c_char_p(path.encode()), ctypes.c_uint(flags),
                             ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)))
    L._check(result, f"mount_setattr {path}")


def _build_filter() -> object:
    import pyseccomp as seccomp
    import socket

    flt = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in DENIED:
        try:
            flt.add_rule(seccomp.ERRNO(errno.EPERM), name)
        except (OSError, ValueError, RuntimeError):
            pass  # not a system call on this architecture
    flt.add_rule(seccomp.ERRNO(errno.EAFNOSUPPORT), "socket",
                 seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
    flt.add_rule(seccomp.ERRNO(errno.EPERM), "socketpair", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
    return flt


def check_build_jail() -> str:
    """'' when this process can build the jail, else why not."""
    if os.geteuid() != 0:
        return "the build jail needs root (a per-job uid and read-only mounts)"
    if L._seccomp_filter is None:
        return L._SECCOMP_ERROR
    return ""


def run_build(command: Sequence[str], build_dir: str, timeout: float,
              env: dict[str, str] | None = None) -> BuildResult:
    """Run `command` in build_dir inside the build jail; BuildJailError when the
    jail cannot be built (the command then does not run)."""
    why = check_build_jail()
    if why:
        raise BuildJailError(errno.EPERM, why)
    uid = next_job_uid()
    build_dir = os.path.realpath(build_dir)
    for root, dirs, files in os.walk(build_dir):
        for name in [root, *(os.path.join(root, n) for n in dirs + files)]:
            os.lchown(name, uid, uid)
    os.chmod(build_dir, 0o700)
    reachable = _closed_ancestors(toolchain_paths())
    seccomp_filter = _build_filter()  # built here: libseccomp's rule building is the slow part
    cpu = int(timeout) + 1

    def lock_down() -> None:  # in the child, between fork and exec
        L.unshare(L.CLONE_NEWNS | L.CLONE_NEWNET | L.CLONE_NEWIPC | L.CLONE_NEWUTS)
        L._check(L._libc.mount(None, b"/", None, ctypes.c_ulong(L.MS_REC | L.MS_PRIVATE), None),
                 "mount private")
        L._check(L._libc.mount(build_dir.encode(), build_dir.encode(), None, ctypes.c_ulong(MS_BIND),
                               None), "bind the build directory")
        for hidden, paths in reachable.items():
            _reach_through(hidden, paths)
        _mount_setattr("/", AT_RECURSIVE, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, 0)
        _mount_setattr(build_dir, 0, 0, MOUNT_ATTR_RDONLY)
        os.chdir(build_dir)  # Popen's cwd was entered before the bind mount covered it
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        for which, limit in ((resource.RLIMIT_NPROC, BUILD_PROCESSES),
                             (resource.RLIMIT_FSIZE, BUILD_FILE_BYTES),
                             (resource.RLIMIT_AS, BUILD_MEMORY_BYTES), (resource.RLIMIT_CORE, 0),
                             (resource.RLIMIT_CPU, cpu)):
            resource.setrlimit(which, (limit, limit))
        L.prctl(L.PR_SET_NO_NEW_PRIVS, 1)
        L.set_parent_death_signal()
        seccomp_filter.load()  # type: ignore[attr-defined]

    returncode: int | None
    # Output goes to unlinked files, not pipes: a process the build left behind would
    # hold a pipe open, and reading to EOF would wait for it until the time limit.
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        try:
            proc = subprocess.Popen(list(command), cwd=build_dir, env=env, stdin=subprocess.DEVNULL,
                                    stdout=out_file, stderr=err_file, preexec_fn=lock_down,
                                    start_new_session=True)
        except subprocess.SubprocessError as exc:  # the lock-down failed in the child
            raise BuildJailError(errno.EPERM, f"the build jail could not be built: {exc}") from None
        try:
            returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            returncode = None
        finally:
            _kill_uid(uid)  # what it started, wherever it went
            proc.wait()
        texts = []
        for handle in (out_file, err_file):
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 20000))
            texts.append(handle.read().decode("utf-8", "replace"))
    return BuildResult(returncode, texts[0], texts[1], uid)


def toolchain_paths() -> list[str]:
    """What the compiler's job must read: this interpreter and its packages (Cython,
    setuptools)."""
    import site
    import sysconfig

    paths = {sys.base_prefix, sys.prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    paths.update(site.getsitepackages())
    for key in ("purelib", "platlib", "include", "stdlib", "platstdlib"):
        try:
            paths.add(sysconfig.get_path(key))
        except KeyError:
            pass
    return sorted(os.path.realpath(p) for p in paths if p and os.path.isdir(p))


def _closed_ancestors(paths: list[str]) -> dict[str, list[str]]:
    """{the topmost ancestor the job uid could not pass (no o+x; e.g. /root, where a
    per-user Python lives): the toolchain paths under it}."""
    out: dict[str, list[str]] = {}
    for path in paths:
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            ancestor = "/" + "/".join(parts[:i])
            try:
                if not os.stat(ancestor).st_mode & 0o001:
                    out.setdefault(ancestor, []).append(path)
                    break
            except OSError:
                break
    return out


def _reach_through(hidden: str, paths: list[str]) -> None:
    """In the job's mount namespace: an empty tmpfs over `hidden` (its other
    contents, a home directory's, stay out of sight) with only `paths` bound back."""
    fds = {p: os.open(p, os.O_PATH | os.O_DIRECTORY) for p in paths}
    L._check(L._libc.mount(b"tmpfs", hidden.encode(), b"tmpfs", ctypes.c_ulong(MS_NOSUID | MS_NODEV),
                           b"mode=755,size=64k"), f"tmpfs over {hidden}")
    for path, fd in sorted(fds.items()):
        os.makedirs(path, mode=0o755, exist_ok=True)
        L._check(L._libc.mount(f"/proc/self/fd/{fd}".encode(), path.encode(), None,
                               ctypes.c_ulong(MS_BIND | L.MS_REC), None), f"bind {path}")
        os.close(fd)


def _kill_uid(uid: int) -> None:
    """SIGKILL every process of `uid` (the job's, wherever they went)."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)  # all processes this uid may signal: the job's
        except OSError:
            pass
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


__all__ = ["BuildJailError", "BuildResult", "check_build_jail", "run_build"]
