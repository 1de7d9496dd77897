"""Subroutines (mined macro operators) vs plain search, per domain and heuristic.

    nice python bench/subroutines.py                          # all ten domains, h^FF
    nice python bench/subroutines.py --domains spanner sokoban --heuristics ff auto \
        --tests medium:2 hard:1 --time-limit 60
    nice python bench/subroutines.py --out bench/examples/subroutines/run.md

Per domain and heuristic (--heuristics: ff, or auto = the stored heuristics,
which run in the jail, fast path included), one job at a time:
1. learn a library (planner.subroutines.learn) under that heuristic: mine
   --mine training tasks of the IPC 2023 easy training folder (our own
   validated plans), gate the best --candidates on generated held-out tasks,
   one per --heldout-presets (seeds from --heldout-seed on, disjoint from the
   test seeds) at --gate-time-limit;
2. solve the generated test tasks (--tests PRESET:N ..., seeds --seed,
   --seed+1, ... per preset) without subroutines and with the library (fast
   path share 0.5, then the slow path), at --time-limit.
Tasks are generated with `python -m domains.generate DOMAIN --preset P
--seed S` into bench/results/tasks/ (not committed; the seeds are recorded).

Reported per domain and heuristic: coverage, total time (solved by both: sum
and geometric mean ratio), heuristic evaluations (solved by both, and over
all tasks including those that ran out of time) and expansions (fast + slow
path when the fast path failed), plan length, the tasks solved by the fast
path, the time lost in failed fast paths, and the subroutines kept (and, in
the JSON, why the others were not). When the gate keeps none, solving "with"
is solving without (solve skips the fast path for an empty set), so the
baseline figures are reused and the row says so.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

BENCHMARKS = REPO.parent / "shared" / "benchmarks" / "ipc2023-learning"
DOMAINS = ("blocksworld", "childsnack", "ferry", "floortile", "miconic",
           "rovers", "satellite", "sokoban", "spanner", "transport")
TASKS = REPO / "bench" / "results" / "tasks"


def generate(domain: str, preset: str, seed: int) -> Path:
    out = TASKS / f"{domain}-{preset}-s{seed}.pddl"
    if not out.is_file():
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "domains.generate", domain, "--preset", preset,
                        "--seed", str(seed), "-o", str(out)], check=True, cwd=REPO)
    return out


def run(domain_file: Path, problem: Path, heuristic: str, time_limit: float, subroutines) -> dict:
    from planner.errors import PlannerError
    from planner.subroutines.solve import solve

    start = time.perf_counter()
    try:
        r = solve(domain_file, problem, heuristic=heuristic, time_limit=time_limit, subroutines=subroutines)
    except MemoryError:
        return {"solved": False, "status": "out_of_memory", "time": time.perf_counter() - start}
    except PlannerError as err:  # e.g. grounding ran out of time (floortile hard, --heuristic auto)
        return {"solved": False, "status": type(err).__name__, "time": time.perf_counter() - start,
                "evaluations": 0, "expansions": 0, "error": str(err)[:300]}
    s = r.statistics
    info = s.get("subroutines") or {}
    return {
        "solved": r.solved, "status": r.status.value, "time": time.perf_counter() - start,
        "time_after_grounding": max(time.perf_counter() - start - (s.get("parse_time") or 0.0)
                                    - (s.get("ground_time") or 0.0), 0.0),
        "evaluations": s.get("evaluations"), "expansions": s.get("expansions"),
        "length": len(r.plan) if r.plan else None, "cost": r.cost,
        "path": info.get("path"), "fast_time": info.get("fast_time"), "instances": info.get("instances"),
        "used": info.get("used"), "failure": info.get("failure"),
    }


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def summarise(domain: str, base: list[dict], macro: list[dict], kept: list[str], reused: bool) -> dict:
    both = [(b, m) for b, m in zip(base, macro) if b["solved"] and m["solved"]]
    return {
        "domain": domain,
        "tasks": len(base),
        "coverage": [sum(b["solved"] for b in base), sum(m["solved"] for m in macro)],
        "time_sum": [round(sum(b["time"] for b, _ in both), 2), round(sum(m["time"] for _, m in both), 2)],
        "time_ratio_geomean": round(geomean([m["time"] / b["time"] for b, m in both]), 3) if both else None,
        "evaluations_sum": [sum(b["evaluations"] for b, _ in both), sum(m["evaluations"] for _, m in both)],
        "expansions_sum": [sum(b["expansions"] for b, _ in both), sum(m["expansions"] for _, m in both)],
        "length_sum": [sum(b["length"] for b, _ in both), sum(m["length"] for _, m in both)],
        "evaluations_all": [sum(b.get("evaluations") or 0 for b in base),
                            sum(m.get("evaluations") or 0 for m in macro)],
        "fast_path_solved": sum(1 for m in macro if m.get("path") == "fast"),
        "fast_path_time_lost": round(sum(m.get("fast_time") or 0 for m in macro
                                         if m.get("path") == "fast-failed"), 2),
        "kept": kept,
        "with_is_baseline": reused,
    }


def table(rows: list[dict]) -> str:
    lines = ["| domain (heuristic) | coverage without / with | time (both solved) | time ratio (geo) | "
             "evaluations (both solved) | evaluations (all tasks, incl. unsolved) | expansions (both solved) | "
             "plan length | fast path solved | time lost in failed fast paths | kept |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        kept = "; ".join(r["kept"]) if r["kept"] else "none (gate kept nothing: with = without)"
        lines.append(
            f"| {r['domain']} | {r['coverage'][0]} / {r['coverage'][1]} of {r['tasks']} | "
            f"{r['time_sum'][0]} / {r['time_sum'][1]} s | {r['time_ratio_geomean']} | "
            f"{r['evaluations_sum'][0]} / {r['evaluations_sum'][1]} | "
            f"{r['evaluations_all'][0]} / {r['evaluations_all'][1]} | {r['expansions_sum'][0]} / "
            f"{r['expansions_sum'][1]} | {r['length_sum'][0]} / {r['length_sum'][1]} | "
            f"{r['fast_path_solved']} of {r['tasks']} | {r['fast_path_time_lost']} s | {kept} |")
    return "\n".join(lines)


def _reused(root: Path | None, dfile: Path, heuristic: str, copy_to: Path):
    """A LearnReport for the library shipped under root for this domain and
    heuristic (lazy-gbfs, the search this bench runs), or None."""
    if root is None:
        return None
    from planner.subroutines.learn import LearnReport
    from planner.subroutines.library import SHIPPED_SUFFIX, _domain_name, _key, read_library

    text = dfile.read_text(encoding="utf-8")
    path = root / _domain_name(text) / (_key(text, "lazy-gbfs", heuristic) + SHIPPED_SUFFIX)
    if not path.is_file():
        return None
    lib = read_library(path, text)
    lib.meta["reused_from"] = str(path)
    written = lib.write(copy_to)
    return LearnReport(lib, written, int(lib.meta.get("training_solved", 0)), list(lib.subroutines))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--domains", nargs="*", default=list(DOMAINS))
    ap.add_argument("--heuristics", nargs="*", default=["ff"],
                    help="one library and one table row per domain and heuristic "
                         "(ff, auto = the stored heuristics, run in the jail, ...)")
    ap.add_argument("--tests", nargs="*", default=["medium:3"], metavar="PRESET:N",
                    help="generated test tasks per preset, seeds --seed.. (default medium:3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=25.0)
    ap.add_argument("--mine", type=int, default=10, help="training tasks to mine (middle of the easy folder)")
    ap.add_argument("--heldout", type=int, default=1, help="seeds per held-out preset")
    ap.add_argument("--heldout-seed", type=int, default=1001)
    ap.add_argument("--heldout-presets", nargs="*", default=["easy", "medium"],
                    help="one held-out task per preset and --heldout seed (default: easy and medium: "
                         "medium alone left blocksworld with no held-out task the plain search solves "
                         "in 15 s, easy alone measures mostly the cost of building instances)")
    ap.add_argument("--candidates", type=int, default=4)
    ap.add_argument("--gate-time-limit", type=float, default=15.0)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "subroutines.md")
    ap.add_argument("--libraries-from", type=Path, default=None, metavar="DIR",
                    help="use the library shipped in DIR/<domain>/ for a domain and heuristic "
                         "instead of learning one (e.g. heuristics, after a run with --ship-to); "
                         "learn where there is none")
    ap.add_argument("--ship-to", type=Path, default=None, metavar="DIR",
                    help="also write every library the gate kept subroutines in to DIR/<domain>/ "
                         "(DIR = heuristics: shipped beside the domain heuristics, where "
                         "--subroutines auto finds it)")
    args = ap.parse_args()

    from planner.subroutines.learn import learn_library

    tests_spec = []
    for item in args.tests:
        preset, _, n = item.partition(":")
        tests_spec.append((preset, int(n or 1)))
    lib_dir = Path(tempfile.mkdtemp(prefix="subroutine-libs-"))
    os.environ["PLANNER_SUBROUTINES_DIR"] = str(lib_dir)  # never touch the user's own libraries
    rows, raw = [], {}
    json_out = args.out.with_suffix(".json")
    for domain in args.domains:
        dfile = BENCHMARKS / domain / "domain.pddl"
        training = sorted((BENCHMARKS / domain / "training" / "easy").glob("p*.pddl"))
        step = max(1, len(training) // (2 * args.mine))
        mining = training[len(training) // 2::step][:args.mine]
        heldout = [generate(domain, preset, args.heldout_seed + i)
                   for i in range(args.heldout) for preset in args.heldout_presets]
        tests = [generate(domain, preset, args.seed + i) for preset, n in tests_spec for i in range(n)]
        for heuristic in args.heuristics:
            label = f"{domain} ({heuristic})"
            t0 = time.perf_counter()
            report = _reused(args.libraries_from, dfile, heuristic, lib_dir / f"{domain}-{heuristic}.json")
            if report is None:
                report = learn_library(dfile, mining, heldout, heuristic=heuristic,
                                       time_limit=args.gate_time_limit, max_candidates=args.candidates,
                                       output=lib_dir / f"{domain}-{heuristic}.json",
                                       progress=lambda m, d=label: print(f"[{d}] {m}", file=sys.stderr,
                                                                         flush=True))
            else:
                print(f"[{label}] reusing {report.library.meta.get('reused_from')}", file=sys.stderr, flush=True)
            learn_time = time.perf_counter() - t0
            kept = [s.describe() for s in report.library.subroutines]
            if kept and args.ship_to is not None:
                from planner.subroutines.library import ship_library

                shipped = ship_library(report.library, dfile.read_text(encoding="utf-8"), args.ship_to)
                print(f"[{label}] shipped {shipped}", file=sys.stderr, flush=True)
            base, macro = [], []
            for problem in tests:
                b = run(dfile, problem, heuristic, args.time_limit, "off")
                if kept:
                    m = run(dfile, problem, heuristic, args.time_limit, str(report.path))
                else:
                    m = dict(b)
                b["task"] = m["task"] = problem.name
                base.append(b)
                macro.append(m)
                print(f"[{label}] {problem.name}: without {b['status']} {b['time']:.1f}s "
                      f"ev={b.get('evaluations')} | with {m['status']} {m['time']:.1f}s "
                      f"ev={m.get('evaluations')} path={m.get('path')}", file=sys.stderr, flush=True)
            row = summarise(label, base, macro, kept, not kept)
            row["learn_time"] = round(learn_time, 1)
            rows.append(row)
            raw[label] = {
                "row": row, "mining_tasks": [p.name for p in mining],
                "heldout": {"presets": args.heldout_presets,
                            "seeds": [args.heldout_seed + i for i in range(args.heldout)]},
                "tests": [p.name for p in tests],
                "candidates": {s.describe(): {**dict(s.stats), **(report.verdicts[s.name].as_stats()
                                                                   if s.name in report.verdicts else {}),
                                              "verdict": report.verdicts[s.name].reason
                                              if s.name in report.verdicts else None}
                               for s in report.candidates},
                "rejected": report.library.rejected[:40],
                "library": report.library.to_json(),
                "without": base, "with": macro,
            }
            args.out.parent.mkdir(parents=True, exist_ok=True)
            json_out.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "domains": raw},
                                           indent=1, default=str))
            args.out.write_text(table(rows) + "\n")
            print(table(rows), file=sys.stderr, flush=True)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
