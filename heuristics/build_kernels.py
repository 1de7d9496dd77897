"""Check the kernel forms of the shipped heuristics and store them beside the Python forms.

For each heuristics/_kernels/<domain>.py whose Python form is stored in
heuristics/<domain>/ (heuristics/build.py): on the largest training tasks,
compare the kernel's values with the Python form's on random-walk states
(planner.heuristics.kernel_differential) and measure both forms' evaluations
per second on the same states (planner._core.evaluate_states, CPU time). The
kernel is stored as heuristics/<domain>/<fingerprint prefix>.kernel.py with
provenance either way; its sidecar marks it "selected" (and `--heuristic auto`
then prefers it over the Python form, planner.heuristics.store) only when
every value is equal and it is faster. The Python form stays, with its own
provenance.

This is developer tooling: the kernels here are the project's own code and
compile in this process (trusted=True); stored kernels are compiled only in
the jail when the planner uses them.

    python -m heuristics.build_kernels blocksworld childsnack floortile rovers sokoban spanner transport
"""
from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np

from planner import _core
from planner.frontend.grounding import ground_files
from planner.heuristics.api import TaskView, make_python_evaluator
from planner.heuristics.format import default_path, read_provenance, write_heuristic
from planner.heuristics.kernel import KERNEL_CLASS_NAME, kernel_class
from planner.heuristics.kernel_differential import class_reference, compare, walk_states
from planner.heuristics.loader import load_heuristic_file
from planner.heuristics.static_check import check

HERE = Path(__file__).resolve().parent
PROVENANCE = "written by the project's developers, not sampled from an LLM endpoint"
CODE_NOTE = ("# Kernel form written by the project's developers, not sampled from an LLM endpoint;\n"
             "# source: heuristics/_kernels/{domain}.py, checked and stored by heuristics/build_kernels.py.\n")


def python_form(domain: str, bench: Path) -> Path:
    """The stored Python form of the domain's heuristic (heuristics/build.py's output), in
    the folder named after the domain's PDDL name (benchmark rovers: heuristics/rover/)."""
    folder = default_path(bench / domain / "domain.pddl", root=HERE).parent
    forms = sorted(p for p in folder.glob("*.py") if not p.name.endswith(".kernel.py"))
    if len(forms) != 1:
        raise SystemExit(f"{domain}: expected one stored Python form, found {len(forms)}")
    return forms[0]


def rate(evaluator, states: np.ndarray, seconds: float) -> float:
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


def build(domain: str, bench: Path, n_tasks: int, seconds: float, dry_run: bool) -> dict:
    py_path = python_form(domain, bench)
    meta = read_provenance(py_path)
    record = json.loads(py_path.with_suffix(".py.json").read_text(encoding="utf-8"))
    cls = load_heuristic_file(f"{py_path}:{meta['class_name']}")
    code = CODE_NOTE.format(domain=domain) + (HERE / "_kernels" / f"{domain}.py").read_text(encoding="utf-8")
    checked = check(code)
    if not checked.ok:
        raise SystemExit(f"{domain}: kernel fails the static check: {checked.reason}")
    kcls = kernel_class(checked.code, f"{domain}-kernel", trusted=True)
    files = sorted((bench / domain / "training" / "easy").glob("p*.pddl"),
                   key=lambda p: (p.stat().st_size, p.name))[-n_tasks:]
    rows, equal, faster = {}, True, True
    compile_s = 0.0
    for problem in files:
        task = ground_files(bench / domain / "domain.pddl", problem)
        kernel = kcls(TaskView(task))
        compile_s = max(compile_s, kernel.compiled.seconds)
        states = walk_states(task, seed=0, walks=20, length=60)
        diff = compare(kernel, class_reference(cls, task), states)
        ok = [s for s in states if _evaluates(kernel, s)]
        matrix = np.ascontiguousarray(np.stack(ok))
        py = rate(make_python_evaluator(cls, task), matrix, seconds)
        kr = rate(kernel.evaluator(), matrix, seconds)
        equal &= diff.equal
        faster &= kr > py
        rows[str(bench / domain / "training" / "easy" / problem.name)] = {"states": diff.states, "equal": diff.equal, "reason": diff.reason(),
                             "both_failed": diff.both_failed,
                             "preferred_set_mismatches": diff.preferred_mismatches,
                             "python_per_s": round(py), "kernel_per_s": round(kr),
                             "speedup": round(kr / py, 1)}
    selected = equal and faster
    summary = {"domain": domain, "selected": selected, "tasks": rows}
    if dry_run:
        return summary
    path = py_path.with_name(py_path.name[: -len(".py")] + ".kernel.py")
    kmeta = {"model": None, "provenance": PROVENANCE, "template": None, "template_sha256": None,
             "domain_fingerprint": meta["domain_fingerprint"], "source": f"heuristics/_kernels/{domain}.py",
             "form": "kernel", "selected": selected, "python_form": py_path.name,
             "code_sha256": hashlib.sha256(checked.code.encode("utf-8")).hexdigest(),
             "solved": record.get("solved"), "agile": record.get("agile"),
             "scores": "solved/agile are the Python form's: the kernel reproduces its values",
             "differential": {t: {k: r[k] for k in ("states", "equal", "both_failed",
                                                    "preferred_set_mismatches")}
                              for t, r in rows.items()},
             "speed": {t: {k: r[k] for k in ("python_per_s", "kernel_per_s", "speedup")}
                       for t, r in rows.items()},
             "compile_seconds": round(compile_s, 2),
             "selection": "selected over the Python form iff values equal on every sampled state and faster"}
    write_heuristic(path, checked.code, KERNEL_CLASS_NAME, kmeta)
    summary["stored"] = str(path)
    return summary


def _evaluates(kernel, state: np.ndarray) -> bool:
    """Speed is measured on states both forms evaluate (the differential check
    has already required that they fail on the same ones)."""
    try:
        kernel.evaluator().evaluate_bytes(state)
        return True
    except (RuntimeError, ValueError):
        return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("domains", nargs="*", help="domains (default: every heuristics/_kernels/*.py)")
    ap.add_argument("--benchmarks", default="../shared/benchmarks/ipc2023-learning")
    ap.add_argument("--tasks", type=int, default=3, help="largest training tasks to check on (default 3)")
    ap.add_argument("--seconds", type=float, default=0.5, help="CPU seconds per speed measurement")
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    domains = args.domains or sorted(p.stem for p in (HERE / "_kernels").glob("*.py"))
    for d in domains:
        s = build(d, Path(args.benchmarks), args.tasks, args.seconds, args.dry_run)
        speed = [r["speedup"] for r in s.get("tasks", {}).values()]
        reasons = sorted({r["reason"] for r in s.get("tasks", {}).values()})
        print(f"{d}: selected={s.get('selected')} speedups={speed} {reasons} -> {s.get('stored')}",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
