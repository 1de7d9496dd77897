"""What the heuristic jail costs: start-up per `plan` call and search speed inside vs outside.

    python bench/jail.py                       # defaults below
    python bench/jail.py --startups 50 --tasks blocksworld/testing/easy/p20.pddl

Start-up: in a process that has parsed and grounded a task (so the fork copies
a realistic address space), time run_jailed() of a function that returns at
once, N times: fork, namespaces, chroot, uid drop, rlimits, seccomp, the
result frame and the reaping, i.e. what every jailed `plan`/`solve` adds.
Target: <= 50 ms.

Search speed: GBFS with the same heuristic in this process, in a plain forked
child (no jail: the copy-on-write cost of any fork) and in the jail,
on the same grounded task: the shipped (LLM-style Python) heuristic of the
domain and the compiled h^FF. Expansions are identical (same search); the
table compares search time as the search itself measures it (the child's
own clock, excluding start-up), best of --repeat runs each. Target: within 5%.
Task paths are relative to ../shared/benchmarks/ipc2023-learning.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = REPO.parent / "shared" / "benchmarks" / "ipc2023-learning"
DEFAULT_TASKS = ("blocksworld/testing/easy/p20.pddl", "spanner/testing/easy/p20.pddl",
                 "transport/testing/easy/p10.pddl")


def startup(samples: int, task_path: Path, plain_fork: bool = False) -> dict[str, float]:
    from planner.frontend.grounding import ground_files
    from planner.jail import JailLimits, run_jailed

    task = ground_files(task_path.parent.parent.parent / "domain.pddl", task_path)  # noqa: F841 - held
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        if plain_fork:
            assert _in_plain_fork(lambda: 1) == 1
        else:
            result = run_jailed(lambda: 1, JailLimits(wall_seconds=10))
            assert result.ok, result
        times.append(time.perf_counter() - start)
    times.sort()
    return {"median_ms": 1000 * statistics.median(times), "p90_ms": 1000 * times[int(0.9 * len(times)) - 1],
            "min_ms": 1000 * times[0]}


def _in_plain_fork(function):
    """function() in a forked child without any jail layer (to tell the cost of
    the fork's copy-on-write from that of the jail)."""
    import json
    import os

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            os.write(write, json.dumps(function()).encode())
        finally:
            os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 1 << 16):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    return json.loads(data)


def speed(task_path: Path, repeat: int) -> list[dict]:
    from planner.frontend.grounding import ground_files
    from planner.heuristics.loader import load_candidate
    from planner.heuristics.store import find_stored_heuristic
    from planner.heuristics.untrusted import UntrustedHeuristic
    from planner.search.jailed import jailed_search, parse_child_result
    from planner.search.solve import (_search_portfolio, _search_stats, resolve_heuristic,
                                      resolve_heuristics)

    domain = task_path.parent.parent.parent / "domain.pddl"
    task = ground_files(domain, task_path)
    rows = []
    found = find_stored_heuristic(domain)
    kinds = [("ff", "ff", "ff")]
    if found is not None:
        code = found[0].read_text(encoding="utf-8")
        kinds.append(("stored Python", load_candidate(code, found[1]),
                      UntrustedHeuristic(code, found[1], found[1], str(found[0]))))
    for label, inside_spec, jailed_spec in kinds:
        outside, forked, inside, expansions = [], [], [], None

        def run_here(spec=inside_spec):
            evaluators = resolve_heuristics([spec], task)
            result, _, _ = _search_portfolio(task, "gbfs", 1.0, evaluators, None, float("inf"), None)
            return result.statistics.search_time, result.statistics.expansions

        for _ in range(repeat):
            seconds, expansions = run_here()
            outside.append(seconds)
            forked.append(_in_plain_fork(run_here)[0])
            jailed = jailed_search(task, "gbfs", 1.0, [jailed_spec], None, 600.0, None,
                                   hooks=(resolve_heuristic, _search_portfolio, _search_stats))
            child = parse_child_result(jailed.unwrap(), task)
            assert child.statistics["expansions"] == expansions, "the same search must expand the same"
            inside.append(child.statistics["search_time"])
        best_out, best_in, best_fork = min(outside), min(inside), min(forked)
        rows.append({"task": str(task_path.relative_to(BENCHMARKS)), "heuristic": label,
                     "expansions": expansions, "outside_s": best_out, "fork_s": best_fork,
                     "inside_s": best_in, "ratio": best_in / best_out if best_out else float("nan"),
                     "ratio_fork": best_in / best_fork if best_fork else float("nan")})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--startups", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tasks", nargs="*", default=list(DEFAULT_TASKS))
    args = parser.parse_args()
    tasks = [BENCHMARKS / t for t in args.tasks]
    f = startup(args.startups, tasks[0], plain_fork=True)
    print(f"plain fork+pipe+wait for comparison: median {f['median_ms']:.1f} ms, min {f['min_ms']:.1f} ms")
    s = startup(args.startups, tasks[0])
    print(f"jail start-up over {args.startups} runs after grounding {args.tasks[0]}: "
          f"median {s['median_ms']:.1f} ms, p90 {s['p90_ms']:.1f} ms, min {s['min_ms']:.1f} ms "
          f"(target <= 50 ms)")
    import os

    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'task':36s} {'heuristic':14s} {'expansions':>10s} {'here s':>8s} {'fork s':>8s} "
          f"{'jail s':>8s} {'jail/here':>9s} {'jail/fork':>9s}")
    for task in tasks:
        for row in speed(task, args.repeat):
            print(f"{row['task']:36s} {row['heuristic']:14s} {row['expansions']:10d} "
                  f"{row['outside_s']:8.4f} {row['fork_s']:8.4f} {row['inside_s']:8.4f} "
                  f"{row['ratio']:9.3f} {row['ratio_fork']:9.3f}")


if __name__ == "__main__":
    main()
