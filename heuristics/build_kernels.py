"""Store the kernel forms of the shipped heuristics with the real `planner learn --kernel-only`.

Like the Python forms (heuristics/build.py), the kernel forms have one source:
recorded answers, here to the kernel translation prompt, in
heuristics/pools/<domain>/kernel/NN-name.md (written by the project's
developers, not sampled from an LLM endpoint; heuristics/record_kernel.py
wraps a kernel .py file into one). For each domain this script

1. copies the stored Python form heuristics/<domain name>/<fingerprint>.py
   (the PDDL's domain name: rovers' is under rover/) into a work folder as DK,
2. starts planner.llm.replay serving the domain's pool (translation requests
   get the kernel/ recordings in file order),
3. runs `python -m planner learn DK DOMAIN <3 largest training tasks>
   --kernel-only --kernel-samples <recordings>` against it with a fresh
   response cache: every answer goes over HTTP, through the static check, is
   compiled in the jail, compared with the Python form on random-walk states
   of those tasks (every value equal) and timed against it, with a repair
   round for failures (planner.llm.translate),
4. stores the kernel form learn wrote (DK.kernel.py) as
   heuristics/<domain>/<fingerprint>.kernel.py with its provenance; its sidecar
   marks it "selected" (`--heuristic auto` then prefers it over the Python
   form, planner.heuristics.store) only when every value is equal and it is
   faster on every task. Nothing is stored when no recording passes.

    python -m heuristics.build_kernels                      # every pool with a kernel/ folder
    python -m heuristics.build_kernels blocksworld spanner

Run from the repository root (about a minute per domain: compiling a kernel
in the jail takes 5-30 s, then it is cached).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from planner.heuristics.format import default_path, read_provenance, stored_code, write_heuristic
from planner.heuristics.kernel import KERNEL_CLASS_NAME
from planner.llm.replay import ReplayServer, load_pool
from planner.llm.translate import kernel_path, largest_tasks

HERE = Path(__file__).resolve().parent
POOLS = HERE / "pools"
PROVENANCE = "written by the project's developers, not sampled from an LLM endpoint"
MODEL = "developers-pool"


def python_form(domain_file: Path, root: Path = HERE) -> Path:
    """The stored Python form of the domain's heuristic (heuristics/build.py's output):
    <root>/<the PDDL's domain name>/<fingerprint prefix>.py (rovers' is under rover/)."""
    path = default_path(domain_file, root=root)
    if not path.is_file():
        raise SystemExit(f"{path}: no stored Python form for {domain_file} (run heuristics/build.py first)")
    return path


def _rel(path: Path | str) -> str:
    try:
        return os.path.relpath(Path(path).resolve(), HERE.parent)
    except ValueError:
        return str(path)


def build(domain: str, bench: Path, n_tasks: int, work_root: Path, dry_run: bool,
          root: Path = HERE) -> dict[str, Any]:
    pool_dir = root / "pools" / domain
    recordings = load_pool(pool_dir / "kernel")
    if not recordings:
        raise SystemExit(f"{pool_dir / 'kernel'}: no recorded kernel answers")
    domain_file = bench / domain / "domain.pddl"
    py_path = python_form(domain_file, root)
    work = work_root / domain
    if work.exists():
        shutil.rmtree(work)  # a fresh response cache: every answer goes over HTTP again
    work.mkdir(parents=True)
    dk = work / "dk.py"
    shutil.copyfile(py_path, dk)
    tasks = largest_tasks(sorted((bench / domain / "training" / "easy").glob("p*.pddl")), n_tasks)
    flags = ["--model", MODEL, "--kernel-only", "--kernel-samples", str(len(recordings)),
             "--kernel-tasks", str(n_tasks), "--concurrency", "1", "--repair-rounds", "1"]
    with ReplayServer.from_pool(pool_dir) as server:
        cmd = [sys.executable, "-m", "planner", "learn", str(dk), str(domain_file), *tasks, *flags,
               "--base-url", server.base_url, "--cache-dir", str(work / "cache"), "--json"]
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              env={**os.environ, "OPENAI_API_KEY": "replay"})
        served = len(server.requests)
    (work / "learn.stderr").write_text(proc.stderr, encoding="utf-8")
    lines = proc.stdout.strip().splitlines()
    if not lines:
        raise SystemExit(f"{domain}: planner learn printed no summary (exit {proc.returncode}):\n"
                         f"{proc.stderr[-3000:]}")
    summary = json.loads(lines[-1])["kernel"]
    answers = [line for line in proc.stderr.splitlines() if line.startswith(("kernel sample", "Kernel form"))]
    result = {"domain": domain, "requests": served, "summary": summary, "answers": answers}
    written = kernel_path(dk)
    if proc.returncode != 0 or not written.is_file():
        result["stored"] = None
        return result
    meta = read_provenance(written)
    by_content = {e.content: f"kernel/{e.name}.md" for e in recordings}
    by_content.update({e.repair: f"kernel/{e.name}.repair.md" for e in recordings if e.repair})
    cache_entry = _cached_content(work / "cache", meta.get("response_key"))
    meta.pop("class_name", None)
    meta.update({
        "model": None, "replay_model": MODEL, "provenance": PROVENANCE,
        "pool": f"heuristics/pools/{domain}", "pool_file": by_content.get(cache_entry, "?"),
        "python_form": py_path.name,
        "learn_command": " ".join(["python -m planner learn DK", _rel(domain_file), *map(_rel, tasks),
                                   *flags, "--base-url URL"]),
        "checked_on": [_rel(t) for t in tasks],
        "differential": {_rel(t): v for t, v in meta.get("differential", {}).items()},
        "speed": {_rel(t): v for t, v in meta.get("speed", {}).items()},
    })
    result["pool_file"] = meta["pool_file"]
    result["selected"] = meta.get("selected")
    if dry_run:
        result["stored"] = None
        return result
    target = kernel_path(py_path)
    write_heuristic(target, stored_code(written), KERNEL_CLASS_NAME, meta)
    result["stored"] = _rel(target)
    return result


def _cached_content(cache_dir: Path, key: str | None) -> str | None:
    from planner.llm.cache import ResponseCache

    if not key:
        return None
    entry = ResponseCache(cache_dir).get(key)
    return entry.get("content") if entry else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("domains", nargs="*", help="domains (default: every pool with a kernel/ folder)")
    ap.add_argument("--benchmarks", default="../shared/benchmarks/ipc2023-learning")
    ap.add_argument("--tasks", type=int, default=3, help="largest training tasks to check on (default 3)")
    ap.add_argument("--work", default="/tmp/planner-kernels-build", help="learn work folders")
    ap.add_argument("--dry-run", action="store_true", help="check, but do not store")
    ap.add_argument("--root", type=Path, default=HERE,
                    help="folder holding pools/ and the stored heuristics (default heuristics/)")
    args = ap.parse_args(argv)
    domains = args.domains or sorted(p.parent.name for p in (args.root / "pools").glob("*/kernel")
                                     if p.is_dir())
    failed = 0
    for d in domains:
        r = build(d, Path(args.benchmarks), args.tasks, Path(args.work), args.dry_run, args.root)
        for line in r["answers"]:
            print(f"{d}: {line}", flush=True)
        s = r["summary"]
        print(f"{d}: selected={r.get('selected')} from {r.get('pool_file')} speed-ups {s.get('speedups')} "
              f"({r['requests']} requests) -> {r['stored']}", flush=True)
        failed += r["stored"] is None and not args.dry_run
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
