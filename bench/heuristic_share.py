"""Evaluations per second of each selected heuristic, and the share of search time inside it.

Per domain, on one generated task (`planner.domains.generate_problem(DOMAIN, SEED, PRESET)`,
medium seed 1 by default: the same bytes as bench/generated_coverage.py's first medium task),
the heuristic `--heuristic auto` selects (planner.heuristics.store.auto_heuristic: the stored
kernel form where its sidecar selects it, else the stored Python form, else h^FF) drives the
search `planner solve` runs by default (lazy GBFS, preferred operators) in this process, up to
--time-limit. The shipped heuristics are the project's own code, so they run here unjailed
(trusted=True for kernels); the jail's cost is measured separately by bench/jail.py
(search CPU jail / in-process 0.97-1.04, bench/examples/jail/).

Columns:
  evals/s in search   evaluations / search CPU seconds (search bookkeeping included)
  evals/s alone       the same evaluator on random-walk states of the task,
                      planner._core.evaluate_states (one C loop, CPU time): the heuristic's own speed
  share (estimate)    evaluations / (evals/s alone) / search CPU seconds
  share (sampled)     with --profile: the fraction of py-spy samples taken during the search
                      whose stack is inside the heuristic (the stored program's Python frames,
                      the kernel's native code, the Python call glue, or the compiled h^FF),
                      sampled at --rate Hz with native frames; also the top frames of every domain

    python bench/heuristic_share.py                                  # all ten domains, medium seed 1
    python bench/heuristic_share.py --profile --out bench/examples/generated-medium-hard/heuristic-share.md
    python bench/heuristic_share.py sokoban --profile --preset hard --seed 2 --time-limit 30

--profile needs py-spy (pip install 'planner[bench]') and permission to trace a child process.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

DOMAINS = ("blocksworld", "childsnack", "ferry", "floortile", "miconic",
           "rovers", "satellite", "sokoban", "spanner", "transport")
MIN_SAMPLES = 200
"""Below this many samples in the search (1 s at the default rate) a sampled share is marked:
a search of a few milliseconds says little about where a long one spends its time."""
SEARCH = "lazy-gbfs"
"""planner.search.solve.DEFAULT_SEARCH, what `planner solve` runs."""


# ---- one measurement, in this process ------------------------------------------------------

def selected_evaluators(domain_file: Path, task: Any) -> tuple[list[Any], list[str], str]:
    """Evaluators of what `--heuristic auto` selects, built here (trusted forms), their kinds
    ('kernel', 'python' or 'ff') and the stored file (or 'ff')."""
    from planner.heuristics.api import TaskView
    from planner.heuristics.kernel import KERNEL_CLASS_NAME, kernel_class
    from planner.heuristics.loader import load_candidate
    from planner.heuristics.store import auto_heuristic
    from planner.search.engine import make_evaluator

    found = auto_heuristic(domain_file)
    if found is None:
        return [make_evaluator("ff", task)], ["ff"], "ff"
    members, path = found
    evaluators, kinds = [], []
    for member in members:
        if member.class_name == KERNEL_CLASS_NAME:
            heuristic = kernel_class(member.code, f"{domain_file.parent.name}-kernel", trusted=True)(TaskView(task))
            evaluators.append(heuristic.evaluator())
            kinds.append("kernel")
        else:
            evaluators.append(make_evaluator(load_candidate(member.code, member.class_name), task))
            kinds.append("python")
    return evaluators, kinds, str(path)


def alone_rate(evaluator: Any, task: Any, seconds: float) -> tuple[float, int]:
    """Evaluations per CPU second on random-walk states (states the evaluator rejects dropped)."""
    import numpy as np

    from planner import _core
    from planner.heuristics.kernel_differential import walk_states

    usable = []
    for state in walk_states(task, seed=1, walks=20, length=50):
        try:
            _core.evaluate_states(evaluator, np.ascontiguousarray(state[None, :]), 1, True)
            usable.append(state)
        except (RuntimeError, ValueError, ArithmeticError, LookupError, TypeError):
            pass
    if not usable:
        return 0.0, 0
    states = np.ascontiguousarray(np.stack(usable))
    repeats, start = 1, time.process_time()
    while True:
        _core.evaluate_states(evaluator, states, repeats, True)
        spent = time.process_time() - start
        if spent >= seconds:
            return repeats * len(states) / spent, len(usable)
        repeats *= 2
        start = time.process_time()


def measure(domain: str, preset: str, seed: int, time_limit: float, work: Path,
            alone_seconds: float = 1.0) -> dict[str, Any]:
    """Ground the generated task, search with the selected heuristic, time it alone."""
    from planner.domains import domain_file as domain_file_of, generate_problem
    from planner.frontend.grounding import ground_files
    from planner.heuristics.loader import CANDIDATE_FILE
    from planner.search.engine import search

    problem = work / f"{domain}-{preset}-s{seed}.pddl"
    problem.write_text(generate_problem(domain, seed, preset), encoding="utf-8")
    domain_file = Path(domain_file_of(domain))
    t0 = time.perf_counter()
    task = ground_files(domain_file, problem)
    ground = time.perf_counter() - t0
    evaluators, kinds, source = selected_evaluators(domain_file, task)
    preferred = [e for e in evaluators if e.provides_preferred] or None
    print(f"SEARCH-START {domain}", file=sys.stderr, flush=True)  # marks the profile's window
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = search(task, SEARCH, evaluators=evaluators, preferred=preferred, time_limit=time_limit)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    print(f"SEARCH-END {domain}", file=sys.stderr, flush=True)
    stats = result.statistics
    rates = [alone_rate(e, task, alone_seconds) for e in evaluators]
    alone = rates[0][0] if len(rates) == 1 else None
    share = (stats.evaluations / alone / cpu) if alone and cpu > 0 else None
    return {"domain": domain, "preset": preset, "seed": seed, "facts": task.num_facts,
            "operators": task.num_operators, "ground_s": round(ground, 2),
            "heuristic": "+".join(kinds), "source": source, "status": result.status.value,
            "code_names": [CANDIDATE_FILE] if "python" in kinds else [],
            "expansions": stats.expansions, "evaluations": stats.evaluations,
            "heuristic_calls": stats.heuristic_calls, "search_cpu_s": round(cpu, 3),
            "search_wall_s": round(wall, 3),
            "evals_per_s_search": round(stats.evaluations / cpu) if cpu > 0 else None,
            "evals_per_s_alone": [round(r) for r, _ in rates], "alone_states": [n for _, n in rates],
            "share_estimate": round(share, 3) if share is not None else None,
            "load": round(os.getloadavg()[0], 2)}


# ---- profiles (py-spy, native frames) ------------------------------------------------------

_GLUE = re.compile(r"PythonEvaluator|KernelEvaluator|python_heuristic\.pyx|kernel_heuristic\.pyx|"
                   r"planner/heuristics/")
"""The path from the search into a heuristic: the evaluators' C++ side (state copies, the
Python call, preferred-operator lists) and planner.heuristics' Python API objects."""
_COMPILED_H = re.compile(r"\bHFF|\bHAdd|\bHMax|LMCut|relaxation\.pyx|basic_heuristics\.pyx|"
                         r"lmcut\.pyx|goal_cost\.pyx")
