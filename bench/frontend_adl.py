"""ADL and derived-predicate tasks: our parse+ground against Fast Downward's
translator, and coverage of `planner solve` beside FD's lama-first.

Issue 13's kinds of task (quantified preconditions compiled into derived
predicates, recursive derived predicates with negation across strata,
quantified goals), made by bench/adl_tasks.py at three sizes each, since IPC
files are not committed. For every task, one process at a time:

  * grounding: a fresh Python process runs ground_files (parse+ground time,
    imports excluded); FD's translator runs on the same files (its own
    Parsing+Normalizing+Instantiating time and its Done! total). Operator
    instances are compared by name (a hash of the sorted name list): equal
    means the same ground operators as FD's output.sas;
  * coverage: `python -m planner solve` (its defaults) and FD `--alias
    lama-first`, each under --time-limit; every plan found is checked by
    `python -m planner validate`.

    nice python bench/frontend_adl.py --out bench/examples/frontend-adl/adl.md
    nice python bench/frontend_adl.py --sizes small --time-limit 10 --out /tmp/adl.md

Writes a Markdown table to --out and the raw numbers as JSON beside it; the
generated tasks go to bench/results/adl-tasks/ (gitignored).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from adl_tasks import openstacks, reach, visitall_forall  # noqa: E402
from grounding import FD, run_measured  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SIZES = {
    "small": [("openstacks", openstacks, (20, 20)), ("reach", reach, (8,)),
              ("visitall-forall", visitall_forall, (8,))],
    "medium": [("openstacks", openstacks, (60, 60)),
               ("openstacks-costs", lambda *a, seed: openstacks(*a, seed=seed, costs=True), (60, 60)),
               ("reach", reach, (25,)),
               ("visitall-forall", visitall_forall, (20,))],
    "large": [("openstacks", openstacks, (150, 150)), ("reach", reach, (50,)),
              ("visitall-forall", visitall_forall, (40,))],
}

OUR_RUNNER = """
import hashlib, json, sys, time
from planner.frontend.grounding import ground_files
from planner.task import atom_str
start = time.perf_counter()
task = ground_files(sys.argv[1], sys.argv[2])
elapsed = time.perf_counter() - start
names = sorted(n for n in task.operators if not n.startswith("(__"))
atoms = {atom_str(f) for f in task.facts if not f[0].startswith("__")}
print(json.dumps({"time": elapsed, "operators": len(names), "atoms": len(atoms),
                  "axioms": 0 if task.axioms is None else len(task.axioms),
                  "op_hash": hashlib.sha1("\\n".join(names).encode()).hexdigest()}))
