"""Building a subroutine library for a domain: solve training tasks, mine
candidates from the validated plans, keep those that pass the utility gate on
held-out training tasks, and write the library.

This module calls planner.solve (to get our own validated plans and to
measure candidates), so it sits at solve's level, above the rest of
planner.subroutines, which solve itself uses.

The utility gate (why each rule): a subroutine is kept only if, on the
held-out tasks solved as `solve(subroutines=...)` solves them (fast path under
its default share of the time, then the plain search; an earlier version gave
the fast path the whole limit and kept rovers' navigate+navigate, which then
lost 2 of 3 medium tasks whose fast path failed at half the limit),
* coverage does not drop (a macro must never cost a task);
* the geometric means of time after grounding (instances, fast and slow
  path, validation: what subroutines change) and of heuristic evaluations
  over tasks both runs solve fall (it must pay for its instances and its wider
  branching; evaluations are the machine-independent figure, time the one
  users feel);
* plans grow by at most 10% in total (macros may trade plan quality for speed
  only a little).
Candidates pass the gate one at a time; those that pass are then added to the
set best first (by evaluation ratio), each kept only if the set still passes,
up to MAX_PER_DOMAIN. Every rejected candidate is stored with its reason.
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from planner.subroutines.library import (
    MAX_PER_DOMAIN, Library, config_key, domain_fingerprint, library_path)
from planner.subroutines.lifted import Subroutine, schema_parameter_types
from planner.subroutines.mining import TrainingPlan, mine

log = logging.getLogger(__name__)

MAX_PLAN_GROWTH = 1.10
MIN_TIME = 0.05
"""Seconds of search (after grounding); times below are noise on a shared
machine and count as this."""


@dataclass
class Run:
    solved: bool
    time: float
    evaluations: int
    length: int
    fast: bool = False
    no_instances: str | None = None
    """Why the fast path had no macro operator on this task (caps), if so."""


@dataclass
class GateVerdict:
    passed: bool
    reason: str
    time_ratio: float = math.nan
    evaluation_ratio: float = math.nan
    length_ratio: float = math.nan
    coverage: tuple[int, int] = (0, 0)
    """(with, without) subroutines."""

    def as_stats(self) -> dict[str, Any]:
        return {"gate_time_ratio": round(self.time_ratio, 4), "gate_evaluation_ratio": round(self.evaluation_ratio, 4),
                "gate_length_ratio": round(self.length_ratio, 4), "gate_coverage": list(self.coverage)}


def _geomean(xs: Sequence[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else math.nan


def judge(base: Sequence[Run], cand: Sequence[Run]) -> GateVerdict:
    """The gate's rules on paired runs of the same held-out tasks. Time and
    evaluations are compared over the tasks solved by either run, an unsolved
    run counting with the time and evaluations it spent until the limit (a
    lower bound, so a subroutine that solves what the plain search cannot is
    credited, and one that loses a task is charged); plan length over tasks
    both solve."""
    cov = (sum(r.solved for r in cand), sum(r.solved for r in base))
    if cand and all(c.no_instances for c in cand):
        return GateVerdict(False, f"no macro operator on any held-out task ({cand[0].no_instances})",
                           coverage=cov)
    either = [(b, c) for b, c in zip(base, cand) if b.solved or c.solved]
    both = [(b, c) for b, c in either if b.solved and c.solved]
    if cov[0] < cov[1]:
        return GateVerdict(False, f"coverage drops from {cov[1]} to {cov[0]}", coverage=cov)
    if not either:
        return GateVerdict(False, "no held-out task solved with or without it", coverage=cov)
    t = _geomean([max(c.time, MIN_TIME) / max(b.time, MIN_TIME) for b, c in either])
    e = _geomean([max(c.evaluations, 1) / max(b.evaluations, 1) for b, c in either])
    grow = (sum(c.length for _, c in both) / max(sum(b.length for b, _ in both), 1)) if both else 1.0
    verdict = GateVerdict(True, "pays", t, e, grow, cov)
    if t >= 1.0:
        verdict.passed, verdict.reason = False, f"time does not fall (geometric mean ratio {t:.3f})"
    elif e >= 1.0:
        verdict.passed, verdict.reason = False, f"evaluations do not fall (geometric mean ratio {e:.3f})"
    elif grow > MAX_PLAN_GROWTH:
        verdict.passed, verdict.reason = False, f"plans grow by {100 * (grow - 1):.0f}% (> 10%)"
    return verdict


@dataclass
class LearnReport:
    library: Library
    path: Path | None
    training_solved: int
    candidates: list[Subroutine]
    verdicts: dict[str, GateVerdict] = field(default_factory=dict)
    time: float = 0.0


def _run(domain: Path, problem: Path, search: str, heuristic: Any, time_limit: float,
         subroutines: Any, share: float | None = None) -> Run:
    from planner.subroutines.solve import solve

    start = time.perf_counter()
    r = solve(domain, problem, search=search, heuristic=heuristic, time_limit=time_limit,
              subroutines=subroutines, subroutine_share=share)
    elapsed = time.perf_counter() - start
    # Parsing and grounding are the same work with and without subroutines and
    # only add noise: on the loaded shared machine grounding one easy spanner task
    # took 0.65 s in one run and 0.19 s in the next, while the searches took
    # < 0.05 s, which made the gate read x7 for a subroutine that halved the work.
    # The gate's time is what subroutines change: instances, fast path, slow path,
    # validation.
    s = r.statistics
    if isinstance(s.get("parse_time"), float) and isinstance(s.get("ground_time"), float):
        elapsed = max(elapsed - s["parse_time"] - s["ground_time"], 0.0)
    info = r.statistics.get("subroutines") or {}
    none = None
    if info and not info.get("instances"):
        none = "; ".join(sorted(set((info.get("dropped") or {}).values()))) or "no instance"
    return Run(r.solved, elapsed, int(r.statistics.get("evaluations", 0)), len(r.plan or ()),
               info.get("path") == "fast", none)


def training_plans(domain: Path, problems: Sequence[Path], search: str, heuristic: Any,
                   time_limit: float) -> list[TrainingPlan]:
    """Our own validated plans (planner.solve validates before returning)."""
    from planner.subroutines.solve import solve

    plans = []
    for problem in problems:
        r = solve(domain, problem, search=search, heuristic=heuristic, time_limit=time_limit)
        if not r.solved or r.task is None or r.validated_by != "validator":
            continue
        index: dict[str, int] = {}
        for o, name in enumerate(r.task.operators):
            index.setdefault(name, o)
        plans.append(TrainingPlan(r.task, tuple(index[n] for n in r.plan or ()), str(problem)))
    return plans


def learn_library(domain: str | Path, mining_problems: Sequence[str | Path],
                  heldout_problems: Sequence[str | Path], *, search: str = "lazy-gbfs",
                  heuristic: Any = "ff", time_limit: float = 20.0, max_candidates: int = 6,
                  output: str | Path | None = None, write: bool = True,
                  progress: Callable[[str], None] | None = None,
                  config_heuristic: str | None = None) -> LearnReport:
    """Mine, gate and (by default) write the library for `domain` under
    (search, heuristic); output defaults to the per-user library path that
    `subroutines='auto'` reads. config_heuristic: the heuristic's name in the
    library's configuration when `heuristic` is not a name (a DK's portfolio:
    'dk')."""
    from planner.search.solve import parse_inputs

    say = progress or (lambda msg: log.info("%s", msg))
    start = time.perf_counter()
    domain = Path(domain)
    text = domain.read_text(encoding="utf-8")
    mining_problems = [Path(p) for p in mining_problems]
    heldout_problems = [Path(p) for p in heldout_problems]
    plans = training_plans(domain, mining_problems, search, heuristic, time_limit)
    say(f"mining: {len(plans)} of {len(mining_problems)} training tasks solved")
    types = schema_parameter_types(parse_inputs(domain, mining_problems[0]).domain) if mining_problems else {}
    mined = mine(plans, types, max_candidates=max_candidates)
    rejected = [{"subroutine": d, "reason": r} for d, r in mined.rejected.items()]
    say(f"mining: {len(mined.candidates)} candidates, {len(mined.rejected)} windows rejected")
    base = [_run(domain, p, search, heuristic, time_limit, "off") for p in heldout_problems]
    say(f"gate: baseline solves {sum(r.solved for r in base)} of {len(base)} held-out tasks")
    verdicts: dict[str, GateVerdict] = {}
    passing: list[tuple[float, Subroutine]] = []
    for sub in mined.candidates:
        runs = [_run(domain, p, search, heuristic, time_limit, [sub]) for p in heldout_problems]
        v = judge(base, runs)
        verdicts[sub.name] = v
        say(f"gate: {sub.describe()}: {v.reason} (time x{v.time_ratio:.2f}, evaluations "
            f"x{v.evaluation_ratio:.2f}, length x{v.length_ratio:.2f})")
        if v.passed:
            passing.append((v.evaluation_ratio, sub.with_stats(**v.as_stats())))
        else:
            rejected.append({"subroutine": sub.describe(), "reason": v.reason})
    passing.sort(key=lambda x: x[0])
    kept: list[Subroutine] = []
    for _, sub in passing:
        if len(kept) >= MAX_PER_DOMAIN:
            rejected.append({"subroutine": sub.describe(), "reason": f"more than {MAX_PER_DOMAIN} passed"})
            continue
        if kept:
            runs = [_run(domain, p, search, heuristic, time_limit, kept + [sub]) for p in heldout_problems]
            v = judge(base, runs)
            if not v.passed:
                rejected.append({"subroutine": sub.describe(), "reason": f"with the others kept: {v.reason}"})
                say(f"gate: {sub.describe()} dropped with the others kept: {v.reason}")
                continue
        kept.append(sub)
    config = config_key(search, config_heuristic if config_heuristic is not None else heuristic)
    lib = Library(domain_fingerprint(text), config, kept, rejected, meta={
        "domain": str(domain), "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "mining_tasks": [str(p) for p in mining_problems], "heldout_tasks": [str(p) for p in heldout_problems],
        "training_solved": len(plans), "time_limit": time_limit,
        "baseline": {"solved": sum(r.solved for r in base)}})
    path = None
    if write:
        path = lib.write(Path(output) if output else library_path(text, search, heuristic))
        say(f"wrote {path} ({len(kept)} subroutines)")
    return LearnReport(lib, path, len(plans), mined.candidates, verdicts, time.perf_counter() - start)
