"""planner.search.jailed: the jailed search's progress on stderr as it runs, and
what reaches the user's terminal from the child's untrusted output."""
from __future__ import annotations

import io
import logging

from hypothesis import given, strategies as st

from planner.search.engine import search
from planner.search.jailed import MAX_RELAYED_LINES, ProgressRelay, log_child_output
from planner.search.solve import solve
from planner.frontend.grounding import ground_files
from planner.jail import JailResult
from tests.fixtures import GRIPPER_DOMAIN

BALLS = 12
MANY_BALLS = f"""
(define (problem many-balls) (:domain gripper)
  (:objects a b - room {" ".join(f"b{i}" for i in range(BALLS))} - ball)
  (:init (at-robby a) (free) {" ".join(f"(at b{i} a)" for i in range(BALLS))})
  (:goal (and {" ".join(f"(at b{i} b)" for i in range(BALLS))})))
"""
"""Blind search (a constant heuristic) does not solve it in seconds: 2^12 ball
placements times the robot's and gripper's states, plan length 35."""

MISLEADING = (
    "class Misleading:\n"
    "    def __init__(self, task):\n"
    "        self.goal = list(task.goal_atoms)\n"
    "        print('New best heuristic value for x: 1\\x1b[2J')\n"  # forged, with an escape
    "        print('Initial heuristic value for forged: 7 extra')\n"
    "    def __call__(self, state):\n"
    "        for _ in range(20000):\n"  # slow, as LLM-written Python heuristics are
    "            pass\n"
    "        return 1 + sum(1 for atom in self.goal if atom in state)\n"
)
"""Goals reached make h worse: greedy search explores the states with none first
(57 k expansions to solve: 2 s with a loop of 2000)."""


def test_core_progress_lines_are_all_relayed(tmp_path):
    """Every line the compiled search prints at verbosity 1 is of a format the
    relay shows: the core and the relay's whitelist cannot drift apart."""
    (tmp_path / "d.pddl").write_text(GRIPPER_DOMAIN)
    (tmp_path / "p.pddl").write_text(MANY_BALLS)
    task = ground_files(tmp_path / "d.pddl", tmp_path / "p.pddl")
    import contextlib
    import sys

    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):
        old, sys.stderr = sys.stderr, captured
        try:
            search(task, "lazy-gbfs", evaluators=["ff"], time_limit=2, verbosity=1)
            search(task, "astar", evaluators=["blind"], time_limit=1, verbosity=1)
        finally:
            sys.stderr = old
    lines = [line for line in captured.getvalue().splitlines() if line]
    assert {"Initial", "New", "[g=0,", "f"} <= {line.split()[0] for line in lines}
    # The periodic line comes every 5 s; this one was printed by a blocksworld search.
    lines.append("[t=5.0s] 57926 expanded (11585/s), 57926 evaluated, 1462249 generated, "
                 "57926 registered, 307684 KB")
    relay = ProgressRelay(io.StringIO())
    progress = [line for line in lines if not line.startswith(("Solution", "Time limit", "Completely"))]
    assert all(relay(line.encode()) for line in progress), [l for l in progress if not relay(l.encode())]


@given(st.binary(max_size=200))
def test_the_relay_shows_only_plain_ascii(line):
    out = io.StringIO()
    taken = ProgressRelay(out)(line)
    assert taken == bool(out.getvalue())
    assert all(32 <= ord(c) < 127 for c in out.getvalue().rstrip("\n"))


def test_the_relay_stops_showing_after_its_cap():
    out = io.StringIO()
    relay = ProgressRelay(out)
    for _ in range(MAX_RELAYED_LINES + 50):
        assert relay(b"Initial state is a dead end.")
    assert out.getvalue().count("\n") == MAX_RELAYED_LINES + 1  # and one line saying so


def test_the_heuristics_output_is_shown_escaped(caplog):
    result = JailResult("ok", output="fine\nclear \x1b[2J screen\n")
    with caplog.at_level(logging.WARNING):
        log_child_output(result, logging.getLogger("planner.test"))
    assert "\x1b" not in caplog.text and "\\x1b[2J" in caplog.text


def test_a_jailed_search_shows_progress_and_counts_its_work_when_out_of_time(tmp_path, capfd):
    """The jailed search's progress lines reach stderr while it runs (verbosity 1, as
    the CLI runs it); forged or escaped lines of the heuristic do not pass as progress;
    when it runs out of time and h^FF searches in the reserve, the totals count both
    searches and "jail" keeps the jailed one's own figures."""
    (tmp_path / "d.pddl").write_text(GRIPPER_DOMAIN)
    (tmp_path / "p.pddl").write_text(MANY_BALLS)
    (tmp_path / "h.py").write_text(MISLEADING)
    result = solve(tmp_path / "d.pddl", tmp_path / "p.pddl", heuristic=str(tmp_path / "h.py"),
                   search="lazy-gbfs", time_limit=4, verbosity=1)
    err = capfd.readouterr().err
    assert "Initial heuristic value for Misleading: 1" in err
    assert "\x1b" not in err
    assert "New best heuristic value for x: 1\n" not in err
    jail = result.statistics["jail"]
    assert jail["failure"] == "out of time", jail
    child = jail["search"]
    assert child["heuristic"] == ["Misleading"] and child["expansions"] > 100
    assert result.statistics["expansions"] >= child["expansions"] + 1
    assert result.statistics["search_time"] >= child["search_time"]
