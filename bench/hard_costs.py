"""Where search time and memory go on large tasks: per-state and per-call costs.

For each task, in one process (run it alone: it holds the whole ground task):
parse + ground time, compile time, the packed size of one registered state
(StatePacker words x 4 bytes; the registry adds ~30 bytes of search data per
state), the number of successors of the initial state (what one lazy-search
expansion pushes to the open list, 8 bytes each in a bucket), h^FF's set-up
time and its time per call on the initial state, and the process's peak RSS. Times are
CPU seconds of the process (time.process_time), so a loaded machine
stretches them less than wall-clock figures.

    nice python bench/hard_costs.py --preset ipc-hard --domains childsnack sokoban
    nice python bench/hard_costs.py --task childsnack=/tmp/p30.pddl

Prints one Markdown row per task (and the table at the end).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from planner._core import HFF, StatePacker, SuccessorGenerator, compiled_task, peak_memory_kb  # noqa: E402
from planner.domains import DOMAIN_NAMES, PRESET_NAMES, domain_file, generate_problem  # noqa: E402
from planner.frontend.grounding import ground_files  # noqa: E402

HEAD = ("| task | facts | operators | parse+ground | compile | bytes/state | init successors "
        "| h^FF set-up | h^FF per call | peak RSS |")


def measure(label: str, domain: Path, problem: Path, calls: int) -> str:
    start = time.process_time()
    task = ground_files(domain, problem)
    grounded = time.process_time()
    compiled = compiled_task(task)
    packer = StatePacker(compiled, task.mutex_groups)
    compiled_at = time.process_time()
    init = [int(f) for f in task.init]
    successors = len(SuccessorGenerator(task).applicable_ops(init))
    built = time.process_time()
    ff = HFF(task)
    ff_ready = time.process_time()
    ff.compute(init)
    call_start = time.process_time()
    for _ in range(calls):
        ff.compute(init)
    per_call = (time.process_time() - call_start) / calls
    return (f"| {label} | {task.num_facts:,} | {task.num_operators:,} | {grounded - start:.1f} s "
            f"| {compiled_at - grounded:.1f} s | {packer.num_words * 4:,} | {successors:,} "
            f"| {ff_ready - built:.1f} s | {per_call * 1000:.1f} ms | {peak_memory_kb() / 1024:.0f} MB |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", nargs="*", default=[], choices=DOMAIN_NAMES)
    parser.add_argument("--preset", default="ipc-hard", choices=PRESET_NAMES)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--task", nargs="*", default=[], metavar="DOMAIN=PROBLEM",
                        help="problem files to measure with our domain.pddl of DOMAIN")
    parser.add_argument("--calls", type=int, default=3, help="h^FF calls timed per task")
    parser.add_argument("--row-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.row_only:  # one task in this process, so its peak RSS is that task's
        name, _, problem = args.task[0].partition("=")
        label = args.task[0].split("@", 1)[1] if "@" in args.task[0] else f"{name}/{Path(problem).stem}"
        print(measure(label, domain_file(name), Path(problem.split("@")[0]), args.calls), flush=True)
        return
    rows = [HEAD, "|" + "---|" * 10]
    print("\n".join(rows), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        jobs = []
        for name in args.domains:
            path = Path(tmp) / f"{name}-{args.preset}-s{args.seed}.pddl"
            path.write_text(generate_problem(name, args.seed, args.preset))
            jobs.append((f"{name}/gen-{args.preset}-s{args.seed}", name, path))
        for spec in args.task:
            name, _, problem = spec.partition("=")
            jobs.append((f"{name}/{Path(problem).stem}", name, Path(problem)))
        for label, name, path in jobs:  # one process per task, one at a time
            out = subprocess.run([sys.executable, __file__, "--row-only", "--calls", str(args.calls),
                                  "--task", f"{name}={path}@{label}"],
                                 capture_output=True, text=True)
            rows.append(out.stdout.strip() or f"| {label} | failed: {out.stderr.strip()[-200:]} |")
            print(rows[-1], flush=True)
    print()
    print("\n".join(rows))


if __name__ == "__main__":
    main()
