"""Issue 12's coverage experiment: generated medium and hard tasks, ours against Fast Downward.

Our planner as a user gets it (`planner solve`'s defaults: lazy GBFS with `--heuristic auto`,
the stored heuristic of the domain, else h^FF) beside FD `lama-first` and FD eager GBFS h^FF,
in the same run, at 60 s and 4 GiB per task, on tasks from our seeded generators
(`planner bench` suites `gen:DOMAIN:PRESET:1:SEED`), all ten domains, presets medium and hard:

    nice python bench/generated_coverage.py --per-size 20 --jobs 1          # the full measurement
    nice python bench/generated_coverage.py --per-size 1 --count medium=2   # reduced: 2 medium + 1 hard
    python bench/generated_coverage.py --table-only --out bench/results/generated-60s

It is `planner bench` underneath, so rerunning with the same --out resumes (recorded runs are
skipped), and a larger --per-size adds seeds to the same experiment. Runs go seed-major
(every domain's first medium and hard task, then the second ones, ...), so an interrupted or
reduced run still covers every domain evenly. Seeds are SEED..SEED+N-1 per domain and preset
(`--first-seed`), recorded in experiment.json and in the table.

Writes OUT/coverage.md (and coverage.json): per domain and size the coverage of each planner,
ours / lama-first, and the plan-cost sums of ours and lama-first over the tasks both solve;
totals; and whether each of the issue's targets is met at the scale that was run. Only tasks
with a result for every planner count, so a run in flight never skews a comparison. A run
without the reference planner (e.g. `--algorithms ours-lazy-gbfs-auto`) gets a coverage-only
table: no ratios, no cost sums and no verdicts, since there is nothing to compare with.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

REPO = Path(__file__).resolve().parent.parent

DOMAINS = ("blocksworld", "childsnack", "ferry", "floortile", "miconic",
           "rovers", "satellite", "sokoban", "spanner", "transport")
PRESETS = ("medium", "hard")
OURS = "ours-lazy-gbfs-auto"
"""`planner solve` with no options: DEFAULT_SEARCH lazy-gbfs, DEFAULT_HEURISTIC auto."""
REFERENCE = "fd-lama-first"
ALGORITHMS = (OURS, REFERENCE, "fd-gbfs-ff")
REQUIRED_PER_SIZE = 20
"""Issue 12: at least 20 generated tasks per domain per size."""
COVERAGE_FACTOR = 2.0
"""Issue 12: in total at least 2x lama-first's coverage on medium and hard together."""
COST_FACTOR = 1.1
"""Issue 12: plan cost on tasks both solve at most 1.1x lama-first's in sum."""


# ---- the run -------------------------------------------------------------------------------

def parse_counts(per_size: int, counts: Sequence[str], presets: Sequence[str]) -> dict[str, int]:
    """Tasks per preset: --per-size for all, `PRESET=N` overrides."""
    out = {p: per_size for p in presets}
    for item in counts:
        preset, sep, number = item.partition("=")
        if not sep or preset not in out or not number.isdigit():
            raise SystemExit(f"generated_coverage: --count wants PRESET=N with PRESET in "
                             f"{', '.join(presets)}, got {item!r}")
        out[preset] = int(number)
    return out


def suites(domains: Sequence[str], counts: dict[str, int], first_seed: int) -> list[str]:
    """One `gen:` suite per task, seed-major: round k holds every domain's k-th task of each
    preset, so any prefix of the run is balanced across domains."""
    out = []
    for k in range(max(counts.values(), default=0)):
        for preset, count in counts.items():
            if k < count:
                out += [f"gen:{d}:{preset}:1:{first_seed + k}" for d in domains]
    return out


