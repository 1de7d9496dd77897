"""Plan post-processing (planner.plans.postprocess): plan cost before and after, against lama-first.

`planner solve` with its defaults (lazy GBFS, `--heuristic auto`) on generated tasks of our
seeded generators, beside Fast Downward `--alias lama-first`, both at --time-limit per task.
Every plan `solve` finds is improved (shortcuts, then greedy action elimination) before the
validator checks it; its --json summary records the cost before and after ("post_processing"),
so one run of ours gives both figures. Development seeds start at 100: seeds 1-20 are the
coverage experiment's (bench/generated_coverage.py) and are never used to tune this step.

    nice python bench/plan_postprocessing.py --preset medium --seeds 100-102 --out bench/results/pp
    python bench/plan_postprocessing.py --table-only --out bench/results/pp

Writes OUT/results.jsonl (one line per run; a rerun skips recorded runs) and OUT/table.md:
per domain the tasks both solve, the cost sums of ours before and after post-processing and
of lama-first, their ratios, and the post-processing time (mean and max, seconds).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from planner.bench.algorithms import FD_SCRIPT  # noqa: E402

DOMAINS = ("blocksworld", "childsnack", "ferry", "floortile", "miconic",
           "rovers", "satellite", "sokoban", "spanner", "transport")


def seeds(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def generate(domain: str, preset: str, seed: int, folder: Path) -> Path:
    out = folder / f"{domain}-{preset}-{seed}.pddl"
    if not out.exists():
        subprocess.run([sys.executable, "-m", "planner.domains.generate", domain, "--preset", preset,
                        "--seed", str(seed), "-o", str(out)], check=True, cwd=REPO, env=_env())
    return out


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def run_ours(domain_file: Path, problem: Path, limit: float, work: Path) -> dict[str, Any]:
    try:
        done = subprocess.run([sys.executable, "-m", "planner", "solve", str(domain_file), str(problem),
                               "--plan-file", str(work / "ours.plan"), "--time-limit", str(limit), "--json"],
                              capture_output=True, text=True, cwd=REPO, env=_env(), timeout=limit * 2)
    except subprocess.TimeoutExpired:
        return {"solved": False, "timeout": True}
    try:
        summary = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"solved": False, "exit_code": done.returncode}
    post = summary.get("post_processing") or {}
    return {"solved": summary.get("status") == "solved", "exit_code": summary.get("exit_code"),
            "cost": summary.get("plan_cost"), "cost_before": post.get("cost_before"),
            "post": post, "total_time": summary.get("total_time"), "heuristic": summary.get("heuristic")}


def run_lama(domain_file: Path, problem: Path, limit: float, work: Path) -> dict[str, Any]:
    plan = work / "lama.plan"
    try:
        # FD's limit is CPU time; under load its wall time runs over, hence the wall-clock cap
        subprocess.run([sys.executable, str(FD_SCRIPT), "--plan-file", str(plan), "--overall-time-limit",
                        f"{int(limit)}s", "--overall-memory-limit", "4G", "--alias", "lama-first",
                        str(domain_file), str(problem)], capture_output=True, text=True, cwd=work,
                       timeout=limit * 2)
    except subprocess.TimeoutExpired:
        return {"solved": False, "timeout": True}
    if not plan.exists():
        return {"solved": False}
    trailer = [line for line in plan.read_text().splitlines() if line.startswith("; cost =")]
    return {"solved": True, "cost": int(trailer[-1].split()[3])} if trailer else {"solved": False}


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| domain | tasks | both solve | ours before | ours after | lama-first | before / lama | "
             "after / lama | after / before | post-processing s (mean, max) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    total = {"n": 0, "both": 0, "before": 0, "after": 0, "lama": 0, "times": []}
    for domain in DOMAINS:
        mine = [r for r in rows if r["domain"] == domain]
        if not mine:
            continue
        both = [r for r in mine if r["ours"]["solved"] and r["lama"]["solved"]]
        before = sum(r["ours"]["cost_before"] for r in both)
        after = sum(r["ours"]["cost"] for r in both)
        lama = sum(r["lama"]["cost"] for r in both)
        times = [r["ours"]["post"].get("time", 0.0) for r in mine if r["ours"]["solved"]]
        lines.append(_row(domain, len(mine), len(both), before, after, lama, times))
        for key, value in (("n", len(mine)), ("both", len(both)), ("before", before), ("after", after),
                           ("lama", lama)):
            total[key] += value
        total["times"] += times
    lines.append(_row("**total**", total["n"], total["both"], total["before"], total["after"],
                      total["lama"], total["times"]))
    return "\n".join(lines) + "\n"


def _row(name: str, n: int, both: int, before: int, after: int, lama: int, times: list[float]) -> str:
    def ratio(a: int, b: int) -> str:
        return f"{a / b:.2f}" if b else "-"

    spent = f"{sum(times) / len(times):.3f}, {max(times):.3f}" if times else "-"
    return (f"| {name} | {n} | {both} | {before} | {after} | {lama} | {ratio(before, lama)} | "
            f"{ratio(after, lama)} | {ratio(after, before)} | {spent} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--domains", nargs="+", default=list(DOMAINS))
    parser.add_argument("--preset", default="medium")
    parser.add_argument("--seeds", default="100-102", help="FIRST-LAST (development seeds: 100 and up)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--table-only", action="store_true")
    args = parser.parse_args()
    args.out = args.out.resolve()  # FD runs in a temporary folder
    args.out.mkdir(parents=True, exist_ok=True)
    results = args.out / "results.jsonl"
    rows = [json.loads(line) for line in results.read_text().splitlines()] if results.exists() else []
    done = {(r["domain"], r["preset"], r["seed"]) for r in rows}
    if not args.table_only:
        if any(s <= 20 for s in seeds(args.seeds)):
            parser.error("seeds 1-20 are the coverage experiment's: use development seeds (100 and up)")
        tasks = args.out / "tasks"
        tasks.mkdir(exist_ok=True)
        for seed in seeds(args.seeds):  # seed-major: an interrupted run covers every domain
            for domain in args.domains:
                if (domain, args.preset, seed) in done:
                    continue
                domain_file = REPO / "domains" / domain / "domain.pddl"
                problem = generate(domain, args.preset, seed, tasks)
                with tempfile.TemporaryDirectory() as work:
                    ours = run_ours(domain_file, problem, args.time_limit, Path(work))
                    lama = run_lama(domain_file, problem, args.time_limit, Path(work))
                row = {"domain": domain, "preset": args.preset, "seed": seed, "ours": ours, "lama": lama}
                rows.append(row)
                with results.open("a") as out:
                    out.write(json.dumps(row) + "\n")
                print(f"{domain} {args.preset} {seed}: ours {ours.get('cost_before')} -> {ours.get('cost')}, "
                      f"lama-first {lama.get('cost')}", flush=True)
    text = table(rows)
    (args.out / "table.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
