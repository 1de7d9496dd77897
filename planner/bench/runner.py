"""One benchmark run, isolated: its own folder, process group and limits.

The planner gets its own time and memory flags; the runner adds two
backstops that do not depend on the planner behaving: an RLIMIT_AS of
memory + margin (set by a tiny launcher that then execs the planner, so no
preexec_fn runs in a threaded coordinator), and a wall clock that kills the
whole process group (driver, translator, search) at time + grace. Output
goes to files, not pipes, so a chatty planner cannot block or bloat memory.
Every plan is then checked by `planner validate` in a separate process:
coverage counts valid plans only, and an invalid plan is an unexplained error.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.bench.algorithms import command_line
from planner.bench.experiment import Limits, RunSpec
from planner.bench.outcomes import Outcome, outcome_of, outcome_of_fd, outcome_of_pyperplan
from planner.bench.parsers import parse

LOG_TAIL_CHARS = 4000
"""Characters of stdout and stderr kept per run (the end, where errors are)."""
PLAN_NAME = "sas_plan"

_LAUNCHER = ("import os, resource, sys; "
             "limit = int(sys.argv[1]); "
             "resource.setrlimit(resource.RLIMIT_AS, (limit, limit)); "
             "os.execvp(sys.argv[2], sys.argv[2:])")


_live: set[subprocess.Popen] = set()
_live_lock = threading.Lock()


@dataclass
class ProcessResult:
    returncode: int
    killed: bool
    wall_time: float
    stdout: str
    stderr: str


def run_limited(argv: list[str], cwd: str, limits: Limits, python: str,
                env: dict[str, str] | None = None, wall: float | None = None) -> ProcessResult:
    """Run argv in its own session under RLIMIT_AS = memory + margin; kill the
    group at `wall` seconds (default time + grace)."""
    wall = limits.time + limits.grace if wall is None else wall
    launcher = [python, "-c", _LAUNCHER, str(limits.memory + limits.margin), *argv]
    out_path, err_path = Path(cwd) / "run.out", Path(cwd) / "run.err"
    start = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(launcher, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        with _live_lock:
            _live.add(proc)
        killed = False
        try:
            proc.wait(timeout=wall)
        except subprocess.TimeoutExpired:
            killed = True
            kill_group(proc)
        except BaseException:  # interrupted coordinator: never leave a run behind
            kill_group(proc)
            raise
        finally:
            with _live_lock:
                _live.discard(proc)
    elapsed = time.perf_counter() - start
    return ProcessResult(proc.returncode, killed, elapsed, _tail(out_path), _tail(err_path))


def kill_all() -> None:
    """Kill every run this process has started and not yet reaped (Ctrl-C in the coordinator,
    whose worker threads are blocked waiting for their runs)."""
    with _live_lock:
        running = list(_live)
    for proc in running:
        _signal_group(proc, signal.SIGKILL)


def kill_group(proc: subprocess.Popen) -> None:
    """SIGTERM the run's process group (FD's driver forwards it and cleans up), then
    SIGKILL the group: members may outlive their leader."""
    _signal_group(proc, signal.SIGTERM)
    try:
        proc.wait(timeout=1.0)
    except subprocess.TimeoutExpired:
        pass
    _signal_group(proc, signal.SIGKILL)
    proc.wait()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _tail(path: Path) -> str:
    size = path.stat().st_size
    with open(path, "rb") as src:
        src.seek(max(0, size - LOG_TAIL_CHARS))
        return src.read().decode("utf-8", errors="replace")


def run_environment(spec: RunSpec) -> dict[str, str]:
    """The coordinator's environment with the checkout importable and hashing fixed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (spec.project_root, env.get("PYTHONPATH")) if p)
    env.setdefault("PYTHONHASHSEED", "0")
    env.update(spec.env)
    return env


def find_plan(workdir: Path, kind: str, problem: Path) -> Path | None:
    """The last complete plan: sas_plan, or the highest sas_plan.N of an anytime search;
    pyperplan writes PROBLEM.soln next to the (copied) problem."""
    if kind == "pyperplan":
        soln = problem.with_name(problem.name + ".soln")
        return soln if soln.is_file() else None
    numbered = sorted((p for p in workdir.glob(PLAN_NAME + ".*") if p.suffix[1:].isdigit()),
                      key=lambda p: int(p.suffix[1:]))
    if numbered:
        return numbered[-1]
    plain = workdir / PLAN_NAME
    return plain if plain.is_file() else None


@dataclass
class Validation:
    valid: bool
    cost: int | float | None
    plan_length: int | None
    message: str