def run(args: argparse.Namespace, counts: dict[str, int]) -> int:
    from planner.cli import bench
    from planner.errors import PlannerError

    bench_argv = ["bench", "--suite", *suites(args.domains, counts, args.first_seed),
                  "--algorithms", ",".join(args.algorithms), "--time-limit", args.time_limit,
                  "--memory-limit", args.memory_limit, "--jobs", str(args.jobs),
                  "--baseline", args.reference or args.ours, "--out", args.out, "--no-report"]
    if args.no_progress:
        bench_argv.append("--no-progress")
    sub = argparse.ArgumentParser(prog="planner").add_subparsers()
    bench.register(sub)
    parsed = sub.choices["bench"].parse_args(bench_argv[1:])
    try:
        return parsed.run(parsed)
    except PlannerError as err:
        print(f"generated_coverage: error: {err}", file=sys.stderr)
        return int(err.exit_code)


# ---- the table -----------------------------------------------------------------------------

@dataclass
class Cell:
    """One domain and size (or a total): tasks with every planner's result, and the figures."""

    tasks: int = 0
    seeds: list[int] = field(default_factory=list)
    solved: dict[str, int] = field(default_factory=dict)
    both: int = 0
    """Tasks ours and the reference both solve."""
    cost_ours: float = 0.0
    cost_reference: float = 0.0
    pending: int = 0
    """Tasks some planner has no result for yet (left out of every figure)."""

    def add(self, other: "Cell") -> None:
        self.tasks += other.tasks
        self.seeds += other.seeds
        for name, n in other.solved.items():
            self.solved[name] = self.solved.get(name, 0) + n
        self.both += other.both
        self.cost_ours += other.cost_ours
        self.cost_reference += other.cost_reference
        self.pending += other.pending


def split_label(label: str) -> tuple[str, str] | None:
    """'blocksworld-gen-medium' -> ('blocksworld', 'medium'); None for other suites."""
    domain, sep, preset = label.rpartition("-gen-")
    return (domain, preset) if sep else None


def seed_of(problem: str) -> int | None:
    """'s12.pddl' -> 12 (planner.bench.experiment.generated_suite names tasks so)."""
    stem = problem.removesuffix(".pddl")
    return int(stem[1:]) if stem.startswith("s") and stem[1:].isdigit() else None


def load_results(folder: Path) -> list[dict[str, Any]]:
    from planner.bench.store import ResultsStore

    return list(ResultsStore(folder).recorded().values())


def tabulate(results: Iterable[dict[str, Any]], algorithms: Sequence[str], ours: str,
             reference: str | None) -> dict[tuple[str, str], Cell]:
    """(domain, preset) -> Cell from results.jsonl rows (planner.bench.store)."""
    by_task: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}
    for row in results:
        where = split_label(str(row.get("domain", "")))
        if where is None or row.get("algorithm") not in algorithms:
            continue
        by_task.setdefault((*where, row["problem"]), {})[row["algorithm"]] = row
    cells: dict[tuple[str, str], Cell] = {}
    for (domain, preset, problem), runs in sorted(by_task.items()):
        cell = cells.setdefault((domain, preset), Cell(solved={a: 0 for a in algorithms}))
        if any(a not in runs for a in algorithms):
            cell.pending += 1
            continue
        cell.tasks += 1
        seed = seed_of(problem)
        if seed is not None:
            cell.seeds.append(seed)
        for name in algorithms:
            cell.solved[name] += int(bool(runs[name].get("coverage")))
        if reference is None:
            continue
        a, b = runs[ours], runs[reference]
        if a.get("coverage") and b.get("coverage"):
            cell.both += 1
            cell.cost_ours += float(a["cost"])
            cell.cost_reference += float(b["cost"])
    return cells


def _ratio(a: float, b: float) -> str:
    if b == 0:
        return "-" if a == 0 else "inf"
    return f"{a / b:.2f}"


def _seeds(seeds: Sequence[int]) -> str:
    """Compact seed list: 1-5, 8."""
    seeds = sorted(set(seeds))
    parts, i = [], 0
    while i < len(seeds):
        j = i
        while j + 1 < len(seeds) and seeds[j + 1] == seeds[j] + 1:
            j += 1
        parts.append(str(seeds[i]) if i == j else f"{seeds[i]}-{seeds[j]}")
        i = j + 1
    return ", ".join(parts) or "-"


@dataclass
class Verdict:
    name: str
    met: bool
    detail: str


