"""The jail: LLM-written heuristic code runs only in a forked child behind OS
isolation (namespaces, an unprivileged per-job uid, rlimits, seccomp), and
the trusted parent takes back only a small, capped result.

This package sits below the heuristics and the search: it imports nothing of
the planner but planner.errors and planner.exitcodes.
"""
from planner.jail.host import HostReport, check_host
from planner.jail.runner import (HeuristicFailure, JailLimits, JailResult, JailUnavailable,
                                 in_jailed_child, run_jailed)

__all__ = ["HeuristicFailure", "HostReport", "JailLimits", "JailResult", "JailUnavailable",
           "check_host", "in_jailed_child", "run_jailed"]
