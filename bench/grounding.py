"""Grounding benchmark: our parse+ground against Fast Downward's translator.

For every task, one at a time (fair timing on a shared machine):
  * ours: a fresh Python process runs planner.frontend.grounding.ground_files and
    reports the parse+ground time (imports excluded) and fact/operator
    counts; its peak RSS comes from the kernel (wait4), so a crash or a
    timeout still has a memory figure;
  * FD: fast-downward.py --translate on the same files; we read its own
    timings ("Done!" total, and parse+normalize+instantiate, the part that
    corresponds to our grounding), its fact/operator counts, and peak RSS.
Tasks are the largest shared IPC 2023 tasks of each domain plus tasks from
our generators (domains/) at the medium and hard presets.

    nice python bench/grounding.py --domains blocksworld rovers --timeout 600

Writes a Markdown table to --out (default bench/results/grounding.md) and
the raw numbers beside it as JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent

from planner.domains import DOMAIN_NAMES, PRESET_NAMES, domain_file, generate_problem  # noqa: E402

SHARED = Path("../shared/benchmarks/ipc2023-learning")
MEMORY_ERRORS = re.compile(r"MemoryError|Cannot allocate memory|std::bad_alloc|memory limit")
FD = Path(sys.executable).parent.parent / "lib/python3.11/site-packages/up_fast_downward/downward/fast-downward.py"

OUR_RUNNER = """
import json, sys, time
from planner.frontend.grounding import ground_files
start = time.perf_counter()
task = ground_files(sys.argv[1], sys.argv[2])
elapsed = time.perf_counter() - start
print(json.dumps({"time": elapsed, "facts": task.num_facts, "operators": task.num_operators}))
"""


@dataclass
class Task:
    label: str
    domain: Path
    problem: Path

    @property
    def size(self) -> int:
        return self.problem.stat().st_size


@dataclass
class Run:
    """One process's outcome: status is ok, timeout or error."""

    status: str
    wall: float
    peak_kb: int
    stdout: str = ""
    stderr: str = ""


@dataclass
class Result:
    task: str
    bytes: int
    ours: dict = field(default_factory=dict)
    fd: dict = field(default_factory=dict)


# -- running a process with a timeout and its own peak RSS --------------------


def peak_rss_kb(pid: int) -> int:
    """Largest peak RSS (VmHWM, KB) among pid and its descendants, read just
    before a timeout kill: the kernel only folds a grandchild's peak into
    wait4's figure when its parent reaps it, which a killed FD driver never does."""
    try:
        procs = [psutil.Process(pid)] + psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return 0
    peak = 0
    for proc in procs:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        peak = max(peak, int(match.group(1)) if match else 0)
    return peak


def run_measured(cmd: list[str], timeout: float, memory_mb: int, cwd: Path) -> Run:
    """Run cmd in its own process group; peak RSS (KB) of it and its children.

    os.wait4 returns the child's rusage, whose ru_maxrss also covers the
    grandchildren it waited for (FD's driver runs the translator as one).
    The address-space limit keeps a runaway grounding from starving the
    other users of the machine; the group is killed if we are interrupted.
    """
    def limit_memory() -> None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    out_path, err_path = cwd / ".bench_stdout", cwd / ".bench_stderr"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, start_new_session=True,
                                preexec_fn=limit_memory)
        timed_out = threading.Event()
        peak_at_kill = [0]

        def kill() -> None:
            timed_out.set()
            peak_at_kill[0] = peak_rss_kb(proc.pid)
            os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
    stdout, stderr = out_path.read_text(), err_path.read_text()
    if timed_out.is_set():
        state = "timeout"
    elif proc.returncode == 0:
        state = "ok"
    else:
        state = "memout" if MEMORY_ERRORS.search(stdout + stderr) else "error"
    run = Run(state, wall, max(usage.ru_maxrss, peak_at_kill[0]), stdout, stderr)
    out_path.unlink()
    err_path.unlink()
    return run


# -- the two contestants -------------------------------------------------------


def run_ours(task: Task, timeout: float, memory_mb: int, workdir: Path) -> dict:
    cmd = [sys.executable, "-c", OUR_RUNNER, str(task.domain), str(task.problem), str(REPO)]
    run = run_measured(cmd, timeout, memory_mb, workdir)
    result = {"status": run.status, "wall": run.wall, "peak_kb": run.peak_kb}
    if run.status == "ok":
        result.update(json.loads(run.stdout.strip().splitlines()[-1]))
    elif run.status == "error":
        result["error"] = (run.stderr.strip().splitlines() or ["?"])[-1][:200]
    return result


FD_COUNT = re.compile(r"^Translator (facts|operators|peak memory): (\d+)", re.M)
FD_PHASE = re.compile(r"^(Parsing|Normalizing task\.\.\.|Instantiating|Done!):? \[[\d.]+s CPU, ([\d.]+)s wall-clock\]", re.M)


def run_fd(task: Task, timeout: float, memory_mb: int, workdir: Path) -> dict:
    sas = workdir / "output.sas"
    cmd = [sys.executable, str(FD), "--sas-file", str(sas), "--translate",
           str(task.domain), str(task.problem)]
    run = run_measured(cmd, timeout, memory_mb, workdir)
    sas.unlink(missing_ok=True)
    result = {"status": run.status, "wall": run.wall, "peak_kb": run.peak_kb}
    text = run.stdout + run.stderr
    counts = {k.replace(" ", "_"): int(v) for k, v in FD_COUNT.findall(text)}
    phases = {k.rstrip(".").split()[0].lower(): float(v) for k, v in FD_PHASE.findall(text)}
    result.update(facts=counts.get("facts"), operators=counts.get("operators"),
                  reported_peak_kb=counts.get("peak_memory"))
    if "done!" in phases:
        result["time"] = phases["done!"]
        result["ground_time"] = sum(phases.get(k, 0.0) for k in ("parsing", "normalizing", "instantiating"))
    if run.status == "ok" and "time" not in result:
        result["status"] = "error"
    return result


