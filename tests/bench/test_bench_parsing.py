"""Algorithm names, command lines, log parsers and outcome names."""
from __future__ import annotations

import json

import pytest

from planner.bench.algorithms import command_line, parse_algorithm
from planner.bench.outcomes import outcome_of, outcome_of_fd, outcome_of_pyperplan
from planner.bench.parsers import parse
from planner.errors import ArgumentError

FD_LOG = """INFO     Running search (release).
[t=0.003s, 10412 KB] Solution found!
[t=0.003s, 10412 KB] Plan length: 8 step(s).
[t=0.003s, 10412 KB] Plan cost: 8
[t=0.003s, 10412 KB] Expanded 11 state(s).
[t=0.003s, 10412 KB] Evaluated 22 state(s).
[t=0.003s, 10412 KB] Generated 48 state(s).
[t=0.003s, 10412 KB] Search time: 0.000123s
[t=0.003s, 10412 KB] Total time: 0.003732s
Solution found.
Peak memory: 10412 KB
"""


def test_short_names_map_to_planner_flags():
    assert parse_algorithm("ours-gbfs-ff").args == ("--search", "gbfs", "--heuristic", "ff")
    assert parse_algorithm("ours-lazy-gbfs-add").args == ("--search", "lazy-gbfs", "--heuristic", "add")
    assert parse_algorithm("ours-wastar:3-lmcut").args[:2] == ("--search", "wastar:3")
    assert parse_algorithm("fd-lama-first").args == ("--alias", "lama-first")
    assert parse_algorithm("fd-gbfs-ff").args == ("--search", "eager_greedy([ff()])")


def test_custom_definitions_split_like_a_shell():
    alg = parse_algorithm("bw=ours:--search gbfs --heuristic 'h dir/x.py'")
    assert (alg.name, alg.kind, alg.args) == ("bw", "ours", ("--search", "gbfs", "--heuristic", "h dir/x.py"))


def test_relative_heuristic_files_become_absolute(tmp_path, monkeypatch):
    """Runs execute in their own folders, so a heuristic file named relative to
    where `planner bench` starts must be resolved there, portfolios included."""
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "a.py").write_text("")
    (tmp_path / "h" / "b.py").write_text("")
    monkeypatch.chdir(tmp_path)
    alg = parse_algorithm("pf=ours:--search gbfs --heuristic h/a.py,ff,h/b.py:B")
    a, b = tmp_path / "h" / "a.py", tmp_path / "h" / "b.py"
    assert alg.args == ("--search", "gbfs", "--heuristic", f"{a},ff,{b}:B")
    assert parse_algorithm("ours-gbfs-h/a.py").args[-1] == str(a)
    assert parse_algorithm("x=ours:--heuristic missing.py").args == ("--heuristic", "missing.py")


@pytest.mark.parametrize("spec", ["ours-nosuch-ff", "fd-nosuch", "x=nokind:a", "whatever"])
def test_unknown_algorithms_are_refused(spec):
    with pytest.raises(ArgumentError):
        parse_algorithm(spec)


def test_fd_command_puts_alias_and_limits_before_the_files():
    argv = command_line("fd", ("--alias", "lama-first"), "py", "/d.pddl", "/p.pddl", "/w/sas_plan", 20.0, 4096)
    assert argv[2:10] == ["--alias", "lama-first", "--overall-time-limit", "20s",
                          "--overall-memory-limit", "4096M", "--plan-file", "/w/sas_plan"]
    assert argv[-2:] == ["/d.pddl", "/p.pddl"]
    argv = command_line("fd", ("--search", "eager_greedy([ff()])"), "py", "/d", "/p", "/w/plan", 5, 100)
    assert argv[-4:] == ["/d", "/p", "--search", "eager_greedy([ff()])"]


def test_our_command_uses_the_cli_limits_and_json():
    argv = command_line("ours", ("--search", "gbfs", "--heuristic", "ff"), "py", "/d", "/p", "/w/plan", 60, 2048)
    assert argv[:6] == ["py", "-m", "planner", "solve", "/d", "/p"]
    assert argv[-7:] == ["--time-limit", "60s", "--memory-limit", "2048M", "--plan-file", "/w/plan", "--json"]


