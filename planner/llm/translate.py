"""The kernel translation step: after a Python heuristic is selected, ask the
endpoint for its kernel form (planner.heuristics.kernel), check it and store it.

Why a translation and not a second synthesis: the Python form was selected on
the training tasks, so its kernel form needs no search of its own, only proof
that it computes the same values faster. Each answer to the translation prompt
(templates/translate_kernel_v1.md: the domain, the selected program, the
kernel interface and worked example) goes through

1. extraction and the static check (the kernel subset, planner.heuristics.kernel_check);
2. a jailed states job (planner.llm.jobs "states"): the kernel is compiled in
   the jail and evaluated on random-walk states of the largest training tasks,
   and its evaluations per CPU second are measured there; the Python form gets
   the same job on the same states (one child each, so each child runs one
   untrusted program and the kernel's object code can be cached for it);
3. the differential check, here in the trusted process: equal values on every
   state (both failing on a state counts as equal; planner.heuristics.kernel_differential's
   tolerance); preferred operators are compared as sets and only reported.

A failing answer (no code, rejected, compile error, crash, a differing value
with the state shown) gets the repair prompt (templates/repair_kernel_v1.md)
like any other error. Among the answers whose values are equal, the fastest is
stored beside the Python form as <form>.kernel.py with its provenance; its
sidecar marks it selected (and `--heuristic auto` prefers it, planner.heuristics.store)
only when it is also faster on every task measured.
"""
from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from planner.heuristics.format import file_digest, kernel_form_path, read_provenance, stored_code, write_heuristic
from planner.heuristics.kernel import KERNEL_CLASS_NAME
from planner.llm.evaluate import CandidateRecord, _screen
from planner.llm.prompt import Prompt, build_translation_prompt, fill, load_template, split_roles, \
    templates_sha256
from planner.llm.repair import describe_problem
from planner.llm.sandbox import Limits, states_candidate
from planner.llm.sampler import Sampler
from planner.util.atomic import atomic_write_json

log = logging.getLogger(__name__)

REPAIR_TEMPLATE = "repair_kernel_v1"
SELECTION = "selected over the Python form iff values equal on every sampled state and faster on every task"


@dataclass(frozen=True)
class TranslationSettings:
    samples: int = 1
    """Translation answers requested (sample indices 0..samples-1)."""
    repair_rounds: int = 1
    tasks: int = 3
    """The largest training tasks (by file size) the check and the speed use."""
    seed: int = 0
    walks: int = 20
    length: int = 60
    """Random walks from the initial state, and their length, per task."""
    seconds: float = 0.3
    """CPU seconds per speed measurement (per form and task)."""
    cpu_seconds: int = 180
    memory_mb: int = 2048

    def identity(self) -> dict[str, Any]:
        return {"tasks": self.tasks, "seed": self.seed, "walks": self.walks, "length": self.length}


@dataclass
class TranslationResult:
    records: list[CandidateRecord]
    python_rows: list[dict[str, Any]] = field(default_factory=list)
    best: CandidateRecord | None = None
    selected: bool = False
    output: Path | None = None
    error: str | None = None
    """Why no translation could be checked at all (the Python form's own job failed)."""

    def summary(self) -> dict[str, Any]:
        best = self.best
        return {"candidates": len(self.records),
                "passed": sum(1 for r in self.records if _passed(r)),
                "best_sample": best.sample_index if best else None,
                "best_round": best.provenance.get("repair_round", 0) if best else None,
                "selected": self.selected, "output": str(self.output) if self.output else None,
                "speedups": [r.get("speedup") for r in best.runs.values()] if best else [],
                "error": self.error}


kernel_path = kernel_form_path
"""Where the kernel form of a stored Python form goes (planner.heuristics.format.kernel_form_path)."""


def largest_tasks(tasks: Sequence[str | Path], n: int) -> list[str]:
    files = sorted((str(Path(t)) for t in tasks), key=lambda t: (Path(t).stat().st_size, t))
    return files[-n:]


