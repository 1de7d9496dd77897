"""Search speed side by side with Fast Downward.

    python bench/search_speed.py blocksworld/testing/easy/p20.pddl ferry/testing/easy/p30.pddl
    python bench/search_speed.py --ours gbfs:ff --fd "eager_greedy([ff()])" TASK...

Task paths are relative to ../shared/benchmarks/ipc2023-learning (from the
repo root). For each task both planners run in their own subprocess with the
same time limit; the table shows expansions, search time, expansions per
second and plan cost. FD's search time excludes its translator, ours
excludes parsing and grounding, so the rates compare the search loops. Both
are CPU seconds (FD's timer reads CPU time; ours is the search's process
time), so a loaded machine slows both alike; pick tasks both solve (the
limits differ: FD's is CPU time, ours wall time).
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = REPO.parent / "shared" / "benchmarks" / "ipc2023-learning"
PYTHON = sys.executable
FD = Path(sys.prefix) / "lib/python3.11/site-packages/up_fast_downward/downward/fast-downward.py"
FD_DEFAULT = "eager_greedy([ff()])"
OURS_DEFAULT = "gbfs:ff"


def run_fd(domain: Path, problem: Path, search: str, time_limit: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [PYTHON, str(FD), "--search-time-limit", f"{int(time_limit)}s", str(domain), str(problem),
               "--search", search]
        try:
            out = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True,
                                 timeout=time_limit * 20 + 300).stdout  # the limit is CPU time
        except subprocess.TimeoutExpired:
            return {"status": "timeout"}

    def grab(pattern: str, cast=float):
        found = re.findall(pattern, out)
        return cast(found[-1]) if found else None

    return {
        "status": "solved" if re.search(r"Solution found[.!]", out) else "unsolved",
        "expansions": grab(r"Expanded (\d+) state", int),
        "evaluations": grab(r"Evaluated (\d+) state", int),
        "search_time": grab(r"Search time: ([\d.]+)s"),
        "cost": grab(r"Plan cost: (\d+)", int),
        "memory_kb": grab(r"Peak memory: (\d+) KB", int),
    }


def run_ours(domain: Path, problem: Path, config: str, time_limit: float) -> dict:
    algorithm, _, heuristic = config.partition(":")
    code = (
        "import json,sys,time; from planner.frontend.grounding import ground_files; from planner.search.engine import search\n"
        f"task = ground_files({str(domain)!r}, {str(problem)!r})\n"
        f"h = {heuristic or 'ff'!r}\n"
        f"pref = [h] if {algorithm!r}.startswith('lazy') else None\n"
        "cpu = time.process_time()\n"
        f"r = search(task, {algorithm!r}, evaluators=[h], preferred=pref, time_limit={time_limit})\n"
        "cpu = time.process_time() - cpu\n"
        "s = r.statistics\n"
        "print(json.dumps(dict(status=r.status.value, expansions=s.expansions, evaluations=s.evaluations,"
        " search_time=s.search_time, search_cpu=cpu, cost=r.cost, memory_kb=s.peak_memory_kb,"
        " bytes_per_state=s.bytes_per_state)))\n"
    )
    try:
        proc = subprocess.run([PYTHON, "-c", code], cwd=REPO, capture_output=True, text=True,
                              timeout=time_limit * 20 + 300)
    except subprocess.TimeoutExpired:
        return {"status": "timeout"}
    if proc.returncode != 0:
        return {"status": "error: " + proc.stderr.strip().splitlines()[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rate(result: dict, key: str = "expansions") -> float | None:
    """Per CPU second: FD's "Search time" is CPU time (its Timer reads
    times()), so ours is too (the search's process time); with wall time, a
    loaded machine made the two incomparable (FD 10 s of CPU took 140 s)."""
    seconds = result.get("search_cpu", result.get("search_time"))
    if result.get(key) and seconds:
        return result[key] / max(seconds, 1e-6)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tasks", nargs="+", help="DOMAIN/testing/easy/pNN.pddl relative to the benchmarks")
    parser.add_argument("--fd", default=FD_DEFAULT, help=f"FD search string (default {FD_DEFAULT})")
    parser.add_argument("--ours", default=OURS_DEFAULT, help="ALGORITHM:HEURISTIC (default gbfs:ff)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--json", action="store_true", help="print raw results as JSON lines")
    args = parser.parse_args()
    header = (f"{'task':36} {'FD exp':>8} {'FD s':>6} {'FD exp/s':>8} {'FD ev/s':>8} {'our exp':>8} "
              f"{'our s':>6} {'our exp/s':>9} {'our ev/s':>8} {'exp/s':>5} {'ev/s':>5} {'cost FD/ours':>12}")
    print(header)
    for rel in args.tasks:
        problem = BENCHMARKS / rel
        domain = problem.parent.parent.parent / "domain.pddl"
        fd = run_fd(domain, problem, args.fd, args.time_limit)
        ours = run_ours(domain, problem, args.ours, args.time_limit)
        if args.json:
            print(json.dumps({"task": rel, "fd": fd, "ours": ours}))
        fr, orate = rate(fd), rate(ours)
        fe, oe = rate(fd, "evaluations"), rate(ours, "evaluations")

        def num(x: float | None) -> str:
            return str(round(x)) if x is not None else "-"

        def ratio(a: float | None, b: float | None) -> str:
            return f"{a / b:.2f}" if a and b else "-"

        fd_time = f"{fd['search_time']:.2f}" if fd.get("search_time") is not None else "-"
        our_seconds = ours.get("search_cpu", ours.get("search_time"))
        our_time = f"{our_seconds:.2f}" if our_seconds is not None else "-"
        note = "" if ours["status"] == "solved" else ours["status"]
        if fd["status"] != "solved":
            note += " FD:" + fd["status"]
        print(f"{rel:36} {num(fd.get('expansions')):>8} {fd_time:>6} {num(fr):>8} {num(fe):>8} "
              f"{num(ours.get('expansions')):>8} {our_time:>6} {num(orate):>9} {num(oe):>8} "
              f"{ratio(orate, fr):>5} {ratio(oe, fe):>5} {str(fd.get('cost')) + '/' + str(ours.get('cost')):>12} {note}",
              flush=True)


if __name__ == "__main__":
    main()
