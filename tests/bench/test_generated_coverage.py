"""bench/generated_coverage.py (issue 12's coverage table) and bench/heuristic_share.py (where
search time goes): their tables on hand-made results and profiles, and one real tiny run."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


gc = _script("generated_coverage")
hs = _script("heuristic_share")

ALGS = ("ours-lazy-gbfs-auto", "fd-lama-first", "fd-gbfs-ff")


def _row(alg: str, domain: str, preset: str, seed: int, cost: int | None) -> dict:
    return {"algorithm": alg, "domain": f"{domain}-gen-{preset}", "problem": f"s{seed}.pddl",
            "run_id": f"{alg}-{domain}-gen-{preset}-s{seed}.pddl",
            "coverage": int(cost is not None), "cost": cost}


def _fake_results() -> list[dict]:
    rows = []
    # blocksworld medium: ours solves both, LAMA one (cost 100 against our 105), FD h^FF none
    rows += [_row(ALGS[0], "blocksworld", "medium", 1, 105), _row(ALGS[1], "blocksworld", "medium", 1, 100),
             _row(ALGS[2], "blocksworld", "medium", 1, None),
             _row(ALGS[0], "blocksworld", "medium", 2, 50), _row(ALGS[1], "blocksworld", "medium", 2, None),
             _row(ALGS[2], "blocksworld", "medium", 2, None)]
    # blocksworld hard, seed 1: only ours has a result yet (pending, left out)
    rows += [_row(ALGS[0], "blocksworld", "hard", 1, 700)]
    # sokoban hard: LAMA solves, ours does not: sokoban is below LAMA
    rows += [_row(ALGS[0], "sokoban", "hard", 3, None), _row(ALGS[1], "sokoban", "hard", 3, 40),
             _row(ALGS[2], "sokoban", "hard", 3, 44)]
    # an IPC suite row and another algorithm: ignored
    rows += [{"algorithm": ALGS[0], "domain": "blocksworld", "problem": "p01.pddl", "run_id": "x",
              "coverage": 1, "cost": 3},
             _row("ours-gbfs-ff", "sokoban", "hard", 3, 30)]
    return rows


def test_suites_are_seed_major_so_any_prefix_covers_every_domain():
    counts = gc.parse_counts(1, ["medium=2"], ["medium", "hard"])
    assert counts == {"medium": 2, "hard": 1}
    assert gc.suites(["ferry", "rovers"], counts, 5) == [
        "gen:ferry:medium:1:5", "gen:rovers:medium:1:5", "gen:ferry:hard:1:5", "gen:rovers:hard:1:5",
        "gen:ferry:medium:1:6", "gen:rovers:medium:1:6"]
    with pytest.raises(SystemExit, match="PRESET=N"):
        gc.parse_counts(1, ["huge=3"], ["medium", "hard"])


def test_table_counts_complete_tasks_only_and_judges_the_targets():
    cells = gc.tabulate(_fake_results(), ALGS, ALGS[0], ALGS[1])
    bw = cells[("blocksworld", "medium")]
    assert (bw.tasks, bw.seeds, bw.solved) == (2, [1, 2], {ALGS[0]: 2, ALGS[1]: 1, ALGS[2]: 0})
    assert (bw.both, bw.cost_ours, bw.cost_reference) == (1, 105, 100)
    assert (cells[("blocksworld", "hard")].tasks, cells[("blocksworld", "hard")].pending) == (0, 1)
    assert cells[("sokoban", "hard")].solved == {ALGS[0]: 0, ALGS[1]: 1, ALGS[2]: 1}

    every, total, cost = gc.verdicts(cells, ["blocksworld", "sokoban"], ALGS[0], ALGS[1])
    assert not every.met and "sokoban 0 < 1" in every.detail and "blocksworld" not in every.detail
    assert not total.met and total.detail == "2 vs 2 (x1.00)"   # 2 < 2 x 2
    assert cost.met and "105 vs 100 over 1 tasks (x1.05)" in cost.detail

    text = gc.render(cells, ["blocksworld", "sokoban"], ["medium", "hard"], ALGS, ALGS[0], ALGS[1])
    assert "| blocksworld | medium | 2 | 1-2 | 2 | 1 | 0 | 2.00 | 105 / 100 = 1.05 (1) |" in text
    assert "| blocksworld | hard | 0 (+1 pending) |" in text
    assert "| sokoban | hard | 1 | 3 | 0 | 1 | 1 | 0.00 | - (0) |" in text
    assert "| **total** | **medium+hard** | **3 (+1 pending)** |  | **2** | **2** | **1** | **1.00** |" in text
    assert "a reduced run" in text and "| NO |" in text


def test_a_run_without_the_reference_gets_a_coverage_only_table(capsys):
    """An ours-only run (`--algorithms ours-lazy-gbfs-auto`) has nothing to compare with: no
    ratio or cost columns and no verdicts, rather than a table that judges ours against zeros."""
    ours = (ALGS[0],)
    cells = gc.tabulate(_fake_results(), ours, ALGS[0], None)
    assert cells[("blocksworld", "medium")].solved == {ALGS[0]: 2}
    assert cells[("blocksworld", "medium")].both == 0
    text = gc.render(cells, ["blocksworld", "sokoban"], ["medium", "hard"], ours, ALGS[0], None)
    assert "| domain | size | tasks | seeds | ours-lazy-gbfs-auto |" in text
    assert "| blocksworld | medium | 2 | 1-2 | 2 |" in text
    assert "| blocksworld | hard | 1 | 1 | 1 |" in text   # nothing pending without the others
    assert "coverage only" in text and "target (issue 12)" not in text and " / " not in text
    assert gc.summary_json(cells, ["blocksworld"], ALGS[0], None)["targets"] == []
    # the reference defaults to lama-first only when it was run; naming one not run is an error
    with pytest.raises(SystemExit):
        gc.main(["--algorithms", ALGS[0], "--reference", ALGS[1], "--table-only", "--out", "/nonexistent"])
    assert "fd-lama-first is not among --algorithms" in capsys.readouterr().err


def test_ratio_and_seed_formatting():
    assert gc._ratio(0, 0) == "-" and gc._ratio(3, 0) == "inf" and gc._ratio(3, 2) == "1.50"
    assert gc._seeds([1, 2, 3, 7, 9, 10]) == "1-3, 7, 9-10"
    assert gc.split_label("blocksworld-gen-hard") == ("blocksworld", "hard")
    assert gc.split_label("blocksworld") is None and gc.seed_of("s12.pddl") == 12


def test_table_is_written_from_a_results_folder(tmp_path):
    with open(tmp_path / "results.jsonl", "w") as out:
        for row in _fake_results():
            out.write(json.dumps(row) + "\n")
        out.write('{"cut short')  # an interrupted append is ignored
    text = gc.write_table(tmp_path, ["blocksworld", "sokoban"], ["medium", "hard"], ALGS, ALGS[0], ALGS[1])
    assert (tmp_path / "coverage.md").read_text() == text
    assert "before any search" not in text   # no logs/ beside the results: unknown, not "0/0"
    summary = json.loads((tmp_path / "coverage.json").read_text())
    assert [t["met"] for t in summary["targets"]] == [False, False, True]
    assert {(c["domain"], c["preset"]) for c in summary["cells"]} == {
        ("blocksworld", "medium"), ("blocksworld", "hard"), ("sokoban", "hard")}


def test_one_generated_task_end_to_end_and_resumed(tmp_path, capsys):
    """ferry easy seed 1 with our default planner and FD lama-first, then the same command
    again: nothing reruns and the table is the same."""
    argv = ["--domains", "ferry", "--presets", "easy", "--per-size", "1",
            "--algorithms", "ours-lazy-gbfs-auto", "fd-lama-first", "--time-limit", "20s",
            "--out", str(tmp_path), "--no-progress"]
    assert gc.main(argv) == 0
    rows = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert sorted(r["algorithm"] for r in rows) == ["fd-lama-first", "ours-lazy-gbfs-auto"]
    assert all(r["coverage"] == 1 and r["problem"] == "s1.pddl" for r in rows)
    settings = json.loads((tmp_path / "experiment.json").read_text())
    assert settings["seeds"]["generated"] == ["gen:ferry:easy:1:1"]
    table = (tmp_path / "coverage.md").read_text()
    assert "| ferry | easy | 1 | 1 | 1 | 1 | 1.00 |" in table
    from planner.domains import domain_file
    from planner.heuristics.store import find_stored_heuristic

    found = find_stored_heuristic(domain_file("ferry"))
    assert f"- ferry: {found[0].name if found else 'ff'} x1" in table
    assert gc.main(argv) == 0
    assert len((tmp_path / "results.jsonl").read_text().splitlines()) == 2
    assert "0 runs done (2 already recorded)" in capsys.readouterr().err


# ---- bench/heuristic_share.py --------------------------------------------------------------

RAW = """\
<module> (x.py:1);measure (x.py:9);search (planner/search/engine.py:221);run (search.pyx:387);\
SuccessorGenerator_generate (successor.pyx:139) 30
<module> (x.py:1);measure (x.py:9);search (planner/search/engine.py:221);0x7fb79f5c23ea (?) 50
<module> (x.py:1);measure (x.py:9);search (planner/search/engine.py:221);run (search.pyx:387);\
KernelEvaluator_evaluate (kernel_heuristic.pyx:103) 20
<module> (x.py:1);alone_rate (x.py:96);0x7fb79f5c23ea (?) 1000
"""


def test_profile_summary_counts_only_the_search_and_names_the_kernel():
    summary = hs.profile_summary(hs.parse_raw(RAW), [], kernel=True)
    assert summary["samples"] == 100  # alone_rate's samples are outside the search
    assert summary["by_class"] == {"search": 30, "program": 50, "glue": 20}
    assert summary["share_sampled"] == 0.7
    assert summary["top_leaves"][0] == ("<kernel code compiled at run time>", 50, 0.5)
    # without a kernel selected, an unnamed native frame is not counted as the heuristic's
    assert hs.profile_summary(hs.parse_raw(RAW), [], kernel=False)["by_class"]["search"] == 80


def test_classify_python_programs_glue_and_compiled_heuristics():
    search = "search (planner/search/engine.py:221)"
    assert hs.classify([search, "DomainHeuristic.__call__ (<candidate>:45)"], ["<candidate>"]) == "program"
    assert hs.classify([search, "PythonEvaluator_evaluate_unguarded (python_heuristic.pyx:193)"],
                       ["<candidate>"]) == "glue"
    assert hs.classify([search, "HFF_evaluate (relaxation.pyx:40)"], []) == "compiled-h"
    assert hs.classify([search, "OpenList_push (openlist.pyx:10)"], []) == "search"


def test_measure_runs_the_selected_heuristic_on_a_generated_task(tmp_path):
    from planner.domains import domain_file
    from planner.heuristics.store import find_stored_heuristic

    row = hs.measure("ferry", "easy", 1, 20.0, tmp_path, alone_seconds=0.05)
    assert row["status"] == "solved" and row["evaluations"] > 0 and row["evals_per_s_search"] > 0
    found = find_stored_heuristic(domain_file("ferry"))
    assert row["source"] == (str(found[0]) if found else "ff")
    assert row["heuristic"] in ("python", "kernel", "ff") and row["evals_per_s_alone"][0] > 0


def test_profile_summary_names_the_programs_hottest_lines():
    raw = ("m (x.py:1);search (planner/search/engine.py:221);DomainHeuristic.__call__ (<candidate>:45) 30\n"
           "m (x.py:1);search (planner/search/engine.py:221);DomainHeuristic.__call__ (<candidate>:12);"
           "DomainHeuristic.cost (<candidate>:80);atoms (python_heuristic.pyx:128) 10\n"
           "m (x.py:1);search (planner/search/engine.py:221);run (search.pyx:387) 60\n")
    summary = hs.profile_summary(hs.parse_raw(raw), ["<candidate>"])
    assert summary["share_sampled"] == 0.4
    assert summary["top_lines"] == [(45, 30, 0.3), (80, 10, 0.1)]


def test_runs_that_ended_before_any_search_are_told_apart(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    rows = [_row(ALGS[1], "ferry", "hard", 1, None), _row(ALGS[2], "ferry", "hard", 1, None),
            _row(ALGS[0], "ferry", "hard", 1, None), _row(ALGS[0], "ferry", "hard", 2, None),
            _row(ALGS[0], "ferry", "hard", 3, 12)]
    rows[2]["expansions"] = rows[3]["expansions"] = None
    (logs / f"{rows[0]['run_id']}.log").write_text("Generated 41 rules.\nComputing model...\n")
    (logs / f"{rows[1]['run_id']}.log").write_text("[t=1.96s, 42188 KB] g=75, 77 evaluated, 75 expanded\n")
    (logs / f"{rows[2]['run_id']}.log").write_text(
        "heuristic <kernel> failed in the jail (<kernel>: timeout: killed at the 37.3 s deadline)\n")
    for row in rows[3:]:
        (logs / f"{row['run_id']}.log").write_text("")
    rows.append(_row(ALGS[0], "ferry", "hard", 4, None))  # no log: not counted either way
    counts = gc.before_search(tmp_path, rows, ALGS, ["hard"])
    assert counts == {"hard": {ALGS[0]: [1, 3], ALGS[1]: [1, 1], ALGS[2]: [0, 1]}}
    assert "- hard: ours-lazy-gbfs-auto 1/3, fd-lama-first 1/1, fd-gbfs-ff 0/1" in gc.render_before_search(counts)


def test_heuristics_used_reads_each_of_our_logs(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    ours = ALGS[0]
    (logs / f"{ours}-rovers-gen-medium-s1.pddl.log").write_text(
        '--- stdout (tail)\n{"status": "solved", "heuristic": "DomainHeuristic", '
        '"heuristic_file": "/x/heuristics/rover/c70c.py", "dropped_heuristics": []}\n')
    (logs / f"{ours}-rovers-gen-hard-s1.pddl.log").write_text(
        '--- stdout (tail)\n{"status": "out_of_time", "expansions": null}\n--- stderr (tail)\n'
        "heuristic DomainHeuristic failed in the jail (DomainHeuristic: timeout: killed at the 46.1 s "
        "deadline); searching with h^FF instead\n")
    (logs / f"{ours}-rovers-gen-hard-s2.pddl.log").write_text("--- exit -9 (killed at limit)\n")
    (logs / "fd-lama-first-rovers-gen-hard-s2.pddl.log").write_text("not ours\n")
    assert gc.heuristics_used(tmp_path, ours) == {"rovers": {
        "c70c.py": 1,
        "stored DomainHeuristic (the jailed search ended: DomainHeuristic: timeout: killed at the "
        "46.1 s deadline; then h^FF)": 1,
        "no record (killed before its --json line)": 1}}
