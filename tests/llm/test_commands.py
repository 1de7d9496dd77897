"""`planner learn` / `planner plan` run through argparse as the CLI will run them."""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from planner.errors import PlannerError
from planner.exitcodes import ExitCode
from planner.cli import learn as learn_command, plan as plan_command
from planner.errors import LLMError
from planner.heuristics.format import write_heuristic
from tests.llm.replay_server import Reply, ReplayServer, recorded



def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="planner")
    sub = parser.add_subparsers(dest="command", required=True)
    learn_command.register(sub)
    plan_command.register(sub)
    args = parser.parse_args(argv)
    return int(args.run(args))


def learn_argv(tmp_path: Path, base_url: str, domain: Path, tasks: list[Path], *extra: str) -> list[str]:
    return ["learn", str(tmp_path / "dk"), str(domain), *map(str, tasks), "--model", "replay",
            "--base-url", base_url, "--samples", "3", "--concurrency", "1", "--time-limit", "10",
            "--memory-limit", "1024", "--cache-dir", str(tmp_path / "cache"), "--repair-rounds", "0",
            *extra]


def test_learn_then_plan_like_the_ipc(tmp_path, blocksworld, training_tasks, monkeypatch, capsys):
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    domain, tasks = blocksworld / "domain.pddl", training_tasks[:2]
    replies = [Reply(recorded(n)) for n in ("nan_return", "good_blocksworld", "fork_attempt")]
    with ReplayServer(replies) as server:
        code = run(learn_argv(tmp_path, server.base_url, domain, tasks, "--json", "--compile"))
    out = capsys.readouterr()
    assert code == 0
    summary = json.loads(out.out)
    assert summary["best_sample"] == 1 and summary["best_solved"] == 2
    assert summary["usage"]["api_calls"] == 3 and summary["stages"]["rejected"] == 1
    assert summary["compiled"] and Path(summary["compiled"]).exists()
    assert (tmp_path / "dk").exists() and (tmp_path / "dk.1").read_text() == (tmp_path / "dk").read_text()
    assert "rejected: line 1: [import]" in out.err

    plan = tmp_path / "plan.txt"
    problem = training_tasks[2]
    assert run(["plan", str(tmp_path / "dk"), str(domain), str(problem), str(plan)]) == 0
    assert "; cost = " in plan.read_text()


def test_learn_install_makes_solve_auto_use_the_learned_heuristic(
        tmp_path, blocksworld, training_tasks, monkeypatch, capsys):
    """learn --install stores the selected heuristic per user (never in the package);
    `planner solve --heuristic auto` then finds it by the domain's fingerprint."""
    from planner.heuristics.store import user_heuristics_dir
    from planner.search.solve import solve

    monkeypatch.setenv("OPENAI_API_KEY", "k")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    domain, tasks = blocksworld / "domain.pddl", training_tasks[:2]
    with ReplayServer([Reply(recorded("good_blocksworld"))]) as server:
        code = run(learn_argv(tmp_path, server.base_url, domain, tasks, "--json", "--install",
                              "--compile"))
    summary = json.loads(capsys.readouterr().out)
    installed = Path(summary["installed"])
    assert code == 0 and installed.is_file() and summary["compiled"]
    assert installed.is_relative_to(user_heuristics_dir()) and installed.is_relative_to(tmp_path)
    assert installed.read_text() == (tmp_path / "dk").read_text()
    result = solve(domain, training_tasks[2], heuristic="auto", time_limit=60)
    assert result.solved and result.statistics["heuristic_file"] == str(installed)
    from planner.heuristics.store import auto_heuristic

    (source,), path = auto_heuristic(domain)
    assert path == installed and Path(source.compiled).name.startswith("planner_h_")  # the compiled module