_JIT_LEAF = re.compile(r"^0x[0-9a-f]+ \(\?\)$")
"""A native frame in no mapped file: code compiled at run time (a Numba kernel). py-spy cannot
unwind past it, so such a sample is the search's Python frame followed by this one frame."""


def classify(stack: list[str], heuristic_files: list[str], kernel: bool = False) -> str:
    """Where one sample was: 'program' (the stored heuristic's own Python frames, or a kernel's
    run-time compiled code), 'glue' (the evaluator's C++ side and planner.heuristics' Python
    API), 'compiled-h' (a compiled heuristic such as h^FF), or 'search' (everything else:
    successor generation, the state registry, open lists)."""
    if any(f in frame for frame in stack for f in heuristic_files):
        return "program"
    if kernel and _JIT_LEAF.match(stack[-1]):
        return "program"
    joined = ";".join(stack)
    if _GLUE.search(joined):
        return "glue"
    if _COMPILED_H.search(joined):
        return "compiled-h"
    return "search"


def parse_raw(text: str) -> list[tuple[list[str], int]]:
    """py-spy's --format raw: 'frame;frame;... count' per line (root first)."""
    out = []
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            out.append((stack.split(";"), int(count)))
    return out


def in_search(stack: list[str]) -> bool:
    """The sample was taken inside planner.search.engine.search (the compiled core's loop)."""
    return any(f.startswith("search (") and "planner/search/engine.py" in f for f in stack)