def translate(domain: str | Path, tasks: Sequence[str | Path], python_path: str | Path,
              sampler: Sampler, settings: TranslationSettings = TranslationSettings(),
              work: str | Path | None = None, output: str | Path | None = None,
              notify: Callable[[str], None] | None = None) -> TranslationResult:
    """Translate the stored Python heuristic at python_path (a DK or a store file)
    into its kernel form and store the best passing answer at output (default
    kernel_path(python_path)). Returns every answer's record."""
    python_path = Path(python_path)
    meta = read_provenance(python_path)
    if meta.get("class_name") == KERNEL_CLASS_NAME:
        raise ValueError(f"{python_path} is already a kernel program")
    code = stored_code(python_path)
    class_name = meta["class_name"]
    checked = largest_tasks(tasks, settings.tasks)
    say = notify or (lambda line: None)
    prompt = build_translation_prompt(domain, code, KERNEL_CLASS_NAME)
    provenance = {"model": sampler.config.model, "temperature": sampler.config.temperature,
                  "template": prompt.template, "template_sha256": prompt.template_sha256,
                  "domain_fingerprint": meta.get("domain_fingerprint"), "form": "kernel"}
    reference = _states(code, class_name, domain, checked, settings)
    if reference.outcome != "ok":
        error = f"the Python form's own states job failed: {reference.outcome}: {reference.detail}"
        return TranslationResult([], error=error)
    python_rows = reference.data["tasks"]
    samples = sampler.sample_batch([(prompt.as_list(), i) for i in range(settings.samples)])
    records: list[CandidateRecord] = []
    current: list[tuple[CandidateRecord, str]] = []
    for s in samples:
        record = _check(s, provenance, domain, checked, python_rows, settings)
        records.append(record)
        current.append((record, s.content or ""))
        say(f"kernel sample {record.sample_index} round 0: {describe(record)}")
    for round_no in range(1, settings.repair_rounds + 1):
        todo = [(r, repair_messages(prompt, r, answer, domain)) for r, answer in current]
        todo = [(r, m) for r, m in todo if m is not None]
        if not todo:
            break
        repaired = sampler.sample_batch([(m, r.sample_index) for r, m in todo])
        round_provenance = {**provenance, "repair_round": round_no,
                            "repair_template_sha256": templates_sha256([REPAIR_TEMPLATE])}
        current = []
        for s, (origin, _) in zip(repaired, todo):
            record = _check(s, {**round_provenance, "repair_of": origin.key}, domain, checked,
                            python_rows, settings)
            records.append(record)
            current.append((record, s.content or ""))
            say(f"kernel sample {record.sample_index} round {round_no}: {describe(record)}")
    result = TranslationResult(records, python_rows)
    passing = [r for r in records if _passed(r)]
    if work is not None:
        atomic_write_json(Path(work) / "kernel-results.json",
                          {"settings": settings.identity(), "tasks": checked,
                           "python_form": {"path": str(python_path), "rows": _slim_rows(python_rows)},
                           "records": [_record_json(r) for r in records]})
    if not passing:
        return result
    best = max(passing, key=lambda r: (_faster_everywhere(r), _mean_speedup(r), -r.sample_index))
    result.best, result.selected = best, _faster_everywhere(best)
    out = Path(output) if output is not None else kernel_path(python_path)
    kmeta = {**best.provenance, "sample_index": best.sample_index, "response_key": best.key,
             "code_sha256": best.code_sha256, "selected": result.selected,
             "python_form": python_path.name,
             "python_form_sha256": file_digest(code),
             "solved": meta.get("solved"), "agile": meta.get("agile"),
             "scores": "solved/agile are the Python form's: the kernel reproduces its values",
             "differential": {t: {k: r[k] for k in ("states", "equal", "both_failed",
                                                     "preferred_set_mismatches")}
                              for t, r in best.runs.items()},
             "speed": {t: {k: r[k] for k in ("python_per_s", "kernel_per_s", "speedup")}
                       for t, r in best.runs.items()},
             "compile_seconds": round(max((r.get("compile_seconds") or 0.0) for r in best.runs.values()), 2),
             "selection": SELECTION}
    result.output = write_heuristic(out, best.code or "", KERNEL_CLASS_NAME, kmeta)
    return result