def validate_plan(spec: RunSpec, plan: Path, workdir: Path, env: dict[str, str]) -> Validation:
    """`planner validate` in its own limited process: exit 0 valid, 1 invalid, else error."""
    argv = [spec.python, "-m", "planner", "validate", os.path.abspath(spec.task.domain_file),
            os.path.abspath(spec.task.problem_file), str(plan)]
    wall = max(60.0, spec.limits.time)
    vdir = tempfile.mkdtemp(prefix="validate-", dir=workdir)
    result = run_limited(argv, vdir, spec.limits, spec.python, env, wall=wall)
    cost = re.findall(r"Plan cost: (\d+(?:\.\d+)?)", result.stdout)
    length = sum(1 for line in plan.read_text(errors="replace").splitlines()
                 if line.strip() and not line.strip().startswith(";"))
    if result.returncode == 0 and not result.killed:
        value = float(cost[-1]) if cost else None
        if value is not None and value.is_integer():
            value = int(value)
        return Validation(True, value, length, "")
    reason = "timed out" if result.killed else f"exit {result.returncode}"
    text = (result.stdout + result.stderr).strip().splitlines()
    detail = " | ".join(text[-3:])[:500]
    return Validation(False, None, length, f"validator {reason}: {detail}")


def execute(spec: RunSpec) -> dict[str, Any]:
    """Run spec to completion; returns its properties plus `_log` and `_plan` (text)."""
    workdir = Path(tempfile.mkdtemp(prefix="planner-bench-"))
    try:
        return _execute_in(spec, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _execute_in(spec: RunSpec, workdir: Path) -> dict[str, Any]:
    domain, problem = Path(spec.task.domain_file).resolve(), Path(spec.task.problem_file).resolve()
    if spec.kind == "pyperplan":  # it writes PROBLEM.soln beside the problem: work on copies
        domain = Path(shutil.copy(domain, workdir / "domain.pddl"))
        problem = Path(shutil.copy(problem, workdir / problem.name))
    argv = command_line(spec.kind, spec.args, spec.python, str(domain), str(problem),
                        str(workdir / PLAN_NAME), spec.limits.time, spec.limits.memory_mib)
    env = run_environment(spec)
    proc = run_limited(argv, str(workdir), spec.limits, spec.python, env)
    stats = parse(spec.kind, proc.stdout, proc.stderr)
    plan = find_plan(workdir, spec.kind, problem)
    if spec.kind == "pyperplan":
        outcome = outcome_of_pyperplan(proc.returncode, proc.killed, plan is not None, proc.stderr)
    elif spec.kind == "fd":
        outcome = outcome_of_fd(proc.returncode, proc.killed, proc.stdout, proc.wall_time, spec.limits.time)
    else:
        outcome = outcome_of(proc.returncode, proc.killed)
    validation = validate_plan(spec, plan, workdir, env) if plan is not None else None
    props = properties(spec, outcome, proc, stats, plan is not None, validation)
    props["_log"] = (f"$ {' '.join(argv)}\n--- exit {proc.returncode}"
                     f"{' (killed at limit)' if proc.killed else ''}, {proc.wall_time:.2f}s\n"
                     f"--- stdout (tail)\n{proc.stdout}\n--- stderr (tail)\n{proc.stderr}\n")
    if validation is not None and validation.message:
        props["_log"] += f"--- validation\n{validation.message}\n"
    props["_plan"] = plan.read_text(errors="replace") if plan is not None else None
    return props


def properties(spec: RunSpec, outcome: Outcome, proc: ProcessResult, stats: dict[str, Any],
               plan_written: bool, validation: Validation | None) -> dict[str, Any]:
    """Lab properties of one run. Coverage needs a valid plan; cost is the validator's."""
    task = spec.task
    errors: list[str] = []
    error = outcome.error
    if not outcome.explained:
        last = (proc.stderr.strip().splitlines() or [""])[-1][:300]
        errors.append(f"{outcome.error} (exit {proc.returncode}): {last}".rstrip(": "))
    if outcome.plan_expected and not plan_written:
        error = "missing-plan"
        errors.append(f"exit {proc.returncode} claims a plan but no plan file was written")
    solved = validation is not None and validation.valid
    if validation is not None and not validation.valid:
        error = "invalid-plan"
        errors.append(f"invalid plan: {validation.message}")
    claimed = stats.get("claimed_cost")
    if solved and claimed is not None and validation is not None and validation.cost is not None \
            and float(claimed) != float(validation.cost):
        errors.append(f"planner claims cost {claimed}, validator says {validation.cost}")
    if solved and not outcome.plan_expected:
        error = "success" if outcome.explained else error
    return {
        "algorithm": spec.algorithm, "domain": task.domain, "problem": task.problem,
        "id": [spec.algorithm, task.domain, task.problem],
        "run_id": spec.run_id,
        "coverage": int(solved),
        "error": error,
        "unexplained_errors": errors,
        "cost": validation.cost if solved and validation is not None else None,
        "plan_length": validation.plan_length if solved and validation is not None else None,
        "claimed_cost": claimed,
        "expansions": stats.get("expansions"),
        "evaluations": stats.get("evaluations"),
        "generated": stats.get("generated"),
        "search_time": stats.get("search_time"),
        "total_time": stats.get("total_time"),
        "memory": stats.get("memory"),
        "planner_wall_clock_time": round(proc.wall_time, 4),
        "exit_code": proc.returncode,
        "killed": proc.killed,
        "task_key": task.key,
        "time_limit": spec.limits.time,
        "memory_limit_mib": spec.limits.memory_mib,
    }