def profile_summary(samples: list[tuple[list[str], int]], heuristic_files: list[str],
                    kernel: bool = False, top: int = 12) -> dict[str, Any]:
    """Sample counts by class inside the search and the heaviest leaf frames there."""
    by_class: collections.Counter[str] = collections.Counter()
    leaves: collections.Counter[str] = collections.Counter()
    lines: collections.Counter[int] = collections.Counter()
    total = 0
    for stack, count in samples:
        if not in_search(stack):
            continue
        total += count
        by_class[classify(stack, heuristic_files, kernel)] += count
        leaves[_short(stack[-1])] += count
        own = [f for f in stack if any(h in f for h in heuristic_files)]
        line = re.search(r":(\d+)\)$", own[-1]) if own else None
        if line:
            lines[int(line.group(1))] += count  # the program's innermost line on the stack
    heuristic = by_class["program"] + by_class["glue"] + by_class["compiled-h"]
    return {"samples": total, "by_class": dict(by_class),
            "share_sampled": round(heuristic / total, 3) if total else None,
            "top_leaves": [(frame, n, round(n / total, 3)) for frame, n in leaves.most_common(top)]
            if total else [],
            "top_lines": [(line, n, round(n / total, 3)) for line, n in lines.most_common(top)]
            if total else []}


def _short(frame: str) -> str:
    """'name (path/to/file.py:12)' -> 'name (file.py)' (lines merged); a run-time compiled
    frame -> '<kernel code compiled at run time>'; other native frames as they are."""
    if _JIT_LEAF.match(frame):
        return "<kernel code compiled at run time>"
    match = re.match(r"(.*) \((.*?)(:\d+)?\)$", frame)
    if not match:
        return frame
    return f"{match.group(1)} ({Path(match.group(2)).name})"