def _states(code: str, class_name: str | None, domain: str | Path, tasks: Sequence[str],
            settings: TranslationSettings) -> Any:
    return states_candidate(code, domain, tasks, class_name, seed=settings.seed, walks=settings.walks,
                            length=settings.length, seconds=settings.seconds,
                            limits=Limits(cpu_seconds=settings.cpu_seconds, memory_mb=settings.memory_mb))


def _check(sample: Any, provenance: dict[str, Any], domain: str | Path, tasks: Sequence[str],
           python_rows: list[dict[str, Any]], settings: TranslationSettings) -> CandidateRecord:
    """Extract, static check, the kernel's states job, and the comparison."""
    record = _screen(sample, provenance, KERNEL_CLASS_NAME)
    if record.stage in ("no-code", "rejected"):
        return record
    if record.class_name != KERNEL_CLASS_NAME:
        record.probe = {"outcome": "crash", "detail": "the answer defines a heuristic class, not a "
                        "kernel program (top-level functions prepare(task) and h(state, ...))"}
        return record
    job = _states(record.code or "", KERNEL_CLASS_NAME, domain, tasks, settings)
    if job.outcome != "ok":
        record.probe = {"outcome": job.outcome, "detail": job.detail,
                        **({"traceback": job.data["traceback"]} if job.data.get("traceback") else {})}
        return record
    for task, py, kr in zip(tasks, python_rows, job.data["tasks"]):
        row = compare_rows(py, kr)
        record.runs[task] = row
        if not row["equal"]:
            i = row["first_mismatch"]
            record.probe = {"outcome": "invalid-value", "detail": row["reason"],
                            "differs_on": {"task": task, "state": i, "seed": settings.seed,
                                           "walks": settings.walks, "length": settings.length}}
            return record
    record.probe = {"outcome": "ok"}
    return record


def compare_rows(python: dict[str, Any], kernel: dict[str, Any]) -> dict[str, Any]:
    """The differential check of two states jobs' values (same states, same order)."""
    mismatches, both_failed, pref_mismatch = [], 0, 0
    for i, (a, b) in enumerate(zip(python["values"], kernel["values"])):
        if a is None and b is None:
            both_failed += 1
        elif a is None or b is None or not _same(a, b):
            mismatches.append((i, b, a))
        elif set(python["preferred"][i]) != set(kernel["preferred"][i]):
            pref_mismatch += 1
    n = len(python["values"])
    row: dict[str, Any] = {"states": n, "equal": not mismatches, "both_failed": both_failed,
                           "preferred_set_mismatches": pref_mismatch,
                           "python_per_s": round(python["per_s"] or 0),
                           "kernel_per_s": round(kernel["per_s"] or 0),
                           "compile_seconds": kernel.get("compile_seconds"), "cached": kernel.get("cached")}
    row["speedup"] = round(row["kernel_per_s"] / row["python_per_s"], 1) if row["python_per_s"] else None
    if mismatches:
        i, k, p = mismatches[0]
        what = lambda v: "a failure" if v is None else str(v)  # noqa: E731
        row["first_mismatch"] = i
        row["reason"] = (f"the kernel and the Python program disagree on {len(mismatches)} of {n} "
                         f"sampled states (first: state {i}, kernel {what(k)}, Python {what(p)})")
    return row


def _same(a: Any, b: Any) -> bool:
    x, y = float(a), float(b)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return x == y or abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))


