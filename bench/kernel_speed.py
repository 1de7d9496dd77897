"""Kernel heuristics against the other forms of the same heuristic, and h^FF.

Per shipped heuristic (its Python form heuristics/<domain>/<hash>.py, its kernel
form <hash>.kernel.py stored by heuristics/build_kernels.py), on the same
states (random walks from the initial state of the largest training task, or
of a given task file): evaluations per second (with preferred operators) of

  python  - the Python class through planner._core.PythonEvaluator
  cython  - the same class compiled by planner.heuristics.compile (Cython, pure-Python mode)
  kernel  - the kernel compiled by planner.heuristics.kernel (Numba cfunc, called from C)
  ff      - our compiled h^FF

timed with planner._core.evaluate_states (one C loop over the states; CPU
time). Values of the kernel and the Python form are compared on every state.
These measurements run in this process: the shipped heuristics are the
project's own code (trusted=True); the planner itself runs them only in the jail.

With --coverage, generated hard tasks (python -m domains.generate D --preset
hard --seed S) are solved with the stored kernel form and the stored Python
form at --time-limit, each through planner.search.solve in a fresh process,
i.e. in the jail as `--heuristic auto` runs them (the kernel compiles in the
jailed child on every run: its compile time is part of the limit and reported).

    python bench/kernel_speed.py blocksworld childsnack floortile rovers sokoban spanner transport
    python bench/kernel_speed.py --coverage --seeds 1 2 --time-limit 60 blocksworld transport
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from planner import _core
from planner.frontend.grounding import ground_files
from planner.heuristics.api import TaskView, make_python_evaluator
from planner.heuristics.compile import compile_heuristic, load_compiled
from planner.heuristics.format import default_path, read_provenance, stored_code
from planner.heuristics.kernel import kernel_class
from planner.heuristics.kernel_differential import class_reference, compare, walk_states
from planner.heuristics.loader import install_legacy_api_alias, load_heuristic_file
from planner.llm.translate import kernel_path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "../shared/benchmarks/ipc2023-learning"


def python_form(domain: str) -> Path:
    """heuristics/<the PDDL's domain name>/<fingerprint>.py (rovers' is under rover/)."""
    return default_path(BENCH / domain / "domain.pddl", root=REPO / "heuristics")


def largest_training_task(domain: str) -> Path:
    files = sorted((BENCH / domain / "training" / "easy").glob("p*.pddl"),
                   key=lambda p: (p.stat().st_size, p.name))
    return files[-1]


def speed(evaluator, states: np.ndarray, seconds: float) -> float:
    """Evaluations per CPU second over the states (doubling repeats until seconds pass)."""
    _core.evaluate_states(evaluator, states, 1, True)
    repeats, start = 1, time.process_time()
    while True:
        _core.evaluate_states(evaluator, states, repeats, True)
        spent = time.process_time() - start
        if spent >= seconds:
            return repeats * len(states) / spent
        repeats *= 2
        start = time.process_time()


def cython_class(path: Path, class_name: str, work: Path):
    install_legacy_api_alias()
    code = path.read_text(encoding="utf-8")
    built = compile_heuristic(code, work / path.name)
    return load_compiled(built, class_name)


def measure(domain: str, problem: Path, n_states: int, seconds: float, work: Path) -> dict:
    task = ground_files(BENCH / domain / "domain.pddl", problem)
    py_path = python_form(domain)
    class_name = read_provenance(py_path)["class_name"]
    cls = load_heuristic_file(f"{py_path}:{class_name}")
    t0 = time.perf_counter()
    code = stored_code(kernel_path(py_path))
    kernel = kernel_class(code, f"{domain}-kernel", trusted=True)(TaskView(task))
    construct = time.perf_counter() - t0
    walks = walk_states(task, seed=1, walks=max(1, n_states // 50), length=100)
    diff = compare(kernel, class_reference(cls, task), walks)
    usable = []  # states both forms evaluate (spanner's form fails where too few spanners are ahead)
    for state in walks:
        try:
            kernel.evaluator().evaluate_bytes(state)
            usable.append(state)
        except (RuntimeError, ValueError):
            pass
    usable = usable[:n_states]
    states = np.ascontiguousarray(np.stack(usable))
    forms = {
        "python": make_python_evaluator(cls, task),
        "cython": make_python_evaluator(cython_class(py_path, class_name, work), task),
        "kernel": kernel.evaluator(),
        "ff": _core.HFF(task),
    }
    rates = {name: speed(ev, states, seconds) for name, ev in forms.items()}
    inside = problem.resolve().is_relative_to((BENCH / domain).resolve())
    label = f"{domain}/{problem.parent.parent.name}/easy/{problem.name}" if inside else problem.name
    return {"domain": domain, "task": label,
            "facts": task.num_facts, "operators": task.num_operators, "states": len(usable),
            "compared_states": diff.states, "both_failed": diff.both_failed,
            "equal": diff.equal, "value_mismatches": len(diff.value_mismatches),
            "preferred_set_mismatches": diff.preferred_mismatches,
            "kernel_construct_s": round(construct, 3), "compile_s": round(kernel.compiled.seconds, 3),
            **{f"{k}_per_s": round(v) for k, v in rates.items()},
            "kernel_vs_python": round(rates["kernel"] / rates["python"], 1),
            "kernel_vs_cython": round(rates["kernel"] / rates["cython"], 1),
            "kernel_vs_ff": round(rates["kernel"] / rates["ff"], 2)}


_SOLVE = """
import json, sys, time
from planner.heuristics.format import default_path, read_provenance
from planner.heuristics.loader import load_stored_heuristic
from planner.search.solve import solve
path = sys.argv[3]
source = load_stored_heuristic(path, read_provenance(path)["class_name"])
from planner.jail import HeuristicFailure
t0, c0 = time.perf_counter(), time.process_time()
try:
    r = solve(sys.argv[1], sys.argv[2], heuristic=source, time_limit=float(sys.argv[4]), fallback=False)
