"""Exit codes -> Downward Lab outcome names, and which ones need explaining.

Lab lists every run whose outcome is not an expected way for a planner to
stop (a plan, a proof of unsolvability, running out of time or memory) in
its "unexplained errors" table. We add runner-level outcomes: a run killed at
the limit + grace is an explained timeout; a crash by signal, an unknown exit
code, a missing or invalid plan are unexplained: an invalid plan zeroes a
domain at the IPC, so it must never pass quietly.
"""
from __future__ import annotations

import re
import signal
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    error: str
    explained: bool
    plan_expected: bool
    """The planner claims to have found a plan (codes 0-3)."""


EXIT_OUTCOMES = {
    0: Outcome("success", True, True),
    1: Outcome("search-plan-found-and-out-of-memory", True, True),
    2: Outcome("search-plan-found-and-out-of-time", True, True),
    3: Outcome("search-plan-found-and-out-of-memory-and-time", True, True),
    10: Outcome("translate-unsolvable", True, False),
    11: Outcome("search-unsolvable", True, False),
    12: Outcome("search-unsolvable-incomplete", True, False),
    20: Outcome("translate-out-of-memory", True, False),
    21: Outcome("translate-out-of-time", True, False),
    22: Outcome("search-out-of-memory", True, False),
    23: Outcome("search-out-of-time", True, False),
    24: Outcome("search-out-of-memory-and-time", True, False),
    30: Outcome("translate-critical-error", False, False),
    31: Outcome("translate-input-error", False, False),
    32: Outcome("search-critical-error", False, False),
    33: Outcome("search-input-error", False, False),
    34: Outcome("search-unsupported", False, False),
    35: Outcome("driver-critical-error", False, False),
    36: Outcome("driver-input-error", False, False),
    37: Outcome("driver-unsupported", False, False),
}

KILLED_AT_LIMIT = Outcome("search-out-of-time", True, False)
"""The runner killed the process group at the time limit + grace."""


def outcome_of(returncode: int, killed: bool) -> Outcome:
    """Outcome of a finished process (returncode < 0: killed by that signal)."""
    if killed:
        return KILLED_AT_LIMIT
    if returncode in EXIT_OUTCOMES:
        return EXIT_OUTCOMES[returncode]
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        if name == "SIGXCPU":
            return Outcome("search-out-of-time", True, False)
        return Outcome(f"crash-{name.lower()}", False, False)
    return Outcome(f"unknown-exit-code-{returncode}", False, False)


_FD_COMPONENT_KILLED = re.compile(r"\b(translate|search) exit code: -(\d+)\s*$", re.M)
_FD_TIME_SIGNALS = {signal.SIGKILL.value, signal.SIGXCPU.value}


def outcome_of_fd(returncode: int, killed: bool, output: str, wall_time: float,
                  time_limit: float) -> Outcome:
    """Fast Downward's driver limits each component's CPU time with RLIMIT_CPU itself. A
    component the kernel kills there (SIGXCPU at the soft limit, SIGKILL at the hard one)
    makes the driver log `translate exit code: -9` and exit with 256 - 9 = 247: a timeout,
    not an unexplained error, when the run used its time (36 of the 1,200 runs of issue 12's
    20-seed experiment: the translator on childsnack, floortile, satellite and transport hard
    tasks). Anything else keeps outcome_of's reading."""
    outcome = outcome_of(returncode, killed)
    if outcome.explained or wall_time < 0.95 * time_limit:
        return outcome
    found = _FD_COMPONENT_KILLED.findall(output)
    if found:
        component, number = found[-1]
        if int(number) in _FD_TIME_SIGNALS and returncode in (-int(number), 256 - int(number)):
            return Outcome(f"{component}-out-of-time", True, False)
    return outcome


def outcome_of_pyperplan(returncode: int, killed: bool, plan_written: bool, stderr: str) -> Outcome:
    """pyperplan exits 0 whether or not it found a plan (the plan file tells) and
    1 with a traceback on any exception, MemoryError (the RLIMIT_AS backstop) included."""
    if killed:
        return KILLED_AT_LIMIT
    if returncode == 1 and "MemoryError" in stderr:
        return EXIT_OUTCOMES[22]
    if returncode == 1:
        return Outcome("pyperplan-exception", False, False)
    if returncode != 0:
        return outcome_of(returncode, killed)
    return EXIT_OUTCOMES[0] if plan_written else Outcome("search-unsolvable-incomplete", True, False)