def _passed(r: CandidateRecord) -> bool:
    return r.stage == "evaluated" and bool(r.runs) and all(x.get("equal") for x in r.runs.values())


def _faster_everywhere(r: CandidateRecord) -> bool:
    return all((x.get("speedup") or 0) > 1 for x in r.runs.values())


def _mean_speedup(r: CandidateRecord) -> float:
    s = [x.get("speedup") or 0 for x in r.runs.values()]
    return sum(s) / len(s) if s else 0.0


def describe(r: CandidateRecord) -> str:
    if _passed(r):
        speed = ", ".join(f"{x.get('speedup')}x" for x in r.runs.values())
        return f"equal on {sum(x['states'] for x in r.runs.values())} states of {len(r.runs)} tasks, speed-up {speed}"
    if r.stage == "probe-failed":
        return f"failed: {r.probe.get('outcome')}: {str(r.probe.get('detail', ''))[:300]}"
    return r.reason()


def repair_messages(prompt: Prompt, record: CandidateRecord, response: str,
                    domain: str | Path) -> list[dict[str, str]] | None:
    """The conversation asking to fix a failed translation, or None (passed, or no answer)."""
    if _passed(record):
        return None
    if record.stage in ("no-code", "rejected"):
        problem = describe_problem(record)
        if problem is None:
            return None
    elif record.probe and record.probe.get("outcome") == "invalid-value" and record.probe.get("differs_on"):
        problem = record.probe["detail"] + "." + _state_text(domain, record.probe["differs_on"])
    else:
        problem = (f"Compiling or running it on a training task failed "
                   f"({(record.probe or {}).get('outcome')}): {(record.probe or {}).get('detail', '')}")
        trace = str((record.probe or {}).get("traceback") or "").strip()
        if trace:
            problem += f"\nTraceback:\n```\n{trace[-2500:]}\n```"
    text = fill(load_template(REPAIR_TEMPLATE), {"problem": problem}, REPAIR_TEMPLATE)
    return [*prompt.as_list(), {"role": "assistant", "content": response}, *split_roles(text)]


def _state_text(domain: str | Path, where: dict[str, Any], max_atoms: int = 60) -> str:
    """The differing state as the planner stores it (the walk is regenerated here
    with the job's seed; trusted code, no candidate runs)."""
    from planner.frontend.grounding import ground_files
    from planner.heuristics.kernel_differential import walk_states

    try:
        task = ground_files(domain, where["task"])
        state = walk_states(task, int(where["seed"]), int(where["walks"]),
                            int(where["length"]))[int(where["state"])]
    except Exception:  # noqa: BLE001 - the message stays useful without the state
        return ""
    atoms = [task.facts[f] for f in sorted(int(i) for i in state.nonzero()[0])]
    shown = atoms[:max_atoms]
    more = f"\n# ... and {len(atoms) - len(shown)} more" if len(atoms) > len(shown) else ""
    return (f"\n\nThe state (task `{Path(where['task']).name}`; its true facts, `task.facts[f]` for "
            "each f with state[f] == 1):\n```python\n" + "\n".join(repr(a) for a in shown) + more + "\n```")


def _slim_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: r.get(k) for k in ("problem", "per_s", "construct_time")} for r in rows]


def _record_json(r: CandidateRecord) -> dict[str, Any]:
    return {"sample_index": r.sample_index, "key": r.key, "provenance": r.provenance,
            "code_sha256": r.code_sha256, "static": r.static, "probe": r.probe,
            "runs": r.runs, "passed": _passed(r)}


def stored_kernel_meta(path: str | Path) -> dict[str, Any]:
    """The sidecar of a stored kernel form (what `--heuristic auto` believes)."""
    p = Path(path)
    return json.loads(p.with_suffix(p.suffix + ".json").read_text(encoding="utf-8"))


__all__ = ["TranslationResult", "TranslationSettings", "compare_rows", "kernel_path", "translate"]
