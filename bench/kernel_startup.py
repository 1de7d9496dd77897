"""Start-up cost of a jailed run that uses a kernel heuristic, with a warm object-code cache.

Runs `python -m planner solve DOMAIN TASK --heuristic auto --json` (a stored
kernel form selected) --runs times per preparation of Numba in the jailed child:

  warm-up  - compile a trivial kernel before the lock-down (what every jailed
             kernel run did before; forced with PLANNER_KERNEL_PREPARATION=warm-up)
  loading  - only Numba's code generator, when every kernel's object code is
             cached (planner.heuristics.kernel.prepare_loading; the default)

and reports medians of: the planner process's CPU seconds with every
descendant it reaped (RUSAGE_CHILDREN of this script around the run), the
jailed child's own CPU seconds (jail.child_cpu_time), the jail's wall time and
the run's total_time. One cold run first fills the cache (its figures are not
counted). Single job at a time; the machine's load is printed with the result.

    python bench/kernel_startup.py --runs 7
    python bench/kernel_startup.py --task ../shared/benchmarks/ipc2023-learning/transport/testing/easy/p01.pddl
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = Path("../shared/benchmarks/ipc2023-learning")


def run_once(domain: Path, task: Path, env: dict[str, str]) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, "-m", "planner", "solve", str(domain), str(task),
                               "--heuristic", "auto", "--json", "--plan-file", str(Path(tmp) / "plan")],
                              capture_output=True, text=True, env=env, cwd=REPO)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    jail = data.get("jail") or {}
    return {"status": data.get("status"), "heuristic": data.get("heuristic"),
            "process_cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "child_cpu": jail.get("child_cpu_time"), "jail_wall": jail.get("wall_time"),
            "total_time": data.get("total_time"), "preparation": jail.get("kernel_preparation"),
            "cache_hits": jail.get("kernel_cache_hits")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--task", type=Path, default=BENCH / "blocksworld" / "testing" / "easy" / "p01.pddl")
    ap.add_argument("--domain", type=Path, default=None, help="default: domain.pddl beside the task's folder")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None, help="also write the runs here")
    args = ap.parse_args(argv)
    domain = args.domain or args.task.resolve().parents[2] / "domain.pddl"
    cache = tempfile.mkdtemp(prefix="kernel-startup-")
    base = {**os.environ, "PLANNER_KERNEL_CACHE": cache, "PYTHONPATH": str(REPO)}
    cold = run_once(domain, args.task.resolve(), base)
    print(f"cold run (compiles, fills the cache): {cold}", flush=True)
    rows: dict[str, list[dict]] = {}
    for mode in ("warm-up", "loading"):
        env = dict(base)
        if mode == "warm-up":
            env["PLANNER_KERNEL_PREPARATION"] = "warm-up"
        rows[mode] = [run_once(domain, args.task.resolve(), env) for _ in range(args.runs)]
    print(f"load average {os.getloadavg()[0]:.2f}; {args.runs} runs each; medians:")
    print("| preparation | process CPU s | jailed child CPU s | jail wall s | total_time s | cache hits |")
    print("|---|---|---|---|---|---|")
    for mode, runs in rows.items():
        assert all(r["status"] == "solved" and r["heuristic"] == "kernel" for r in runs), runs
        assert all(r["preparation"] == mode for r in runs), runs
        med = {k: statistics.median(r[k] for r in runs)
               for k in ("process_cpu", "child_cpu", "jail_wall", "total_time", "cache_hits")}
        print(f"| {mode} | {med['process_cpu']:.2f} | {med['child_cpu']:.2f} | {med['jail_wall']:.2f} | "
              f"{med['total_time']:.2f} | {med['cache_hits']:.0f} |")
    if args.json:
        args.json.write_text(json.dumps({"cold": cold, "runs": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
