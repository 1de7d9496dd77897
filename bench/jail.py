"""What the heuristic jail costs: start-up per `plan` call and search speed inside vs outside.

    python bench/jail.py                       # defaults below
    python bench/jail.py --startups 50 --tasks blocksworld/testing/easy/p20.pddl

Start-up: in a process that has parsed and grounded a task (so the fork copies
a realistic address space), time run_jailed() of a function that returns at
once, N times: fork, namespaces, chroot, uid drop, rlimits, seccomp, the
result frame and the reaping, i.e. what every jailed `plan`/`solve` adds.
Target: <= 50 ms.

Plan call: jailed_search with the domain's stored Python heuristic on a task
solved in a few ms, minus the same work done in this process (load the code,
build the evaluator, search): what the jail adds to a `plan` call.

Search speed: GBFS with the same heuristic in this process, in a plain forked
child (no jail: the copy-on-write cost of any fork) and in the jail, on the
same grounded task, interleaved per repeat: the domain's stored (LLM-style
Python) heuristic, and with --heuristics ff python the compiled h^FF too.
Expansions are identical (same search). The machine is shared (2 cores, other
people's jobs), so the table compares the CPU seconds of the search, measured
around it in each process, as medians of the per-repeat ratios; the wall-clock
ratio is shown beside it. Target: within 5%.
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
DEFAULT_TASKS = ("blocksworld/testing/easy/p30.pddl", "transport/testing/easy/p30.pddl",
                 "childsnack/testing/easy/p30.pddl")
"""The largest shared tasks on which the stored Python heuristics search for 0.2-0.3 CPU s."""
PLAN_TASK = "blocksworld/testing/easy/p01.pddl"


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


def speed(task_path: Path, repeat: int, heuristics: tuple[str, ...]) -> list[dict]:
    """Search time of the same GBFS here, in a plain fork and in the jail, interleaved
    per repeat; CPU seconds of the search (the machine is shared: wall time measures
    the neighbours), wall seconds and minor page faults (copy-on-write shows there). Ratios are medians of the per-repeat ratios."""
    import os

    from planner.frontend.grounding import ground_files
    from planner.heuristics.loader import load_candidate
    from planner.heuristics.store import find_stored_heuristic, python_form_of
    from planner.heuristics.untrusted import UntrustedHeuristic
    from planner.search.jailed import jailed_search
    from planner.search.solve import (_search_portfolio, _search_stats, resolve_heuristic,
                                      resolve_heuristics)

    domain = task_path.parent.parent.parent / "domain.pddl"
    task = ground_files(domain, task_path)
    rows = []
    found = find_stored_heuristic(domain)
    if found is not None:
        found = python_form_of(*found)  # the "python" row: the Python form, also run here
    kinds = []
    if "ff" in heuristics:
        kinds.append(("ff", "ff", "ff"))
    if found is not None and "python" in heuristics:
        code = found[0].read_text(encoding="utf-8")
        kinds.append(("stored Python", load_candidate(code, found[1]),
                      UntrustedHeuristic(code, found[1], found[1], str(found[0]))))
    import resource

    cpu_box = [0.0, 0]

    def faults() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

    def timed_portfolio(*args, **kwargs):
        begin, faults_before = time.process_time(), faults()
        found = _search_portfolio(*args, **kwargs)
        cpu_box[:] = [time.process_time() - begin, faults() - faults_before]
        return found

    def stats_with_cpu(result):
        stats = _search_stats(result)
        stats["cpu"], stats["faults"] = cpu_box
        return stats

    for label, inside_spec, jailed_spec in kinds:
        runs: dict[str, list[tuple[float, float, int]]] = {"here": [], "fork": [], "jail": []}
        expansions = None

        def run_here(spec=inside_spec):
            evaluators = resolve_heuristics([spec], task)
            begin, faults_before = time.process_time(), faults()
            result, _, _ = _search_portfolio(task, "gbfs", 1.0, evaluators, None, float("inf"), None)
            return (time.process_time() - begin, result.statistics.search_time,
                    result.statistics.expansions, faults() - faults_before)

        for _ in range(repeat):
            cpu, wall, expansions, minor = run_here()
            runs["here"].append((cpu, wall, minor))
            cpu, wall, _, minor = _in_plain_fork(run_here)
            runs["fork"].append((cpu, wall, minor))
            jailed = jailed_search(task, "gbfs", 1.0, [jailed_spec], None, 600.0, None,
                                   hooks=(resolve_heuristic, timed_portfolio, stats_with_cpu))
            value = jailed.unwrap()
            stats = value["statistics"]
            assert stats["expansions"] == expansions, "the same search must expand the same"
            runs["jail"].append((stats["cpu"], stats["search_time"], stats["faults"]))
        row = {"task": str(task_path.relative_to(BENCHMARKS)), "heuristic": label,
               "expansions": expansions, "load": os.getloadavg()[0]}
        for where, pairs in runs.items():
            row[f"{where}_cpu"] = statistics.median(p[0] for p in pairs)
            row[f"{where}_wall"] = statistics.median(p[1] for p in pairs)
            row[f"{where}_faults"] = statistics.median(p[2] for p in pairs)
        for what, index in (("cpu", 0), ("wall", 1)):
            row[f"ratio_{what}"] = statistics.median(
                j[index] / h[index] for j, h in zip(runs["jail"], runs["here"]) if h[index] > 0)
            row[f"ratio_fork_{what}"] = statistics.median(
                j[index] / f[index] for j, f in zip(runs["jail"], runs["fork"]) if f[index] > 0)
        rows.append(row)
    return rows


def plan_call(samples: int, task_path: Path) -> dict[str, float]:
    """What the jail adds to a `plan` call with the domain's stored Python heuristic:
    jailed_search's wall time minus the same work done here (load the code, build
    the evaluator, search), interleaved, medians in ms."""
    import logging

    from planner.frontend.grounding import ground_files
    from planner.heuristics.loader import load_candidate
    from planner.heuristics.store import find_stored_heuristic, python_form_of
    from planner.heuristics.untrusted import UntrustedHeuristic
    from planner.search.jailed import jailed_search
    from planner.search.solve import (_search_portfolio, _search_stats, resolve_heuristic,
                                      resolve_heuristics)

    logging.disable(logging.WARNING)
    domain = task_path.parent.parent.parent / "domain.pddl"
    task = ground_files(domain, task_path)
    found = find_stored_heuristic(domain)
    assert found is not None, f"no stored heuristic for {domain}"
    found = python_form_of(*found)  # runs in this process too: never a kernel form
    code = found[0].read_text(encoding="utf-8")
    spec = UntrustedHeuristic(code, found[1], found[1], str(found[0]))
    jailed, here = [], []
    for _ in range(samples):
        begin = time.perf_counter()
        evaluators = resolve_heuristics([load_candidate(code, found[1])], task)
        _search_portfolio(task, "gbfs", 1.0, evaluators, None, float("inf"), None)
        here.append(time.perf_counter() - begin)
        begin = time.perf_counter()
        result = jailed_search(task, "gbfs", 1.0, [spec], None, 600.0, None,
                               hooks=(resolve_heuristic, _search_portfolio, _search_stats))
        assert result.ok and result.value.get("status") == "solved", result
        jailed.append(time.perf_counter() - begin)
    logging.disable(logging.NOTSET)
    return {"jailed_ms": 1000 * statistics.median(jailed), "here_ms": 1000 * statistics.median(here),
            "added_ms": 1000 * statistics.median(j - h for j, h in zip(jailed, here))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--startups", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tasks", nargs="*", default=list(DEFAULT_TASKS))
    parser.add_argument("--heuristics", nargs="*", default=["python"], choices=["ff", "python"])
    parser.add_argument("--plan-task", default=PLAN_TASK,
                        help="task of the plan-call measurement (a search of a few ms)")
    args = parser.parse_args()
    import os

    import planner

    print(f"planner from {Path(planner.__file__).parent}; load average at start: "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    tasks = [BENCHMARKS / t for t in args.tasks]
    if args.startups:
        f = startup(args.startups, tasks[0], plain_fork=True)
        print(f"plain fork+pipe+wait for comparison: median {f['median_ms']:.1f} ms, min {f['min_ms']:.1f} ms")
        s = startup(args.startups, tasks[0])
        print(f"jail start-up over {args.startups} runs after grounding {args.tasks[0]}: "
              f"median {s['median_ms']:.1f} ms, p90 {s['p90_ms']:.1f} ms, min {s['min_ms']:.1f} ms "
              f"(target <= 50 ms)")
        p = plan_call(args.startups, BENCHMARKS / args.plan_task)
        print(f"plan call with the stored Python heuristic on {args.plan_task}: jailed "
              f"{p['jailed_ms']:.1f} ms, here {p['here_ms']:.1f} ms, added by the jail "
              f"{p['added_ms']:.1f} ms (medians of {args.startups} interleaved pairs)")
    if not tasks or not args.repeat:
        return
    print(f"{'task':36s} {'heuristic':14s} {'expansions':>10s} {'here cpu':>8s} {'fork cpu':>8s} "
          f"{'jail cpu':>8s} {'jail/here':>9s} {'jail/fork':>9s} {'wall j/h':>8s} {'load':>5s} "
          f"{'page faults here/fork/jail':>26s}")
    for task in tasks:
        for row in speed(task, args.repeat, tuple(args.heuristics)):
            print(f"{row['task']:36s} {row['heuristic']:14s} {row['expansions']:10d} "
                  f"{row['here_cpu']:8.4f} {row['fork_cpu']:8.4f} {row['jail_cpu']:8.4f} "
                  f"{row['ratio_cpu']:9.3f} {row['ratio_fork_cpu']:9.3f} {row['ratio_wall']:8.3f} "
                  f"{row['load']:5.1f} {row['here_faults']:>8.0f}/{row['fork_faults']:.0f}/"
                  f"{row['jail_faults']:.0f}", flush=True)


if __name__ == "__main__":
    main()