# -- task selection --------------------------------------------------------------


def shared_tasks(domain: str, count: int) -> list[Task]:
    """The `count` largest shared problem files of a domain (by bytes)."""
    folder = (REPO / SHARED / domain).resolve()
    problems = sorted(folder.glob("*/*/p*.pddl"), key=lambda p: (-p.stat().st_size, str(p)))
    return [Task(f"{domain}/{p.relative_to(folder).with_suffix('')}", folder / "domain.pddl", p)
            for p in problems[:count]]


def generated_tasks(domain: str, presets: list[str], seed: int, outdir: Path) -> list[Task]:
    """Our generators' tasks at the given presets, written to outdir."""
    tasks = []
    for preset in presets:
        path = outdir / domain / f"{preset}-s{seed}.pddl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generate_problem(domain, seed, preset))  # never reuse a stale file
        tasks.append(Task(f"{domain}/gen-{preset}-s{seed}", domain_file(domain), path))
    return tasks


# -- report --------------------------------------------------------------------------


def fmt_time(side: dict, key: str = "time") -> str:
    if side.get("status") != "ok":
        return side.get("status", "-")
    return f"{side[key]:.2f}s" if side.get(key) is not None else "-"


def fmt_mb(kb: int | None) -> str:
    return f"{kb / 1024:.0f} MB" if kb else "-"


def fmt_size(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def counts(side: dict) -> str:
    if side.get("facts") is None:
        return "-"
    return f"{side['facts']:,} / {side['operators']:,}"


def ratio(r: Result) -> str:
    if r.ours.get("status") == "ok" and r.fd.get("status") == "ok" and r.fd.get("time"):
        return f"{r.ours['time'] / r.fd['time']:.2f}"
    return "-"


def markdown(results: list[Result]) -> str:
    head = ("| task | file size | our time | FD translate | ratio | FD parse+inst. "
            "| our facts / ops | FD facts / ops | our peak mem | FD peak mem |")
    rows = [head, "|" + "---|" * 10]
    for r in results:
        rows.append(
            f"| {r.task} | {fmt_size(r.bytes)} | {fmt_time(r.ours)} | {fmt_time(r.fd)} | {ratio(r)} "
            f"| {fmt_time(r.fd, 'ground_time')} | {counts(r.ours)} | {counts(r.fd)} "
            f"| {fmt_mb(r.ours.get('peak_kb'))} | {fmt_mb(r.fd.get('peak_kb'))} |")
    return "\n".join(rows) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", nargs="+", default=list(DOMAIN_NAMES), choices=DOMAIN_NAMES,
                        metavar="DOMAIN", help="domains to run (default: all ten)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run (default 300)")
    parser.add_argument("--memory", type=int, default=8000,
                        help="address-space limit per run in MB (default 8000)")
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/grounding.md",
                        help="Markdown output; raw JSON goes beside it")
    parser.add_argument("--presets", nargs="*", default=["medium", "hard"], choices=PRESET_NAMES,
                        help="generated task sizes (default: medium hard)")
    parser.add_argument("--shared", type=int, default=1, help="largest shared tasks per domain")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument("--no-fd", action="store_true", help="skip Fast Downward")
    parser.add_argument("--extra", nargs="*", default=[], metavar="DOMAIN=PROBLEM",
                        help="more problem files of a domain (ground with our domain.pddl), e.g. "
                             "held-out IPC tasks kept outside the repository, listed after "
                             "that domain's generated tasks")
    return parser.parse_args(argv)


def extra_tasks(domain: str, specs: list[str]) -> list[Task]:
    """The --extra problems given for `domain`, labelled DOMAIN/FILE-STEM."""
    tasks = []
    for spec in specs:
        name, _, problem = spec.partition("=")
        if name not in DOMAIN_NAMES or not problem:
            raise SystemExit(f"--extra wants DOMAIN=PROBLEM with a known domain, not {spec!r}")
        if name == domain:
            path = Path(problem).resolve()
            tasks.append(Task(f"{domain}/{path.stem}", domain_file(domain), path))
    return tasks


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    args.out = args.out.resolve()  # runs happen with cwd=workdir
    workdir = args.out.parent
    workdir.mkdir(parents=True, exist_ok=True)
    # A private folder for the runs' stdout/stderr and FD's output.sas, so two
    # benchmarks writing beside each other cannot clobber each other's files.
    rundir = Path(tempfile.mkdtemp(prefix=".grounding-runs-", dir=workdir))
    results = []
    try:
        for domain in args.domains:
            tasks = shared_tasks(domain, args.shared)
            tasks += generated_tasks(domain, args.presets, args.seed, workdir / "tasks")
            tasks += extra_tasks(domain, args.extra)
            for task in tasks:
                result = Result(task.label, task.size)
                result.ours = run_ours(task, args.timeout, args.memory, rundir)
                if not args.no_fd:
                    result.fd = run_fd(task, args.timeout, args.memory, rundir)
                results.append(result)
                print(markdown([result]).splitlines()[-1], flush=True)
                args.out.write_text(markdown(results))
                args.out.with_suffix(".json").write_text(json.dumps([asdict(r) for r in results],
                                                                    indent=1))
    finally:
        shutil.rmtree(rundir, ignore_errors=True)
    print()
    print(markdown(results))


if __name__ == "__main__":
    main()
