"""The system-call filter of a jailed child (libseccomp through pyseccomp).

An allow-list: every system call not named here fails with EPERM, so a new
kernel feature is denied until someone decides otherwise. What a Python
search needs is allowed: memory management, reading already-open
descriptors and writing to them (the child's only descriptors are its two
pipes), opening files read-only, clocks, futexes, signals to itself.
Denied, among everything else: opening for writing or creating, unlinking,
renaming, sockets, exec, every way of creating a process or thread (fork,
vfork, clone, clone3), signals to other processes, SysV IPC, ptrace,
process_vm_*, mount, prctl, setuid and friends, memfd_create, bpf, io_uring.

Threads are denied as well as processes. A search needs none (the compiled
core is single-threaded and BLAS pools are sized 1 before the fork), and a
thread would let candidate code keep running beside the code that reports
the result; the per-job uid's RLIMIT_NPROC = 0 denies them a second time.
"""
from __future__ import annotations

import errno
import os

import pyseccomp as seccomp

ALLOWED = (
    # memory
    "brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mincore", "membarrier",
    # descriptors the child already holds (its pipes) and read-only files
    "read", "readv", "pread64", "preadv", "write", "writev", "pwrite64", "pwritev",
    "close", "close_range", "lseek", "fstat", "newfstatat", "stat", "lstat", "statx", "fstatfs",
    "statfs", "getdents64", "getcwd", "readlink", "readlinkat", "access", "faccessat",
    "faccessat2", "fcntl", "dup", "dup2", "dup3", "chdir", "fchdir", "poll", "ppoll", "select",
    "pselect6",
    # time, randomness, scheduling
    "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time",
    "getrandom", "sched_yield", "sched_getaffinity", "futex", "futex_waitv", "set_robust_list",
    "get_robust_list", "rseq", "restart_syscall",
    # identity and limits (reading only)
    "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid", "getegid", "getgroups",
    "getresuid", "getresgid", "getrusage", "times", "uname", "sysinfo", "getpgrp", "getpgid",
    "getsid", "arch_prctl", "set_tid_address",
    # own signal handling
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigsuspend",
    "rt_sigtimedwait", "sigaltstack",
    # the end
    "exit", "exit_group",
)
"""System calls allowed without conditions (x86-64 and aarch64 names; names
this architecture lacks are skipped)."""

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
"""open/openat flags that write or create. O_TMPFILE needs O_WRONLY/O_RDWR, so it is covered."""

_TCGETS = 0x5401
"""The ioctl isatty() issues; every other ioctl (TIOCSTI on a terminal...) is denied."""


def build_filter(own_pid: int) -> seccomp.SyscallFilter:
    """The filter for a child whose pid (as it sees itself) is own_pid."""
    flt = seccomp.SyscallFilter(defaction=seccomp.ERRNO(errno.EPERM))
    try:
        # Keep speculative store bypass as the host set it: on kernels whose default
        # is spec_store_bypass_disable=seccomp, a filter would otherwise switch the
        # mitigation on and slow the search. The child's memory is a copy of the
        # parent's, so within it there is nothing the mitigation would protect.
        flt.set_attr(seccomp.Attr.CTL_SSB, 1)
    except (OSError, AttributeError):
        pass  # libseccomp < 2.5
    try:
        # A binary tree of system-call numbers instead of a linear list: each system
        # call the search makes (mmap, brk, read...) passes ~7 comparisons, not ~100.
        flt.set_attr(seccomp.Attr.CTL_OPTIMIZE, 2)
    except (OSError, AttributeError):
        pass  # libseccomp < 2.5.0
    for name in ALLOWED:
        _allow(flt, name)
    # Opening: read-only only. openat2 and creat are denied (ENOSYS makes libc fall back to openat).
    _allow(flt, "openat", seccomp.Arg(2, seccomp.MASKED_EQ, _WRITE_FLAGS, 0))
    _allow(flt, "open", seccomp.Arg(1, seccomp.MASKED_EQ, _WRITE_FLAGS, 0))
    flt.add_rule(seccomp.ERRNO(errno.ENOSYS), "openat2")
    # clone3 -> ENOSYS so that glibc falls back to clone, which the default denies.
    flt.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    _allow(flt, "ioctl", seccomp.Arg(1, seccomp.EQ, _TCGETS))
    # prlimit64(0, resource, NULL, old): reading own limits (getrlimit) only.
    _allow(flt, "prlimit64", seccomp.Arg(0, seccomp.EQ, 0), seccomp.Arg(2, seccomp.EQ, 0))
    # Signals to itself only (raise(), abort()); the pid is the one it sees.
    _allow(flt, "kill", seccomp.Arg(0, seccomp.EQ, own_pid))
    _allow(flt, "tgkill", seccomp.Arg(0, seccomp.EQ, own_pid))
    _allow(flt, "tkill", seccomp.Arg(0, seccomp.EQ, own_pid))
    return flt


def _allow(flt: seccomp.SyscallFilter, name: str, *args: seccomp.Arg) -> None:
    try:
        flt.add_rule(seccomp.ALLOW, name, *args)
    except (OSError, ValueError, RuntimeError):
        pass  # not a system call on this architecture


_built: dict[int, seccomp.SyscallFilter] = {}


def prebuild(own_pid: int = 1) -> None:
    """Build the filter in the parent before the fork, so that the child only loads
    it: building takes 6-14 ms (one libseccomp call per rule), loading 0.5 ms.
    A jailed child is init of its PID namespace, so its pid is 1."""
    if own_pid not in _built:
        _built[own_pid] = build_filter(own_pid)


def is_prebuilt(own_pid: int = 1) -> bool:
    return own_pid in _built


def install(own_pid: int) -> None:
    """Load the filter into this process (irreversible; needs no_new_privs or CAP_SYS_ADMIN)."""
    flt = _built.get(own_pid) or build_filter(own_pid)
    flt.load()