def profiled(domain: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Run this script for one domain under py-spy; the measurement plus the profile summary."""
    raw = work / f"{domain}.raw"
    cmd = ["py-spy", "record", "--native", "--rate", str(args.rate), "--format", "raw",
           "--output", str(raw), "--",
           sys.executable, str(Path(__file__).resolve()), domain, "--one", "--preset", args.preset,
           "--seed", str(args.seed), "--time-limit", str(args.time_limit), "--work", str(work)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.time_limit * 4 + 300)
    row = None
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            row = json.loads(line)
            break
    if row is None:
        raise RuntimeError(f"{domain}: no result (exit {proc.returncode}): {proc.stderr[-800:]}")
    # the stored program's frames carry the file name load_candidate compiles it under
    files = [row["source"], *row.get("code_names", [])] if row["source"] != "ff" else []
    summary = profile_summary(parse_raw(raw.read_text(encoding="utf-8")), files,
                              kernel="kernel" in row["heuristic"])
    row.update(summary)
    return row


# ---- output --------------------------------------------------------------------------------

def render(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [f"Generated {args.preset} tasks, seed {args.seed}; search {SEARCH} (`planner solve`'s "
             f"default) with the heuristic `--heuristic auto` selects, in-process, up to "
             f"{args.time_limit:g} s; load average at each row's end in the last column.", ""]
    head = ["domain", "heuristic", "facts / ops", "status", "evaluations", "search CPU s",
            "evals/s in search", "evals/s alone", "share (estimate)"]
    if args.profile:
        head += ["share (sampled)", "samples in search: program / glue / compiled h / search"]
    head.append("load")
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        values = [r["domain"], r["heuristic"], f"{r['facts']} / {r['operators']}", r["status"],
                  str(r["evaluations"]), f"{r['search_cpu_s']:.2f}", str(r["evals_per_s_search"]),
                  ", ".join(str(x) for x in r["evals_per_s_alone"]),
                  "-" if r["share_estimate"] is None else f"{r['share_estimate']:.0%}"]
        if args.profile:
            c = r.get("by_class", {})
            few = r.get("samples", 0) < MIN_SAMPLES
            values += ["-" if r.get("share_sampled") is None else
                       f"{r['share_sampled']:.0%}" + (" (few samples)" if few else ""),
                       f"{c.get('program', 0)} / {c.get('glue', 0)} / {c.get('compiled-h', 0)} / "
                       f"{c.get('search', 0)}"]
        values.append(f"{r['load']:g}")
        lines.append("| " + " | ".join(values) + " |")
    if args.profile and rows:
        slowest = min(rows, key=lambda r: r["evals_per_s_search"] or float("inf"))
        lines += ["", f"Slowest domain by evaluations per second in search: **{slowest['domain']}** "
                  f"({slowest['evals_per_s_search']} evals/s). Heaviest leaf frames inside its search "
                  f"({slowest['samples']} samples at {args.rate} Hz):", "",
                  "| frame | samples | share |", "|---|---|---|"]
        lines += [f"| `{frame}` | {n} | {share:.1%} |" for frame, n, share in slowest["top_leaves"]]
        if slowest.get("top_lines") and slowest["source"].endswith(".py"):
            source = Path(slowest["source"]).read_text(encoding="utf-8").splitlines()
            lines += ["", f"Its stored program's hottest lines ({Path(slowest['source']).name}; samples "
                      "whose innermost frame of the program is on that line, calls from it included):", "",
                      "| line | samples | share | code |", "|---|---|---|---|"]
            lines += [f"| {line} | {n} | {share:.1%} | `{source[line - 1].strip() if line <= len(source) else '?'}` |"
                      for line, n, share in slowest["top_lines"][:8]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("domains", nargs="*", default=list(DOMAINS))
    ap.add_argument("--preset", default="medium")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--profile", action="store_true", help="sample each search with py-spy")
    ap.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    ap.add_argument("--work", default=None, help="folder for tasks and raw profiles (default: temp)")
    ap.add_argument("--out", default=None, help="also write the Markdown table here (and .json beside)")
    ap.add_argument("--from-json", default=None, metavar="JSON",
                    help="only render the table of an earlier run's .json (give its options too)")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="heuristic-share-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.from_json:
        print(render(json.loads(Path(args.from_json).read_text(encoding="utf-8")), args))
        return 0
    if args.one:
        print(json.dumps(measure(args.domains[0], args.preset, args.seed, args.time_limit, work)))
        return 0
    rows = []
    for domain in args.domains:
        # rates from a plain run: py-spy stops the process 200 times a second (its native
        # unwinding cost 30 s of system time per 20 s search), which disturbs caches
        row = measure(domain, args.preset, args.seed, args.time_limit, work)
        if args.profile:
            sampled = profiled(domain, args, work)
            row.update({k: sampled[k] for k in ("samples", "by_class", "share_sampled", "top_leaves",
                                                 "top_lines")})
            row["profiled_evaluations"] = sampled["evaluations"]
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    text = render(rows, args)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
        Path(args.out).with_suffix(".json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