def verdicts(cells: dict[tuple[str, str], Cell], domains: Sequence[str], ours: str,
             reference: str) -> list[Verdict]:
    """The issue's coverage and cost targets, judged on what was run."""
    out = []
    short = []
    for domain in domains:
        total = Cell()
        for (d, _p), cell in cells.items():
            if d == domain:
                total.add(cell)
        if total.solved.get(ours, 0) < total.solved.get(reference, 0):
            short.append(f"{domain} {total.solved.get(ours, 0)} < {total.solved.get(reference, 0)}")
    out.append(Verdict("every domain at least lama-first's coverage (medium and hard together)",
                       not short, "; ".join(short) or "no domain below"))
    total = Cell()
    for cell in cells.values():
        total.add(cell)
    a, b = total.solved.get(ours, 0), total.solved.get(reference, 0)
    out.append(Verdict(f"in total at least {COVERAGE_FACTOR:g}x lama-first on medium and hard",
                       a >= COVERAGE_FACTOR * b and a > 0, f"{a} vs {b} (x{_ratio(a, b)})"))
    out.append(Verdict(f"plan cost on tasks both solve at most {COST_FACTOR:g}x lama-first's in sum",
                       total.both > 0 and total.cost_ours <= COST_FACTOR * total.cost_reference,
                       f"{total.cost_ours:g} vs {total.cost_reference:g} over {total.both} tasks "
                       f"(x{_ratio(total.cost_ours, total.cost_reference)})"
                       if total.both else "no task solved by both"))
    return out


def render(cells: dict[tuple[str, str], Cell], domains: Sequence[str], presets: Sequence[str],
           algorithms: Sequence[str], ours: str, reference: str | None,
           settings: dict[str, Any] | None = None) -> str:
    """The Markdown table, totals and verdicts (coverage only when no reference was run)."""
    lines = []
    if settings:
        limits = settings.get("limits", {})
        lines.append(f"Limits: {limits.get('time', '?'):g} s, "
                     f"{limits.get('memory', 0) / 2**30:g} GiB per run; executor "
                     f"{settings.get('executor', '?')}; started {settings.get('started', '?')}.")
        lines.append("")
    compared = [f"{ours} / {reference}", f"cost {ours} / {reference} (both solve)"] if reference else []
    head = ["domain", "size", "tasks", "seeds", *algorithms, *compared]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def row(domain: str, size: str, cell: Cell, bold: bool = False) -> str:
        pending = f" (+{cell.pending} pending)" if cell.pending else ""
        values = [domain, size, f"{cell.tasks}{pending}", "" if bold else _seeds(cell.seeds),
                  *(str(cell.solved.get(x, 0)) for x in algorithms)]
        if reference:
            a, b = cell.solved.get(ours, 0), cell.solved.get(reference, 0)
            values += [_ratio(a, b),
                       f"{cell.cost_ours:g} / {cell.cost_reference:g} = "
                       f"{_ratio(cell.cost_ours, cell.cost_reference)} ({cell.both})"
                       if cell.both else "- (0)"]
        if bold:
            values = [f"**{v}**" if v else v for v in values]
        return "| " + " | ".join(values) + " |"

    per_size = {p: Cell(solved={a: 0 for a in algorithms}) for p in presets}
    for domain in domains:
        for preset in presets:
            cell = cells.get((domain, preset))
            if cell is None:
                continue
            lines.append(row(domain, preset, cell))
            per_size[preset].add(cell)
    grand = Cell(solved={a: 0 for a in algorithms})
    for preset in presets:
        lines.append(row("total", preset, per_size[preset], bold=True))
        grand.add(per_size[preset])
    lines.append(row("total", "+".join(presets), grand, bold=True))
    lines.append("")
    smallest = min((c.tasks + c.pending for c in cells.values()), default=0)
    if smallest < REQUIRED_PER_SIZE:
        lines.append(f"Scale: {smallest} to {max((c.tasks + c.pending for c in cells.values()), default=0)} tasks "
                     f"per domain and size, below the issue's {REQUIRED_PER_SIZE}: a reduced run. "
                     "The verdicts below hold for these tasks only.")
    else:
        lines.append(f"Scale: at least {REQUIRED_PER_SIZE} tasks per domain and size, as the issue asks.")
    lines.append("")
    if not reference:
        lines.append("No reference planner among the algorithms: coverage only, the issue's targets "
                     "are not judged.")
        return "\n".join(lines) + "\n"
    lines.append("| target (issue 12) | met | figures |")
    lines.append("|---|---|---|")
    for v in verdicts(cells, domains, ours, reference):
        lines.append(f"| {v.name} | {'yes' if v.met else 'NO'} | {v.detail} |")
    return "\n".join(lines) + "\n"