def test_fd_log_parser_reads_the_conventional_lines():
    stats = parse("fd", FD_LOG, "")
    assert stats == {"claimed_cost": 8, "plan_length": 8, "expansions": 11, "evaluations": 22,
                     "generated": 48, "search_time": 0.000123, "total_time": 0.003732, "memory": 10412}


def test_fd_anytime_log_keeps_the_last_value():
    assert parse("fd", "Plan cost: 12\nPlan cost: 9\n", "")["claimed_cost"] == 9


def test_our_parser_reads_the_json_summary():
    summary = {"status": "solved", "plan_length": 4, "plan_cost": 7, "expansions": 10, "evaluations": 22,
               "generated": 48, "search_time": 0.5, "total_time": 0.9, "peak_memory_kb": 4000}
    stats = parse("ours", "noise\n" + json.dumps(summary) + "\n", "Solution found!")
    assert stats == {"claimed_cost": 7, "plan_length": 4, "expansions": 10, "evaluations": 22,
                     "generated": 48, "search_time": 0.5, "total_time": 0.9, "memory": 4000}


def test_our_parser_falls_back_to_log_lines_without_json():
    assert parse("ours", "", "Expanded 5 state(s).\nPeak memory: 99 KB")["expansions"] == 5


def test_pyperplan_parser():
    stats = parse("pyperplan", "", "INFO 12 Nodes expanded\nINFO Search time: 0.25\nINFO Plan length: 6\n")
    assert (stats["expansions"], stats["search_time"], stats["plan_length"]) == (12, 0.25, 6)


@pytest.mark.parametrize("code,error,explained", [
    (0, "success", True), (12, "search-unsolvable-incomplete", True), (23, "search-out-of-time", True),
    (22, "search-out-of-memory", True), (31, "translate-input-error", False),
    (35, "driver-critical-error", False), (-11, "crash-sigsegv", False), (99, "unknown-exit-code-99", False),
])
def test_exit_codes_map_to_lab_outcomes(code, error, explained):
    outcome = outcome_of(code, killed=False)
    assert (outcome.error, outcome.explained) == (error, explained)


def test_killed_at_limit_is_an_explained_timeout():
    assert outcome_of(-9, killed=True).error == "search-out-of-time"
    assert outcome_of(-9, killed=True).explained


FD_TRANSLATOR_KILLED = """\
Computing model... [24.040s CPU, 24.199s wall-clock]
Completing instantiation... translate exit code: -9

Driver aborting after translate
INFO     Planner time: 59.92s
"""


def test_fd_component_killed_at_its_own_cpu_limit_is_a_timeout():
    """FD's driver sets RLIMIT_CPU on its components; the kernel's SIGKILL there makes it
    exit 247 (seen on hard childsnack tasks): a timeout when the run used its time."""
    timeout = outcome_of_fd(247, False, FD_TRANSLATOR_KILLED, 60.3, 60.0)
    assert (timeout.error, timeout.explained) == ("translate-out-of-time", True)
    search = FD_TRANSLATOR_KILLED.replace("translate exit code: -9", "search exit code: -24")
    assert outcome_of_fd(232, False, search, 59.5, 60.0).error == "search-out-of-time"
    # early, another signal, no such line, or a code that does not match: still unexplained
    assert outcome_of_fd(247, False, FD_TRANSLATOR_KILLED, 12.0, 60.0).error == "unknown-exit-code-247"
    segv = FD_TRANSLATOR_KILLED.replace("-9", "-11")
    assert not outcome_of_fd(245, False, segv, 60.3, 60.0).explained
    assert not outcome_of_fd(247, False, "no component line", 60.3, 60.0).explained
    assert not outcome_of_fd(99, False, FD_TRANSLATOR_KILLED, 60.3, 60.0).explained
    # FD's own codes are read as before
    assert outcome_of_fd(23, False, "", 60.0, 60.0).error == "search-out-of-time"
    assert outcome_of_fd(-9, True, "", 62.0, 60.0).error == "search-out-of-time"


def test_pyperplan_outcomes_come_from_the_plan_file_and_traceback():
    assert outcome_of_pyperplan(0, False, True, "").error == "success"
    assert outcome_of_pyperplan(0, False, False, "").error == "search-unsolvable-incomplete"
    assert outcome_of_pyperplan(1, False, False, "MemoryError").error == "search-out-of-memory"
    assert not outcome_of_pyperplan(1, False, False, "KeyError").explained
