"""Regression table: status, exit code, expansions, evaluations and plan per (task, config).

    python bench/regression_table.py --out bench/examples/regression/baseline.json
    python bench/regression_table.py --compare OLD.json NEW.json

Runs `python -m planner solve DOMAIN PROBLEM --json` (one process per run,
one run at a time) on a fixed set: the shared easy test tasks of all ten
domains for eager GBFS h^FF and lazy GBFS auto, p01-p05 of each domain for A*
with lmcut and A* blind. Every run gets the same time and memory limit (10 s,
2G by default). A run that hits a limit (FD exit codes 1-3 and 20-24, or the
outer watchdog) is marked `limited`; its counts depend on the machine's load,
so --compare checks only its status.

--compare prints every difference in a deterministic field (status, exit
code, expansions, evaluations, generated, plan length, plan cost, plan hash)
and exits 1 if there is one. A row limited on one side only is listed as
timing-dependent but does not fail the comparison: whether a 9.8 s run ends
before 10 s depends on the load of a shared machine, not on the code.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = REPO.parent / "shared" / "benchmarks" / "ipc2023-learning"
DOMAINS = ("blocksworld", "childsnack", "ferry", "floortile", "miconic",
           "rovers", "satellite", "sokoban", "spanner", "transport")

CONFIGS: dict[str, tuple[list[str], str]] = {
    # name -> (solve options, task set)
    "gbfs-ff": (["--search", "gbfs", "--heuristic", "ff"], "all"),
    "lazy-gbfs-auto": (["--search", "lazy-gbfs", "--heuristic", "auto"], "all"),
    "astar-lmcut": (["--search", "astar", "--heuristic", "lmcut"], "small"),
    "astar-blind": (["--search", "astar", "--heuristic", "blind"], "small"),
}
SMALL = tuple(f"p{i:02d}.pddl" for i in range(1, 6))

DETERMINISTIC = ("status", "exit_code", "expansions", "evaluations", "generated",
                 "plan_length", "plan_cost", "plan_sha256")
LIMIT_EXIT_CODES = {1, 2, 3, 20, 21, 22, 23, 24}
WATCHDOG_SLACK = 60.0
"""Seconds beyond the time limit before the outer watchdog kills a run
(parsing and grounding are outside the search limit)."""


def tasks(task_set: str) -> list[Path]:
    found = []
    for domain in DOMAINS:
        folder = BENCHMARKS / domain / "testing" / "easy"
        problems = sorted(folder.glob("p*.pddl"))
        if task_set == "small":
            problems = [p for p in problems if p.name in SMALL]
        found.extend(problems)
    return found


def plan_digest(plan_file: Path) -> str | None:
    """sha256 of the plan's action lines (the cost trailer is a comment)."""
    if not plan_file.exists():
        return None
    lines = [ln.strip() for ln in plan_file.read_text().splitlines()
             if ln.strip() and not ln.startswith(";")]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def run_one(problem: Path, options: list[str], time_limit: float, memory_limit: str) -> dict:
    domain = problem.parent.parent.parent / "domain.pddl"
    with tempfile.TemporaryDirectory() as tmp:
        plan_file = Path(tmp) / "sas_plan"
        cmd = [sys.executable, "-m", "planner", "solve", str(domain), str(problem), "--json",
               "--plan-file", str(plan_file), "--time-limit", f"{time_limit:g}s",
               "--memory-limit", memory_limit, *options]
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        start = time.monotonic()
        try:
            proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True,
                                  timeout=time_limit + WATCHDOG_SLACK)
        except subprocess.TimeoutExpired:
            return {"status": "watchdog", "exit_code": None, "limited": True,
                    "wall_time": round(time.monotonic() - start, 2)}
        row: dict = {"exit_code": proc.returncode, "wall_time": round(time.monotonic() - start, 2)}
        summary = None
        for line in reversed(proc.stdout.splitlines()):
            if line.startswith("{"):
                summary = json.loads(line)
                break
        if summary is None:
            row["status"] = "no-summary"
            row["stderr_tail"] = proc.stderr.strip().splitlines()[-3:]
        else:
            row["status"] = summary.get("status")
            for key in ("expansions", "evaluations", "generated", "plan_length", "plan_cost"):
                row[key] = summary.get(key)
            row["search_time"] = summary.get("search_time")
        row["plan_sha256"] = plan_digest(plan_file)
        row["limited"] = proc.returncode in LIMIT_EXIT_CODES
        return row


LOG_LINE = re.compile(r"^(?P<key>\S+\|\S+): (?P<status>\S+) exit=(?P<exit>\S+) exp=(?P<exp>\S+) "
                      r"cost=(?P<cost>\S+) (?P<wall>[\d.]+)s$")


def table_from_log(log: Path, time_limit: float, memory_limit: str) -> dict:
    """Rows from the progress lines build_table prints (one per run)."""
    def number(text: str) -> int | None:
        return None if text == "None" else int(text)

    rows = {}
    for line in log.read_text().splitlines():
        m = LOG_LINE.match(line.strip())
        if m is None:
            continue
        exit_code = number(m["exit"])
        rows[m["key"]] = {"status": m["status"], "exit_code": exit_code, "expansions": number(m["exp"]),
                          "plan_cost": number(m["cost"]), "wall_time": float(m["wall"]),
                          "limited": exit_code is None or exit_code in LIMIT_EXIT_CODES}
    configs = sorted({key.split("|")[0] for key in rows})
    return {"time_limit": time_limit, "memory_limit": memory_limit, "from_log": str(log.name),
            "configs": {c: CONFIGS[c][0] for c in configs}, "rows": rows}