except HeuristicFailure as err:  # e.g. the jailed search killed at the deadline
    print(json.dumps({"status": err.reason, "detail": str(err)[-200:],
                      "wall": round(time.perf_counter() - t0, 1)}))
    raise SystemExit(0)
s = r.statistics
jail = s.get("jail") or {}
print(json.dumps({"status": r.status.value, "plan_cost": r.cost, "expansions": s.get("expansions"),
                  "evaluations": s.get("evaluations"), "ground_time": s.get("ground_time"),
                  "search_time": s.get("search_time"), "kernel_compile_time": jail.get("kernel_compile_time"),
                  "wall": round(time.perf_counter() - t0, 1)}))
"""


def coverage(domain: str, seed: int, time_limit: float, work: Path) -> dict:
    """Solve one generated hard task with each stored form in a fresh process
    (parse, ground, jailed search, validation: what `planner solve --heuristic
    auto` does); status, expansions, compile time and wall time."""
    task = work / f"{domain}-hard-{seed}.pddl"
    if not task.exists():
        subprocess.run([sys.executable, "-m", "domains.generate", domain, "--preset", "hard",
                        "--seed", str(seed), "-o", str(task)], cwd=REPO, check=True)
    py_path = python_form(domain)
    out = {"domain": domain, "task": f"generated hard, seed {seed}", "time_limit": time_limit}
    for form, path in (("kernel", py_path.with_name(py_path.stem + ".kernel.py")), ("python", py_path)):
        cmd = [sys.executable, "-c", _SOLVE, str(BENCH / domain / "domain.pddl"), str(task), str(path),
               str(time_limit)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=time_limit * 3 + 60)
        except subprocess.TimeoutExpired:
            out[form] = {"status": f"killed after {time_limit * 3 + 60:.0f} s wall"}
            continue
        try:
            out[form] = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            out[form] = {"status": f"failed (exit {proc.returncode}): {proc.stderr.strip()[-300:]}"}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("domains", nargs="*", default=["blocksworld", "childsnack", "floortile", "rovers",
                                                     "sokoban", "spanner", "transport"])
    ap.add_argument("--problem", help="task file instead of the largest training task (one domain)")
    ap.add_argument("--states", type=int, default=500)
    ap.add_argument("--seconds", type=float, default=1.0, help="CPU seconds per form and task")
    ap.add_argument("--coverage", action="store_true", help="solve generated hard tasks instead")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--work", default=None, help="folder for generated tasks and builds (default: temp)")
    args = ap.parse_args(argv)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="kernel-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for domain in args.domains:
        if args.coverage:
            for seed in args.seeds:
                row = coverage(domain, seed, args.time_limit, work)
                rows.append(row)
                print(json.dumps(row), flush=True)
            continue
        problem = Path(args.problem) if args.problem else largest_training_task(domain)
        row = measure(domain, problem, args.states, args.seconds, work)
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.coverage:
        for form in ("kernel", "python"):
            solved = sum(1 for r in rows if r[form].get("status") == "solved")
            print(f"{form}: {solved}/{len(rows)} solved within {args.time_limit:g} s")
    elif rows:
        def geo(key: str) -> float:
            return float(np.exp(np.mean([np.log(r[key]) for r in rows])))

        print(f"geometric mean: kernel/python {geo('kernel_vs_python'):.1f}x, "
              f"kernel/cython {geo('kernel_vs_cython'):.1f}x, kernel/ff {geo('kernel_vs_ff'):.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
