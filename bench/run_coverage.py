"""The big side-by-side coverage run: our planner against Fast Downward on the IPC 2023 tasks.

All ten learning-track domains, their 30 easy test tasks, our GBFS h^FF
(eager and lazy) against FD's eager_greedy([ff()]) and lama-first, at
IPC-like limits scaled down for a shared machine. It is `planner bench`
with these defaults, so it resumes when rerun with the same --out and runs
on a Dask cluster with --scheduler:

    nice python bench/run_coverage.py --jobs 2                      # ~1200 runs, hours
    nice python bench/run_coverage.py --domains blocksworld ferry --first 5 --time-limit 20s
    python bench/run_coverage.py --scheduler tcp://HOST:8786 --time-limit 30m --memory-limit 8G

    dask scheduler --host 0.0.0.0 --port 8786 &
    PYTHONPATH=$PWD dask worker tcp://HOST:8786 --nthreads 1 --nworkers 4   # from the repo root

Writes bench/results/coverage-<time limit>/ (report.md/.html, properties, results.csv).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

from planner.cli import bench  # noqa: E402
from planner.errors import PlannerError  # noqa: E402

SHARED = "../shared/benchmarks/ipc2023-learning"
DOMAINS = ("blocksworld", "childsnack", "ferry", "floortile", "miconic",
           "rovers", "satellite", "sokoban", "spanner", "transport")
ALGORITHMS = "ours-gbfs-ff,ours-lazy-gbfs-ff,fd-gbfs-ff,fd-lama-first"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--domains", nargs="+", default=list(DOMAINS), choices=DOMAINS)
    parser.add_argument("--first", default=None, help="only the first N tasks per domain")
    parser.add_argument("--algorithms", default=ALGORITHMS)
    parser.add_argument("--time-limit", default="5m")
    parser.add_argument("--memory-limit", default="4G")
    parser.add_argument("--jobs", default="1")
    parser.add_argument("--scheduler", default=None)
    parser.add_argument("--baseline", default="fd-gbfs-ff")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    out = args.out or str(REPO / "bench" / "results" / f"coverage-{args.time_limit}")
    bench_argv = ["bench", "--suite", *(f"{SHARED}/{d}" for d in args.domains),
                  "--algorithms", args.algorithms, "--time-limit", args.time_limit,
                  "--memory-limit", args.memory_limit, "--jobs", args.jobs,
                  "--baseline", args.baseline, "--out", out]
    if args.first:
        bench_argv += ["--first", args.first]
    if args.scheduler:
        bench_argv += ["--scheduler", args.scheduler]
    sub = argparse.ArgumentParser(prog="planner").add_subparsers()
    bench.register(sub)
    parsed = sub.choices["bench"].parse_args(bench_argv[1:])
    try:
        return parsed.run(parsed)
    except PlannerError as err:
        print(f"run_coverage: error: {err}", file=sys.stderr)
        return int(err.exit_code)


if __name__ == "__main__":
    sys.exit(main())