"""
FD_PHASE = re.compile(r"^(Parsing|Normalizing task\.\.\.|Instantiating|Done!):? "
                      r"\[[\d.]+s CPU, ([\d.]+)s wall-clock\]", re.M)


def ground_ours(domain: Path, problem: Path, timeout: float, workdir: Path) -> dict:
    run = run_measured([sys.executable, "-c", OUR_RUNNER, str(domain), str(problem)],
                       timeout, 8000, workdir)
    out = {"status": run.status, "peak_kb": run.peak_kb}
    if run.status == "ok":
        out.update(json.loads(run.stdout.strip().splitlines()[-1]))
    else:
        out["error"] = (run.stderr.strip().splitlines() or ["?"])[-1][:200]
    return out


def ground_fd(domain: Path, problem: Path, timeout: float, workdir: Path) -> dict:
    sas = workdir / "output.sas"
    sas.unlink(missing_ok=True)
    run = run_measured([sys.executable, str(FD), "--sas-file", str(sas), "--translate",
                        str(domain), str(problem)], timeout, 8000, workdir)
    out = {"status": run.status, "peak_kb": run.peak_kb}
    phases = {k.rstrip(".").split()[0].lower(): float(v)
              for k, v in FD_PHASE.findall(run.stdout + run.stderr)}
    if run.status != "ok" or "done!" not in phases or not sas.exists():
        out["status"] = run.status if run.status != "ok" else "error"
        return out
    text = sas.read_text()
    names = sorted("(" + n.strip() + ")" for n in re.findall(r"begin_operator\n(.*)\n", text))
    atoms = {(p, a) for p, a in re.findall(r"^Atom ([^(\s]+)\(([^)]*)\)$", text, re.M)
             if not p.startswith("new-axiom@")}
    out.update(time=phases["done!"],
               ground_time=sum(phases.get(k, 0.0) for k in ("parsing", "normalizing",
                                                            "instantiating")),
               operators=len(names), atoms=len(atoms), axioms=text.count("begin_rule"),
               op_hash=hashlib.sha1("\n".join(names).encode()).hexdigest())
    sas.unlink()
    return out


def validate(domain: Path, problem: Path, plan: Path, workdir: Path) -> bool:
    run = run_measured([sys.executable, "-m", "planner", "validate", str(domain), str(problem),
                        str(plan)], 300, 8000, workdir)
    return run.status == "ok"


def plan_length(plan: Path) -> int:
    return sum(1 for line in plan.read_text().splitlines() if line.startswith("("))


def solve(kind: str, domain: Path, problem: Path, limit: float, workdir: Path) -> dict:
    plan = workdir / f"plan-{kind}"
    for stale in workdir.glob(f"plan-{kind}*"):
        stale.unlink()
    if kind == "ours":
        cmd = [sys.executable, "-m", "planner", "solve", "--time-limit", f"{limit:g}",
               "--plan-file", str(plan), str(domain), str(problem)]
    else:
        cmd = [sys.executable, str(FD), "--alias", "lama-first", "--overall-time-limit",
               f"{limit:g}s", "--plan-file", str(plan), str(domain), str(problem)]
    run = run_measured(cmd, limit + 30, 8000, workdir)
    found = plan if plan.exists() else next(iter(sorted(workdir.glob(f"plan-{kind}.*"))), None)
    out = {"wall": run.wall, "status": run.status}
    if found is not None:
        out["valid"] = validate(domain, problem, found, workdir)
        out["length"] = plan_length(found)
    return out


def fmt(side: dict, key: str) -> str:
    if side.get("status") != "ok":
        return side.get("status", "-")
    return f"{side[key]:.2f}s" if side.get(key) is not None else "-"


def solved(side: dict) -> str:
    if "valid" not in side:
        return f"- ({side['status']}, {side['wall']:.0f}s)"
    return (f"{side['length']} steps, {side['wall']:.1f}s" if side["valid"]
            else f"INVALID ({side['length']} steps)")


def markdown(rows: list[dict]) -> str:
    out = ["| task | our parse+ground | FD translate | FD parse+inst. | ratio | ops ours / FD "
           "| same ops | atoms ours / FD | axioms ours / FD | planner solve | FD lama-first |",
           "|" + "---|" * 11]
    for r in rows:
        o, f = r["ours"], r["fd"]
        ratio = (f"{o['time'] / f['time']:.2f}" if o.get("status") == "ok"
                 and f.get("status") == "ok" else "-")
        same = ("yes" if o.get("op_hash") and o.get("op_hash") == f.get("op_hash")
                else "no" if o.get("op_hash") and f.get("op_hash") else "-")
        out.append(
            f"| {r['task']} | {fmt(o, 'time')} | {fmt(f, 'time')} | {fmt(f, 'ground_time')} "
            f"| {ratio} | {o.get('operators', '-')} / {f.get('operators', '-')} | {same} "
            f"| {o.get('atoms', '-')} / {f.get('atoms', '-')} "
            f"| {o.get('axioms', '-')} / {f.get('axioms', '-')} "
            f"| {solved(r['solve_ours']) if 'solve_ours' in r else '-'} "
            f"| {solved(r['solve_fd']) if 'solve_fd' in r else '-'} |")
    covered = lambda key: sum(1 for r in rows if r.get(key, {}).get("valid"))  # noqa: E731
    out.append("")
    out.append(f"Coverage: planner solve {covered('solve_ours')}/{len(rows)}, "
               f"FD lama-first {covered('solve_fd')}/{len(rows)}.")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=300.0, help="grounding, seconds")
    parser.add_argument("--time-limit", type=float, default=60.0, help="solve, seconds")
    parser.add_argument("--no-solve", action="store_true", help="grounding only")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/frontend-adl.md")
    args = parser.parse_args(argv)
    args.out = args.out.resolve()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    taskdir = REPO / "bench/results/adl-tasks"
    taskdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="frontend-adl-"))
    rows = []
    try:
        for size in args.sizes:
            for name, generate, params in SIZES[size]:
                label = f"{name}-{'x'.join(map(str, params))}-s{args.seed}"
                domain_text, problem_text = generate(*params, seed=args.seed)
                domain, problem = taskdir / f"{name}-domain.pddl", taskdir / f"{label}.pddl"
                domain.write_text(domain_text)
                problem.write_text(problem_text)
                row = {"task": f"{label} ({size})", "bytes": len(problem_text)}
                row["ours"] = ground_ours(domain, problem, args.timeout, workdir)
                row["fd"] = ground_fd(domain, problem, args.timeout, workdir)
                if not args.no_solve:
                    row["solve_ours"] = solve("ours", domain, problem, args.time_limit, workdir)
                    row["solve_fd"] = solve("fd", domain, problem, args.time_limit, workdir)
                rows.append(row)
                print(markdown([row]).splitlines()[2], flush=True)
                args.out.write_text(markdown(rows))
                args.out.with_suffix(".json").write_text(json.dumps(rows, indent=1))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(markdown(rows))


if __name__ == "__main__":
    main()
