"""The results folder of an experiment, written as runs finish.

    experiment.json   settings (limits, algorithms, tasks, environment); an
                      experiment can grow (new algorithms or tasks) but not
                      change its limits or redefine an algorithm
    results.jsonl     one JSON line per finished run, appended and flushed at
                      once: an interrupted experiment resumes by skipping them
    logs/RUN_ID.log   command, exit code, stdout/stderr tails, validation
    plans/RUN_ID.plan the plan that was validated
    properties        Lab properties (written by planner.bench.properties)
    results.csv       the same, flat
A truncated last line (the coordinator killed mid-write) is ignored, so that
run is simply redone.
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from planner.errors import ArgumentError

RESULTS = "results.jsonl"
EXPERIMENT = "experiment.json"


class ResultsStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    # ---- experiment settings ----------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        file = self.path / EXPERIMENT
        if not file.exists():
            raise ArgumentError(f"no experiment in {self.path} ({EXPERIMENT} missing)",
                                path=str(self.path))
        return json.loads(file.read_text(encoding="utf-8"))

    def begin(self, settings: dict[str, Any]) -> dict[str, Any]:
        """Record settings, merging with an earlier run of the same experiment."""
        self.path.mkdir(parents=True, exist_ok=True)
        file = self.path / EXPERIMENT
        if file.exists():
            settings = merge_settings(json.loads(file.read_text(encoding="utf-8")), settings)
        _atomic_write(file, json.dumps(settings, indent=1, sort_keys=True))
        return settings

    # ---- results -----------------------------------------------------------------------
    def recorded(self) -> dict[str, dict[str, Any]]:
        """run_id -> properties of every complete line (the last one wins)."""
        file = self.path / RESULTS
        runs: dict[str, dict[str, Any]] = {}
        if not file.exists():
            return runs
        with open(file, encoding="utf-8") as src:
            for line in src:
                try:
                    props = json.loads(line)
                except ValueError:
                    continue  # a line cut short by an interruption
                if isinstance(props, dict) and "run_id" in props:
                    runs[props["run_id"]] = props
        return runs

    def append(self, result: dict[str, Any]) -> dict[str, Any]:
        """Write the log and plan files, then the result line (last: it marks the run done)."""
        props = {k: v for k, v in result.items() if not k.startswith("_")}
        run = _safe(props["run_id"])
        with self._lock:
            if result.get("_log") is not None:
                _write(self.path / "logs" / f"{run}.log", result["_log"])
            if result.get("_plan") is not None:
                _write(self.path / "plans" / f"{run}.plan", result["_plan"])
            results = self.path / RESULTS
            cut = results.exists() and results.stat().st_size > 0 and not _ends_with_newline(results)
            with open(results, "a", encoding="utf-8") as out:
                # after a line cut short by an interruption, start a fresh line
                out.write(("\n" if cut else "") + json.dumps(props, sort_keys=True) + "\n")
                out.flush()
                os.fsync(out.fileno())
        return props


def merge_settings(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Union of algorithms and tasks; refuse other limits or a redefined algorithm."""
    if old.get("limits") != new.get("limits"):
        raise ArgumentError(f"the results folder holds runs with other limits ({old.get('limits')}); "
                            "use another --out")
    algorithms = {a["name"]: a for a in old.get("algorithms", [])}
    for alg in new.get("algorithms", []):
        known = algorithms.get(alg["name"])
        if known is not None and (known["kind"], known["args"]) != (alg["kind"], alg["args"]):
            raise ArgumentError(f"algorithm {alg['name']!r} was defined differently in this results "
                                f"folder ({known['kind']}: {known['args']}); rename it or use another --out")
        algorithms.setdefault(alg["name"], alg)
    tasks = {t["key"]: t for t in old.get("tasks", [])}
    for task in new.get("tasks", []):
        tasks.setdefault(task["key"], task)
    merged = {**old, **new}
    merged["algorithms"] = list(algorithms.values())
    merged["tasks"] = list(tasks.values())
    merged["suites"] = list(dict.fromkeys([*old.get("suites", []), *new.get("suites", [])]))
    return merged


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as src:
        src.seek(-1, os.SEEK_END)
        return src.read(1) == b"\n"


def _safe(run_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_.+" else "_" for c in run_id)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