def test_learn_keeps_a_portfolio_that_plan_runs_in_alternation(
        tmp_path, blocksworld, training_tasks, monkeypatch, capsys, caplog):
    """Two candidates that each fail on different task sizes: the greedy cover keeps
    both, DK holds both, and `planner plan` alternates them, dropping the member
    that crashes on a task and solving it with the other."""
    from planner.heuristics.format import read_provenance

    monkeypatch.setenv("OPENAI_API_KEY", "k")
    domain = blocksworld / "domain.pddl"
    by_name = {p.name: p for p in training_tasks}
    tasks = [by_name["p01.pddl"], by_name["p09.pddl"], by_name["p15.pddl"]]  # 2, 4, 5 blocks
    replies = [Reply(recorded(n)) for n in ("small_towers_only", "skips_four_blocks")]
    with ReplayServer(replies) as server:
        code = run(learn_argv(tmp_path, server.base_url, domain, tasks, "--json", "--samples", "2"))
    out = capsys.readouterr()
    summary = json.loads(out.out)
    assert code == 0 and summary["best_solved"] == 2 and summary["portfolio_solved"] == 3
    assert sorted(summary["portfolio"]) == [0, 1] and "together solve 3 training tasks" in out.err
    members = read_provenance(tmp_path / "dk")["portfolio"]
    assert len(members) == 1 and members[0]["solved"] == 2

    for problem, failing in (("p12.pddl", "four blocks"), ("p16.pddl", "more than four")):
        plan = tmp_path / f"{problem}.plan"
        assert run(["plan", str(tmp_path / "dk"), str(domain), str(by_name[problem]), str(plan),
                    "--json"]) == 0
        out = capsys.readouterr()
        assert "Portfolio: dropped DomainHeuristic#" in out.err and failing in caplog.text
        assert json.loads(out.out)["status"] == "solved" and "; cost = " in plan.read_text()

    with ReplayServer(replies) as server:  # size 1: the reference method's single pick
        code = run(learn_argv(tmp_path / "single", server.base_url, domain, tasks, "--json",
                              "--samples", "2", "--portfolio-size", "1"))
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and len(summary["portfolio"]) == 1 and summary["portfolio_solved"] == 2
    assert "portfolio" not in read_provenance(tmp_path / "single" / "dk")