def summary_json(cells: dict[tuple[str, str], Cell], domains: Sequence[str], ours: str,
                 reference: str | None) -> dict[str, Any]:
    return {
        "cells": [{"domain": d, "preset": p, "tasks": c.tasks, "pending": c.pending,
                   "seeds": sorted(c.seeds), "solved": c.solved, "both_solved": c.both,
                   "cost_ours": c.cost_ours, "cost_reference": c.cost_reference}
                  for (d, p), c in sorted(cells.items())],
        "ours": ours, "reference": reference,
        "targets": [{"target": v.name, "met": v.met, "figures": v.detail}
                    for v in (verdicts(cells, domains, ours, reference) if reference else [])],
    }


def heuristics_used(folder: Path, ours: str) -> dict[str, dict[str, int]]:
    """domain -> {what ours searched with: runs}, from the `--json` line each of our runs
    printed (kept in logs/RUN_ID.log): the stored file `--heuristic auto` picked (kernel or
    Python form), h^FF, or "no record" when the run was killed before it printed."""
    used: dict[str, dict[str, int]] = {}
    for log in sorted((folder / "logs").glob(f"{ours}-*.log")):
        where = split_label(log.name[len(ours) + 1:].rpartition("-s")[0])
        if where is None:
            continue
        text = log.read_text(encoding="utf-8", errors="replace")
        what = "no record (killed before its --json line)"
        jailed = re.search(r"heuristic (.+?) failed in the jail \((.+?)\); searching with (\S+)", text)
        if jailed:  # a limit reached inside the jailed search: the line names the stored class
            what = f"stored {jailed.group(1)} (the jailed search ended: {jailed.group(2)}; then {jailed.group(3)})"
        for line in reversed(text.splitlines()):
            if line.startswith("{") and '"heuristic"' in line:
                try:
                    data = json.loads(line)
                except ValueError:
                    continue
                name = data.get("heuristic_file") or data.get("heuristic")
                if not name:
                    break  # statistics of a run stopped at the limit: keep what stderr said
                dropped = data.get("dropped_heuristics") or []
                failure = (data.get("jail") or {}).get("failure") or "failed"
                what = Path(str(name)).name + (
                    f" (the jailed search ended: {failure}; then {data.get('heuristic')})" if dropped else "")
                break
        counts = used.setdefault(where[0], {})
        counts[what] = counts.get(what, 0) + 1
    return used


_FD_SEARCH_LINE = re.compile(r"^\[t=[0-9.]+s, ", re.M)
"""A line of Fast Downward's search component: the translator finished and the search ran."""
_OUR_SEARCH_LINE = re.compile(r"in the jail|Initial heuristic value|New best heuristic value|"
                              r"Expanded \d+ state")
"""Lines of ours that only a started search prints (planner.search, planner.search.solve)."""


def before_search(folder: Path, results: Iterable[dict[str, Any]], algorithms: Sequence[str],
                  presets: Sequence[str]) -> dict[str, dict[str, list[int]]]:
    """preset -> algorithm -> [runs that failed before any search, runs]: still parsing,
    grounding or translating at the limit. Ours: no expansions in its `--json` line (or no
    line) and no search line in its log; Fast Downward: no search-component line in the
    log's tail (the runner keeps the last 4000 characters, where those lines are)."""
    out = {p: {a: [0, 0] for a in algorithms} for p in presets}
    for row in results:
        where = split_label(str(row.get("domain", "")))
        if where is None or where[1] not in out or row.get("algorithm") not in algorithms:
            continue
        log = folder / "logs" / f"{row['run_id']}.log"
        if not log.exists():
            continue  # a copy of results.jsonl without its logs: unknown, not counted
        counts = out[where[1]][row["algorithm"]]
        counts[1] += 1
        if row.get("coverage"):
            continue
        text = log.read_text(encoding="utf-8", errors="replace")
        if str(row["algorithm"]).startswith("fd-"):
            counts[0] += not _FD_SEARCH_LINE.search(text)
        else:
            # a jailed search that ran to its deadline leaves null statistics but says so
            counts[0] += row.get("expansions") is None and not _OUR_SEARCH_LINE.search(text)
    return out


