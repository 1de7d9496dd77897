"""Learn the shipped domain heuristics with the real `planner learn`, from the recorded pools.

No LLM endpoint is available to the project, so each domain's candidate
programs were written by the project's developers as answers to our synthesis
prompt (and, where a recording has one, to the repair prompt) and recorded in
heuristics/pools/<domain>/ (see heuristics/README.md). For each domain this
script

1. starts planner.llm.replay on 127.0.0.1 serving that pool,
2. runs `python -m planner learn DK DOMAIN TRAIN... --samples <pool size>
   --concurrency 1 --repair-rounds 1 --portfolio-size 3 --workers 1` against
   it with a fresh response cache (so every answer really goes over HTTP and
   through the static check, sandboxed probe, training runs, repair round and
   portfolio selection),
3. runs h^FF on the same training tasks with the same search and limit (a
   reference column for the log; it does not decide anything),
4. stores the selected heuristic (and portfolio members) in
   heuristics/<domain>/<fingerprint>.py with its sidecar, its provenance
   saying "written by the project's developers, not sampled from an LLM
   endpoint", and writes heuristics/logs/<domain>.md and .json: every
   candidate's outcome on every training task, and what was selected and why.

    python -m heuristics.build                      # all pools; ~5 min per domain on one core
    python -m heuristics.build ferry sokoban --time-limit 10 --tasks 8

Run from the repository root. Training tasks are the `--tasks` files of
../shared/benchmarks/ipc2023-learning/<domain>/training/easy spread evenly
over the size order (smallest to largest; no randomness, so no seed); the
testing tasks are never used. With a real endpoint, the same `planner learn`
command (printed in each log, with --base-url/--model of that endpoint and
no --concurrency 1) regenerates the heuristics from sampled answers.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from planner.llm.cache import ResponseCache
from planner.llm.replay import ReplayServer, load_pool
from planner.llm.select import Score, agile_score
from planner.heuristics.format import default_path, read_provenance, write_heuristic

HERE = Path(__file__).resolve().parent
POOLS = HERE / "pools"
LOGS = HERE / "logs"
PROVENANCE = "written by the project's developers, not sampled from an LLM endpoint"
MODEL = "developers-pool"
"""The --model passed to the replay endpoint; it only enters the cache key."""


def training_tasks(bench: Path, domain: str, n: int) -> list[Path]:
    """n training tasks spread evenly over the size order (file size, then name),
    smallest and largest included: the mix separates weak heuristics from good
    ones while most runs stay short."""
    files = sorted((bench / domain / "training" / "easy").glob("p*.pddl"),
                   key=lambda p: (p.stat().st_size, p.name))
    if len(files) <= n:
        return files
    picks = sorted({round(i * (len(files) - 1) / (n - 1)) for i in range(n)})
    return [files[i] for i in picks]


def run_ff(domain: Path, task: Path, search: str, time_limit: float, work: Path) -> dict:
    """h^FF with the same search and limit, through `planner solve` (reference column)."""
    work.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "planner", "solve", str(domain), str(task), "--search", search,
           "--heuristic", "ff", "--time-limit", str(time_limit), "--json",
           "--plan-file", str(work / "ff_plan")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=time_limit * 2 + 60)
    try:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"outcome": "crash", "detail": proc.stderr[-500:]}
    status = data.get("status")
    outcome = {"solved": "solved", "out_of_time": "timeout", "out_of_memory": "memout"}.get(status, status)
    return {"outcome": outcome, "total_time": data.get("total_time"),
            "expansions": data.get("expansions"), "plan_cost": data.get("plan_cost")}


def table_score(runs: dict[str, dict], limit: float) -> Score:
    solved = [r for r in runs.values() if r.get("outcome") == "solved"]
    agile = sum(agile_score(r.get("total_time"), limit) for r in solved)
    return Score.of(len(solved), agile, sum(int(r.get("expansions") or 0) for r in solved))


def slim(run: dict) -> dict:
    return {k: run.get(k) for k in ("outcome", "total_time", "expansions", "plan_cost")}


def _rel(path: Path | str) -> str:
    """Paths as committed code refers to them (relative to the repository root)."""
    try:
        return os.path.relpath(Path(path).resolve(), HERE.parent)
    except ValueError:
        return str(path)


def learn_command(dk: Path, domain: Path, tasks: list[Path], base_url: str, n: int,
                  args: argparse.Namespace, cache: Path) -> list[str]:
    return [sys.executable, "-m", "planner", "learn", str(dk), str(domain), *map(str, tasks),
            "--model", MODEL, "--base-url", base_url, "--samples", str(n), "--concurrency", "1",
            "--time-limit", str(args.time_limit), "--memory-limit", str(args.memory_limit),
            "--search", args.search, "--workers", str(args.workers), "--repair-rounds", "1",
            "--portfolio-size", str(args.portfolio_size), "--cache-dir", str(cache), "--json"]


def pool_names(pool: list, cache: ResponseCache, records: list[dict]) -> dict[str, str]:
    """Response cache key -> pool file the answer came from (by content, so a
    mismatch between sample order and file order would show, not mislabel)."""
    by_content = {e.content: f"{e.name}.md" for e in pool}
    by_content.update({e.repair: f"{e.name}.repair.md" for e in pool if e.repair is not None})
    names = {}
    for rec in records:
        entry = cache.get(rec["key"])
        content = entry.get("content") if entry else None
        names[rec["key"]] = by_content.get(content, "?")
        if names[rec["key"]] == "?" and content is not None and rec["provenance"].get("repair_round"):
            names[rec["key"]] = "(unfixed retry)"
    return names


def build(domain_name: str, args: argparse.Namespace) -> dict[str, Any]:
    bench = Path(args.benchmarks)
    domain = bench / domain_name / "domain.pddl"
    pool = load_pool(POOLS / domain_name)
    tasks = training_tasks(bench, domain_name, args.tasks)
    work = Path(args.work) / domain_name
    if work.exists():
        shutil.rmtree(work)  # a fresh cache: every answer goes over HTTP again
    work.mkdir(parents=True)
    dk, cache_dir = work / "dk.py", work / "cache"
    started = time.time()
    with ReplayServer.from_pool(POOLS / domain_name) as server:
        cmd = learn_command(dk, domain, tasks, server.base_url, len(pool), args, cache_dir)
        env = {**os.environ, "OPENAI_API_KEY": "replay"}
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        requests = len(server.requests)
    learn_seconds = time.time() - started
    (work / "learn.stderr").write_text(proc.stderr, encoding="utf-8")
    if proc.returncode != 0 or not dk.exists():
        raise SystemExit(f"{domain_name}: planner learn failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    records = []
    for path in sorted((work / "dk.py.work").glob("results-round*.json")):
        records += list(json.loads(path.read_text(encoding="utf-8")).get("records", {}).values())
    names = pool_names(pool, ResponseCache(cache_dir), records)
    portfolios = []
    for path in sorted((work / "dk.py.work").glob("portfolio-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        portfolios.append({"file": path.name, "members": data["identity"]["members"], "runs": data["runs"]})

    ff_runs = {str(t): run_ff(domain, t, args.search, args.time_limit, work / "ff") for t in tasks} \
        if not args.no_ff else {}
    meta = read_provenance(dk)
    code = dk.read_text(encoding="utf-8").split("\n", 2)[2]
    members = meta.pop("portfolio", [])
    rel_tasks = [_rel(t) for t in tasks]
    key_to_name = names
    meta.update({
        "model": None, "replay_model": MODEL, "provenance": PROVENANCE,
        "pool": f"heuristics/pools/{domain_name}", "pool_size": len(pool),
        "pool_file": key_to_name.get(meta.get("response_key"), "?"),
        "learn_command": " ".join(["python -m planner learn DK", _rel(domain), *rel_tasks,
                                   *cmd[cmd.index("--model"):cmd.index("--base-url")], "--base-url URL",
                                   *cmd[cmd.index("--samples"):cmd.index("--cache-dir")]]),
        "training_task_files": rel_tasks,
        "ff_baseline": ({"solved": table_score(ff_runs, args.time_limit).solved,
                         "agile": table_score(ff_runs, args.time_limit).agile,
                         "table": {_rel(t): slim(r) for t, r in ff_runs.items()}} if ff_runs else None),
        "log": f"heuristics/logs/{domain_name}.md",
    })
    best_runs = next((r.get("runs", {}) for r in records if r["key"] == meta.get("response_key")), {})
    meta["training_table"] = {_rel(t): slim(r) for t, r in best_runs.items()}
    for m in members:
        m["pool_file"] = key_to_name.get(m.get("response_key"), "?")
    target = default_path(domain, root=Path(args.out))
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob("*.py*"):  # one stored heuristic per domain
        if old.name not in (target.name, target.name + ".json"):
            old.unlink()
    write_heuristic(target, code, meta["class_name"], meta, members)
    result = {"domain": domain_name, "pool_size": len(pool), "requests": requests,
              "learn_seconds": round(learn_seconds, 1), "summary": summary,
              "selected": [meta["pool_file"]] + [m["pool_file"] for m in members],
              "stored": _rel(target), "training_tasks": rel_tasks,
              "time_limit": args.time_limit, "search": args.search,
              "candidates": [{"pool_file": names.get(r["key"], "?"), "sample_index": r["sample_index"],
                              "repair_round": r["provenance"].get("repair_round", 0),
                              "code_sha256": r.get("code_sha256"),
                              "stage": _stage(r), "reason": _reason(r),
                              "runs": {_rel(t): slim(x) for t, x in r.get("runs", {}).items()}}
                             for r in records],
              "portfolios": [{"file": p["file"], "members": [_member_name(sha, records, names)
                                                             for sha in p["members"]],
                              "runs": {_rel(t): slim(x) for t, x in p["runs"].items()}}
                             for p in portfolios],
              "ff": {_rel(t): slim(r) for t, r in ff_runs.items()},
              "learn_stderr_tail": [line for line in proc.stderr.splitlines()
                                    if line.startswith(("sample", "Portfolio", "New best"))]}
    LOGS.mkdir(exist_ok=True)
    (LOGS / f"{domain_name}.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n",
                                             encoding="utf-8")
    (LOGS / f"{domain_name}.md").write_text(render_log(result, meta, members), encoding="utf-8")
    return result


def _member_name(sha: str, records: list[dict], names: dict[str, str]) -> str:
    for r in records:
        if r.get("code_sha256") == sha:
            return names.get(r["key"], "?")
    return "?"


def _stage(r: dict) -> str:
    if r.get("code") is None:
        return "no-code"
    if not (r.get("static") or {}).get("ok"):
        return "rejected"
    if r.get("probe") is not None and r["probe"].get("outcome") != "ok":
        return "probe-failed"
    return "evaluated"


def _reason(r: dict) -> str:
    stage = _stage(r)
    if stage == "no-code":
        return f"no code: {(r.get('static') or {}).get('message', '')}"
    if stage == "rejected":
        s = r["static"]
        return f"rejected: line {s.get('line')}: [{s.get('rule')}] {s.get('message')}"
    if stage == "probe-failed":
        return f"probe: {r['probe']['outcome']}: {str(r['probe'].get('detail', ''))[:120]}"
    runs = r.get("runs", {})
    bad = sorted({x.get("outcome") for x in runs.values()} - {"solved"})
    return f"solved {sum(1 for x in runs.values() if x.get('outcome') == 'solved')}/{len(runs)}" + \
        (f" (others: {', '.join(str(b) for b in bad)})" if bad else "")


def render_log(result: dict, meta: dict, members: list[dict]) -> str:
    limit = result["time_limit"]
    tasks = result["training_tasks"]
    short = [Path(t).stem for t in tasks]
    lines = [f"# {result['domain']}: learned from the recorded pool", "",
             f"Pool: heuristics/pools/{result['domain']} ({result['pool_size']} recorded answers, "
             f"{sum(1 for c in result['candidates'] if c['repair_round'])} repair requests; "
             f"{result['requests']} HTTP requests served). Programs {PROVENANCE}.", "",
             f"Command (replay endpoint on 127.0.0.1, fresh cache; {result['learn_seconds']} s):", "",
             "    " + meta["learn_command"], "",
             f"Training tasks ({len(tasks)}, spread over the size order of training/easy; "
             f"search {result['search']}, {limit:g} s each):", "",
             "    " + " ".join(tasks), "",
             "## Candidates", "",
             "Cell: expansions when solved, `T` timeout, `M` memout, `X` crash, `-` not run. "
             "Score = (solved, IPC agile score); planner.llm.select ranks by solved, then the agile score in bands of 0.25 (timing noise), then fewer expansions.", "",
             "| # | pool file | round | stage / reason | solved | agile | " + " | ".join(short) + " |",
             "|---|---|---|---|---|---|" + "---|" * len(short)]

    def cells(runs: dict) -> list[str]:
        out = []
        for t in tasks:
            r = runs.get(t)
            if r is None:
                out.append("-")
            elif r["outcome"] == "solved":
                out.append(str(r.get("expansions")))
            else:
                out.append({"timeout": "T", "memout": "M", "crash": "X"}.get(r["outcome"], str(r["outcome"])))
        return out

    for c in sorted(result["candidates"], key=lambda c: (c["repair_round"], c["sample_index"])):
        s = table_score(c["runs"], limit) if c["runs"] else None
        lines.append(f"| {c['sample_index']} | {c['pool_file']} | {c['repair_round']} | "
                     f"{c['reason'].replace('|', '/')} | {s.solved if s else '-'} | "
                     f"{f'{s.agile:.2f}' if s else '-'} | " + " | ".join(cells(c["runs"])) + " |")
    for p in result["portfolios"]:
        s = table_score(p["runs"], limit)
        lines.append(f"| P | {' + '.join(p['members'])} | - | portfolio in alternation | {s.solved} | "
                     f"{s.agile:.2f} | " + " | ".join(cells(p["runs"])) + " |")
    if result["ff"]:
        s = table_score(result["ff"], limit)
        lines.append(f"| - | h^FF (reference, not a candidate) | - | planner solve --heuristic ff | "
                     f"{s.solved} | {s.agile:.2f} | " + " | ".join(cells(result["ff"])) + " |")
    summ = result["summary"]
    lines += ["", "## Selected", "",
              f"Best alone: {meta['pool_file']} (sample {meta.get('sample_index')}, round "
              f"{meta.get('repair_round', 0)}): solved {meta.get('solved')}/{len(tasks)}, agile "
              f"{meta.get('agile', 0):.2f} - the highest (solved, agile band of 0.25, fewer expansions) score.", ""]
    if members:
        lines.append(f"Portfolio kept: {' + '.join(result['selected'])}; in alternation they solved "
                     f"{meta.get('portfolio_solved')} (agile {meta.get('portfolio_agile', 0):.2f}), "
                     f"measured better than the best alone, so `--heuristic auto` runs them in alternation.")
    else:
        lines.append("No portfolio kept: " + ("no greedy-cover portfolio measured better than the best "
                                              "alone in alternation." if result["portfolios"] else
                                              "no other candidate solved a training task the best missed."))
    lines += ["", f"Stored: {result['stored']} (+ .json sidecar). Learn summary: "
              f"`{json.dumps({k: summ.get(k) for k in ('candidates', 'stages', 'best_solved', 'portfolio_solved')})}`", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("domains", nargs="*", help="domains (default: every heuristics/pools/<domain>)")
    ap.add_argument("--benchmarks", default="../shared/benchmarks/ipc2023-learning")
    ap.add_argument("--tasks", type=int, default=8, help="training tasks (default 8)")
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds per training run (default 10)")
    ap.add_argument("--memory-limit", type=int, default=2048)
    ap.add_argument("--search", default="gbfs")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--portfolio-size", type=int, default=3)
    ap.add_argument("--no-ff", action="store_true", help="skip the h^FF reference column")
    ap.add_argument("--work", default="/tmp/planner-heuristics-build", help="learn work folders")
    ap.add_argument("--out", default=str(HERE), help="root to store heuristics in (default heuristics/)")
    args = ap.parse_args(argv)
    domains = args.domains or sorted(p.name for p in POOLS.iterdir() if p.is_dir())
    for d in domains:
        r = build(d, args)
        s = r["summary"]
        print(f"{d}: pool {r['pool_size']}, {s['candidates']} candidates {s['stages']}; selected "
              f"{' + '.join(r['selected'])} (best alone {s['best_solved']}, portfolio "
              f"{s['portfolio_solved']} of {len(r['training_tasks'])}); {r['learn_seconds']} s "
              f"-> {r['stored']}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