def test_learn_without_any_useful_candidate_exits_12(tmp_path, blocksworld, training_tasks, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    with ReplayServer([Reply(recorded("syntax_error"))]) as server:
        code = run(learn_argv(tmp_path, server.base_url, blocksworld / "domain.pddl", training_tasks[:1]))
    assert code == ExitCode.SEARCH_UNSOLVED_INCOMPLETE and not (tmp_path / "dk").exists()


def test_learn_user_errors(tmp_path, blocksworld, training_tasks, monkeypatch):
    monkeypatch.delenv("PLANNER_LLM_MODEL", raising=False)
    argv = learn_argv(tmp_path, "http://127.0.0.1:9/v1", blocksworld / "domain.pddl", training_tasks[:1])
    with pytest.raises(PlannerError, match="no model"):
        run([a for a in argv if a not in ("--model", "replay")])
    with pytest.raises(PlannerError, match="file not found"):
        run(learn_argv(tmp_path, "http://127.0.0.1:9/v1", blocksworld / "domain.pddl",
                       [tmp_path / "missing.pddl"]))
    with pytest.raises(PlannerError, match="offline mode") as info:
        run(argv + ["--offline"])
    assert info.value.exit_code == ExitCode.DRIVER_INPUT_ERROR


def test_plan_refuses_other_domains_and_unsafe_files(tmp_path, blocksworld, training_tasks):
    from planner.heuristics.format import domain_fingerprint

    fingerprint = domain_fingerprint((blocksworld / "domain.pddl").read_text())
    good = "class H:\n    def __init__(self, task):\n        pass\n    def __call__(self, s):\n        return 0\n"
    dk = write_heuristic(tmp_path / "dk", good, "H", {"domain_fingerprint": "0" * 64})
    with pytest.raises(LLMError, match="different domain"):
        run(["plan", str(dk), str(blocksworld / "domain.pddl"), str(training_tasks[0])])
    unsafe = write_heuristic(tmp_path / "unsafe", "import os\n" + good, "H",
                             {"domain_fingerprint": fingerprint})
    with pytest.raises(LLMError, match=r"safety check: line \d+: \[import\]"):
        run(["plan", str(unsafe), str(blocksworld / "domain.pddl"), str(training_tasks[0])])


RUNNER = """
import sys
from planner.cli.learn import register
import argparse
p = argparse.ArgumentParser(); s = p.add_subparsers(); register(s)
a = p.parse_args(sys.argv[1:]); sys.exit(a.run(a))
"""


def test_sigterm_keeps_the_heuristic_and_stops_the_workers(tmp_path, blocksworld, training_tasks):
    domain, tasks = blocksworld / "domain.pddl", training_tasks[:1]
    replies = [Reply(recorded("good_blocksworld")), Reply(recorded("infinite_loop"))]
    with ReplayServer(replies) as server:
        argv = learn_argv(tmp_path, server.base_url, domain, tasks, "--samples", "2")
        temp = tmp_path / "temp"  # where the sandbox workers' homes go
        temp.mkdir()
        env = {**os.environ, "OPENAI_API_KEY": "k", "PYTHONPATH": str(Path(__file__).parents[2]),
               "TMPDIR": str(temp)}
        proc = subprocess.Popen([sys.executable, "-c", RUNNER, *argv], env=env,
                                stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while not (tmp_path / "dk").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1.0)  # the infinite loop's probe is now running in a worker
            # this learn run's own workers (pgrep would also see other runs' workers)
            workers = psutil.Process(proc.pid).children(recursive=True)
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0 and "keeping" in err
    assert (tmp_path / "dk").exists()
    assert workers, "no sandbox worker was running when SIGTERM was sent"
    time.sleep(0.5)
    alive = [w.pid for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]
    assert alive == []
    # the killed workers' home directories go with them (os._exit skips their clean-up)
    assert sorted(p.name for p in temp.glob("planner-sandbox-*")) == []


def test_learn_subroutines_puts_the_gated_library_in_dk_and_plan_reads_it(
        tmp_path, blocksworld, training_tasks, monkeypatch, capsys):
    """learn --subroutines mines from the learned heuristic's own validated plans (jailed
    searches), gates on every third training task and stores the library, kept and
    rejected candidates with reasons, in DK's header; plan uses it (--subroutines dk)."""
    from planner.heuristics.format import read_provenance
    from planner.subroutines.library import library_from_dk

    monkeypatch.setenv("OPENAI_API_KEY", "k")
    monkeypatch.setenv("PLANNER_SUBROUTINES_DIR", str(tmp_path / "subs"))
    domain, tasks = blocksworld / "domain.pddl", training_tasks[:3]
    with ReplayServer([Reply(recorded("good_blocksworld"))]) as server:
        code = run(learn_argv(tmp_path, server.base_url, domain, tasks, "--json", "--subroutines"))
    out = capsys.readouterr()
    assert code == 0, out.err
    summary = json.loads(out.out)["subroutines"]
    meta = read_provenance(tmp_path / "dk")
    library = library_from_dk(tmp_path / "dk", domain.read_text())
    assert meta["subroutines"]["config"] == {"search": "gbfs", "heuristic": "dk"}
    assert meta["subroutines"]["meta"]["heldout_tasks"] == [str(tasks[2])]
    assert [s.describe() for s in library.subroutines] == summary["kept"]
    assert summary["kept"] or library.rejected  # every candidate is kept or has its reason
    assert all(r["reason"] for r in library.rejected)
    assert "Subroutines kept in" in out.err
    plan = tmp_path / "plan.txt"
    assert run(["plan", str(tmp_path / "dk"), str(domain), str(training_tasks[3]), str(plan), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)["subroutines"]
    assert (info is None) == (not library.subroutines)