def render_before_search(counts: dict[str, dict[str, list[int]]]) -> str:
    lines = ["Runs that ended before any search (still parsing, grounding or translating at the "
             "limit), of all runs recorded:", ""]
    for preset, by_alg in counts.items():
        lines.append(f"- {preset}: " + ", ".join(f"{a} {n}/{total}" for a, (n, total) in by_alg.items()))
    return "\n".join(lines) + "\n"


def render_used(used: dict[str, dict[str, int]], domains: Sequence[str]) -> str:
    lines = ["Heuristic our runs searched with (from each run's `--json` output):", ""]
    for domain in domains:
        if domain in used:
            runs = ", ".join(f"{what} x{n}" for what, n in sorted(used[domain].items()))
            lines.append(f"- {domain}: {runs}")
    return "\n".join(lines) + "\n"


def write_table(out: Path, domains: Sequence[str], presets: Sequence[str],
                algorithms: Sequence[str], ours: str, reference: str | None) -> str:
    from planner.bench.store import ResultsStore

    store = ResultsStore(out)
    results = load_results(out)
    cells = tabulate(results, algorithms, ours, reference)
    try:
        settings = store.settings()
    except Exception:  # noqa: BLE001 - a folder of bare results (tests) has no settings
        settings = None
    text = render(cells, domains, presets, algorithms, ours, reference, settings)
    early = before_search(out, results, algorithms, presets)
    if any(total for by_alg in early.values() for _n, total in by_alg.values()):
        text += "\n" + render_before_search(early)  # not without logs: unknown, not 0 of 0
    used = heuristics_used(out, ours)
    if used:
        text += "\n" + render_used(used, domains)
    (out / "coverage.md").write_text(text, encoding="utf-8")
    (out / "coverage.json").write_text(
        json.dumps({**summary_json(cells, domains, ours, reference), "heuristics_used": used},
                   indent=1, sort_keys=True) + "\n",
        encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-size", type=int, default=REQUIRED_PER_SIZE,
                        help="generated tasks per domain and preset (default %(default)s, the issue's)")
    parser.add_argument("--count", action="append", default=[], metavar="PRESET=N",
                        help="tasks for one preset, overriding --per-size (e.g. medium=2)")
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--domains", nargs="+", default=list(DOMAINS), choices=DOMAINS)
    parser.add_argument("--presets", nargs="+", default=list(PRESETS))
    parser.add_argument("--algorithms", nargs="+", default=list(ALGORITHMS))
    parser.add_argument("--ours", default=OURS, help="the planner judged (default %(default)s)")
    parser.add_argument("--reference", default=None,
                        help=f"the planner ours is compared with (default {REFERENCE} when it is "
                             "among --algorithms, else none: a coverage-only table)")
    parser.add_argument("--time-limit", default="60s")
    parser.add_argument("--memory-limit", default="4G")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "generated-60s"))
    parser.add_argument("--table-only", action="store_true",
                        help="only (re)write coverage.md from the recorded results")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    if args.reference is None and REFERENCE in args.algorithms:
        args.reference = REFERENCE
    for name in (args.ours, args.reference):
        if name is not None and name not in args.algorithms:
            parser.error(f"{name} is not among --algorithms")
    counts = parse_counts(args.per_size, args.count, args.presets)
    status = 0
    if not args.table_only:
        status = run(args, counts)
    out = Path(args.out)
    if (out / "results.jsonl").exists():
        print(write_table(out, args.domains, args.presets, args.algorithms, args.ours, args.reference))
    return status


if __name__ == "__main__":
    sys.exit(main())