def build_table(time_limit: float, memory_limit: str, configs: list[str], done: dict,
                out: Path, max_task: int | None = None, domains: tuple[str, ...] = DOMAINS) -> dict:
    """Run every (config, task) not in `done`; the table so far is rewritten
    to `out` after each run, so an interrupted table can be resumed."""
    rows = dict(done)
    table = {"time_limit": time_limit, "memory_limit": memory_limit,
             "configs": {c: CONFIGS[c][0] for c in configs}, "rows": rows}
    for config in configs:
        options, task_set = CONFIGS[config]
        for problem in tasks(task_set):
            key = f"{config}|{problem.parent.parent.parent.name}/{problem.name}"
            if key in rows or (max_task is not None and int(problem.stem[1:]) > max_task):
                continue
            if problem.parent.parent.parent.name not in domains:
                continue
            row = run_one(problem, options, time_limit, memory_limit)
            rows[key] = row
            print(f"{key}: {row['status']} exit={row['exit_code']} exp={row.get('expansions')} "
                  f"cost={row.get('plan_cost')} {row['wall_time']}s", file=sys.stderr, flush=True)
            _write(table, out)
    return table


def _write(table: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")


def write_csv(table: dict, path: Path) -> None:
    fields = ["config", "task", *DETERMINISTIC, "limited", "search_time", "wall_time"]
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for key, row in table["rows"].items():
            config, task = key.split("|")
            writer.writerow({"config": config, "task": task, **row})


def compare(old: dict, new: dict, common_only: bool = False) -> int:
    """Print differences; 1 if a deterministic field differs, else 0.

    common_only: compare the rows both tables have and list how many each
    lacks (for a table cut short), instead of failing on a missing row.
    """
    failures, timing = [], []
    old_rows, new_rows = old["rows"], new["rows"]
    if common_only:
        print(f"{len(set(old_rows) - set(new_rows))} rows only in old, "
              f"{len(set(new_rows) - set(old_rows))} only in new (not compared)")
    for key in sorted(set(old_rows) | set(new_rows)):
        a, b = old_rows.get(key), new_rows.get(key)
        if a is None or b is None:
            if not common_only:
                failures.append(f"{key}: only in {'new' if a is None else 'old'}")
            continue
        if a["limited"] and b["limited"]:
            if a["status"] != b["status"]:
                failures.append(f"{key}: status {a['status']} -> {b['status']} (both limited)")
            continue
        if a["limited"] or b["limited"]:
            timing.append(f"{key}: {a['status']} ({a['wall_time']}s) -> {b['status']} ({b['wall_time']}s)")
            continue
        for field in DETERMINISTIC:
            if field not in a or field not in b:
                continue  # a table read back from a run log lacks some fields
            if a[field] != b[field]:
                failures.append(f"{key}: {field} {a.get(field)} -> {b.get(field)}")
    compared = len(set(old_rows) & set(new_rows))
    print(f"{compared} rows compared, {len(failures)} differences, {len(timing)} timing-dependent")
    for line in timing:
        print("  timing-dependent (limit hit on one side only):", line)
    for line in failures:
        print("  DIFFERENT:", line)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write the table here (JSON, and CSV beside it)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per run (default 10)")
    parser.add_argument("--memory-limit", default="2G", help="per run (default 2G)")
    parser.add_argument("--configs", default=",".join(CONFIGS),
                        help=f"comma-separated subset of {', '.join(CONFIGS)}")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"))
    parser.add_argument("--common-only", action="store_true",
                        help="with --compare: compare only the rows both tables have")
    parser.add_argument("--domains", default=",".join(DOMAINS),
                        help="comma-separated subset of the ten domains")
    parser.add_argument("--max-task", type=int, default=None,
                        help="only tasks pNN with NN <= this (a quicker subset)")
    parser.add_argument("--from-log", type=Path, default=None,
                        help="with --out: build the table from a run's stderr log (status, exit "
                             "code, expansions, plan cost only), for a run cut short")
    parser.add_argument("--resume", action="store_true",
                        help="with --out: keep the rows already in that file, run only the others")
    args = parser.parse_args(argv)
    if args.compare:
        old, new = (json.loads(p.read_text()) for p in args.compare)
        return compare(old, new, args.common_only)
    if args.out is None:
        parser.error("--out is required unless --compare is given")
    configs = [c for c in args.configs.split(",") if c]
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        parser.error(f"unknown config(s) {', '.join(unknown)}; choose from {', '.join(CONFIGS)}")
    if args.from_log:
        table = table_from_log(args.from_log, args.time_limit, args.memory_limit)
        _write(table, args.out)
        write_csv(table, args.out.with_suffix(".csv"))
        return 0
    done = json.loads(args.out.read_text())["rows"] if args.resume and args.out.exists() else {}
    table = build_table(args.time_limit, args.memory_limit, configs, done, args.out, args.max_task,
                        tuple(d for d in args.domains.split(",") if d))
    _write(table, args.out)
    write_csv(table, args.out.with_suffix(".csv"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
