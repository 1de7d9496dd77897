"""Markdown and HTML reports of a results folder.

Both formats render the same sections, built once as tables: settings
(limits, algorithms and their command lines, suites, seeds, versions, git
revision, machine), unexplained errors first (they invalidate the rest),
coverage per domain, IPC quality and agile scores per domain, outcomes per
algorithm, plots (a cactus plot; expansions and time scatter plots of every
algorithm against the baseline) and, for learning runs, the candidate table.
Plots are PNGs next to the reports.
"""
from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from planner.bench.properties import write_properties
from planner.bench.scores import find_upper_bounds, load_upper_bounds, per_domain
from planner.bench.store import ResultsStore


@dataclass
class Table:
    header: list[str]
    rows: list[list[Any]]
    bold: set[tuple[int, int]] = field(default_factory=set)
    """(row, column) cells to emphasise: the best value of a row."""


@dataclass
class Section:
    title: str
    text: str = ""
    table: Table | None = None
    images: list[tuple[str, str]] = field(default_factory=list)
    """(file name, caption)."""


def write_reports(folder: str | Path, baseline: str | None = None, upper_bounds: str | None = None,
                  learning_results: str | None = None, llm_usage: str | None = None) -> list[Path]:
    """Write report.md, report.html and the plots into folder; returns their paths."""
    folder = Path(folder)
    store = ResultsStore(folder)
    settings = store.settings()
    runs = sorted(store.recorded().values(), key=lambda r: r["id"])
    write_properties(runs, folder)
    algorithms = [a["name"] for a in settings["algorithms"] if any(r["algorithm"] == a["name"] for r in runs)]
    if baseline is None and algorithms:
        baseline = algorithms[-1]
    if baseline is not None and baseline not in algorithms:
        from planner.errors import ArgumentError

        raise ArgumentError(f"baseline {baseline!r} is not among {', '.join(algorithms)}")
    bounds_path = upper_bounds or find_upper_bounds(t["problem_file"] for t in settings["tasks"])
    bounds = load_upper_bounds(bounds_path)
    sections = build_sections(folder, settings, runs, algorithms, baseline, bounds_path, bounds)
    if learning_results:
        sections.append(learning_section(learning_results, llm_usage))
    title = f"Benchmark report: {folder.name}"
    md, page = folder / "report.md", folder / "report.html"
    md.write_text(render_markdown(title, sections), encoding="utf-8")
    page.write_text(render_html(title, sections), encoding="utf-8")
    return [md, page]


def build_sections(folder: Path, settings: dict[str, Any], runs: list[dict[str, Any]],
                   algorithms: list[str], baseline: str | None, bounds_path: Any,
                   bounds: dict[str, float]) -> list[Section]:
    scores = per_domain(runs, bounds)
    limit = float(settings["limits"]["time"])
    sections = [summary_section(settings, runs, algorithms), errors_section(runs)]
    sections.append(score_section("Coverage", "Tasks solved with a plan our validator accepts.",
                                  scores, algorithms, "coverage", 0))
    sections.append(score_section(
        "IPC quality score", f"Sum of C*/C per domain; C* = min(best known cost from "
        f"{Path(bounds_path).name if bounds_path else 'no upper-bounds file'}, cheapest plan found here).",
        scores, algorithms, "quality", 2))
    sections.append(score_section(
        "IPC agile score", f"Sum per domain: 1 if solved within 1 s of wall-clock time, else "
        f"1 - log(t)/log({limit:g}).", scores, algorithms, "agile", 2))
    sections.append(outcome_section(runs, algorithms))
    sections.append(plot_section(folder, runs, algorithms, baseline, limit))
    sections.append(settings_section(settings))
    return sections


