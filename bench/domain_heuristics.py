"""h^FF against the stored domain heuristics (heuristics/<domain>/), per domain.

For every domain with a stored heuristic matching its domain file (found
with planner.heuristics.store.find_stored_heuristic), runs `planner solve`
on the largest training tasks and on generated medium tasks with

    ff   gbfs          h^FF, eager greedy best-first search, preferred operators
    ff   lazy-gbfs     h^FF, lazy greedy search with preferred operators
    stored gbfs        the stored heuristic, eager
    stored lazy-gbfs   the stored heuristic, lazy with its preferred operators

one process at a time, and prints a Markdown table: coverage, IPC agile
score (planner.bench.scores.agile_score) and the expansions summed over the
tasks solved by every configuration of that domain.

    nice python bench/domain_heuristics.py --time-limit 60 --training 2 --medium 2
    nice python bench/domain_heuristics.py blocksworld spanner --json out.json

Generated tasks go to a temporary folder (seeds 1..N of `python -m
planner.domains.generate DOMAIN --preset medium`), never into the repository.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from planner.heuristics.store import find_stored_heuristic  # noqa: E402
from planner.bench.scores import agile_score  # noqa: E402

DOMAINS = ["blocksworld", "childsnack", "ferry", "floortile", "miconic", "rovers", "satellite",
           "sokoban", "spanner", "transport"]
CONFIGS = [("ff", "gbfs"), ("ff", "lazy-gbfs"), ("stored", "gbfs"), ("stored", "lazy-gbfs")]


def run(domain: Path, task: Path, heuristic: str, search: str, limit: float, plan: Path) -> dict:
    cmd = [sys.executable, "-m", "planner", "solve", str(domain), str(task), "--search", search,
           "--heuristic", heuristic, "--time-limit", str(limit), "--json", "--plan-file", str(plan)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=limit * 2 + 60)
        data = json.loads(proc.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, IndexError, ValueError):
        return {"status": "error", "total_time": None, "expansions": None}
    return {k: data.get(k) for k in ("status", "total_time", "expansions", "plan_length")}


def tasks_for(bench: Path, name: str, n_train: int, n_medium: int, tmp: Path) -> list[Path]:
    train = sorted((bench / name / "training" / "easy").glob("p*.pddl"),
                   key=lambda p: (p.stat().st_size, p.name))
    out = train[-n_train:] if n_train else []
    for seed in range(1, n_medium + 1):
        path = tmp / f"{name}-medium-s{seed}.pddl"
        subprocess.run([sys.executable, "-m", "planner.domains.generate", name, "--preset", "medium",
                        "--seed", str(seed), "-o", str(path)], check=True, cwd=ROOT)
        out.append(path)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("domains", nargs="*", default=DOMAINS)
    ap.add_argument("--benchmarks", default=str(ROOT.parent / "shared/benchmarks/ipc2023-learning"))
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--training", type=int, default=2, help="largest training tasks per domain")
    ap.add_argument("--medium", type=int, default=2, help="generated medium tasks per domain")
    ap.add_argument("--json", default=None, help="also write every run to this file")
    args = ap.parse_args(argv)
    bench = Path(args.benchmarks)
    rows, raw = [], {}
    with tempfile.TemporaryDirectory(prefix="domain-heuristics-") as tmpdir:
        tmp = Path(tmpdir)
        for name in args.domains:
            domain = bench / name / "domain.pddl"
            found = find_stored_heuristic(domain)
            if found is None:
                rows.append(f"| {name} | (no stored heuristic: h^FF is used) | | | | |")
                continue
            path, cls = found
            tasks = tasks_for(bench, name, args.training, args.medium, tmp)
            results = {}
            for h, search in CONFIGS:
                spec = "ff" if h == "ff" else f"{path}:{cls}"
                results[(h, search)] = [run(domain, t, spec, search, args.time_limit, tmp / "plan")
                                        for t in tasks]
                print(f"{name} {h} {search}: " + ", ".join(
                    f"{t.name}={r['status']}/{r['total_time'] and round(r['total_time'], 2)}"
                    for t, r in zip(tasks, results[(h, search)])), file=sys.stderr, flush=True)
            common = [i for i in range(len(tasks))
                      if all(rs[i]["status"] == "solved" for rs in results.values())]
            for (h, search), rs in results.items():
                solved = [r for r in rs if r["status"] == "solved"]
                agile = sum(agile_score(r["total_time"], args.time_limit) for r in solved)
                exp = sum(int(rs[i]["expansions"] or 0) for i in common)
                label = "h^FF" if h == "ff" else f"stored {cls}"
                rows.append(f"| {name} | {label} | {search} | {len(solved)}/{len(rs)} | {agile:.2f} | "
                            f"{exp if common else '-'} |")
            raw[name] = {"tasks": [str(t) if t.is_relative_to(bench) else t.name for t in tasks],
                         "heuristic": str(path),
                         "runs": {f"{h} {s}": rs for (h, s), rs in results.items()}}
    print(f"Time limit {args.time_limit:g} s per task; tasks per domain: {args.training} largest "
          f"training + {args.medium} generated medium (seeds 1..{args.medium}). Expansions: "
          "sum over the tasks every configuration solved.\n")
    print("| domain | heuristic | search | coverage | agile | expansions |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(raw, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
