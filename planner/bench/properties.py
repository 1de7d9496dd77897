"""Downward Lab `properties` and the flat CSV beside it.

Lab reads a JSON object run_id -> properties; our runs carry Lab's keys
(algorithm, domain, problem, id, coverage, error, unexplained_errors, cost,
plan_length, expansions, evaluations, generated, search_time, total_time,
memory) plus a few of our own (planner_wall_clock_time, exit_code, killed,
claimed_cost, task_key, limits). The CSV has one row per run for pandas.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterable

from planner.util.atomic import atomic_write_text

LAB_KEYS = ("algorithm", "domain", "problem", "coverage", "error", "unexplained_errors", "cost",
            "plan_length", "expansions", "evaluations", "generated", "search_time", "total_time",
            "memory")
EXTRA_KEYS = ("planner_wall_clock_time", "exit_code", "killed", "claimed_cost", "task_key",
              "time_limit", "memory_limit_mib")
CSV_COLUMNS = ("run_id", *LAB_KEYS, *EXTRA_KEYS)


def lab_properties(runs: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """run_id -> properties, sorted by id for stable diffs."""
    table = {r["run_id"]: {k: v for k, v in r.items() if k != "run_id"} for r in runs}
    return dict(sorted(table.items(), key=lambda kv: kv[1]["id"]))


def write_properties(runs: Iterable[dict[str, Any]], folder: str | Path) -> tuple[Path, Path]:
    """Write FOLDER/properties (Lab's file name) and FOLDER/results.csv."""
    folder = Path(folder)
    runs = list(runs)
    props = lab_properties(runs)
    json_path, csv_path = folder / "properties", folder / "results.csv"
    atomic_write_text(json_path, json.dumps(props, indent=1, sort_keys=True))
    with open(csv_path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for run_id, p in props.items():
            row = {**p, "run_id": run_id}
            row["unexplained_errors"] = " | ".join(p.get("unexplained_errors") or [])
            writer.writerow(row)
    return json_path, csv_path


def read_properties(folder: str | Path) -> dict[str, dict[str, Any]]:
    return json.loads((Path(folder) / "properties").read_text(encoding="utf-8"))