def summary_section(settings: dict[str, Any], runs: list[dict[str, Any]],
                    algorithms: list[str]) -> Section:
    tasks = len({(r["domain"], r["problem"]) for r in runs})
    limits = settings["limits"]
    solved = {a: sum(r["coverage"] for r in runs if r["algorithm"] == a) for a in algorithms}
    text = (f"{len(runs)} runs: {tasks} tasks x {len(algorithms)} algorithms, "
            f"{limits['time']:g} s and {limits['memory'] / 2**30:g} GiB per run, on "
            f"{settings.get('executor', '?')}. Solved: "
            + ", ".join(f"{a} {n}/{tasks}" for a, n in solved.items()) + ".")
    return Section("Summary", text)


def errors_section(runs: list[dict[str, Any]]) -> Section:
    bad = [r for r in runs if r.get("unexplained_errors")]
    if not bad:
        return Section("Unexplained errors", "None: every run ended with a valid plan, a proof of "
                       "unsolvability, or by running out of time or memory.")
    rows = [[r["algorithm"], r["domain"], r["problem"], r["error"],
             "; ".join(r["unexplained_errors"])[:300]] for r in bad]
    return Section("Unexplained errors", f"{len(bad)} runs; logs in logs/RUN_ID.log.",
                   Table(["algorithm", "domain", "problem", "error", "details"], rows))


def score_section(title: str, text: str, scores: dict[str, Any], algorithms: list[str],
                  attribute: str, digits: int) -> Section:
    rows, bold = [], set()
    totals = Counter()
    for domain, s in scores.items():
        values = [getattr(s, attribute)[a] for a in algorithms]
        totals.update(dict(zip(algorithms, values)))
        rows.append([domain, len(s.tasks), *(_fmt(v, digits) for v in values)])
        bold |= _best(len(rows) - 1, values)
    task_total = sum(len(s.tasks) for s in scores.values())
    values = [totals[a] for a in algorithms]
    rows.append(["**sum**", task_total, *(_fmt(v, digits) for v in values)])
    bold |= _best(len(rows) - 1, values)
    return Section(title, text, Table(["domain", "tasks", *algorithms], rows, bold))


def _best(row: int, values: list[float]) -> set[tuple[int, int]]:
    if len(values) < 2 or max(values) == min(values):
        return set()
    top = max(values)
    return {(row, 2 + i) for i, v in enumerate(values) if v == top}


def _fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}f}" if digits else str(int(value))


def outcome_section(runs: list[dict[str, Any]], algorithms: list[str]) -> Section:
    counts = {a: Counter(r["error"] for r in runs if r["algorithm"] == a) for a in algorithms}
    kinds = sorted({k for c in counts.values() for k in c})
    rows = [[k, *(counts[a].get(k, 0) for a in algorithms)] for k in kinds]
    return Section("Outcomes", "Runs per Lab outcome (`error`).", Table(["outcome", *algorithms], rows))


def plot_section(folder: Path, runs: list[dict[str, Any]], algorithms: list[str],
                 baseline: str | None, limit: float) -> Section:
    from planner.bench.plots import cactus, scatter

    images = []
    cactus(runs, algorithms, limit, folder / "cactus.png")
    images.append(("cactus.png", "Tasks solved over time"))
    for alg in algorithms:
        if alg == baseline or baseline is None:
            continue
        for attribute, label, name in (("expansions", "expansions", "expansions"),
                                       ("planner_wall_clock_time", "wall-clock time (s)", "time")):
            file = f"scatter-{name}-{_slug(alg)}-vs-{_slug(baseline)}.png"
            scatter(runs, baseline, alg, attribute, label, folder / file)
            images.append((file, f"{label}: {alg} vs {baseline}"))
    text = (f"Baseline for the scatter plots: {baseline}." if baseline else "")
    return Section("Plots", text, images=images)


