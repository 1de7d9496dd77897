"""The candidate table of a learning run (a `planner learn` results file).

The results file (planner.llm.evaluate) holds one record per sampled
candidate: how far it got (no code, rejected by the static check, failed
the probe, evaluated) and one sandbox outcome per training task. Tokens and
cost come from the sampler's llm_usage.json, joined on the response's cache
key. The report shows failures by kind (what to fix in the prompt) and each
candidate's coverage, tokens and cost (what a good heuristic costs).
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class CandidateRow:
    sample: int
    stage: str
    detail: str
    solved: int
    tasks: int
    tokens: int | None
    cost_usd: float | None


@dataclass
class LearningSummary:
    model: str
    tasks: int
    rows: list[CandidateRow]
    failures: Counter
    """Kind of failure -> candidates (stage, static rule or probe outcome) and
    run outcomes other than 'solved' over all evaluated candidates' runs."""
    tokens: int | None
    cost_usd: float | None


def _kind(record: dict[str, Any]) -> tuple[str, str]:
    static, probe = record.get("static") or {}, record.get("probe")
    if record.get("code") is None and static.get("rule") == "api-error":
        return "api-error", str(static.get("message", ""))
    if record.get("code") is None:
        return "no-code", str(static.get("message", ""))
    if not static.get("ok"):
        return f"rejected: {static.get('rule')}", f"line {static.get('line')}: {static.get('message')}"
    if probe is not None and probe.get("outcome") != "ok":
        return f"probe: {probe.get('outcome')}", str(probe.get("detail", ""))[:120]
    return "evaluated", ""


def _usage(path: Path | None) -> dict[str, dict[str, Any]]:
    """Cache key -> the call that produced it (the original API call when logged,
    else a cache hit, which the sampler logs with cost 0)."""
    if path is None or not path.is_file():
        return {}
    by_key: dict[str, dict[str, Any]] = {}
    for call in json.loads(path.read_text(encoding="utf-8")).get("calls", []):
        key = call.get("key")
        if key is not None and (key not in by_key or (by_key[key].get("cached") and not call.get("cached"))):
            by_key[key] = call
    return by_key


def summarize(results: str | Path, usage: str | Path | None = None) -> LearningSummary:
    results = Path(results)
    data = json.loads(results.read_text(encoding="utf-8"))
    usage_path = Path(usage) if usage else results.with_name("llm_usage.json")
    calls = _usage(usage_path)
    rows, failures = [], Counter()
    for key, record in sorted(data.get("records", {}).items(), key=lambda kv: kv[1]["sample_index"]):
        stage, detail = _kind(record)
        runs = record.get("runs", {})
        outcomes = Counter(r.get("outcome") for r in runs.values())
        if stage != "evaluated":
            failures[stage] += 1
        for outcome, n in outcomes.items():
            if outcome != "solved":
                failures[f"run: {outcome}"] += n
        if stage == "evaluated" and not detail:
            detail = ", ".join(f"{o} {n}" for o, n in sorted(outcomes.items()))
        call = calls.get(key, {})
        tokens = (int(call.get("prompt_tokens") or 0) + int(call.get("completion_tokens") or 0)) \
            if call else None
        rows.append(CandidateRow(record["sample_index"], stage, detail, outcomes.get("solved", 0),
                                 len(data.get("tasks", [])), tokens, call.get("cost_usd")))
    known_tokens = [r.tokens for r in rows if r.tokens is not None]
    known_costs = [r.cost_usd for r in rows if r.cost_usd is not None]
    return LearningSummary(str(data.get("provenance", {}).get("model", "?")), len(data.get("tasks", [])),
                           rows, failures, sum(known_tokens) if known_tokens else None,
                           sum(known_costs) if known_costs else None)
