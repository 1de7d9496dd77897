"""Planner output -> raw statistics (expansions, times, memory, claimed cost).

Our planner prints one JSON object on stdout (`--json`); Fast Downward and
`command` planners print log lines (conventions.md, "Log lines tools
parse"); pyperplan logs its own phrases. Every parser returns the same keys,
None where the planner did not say. For Fast Downward the last value of a
line wins (anytime searches print several), and `Total time` is the search
component's, so the runner's wall clock is kept separately for scores.
"""
from __future__ import annotations

import json
import re
from typing import Any

KEYS = ("claimed_cost", "plan_length", "expansions", "evaluations", "generated",
        "search_time", "total_time", "memory")

_FD_PATTERNS = {
    "claimed_cost": r"Plan cost: (\d+(?:\.\d+)?)",
    "plan_length": r"Plan length: (\d+) step",
    "expansions": r"Expanded (\d+) state",
    "evaluations": r"Evaluated (\d+) state",
    "generated": r"Generated (\d+) state",
    "search_time": r"Search time: (\d+(?:\.\d+)?)s",
    "total_time": r"Total time: (\d+(?:\.\d+)?)s",
    "memory": r"Peak memory: (\d+) KB",
}

_PYPERPLAN_PATTERNS = {
    "plan_length": r"Plan length: (\d+)",
    "expansions": r"(\d+) Nodes expanded",
    "search_time": r"Search time: (\d+(?:\.\d+)?)",
}


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def _empty() -> dict[str, Any]:
    return {key: None for key in KEYS}


def parse_log_lines(text: str, patterns: dict[str, str] = _FD_PATTERNS) -> dict[str, Any]:
    """Last match of each pattern in the log."""
    stats = _empty()
    for key, pattern in patterns.items():
        found = re.findall(pattern, text)
        if found:
            stats[key] = _number(found[-1])
    return stats


def parse_ours(stdout: str, stderr: str) -> dict[str, Any]:
    """`planner solve --json`: the last JSON object line on stdout; log lines as a fallback."""
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                data = json.loads(line)
            except ValueError:
                continue
            return {
                "claimed_cost": data.get("plan_cost"), "plan_length": data.get("plan_length"),
                "expansions": data.get("expansions"), "evaluations": data.get("evaluations"),
                "generated": data.get("generated"), "search_time": data.get("search_time"),
                "total_time": data.get("total_time"), "memory": data.get("peak_memory_kb"),
            }
    return parse_log_lines(stderr)


def parse_fd(stdout: str, stderr: str) -> dict[str, Any]:
    return parse_log_lines(stdout + "\n" + stderr)


def parse_pyperplan(stdout: str, stderr: str) -> dict[str, Any]:
    return parse_log_lines(stdout + "\n" + stderr, _PYPERPLAN_PATTERNS)


PARSERS = {"ours": parse_ours, "fd": parse_fd, "command": parse_fd, "pyperplan": parse_pyperplan}


def parse(kind: str, stdout: str, stderr: str) -> dict[str, Any]:
    return PARSERS[kind](stdout, stderr)