def settings_section(settings: dict[str, Any]) -> Section:
    env = settings.get("environment", {})
    limits = settings["limits"]
    rows: list[list[Any]] = [
        ["time limit", f"{limits['time']:g} s per run (killed at +{limits['grace']:g} s)"],
        ["memory limit", f"{limits['memory'] / 2**20:g} MiB per run (RLIMIT_AS backstop "
                         f"+{limits['margin'] / 2**20:g} MiB)"],
        ["suites", ", ".join(settings.get("suites", []))],
        ["seeds", ", ".join(f"{k}={', '.join(v) if isinstance(v, list) else v}"
                            for k, v in settings.get("seeds", {}).items() if v)],
        ["executor", settings.get("executor", "?")],
        ["started", settings.get("started", "?")],
        ["git revision", env.get("git_revision")],
    ]
    rows += [[f"version: {k}", v] for k, v in env.get("versions", {}).items() if v]
    rows += [[f"machine: {k}", v] for k, v in env.get("machine", {}).items()]
    rows += [[f"algorithm: {a['name']}", f"{a['kind']}: {' '.join(a['args'])}"]
             for a in settings["algorithms"]]
    return Section("Settings", "", Table(["setting", "value"], rows))


def learning_section(results: str, usage: str | None) -> Section:
    from planner.bench.learning import summarize

    s = summarize(results, usage)
    failures = "; ".join(f"{k}: {n}" for k, n in s.failures.most_common()) or "none"
    tokens = f"{s.tokens} tokens" if s.tokens is not None else "tokens unknown"
    cost = f"${s.cost_usd:.4f}" if s.cost_usd is not None else "cost unknown"
    text = (f"Model {s.model}, {len(s.rows)} candidates on {s.tasks} training tasks; {tokens}, {cost}. "
            f"Failures by kind: {failures}.")
    rows = [[r.sample, r.stage, r.detail[:120], f"{r.solved}/{r.tasks}",
             r.tokens if r.tokens is not None else "", f"{r.cost_usd:.4f}" if r.cost_usd is not None else ""]
            for r in s.rows]
    return Section("Learning candidates", text,
                   Table(["sample", "stage", "detail", "solved", "tokens", "cost ($)"], rows))


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


# ---- rendering -------------------------------------------------------------------------
def render_markdown(title: str, sections: Sequence[Section]) -> str:
    out = [f"# {title}", ""]
    for s in sections:
        out += [f"## {s.title}", ""]
        if s.text:
            out += [s.text, ""]
        if s.table is not None:
            out += _md_table(s.table) + [""]
        for file, caption in s.images:
            out += [f"![{caption}]({file})", ""]
    return "\n".join(out)


def _md_table(table: Table) -> list[str]:
    def cell(i: int, j: int, v: Any) -> str:
        text = "" if v is None else str(v).replace("|", "\\|").replace("\n", " ")
        return f"**{text}**" if (i, j) in table.bold and not text.startswith("**") else text

    lines = ["| " + " | ".join(table.header) + " |", "|" + "---|" * len(table.header)]
    lines += ["| " + " | ".join(cell(i, j, v) for j, v in enumerate(row)) + " |"
              for i, row in enumerate(table.rows)]
    return lines


_CSS = ("body{font-family:sans-serif;max-width:70em;margin:1em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:2px 6px;"
        "text-align:right}td:first-child,th:first-child{text-align:left}th{background:#eee}"
        "figure{display:inline-block;margin:.5em}figcaption{font-size:small}")


def render_html(title: str, sections: Sequence[Section]) -> str:
    esc = html.escape
    out = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{esc(title)}</title>"
           f"<style>{_CSS}</style></head><body><h1>{esc(title)}</h1>"]
    for s in sections:
        out.append(f"<h2>{esc(s.title)}</h2>")
        if s.text:
            out.append(f"<p>{esc(s.text)}</p>")
        if s.table is not None:
            out.append(_html_table(s.table))
        for file, caption in s.images:
            out.append(f"<figure><img src='{esc(file)}' alt='{esc(caption)}'>"
                       f"<figcaption>{esc(caption)}</figcaption></figure>")
    out.append("</body></html>")
    return "\n".join(out)


def _html_table(table: Table) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in table.header)
    rows = []
    for i, row in enumerate(table.rows):
        cells = []
        for j, v in enumerate(row):
            text = esc("" if v is None else str(v)).replace("**", "")
            strong = (i, j) in table.bold or str(v).startswith("**")
            cells.append(f"<td>{'<b>' + text + '</b>' if strong else text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"
