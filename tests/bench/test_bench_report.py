"""Scores (coverage, IPC quality and agile) and the Markdown/HTML reports."""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import pytest

from planner.bench.experiment import Limits
from planner.bench.report import write_reports
from planner.bench.scores import agile, best_costs, per_domain, quality
from planner.bench.store import ResultsStore

pytest.importorskip("matplotlib")


def run(alg, domain, problem, coverage, cost=None, t=0.5, expansions=10, error=None, unexplained=()):
    return {"run_id": f"{alg}-{domain}-{problem}", "algorithm": alg, "domain": domain, "problem": problem,
            "id": [alg, domain, problem], "coverage": coverage, "cost": cost, "plan_length": cost,
            "error": error or ("success" if coverage else "search-out-of-time"),
            "unexplained_errors": list(unexplained), "expansions": expansions if coverage else None,
            "planner_wall_clock_time": t, "time_limit": 100.0, "task_key": f"{domain}/{problem}"}


RUNS = [
    run("A", "d1", "p1", 1, cost=10, t=0.5), run("B", "d1", "p1", 1, cost=20, t=10.0),
    run("A", "d1", "p2", 0, t=100.0), run("B", "d1", "p2", 1, cost=5, t=2.0),
    run("A", "d2", "p1", 0, error="driver-critical-error", unexplained=["driver-critical-error (exit 35): boom"]),
    run("B", "d2", "p1", 1, cost=8, t=1.0),
]


def test_quality_uses_the_better_of_bound_and_best_found():
    best = best_costs(RUNS, {"d1/p1": 12.0, "d2/p1": 4.0})
    assert best["d1/p1"] == 10.0 and best["d2/p1"] == 4.0 and best["d1/p2"] == 5.0
    assert quality(RUNS[1], best) == pytest.approx(0.5)
    assert quality(RUNS[5], best) == pytest.approx(0.5)
    assert quality(RUNS[2], best) == 0.0


def test_agile_score_is_one_within_a_second_then_logarithmic():
    assert agile(RUNS[0]) == 1.0
    assert agile(RUNS[1]) == pytest.approx(1 - math.log(10) / math.log(100))
    assert agile(RUNS[2]) == 0.0


def test_per_domain_sums():
    scores = per_domain(RUNS, {})
    assert dict(scores["d1"].coverage) == {"A": 1, "B": 2}
    assert scores["d1"].tasks == {"p1", "p2"}
    assert scores["d2"].coverage["A"] == 0


def _results_folder(tmp_path: Path) -> Path:
    store = ResultsStore(tmp_path / "exp")
    store.begin({"limits": Limits(time=100).as_dict(), "suites": ["x"], "executor": "local (1 parallel run)",
                 "algorithms": [{"name": "A", "kind": "ours", "args": ["--search", "gbfs"]},
                                {"name": "B", "kind": "fd", "args": ["--alias", "lama-first"]}],
                 "tasks": [], "seeds": {"PYTHONHASHSEED": "0"},
                 "environment": {"versions": {"planner": "0.1.0", "numpy": "2"}, "git_revision": "abc123",
                                 "machine": {"cores": 2, "memory_gib": 8}}})
    for r in RUNS:
        store.append(r)
    return store.path


def test_reports_show_errors_first_tables_plots_and_settings(tmp_path):
    folder = _results_folder(tmp_path)
    md_path, html_path = write_reports(folder, baseline="B")
    md = md_path.read_text()
    assert md.index("## Unexplained errors") < md.index("## Coverage")
    assert "| A | d2 | p1 | driver-critical-error |" in md
    assert "| d1 | 2 | 1 | **2** |" in md          # coverage row, best bold
    assert "| **sum** | 3 | 1 | **3** |" in md
    for text in ("abc123", "version: numpy | 2", "machine: cores | 2", "PYTHONHASHSEED=0",
                 "algorithm: B | fd: --alias lama-first", "100 s per run"):
        assert text in md
    for png in ("cactus.png", "scatter-expansions-A-vs-B.png", "scatter-time-A-vs-B.png"):
        assert (folder / png).stat().st_size > 1000
        assert f"({png})" in md and f"src='{png}'" in html_path.read_text()
    assert "<b>3</b>" in html_path.read_text()
    assert json.loads((folder / "properties").read_text())["A-d1-p1"]["cost"] == 10


def test_unknown_baseline_is_refused(tmp_path):
    from planner.errors import ArgumentError

    with pytest.raises(ArgumentError):
        write_reports(_results_folder(tmp_path), baseline="C")


def test_learning_candidate_table(tmp_path):
    folder = _results_folder(tmp_path)
    results = tmp_path / "candidates.json"
    records = {
        "k0": {"sample_index": 0, "key": "k0", "provenance": {}, "code": None,
               "static": {"ok": False, "rule": "no-code", "message": "no code block"}, "runs": {}},
        "k1": {"sample_index": 1, "key": "k1", "provenance": {}, "code": "x", "static": {"ok": False,
               "rule": "forbidden-import", "line": 3, "message": "import os"}, "runs": {}},
        "k2": {"sample_index": 2, "key": "k2", "provenance": {}, "code": "x", "static": {"ok": True},
               "probe": {"outcome": "ok"}, "runs": {"t1": {"outcome": "solved"}, "t2": {"outcome": "timeout"}}},
    }
    results.write_text(json.dumps({"format": 1, "provenance": {"model": "m1"}, "tasks": ["t1", "t2"],
                                   "records": records}))
    (tmp_path / "llm_usage.json").write_text(json.dumps({"calls": [
        {"key": "k2", "cached": False, "prompt_tokens": 100, "completion_tokens": 50, "cost_usd": 0.25},
        {"key": "k2", "cached": True, "prompt_tokens": 100, "completion_tokens": 50, "cost_usd": 0.0}]}))
    md = write_reports(folder, learning_results=str(results))[0].read_text()
    section = md[md.index("## Learning candidates"):]
    assert "Model m1, 3 candidates on 2 training tasks; 150 tokens, $0.2500" in section
    assert "rejected: forbidden-import: 1" in section and "run: timeout: 1" in section
    assert "| 2 | evaluated | solved 1, timeout 1 | 1/2 | 150 | 0.2500 |" in section


def test_cli_report_action(tmp_path, capsys):
    from planner.cli import bench

    parser = argparse.ArgumentParser()
    bench.register(parser.add_subparsers())
    folder = _results_folder(tmp_path)
    args = parser.parse_args(["bench", "report", str(folder), "--baseline", "A"])
    assert args.run(args) == 0
    assert str(folder / "report.html") in capsys.readouterr().out
    assert (folder / "scatter-time-B-vs-A.png").exists()


def test_compare_reports_differing_runs(tmp_path, capsys):
    from planner.cli import bench

    parser = argparse.ArgumentParser()
    bench.register(parser.add_subparsers())
    first = _results_folder(tmp_path / "one")
    second = _results_folder(tmp_path / "two")
    args = parser.parse_args(["bench", "compare", str(first), str(second)])
    assert args.run(args) == 0
    assert "identical coverage" in capsys.readouterr().out
    ResultsStore(second).append(run("A", "d1", "p2", 1, cost=5))  # the last line wins
    assert args.run(args) == 1
    assert "A-d1-p2: (0, 'search-out-of-time') vs (1, 'success')" in capsys.readouterr().out
