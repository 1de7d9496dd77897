"""The learning pipeline for one domain: prompt, sample, evaluate, repair, select, write.

This is what `planner learn` runs. Each stage's output is persisted as it is
produced (response cache, results files, the heuristic file), so a learner
stopped at any point (IPC: SIGTERM at the limit) keeps its best heuristic so
far, and a rerun resumes without new LLM calls or repeated evaluations.
"""
from __future__ import annotations

import logging
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from tqdm import tqdm

from planner.llm.evaluate import CandidateRecord, EvaluationSettings, evaluate, evaluate_portfolio
from planner.llm.prompt import build_prompt
from planner.llm.repair import repair_messages, repair_template_sha256
from planner.llm.sampler import Sampler
from planner.llm.select import portfolio, score, select_best
from planner.heuristics.format import domain_fingerprint, write_heuristic

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LearnSettings:
    evaluation: EvaluationSettings = field(default_factory=EvaluationSettings)
    repair_rounds: int = 1
    """Follow-up rounds for candidates with a concrete failure (0: the reference method)."""
    portfolio_size: int = 3
    """At most this many heuristics kept (a greedy cover of the training tasks,
    kept only where running them in alternation measured better than the best
    alone); 1 keeps only the best, as the reference method does."""


@dataclass
class LearnResult:
    best: CandidateRecord | None
    records: list[CandidateRecord]
    output: Path | None
    portfolio: list[CandidateRecord] = field(default_factory=list)
    """The heuristics written to output, best first (just the best when no
    portfolio measured better on the training tasks)."""
    portfolio_runs: CandidateRecord | None = None
    """The chosen portfolio's own training runs (None: the best alone)."""

    def summary(self) -> dict[str, Any]:
        stages: dict[str, int] = {}
        for r in self.records:
            stages[r.stage] = stages.get(r.stage, 0) + 1
        measured = self.portfolio_runs or self.best
        return {"candidates": len(self.records), "stages": stages,
                "best_sample": self.best.sample_index if self.best else None,
                "best_solved": len(self.best.solved) if self.best else 0,
                "portfolio": [r.sample_index for r in self.portfolio],
                "portfolio_solved": len(measured.solved) if measured else 0,
                "output": str(self.output) if self.output else None}


def learn(
    domain: str | Path,
    training_tasks: Sequence[str | Path],
    output: str | Path,
    sampler: Sampler,
    settings: LearnSettings = LearnSettings(),
    work_dir: str | Path | None = None,
    on_improvement: Callable[[Path, CandidateRecord], None] | None = None,
) -> LearnResult:
    """Learn a heuristic for `domain` and write the best one to `output`.

    work_dir holds the results files (default: beside output). Returns every
    evaluated record, repairs included, and the selected one.
    """
    output = Path(output)
    work = Path(work_dir) if work_dir is not None else output.parent / f"{output.stem}.work"
    prompt = build_prompt(domain, training_tasks)
    fingerprint = domain_fingerprint(Path(domain).read_text(encoding="utf-8"))
    provenance = {"model": sampler.config.model, "temperature": sampler.config.temperature,
                  "template": prompt.template, "template_sha256": prompt.template_sha256,
                  "domain_fingerprint": fingerprint}
    limit = settings.evaluation.time_limit
    tracker = _BestTracker(output, limit, on_improvement)
    samples = sampler.sample(prompt.as_list())
    with _progress_bar(len(samples), "round 0", tracker) as add:
        records = evaluate(samples, provenance, domain, training_tasks, settings.evaluation,
                           prompt.class_name, work / "results-round0.json", progress=add)
    responses = {s.key: s.content or "" for s in samples}
    current = records
    for round_no in range(1, settings.repair_rounds + 1):
        todo = [(r, repair_messages(prompt, r, responses.get(r.key, ""))) for r in current]
        todo = [(r, m) for r, m in todo if m is not None]
        if not todo:
            break
        repaired = sampler.sample_batch([(m, r.sample_index) for r, m in todo])
        origin = {s.key: r.key for s, (r, _) in zip(repaired, todo)}
        round_provenance = {**provenance, "repair_round": round_no,
                            "repair_template_sha256": repair_template_sha256()}

        with _progress_bar(len(repaired), f"round {round_no}", tracker) as add:
            def add_repaired(record: CandidateRecord) -> None:
                record.provenance["repair_of"] = origin[record.key]
                add(record)

            current = evaluate(repaired, round_provenance, domain, training_tasks,
                               settings.evaluation, prompt.class_name,
                               work / f"results-round{round_no}.json", progress=add_repaired)
        responses.update({s.key: s.content or "" for s in repaired})
        records.extend(current)
    best = tracker.written[0] if tracker.written else None
    if best is None:
        return LearnResult(None, records, None)
    chosen, measured = _choose_portfolio(records, domain, training_tasks, settings, work)
    if measured is not None:
        _write(output, chosen, limit, on_improvement, measured)
    return LearnResult(best, records, output, chosen, measured)


def _choose_portfolio(records: Sequence[CandidateRecord], domain: str | Path,
                      tasks: Sequence[str | Path], settings: LearnSettings, work: Path,
                      ) -> tuple[list[CandidateRecord], CandidateRecord | None]:
    """The greedy cover's prefixes, each run in alternation on the training
    tasks; the largest gain over the best alone wins. Returns the members and
    their measured record, or ([best], None) when no portfolio measured better
    (alternation costs each member expansions, so a cover on paper is not enough)."""
    limit = settings.evaluation.time_limit
    cover = portfolio(records, limit, settings.portfolio_size)
    chosen, measured, best_score = cover[:1], None, score(cover[0], limit)
    for size in range(2, len(cover) + 1):
        with tqdm(total=len(tasks), desc=f"evaluating a portfolio of {size}", unit="task",
                  disable=None, file=sys.stderr) as bar:
            record = evaluate_portfolio(cover[:size], domain, tasks, settings.evaluation,
                                        work / f"portfolio-{size}.json", progress=lambda: bar.update(1))
        s = score(record, limit)
        log.info("portfolio of samples %s: solved %d (best alone %d)",
                 [r.sample_index for r in cover[:size]], s.solved, best_score.solved)
        if s > best_score:
            chosen, measured, best_score = cover[:size], record, s
    return chosen, measured


@contextmanager
def _progress_bar(total: int, label: str, tracker: "_BestTracker"
                  ) -> Iterator[Callable[[CandidateRecord], None]]:
    """A tqdm bar over the candidates being evaluated (stderr; off when not a
    terminal), showing the best training coverage so far."""
    with tqdm(total=total, desc=f"evaluating candidates, {label}", unit="candidate",
              disable=None, file=sys.stderr) as bar:
        def add(record: CandidateRecord) -> None:
            tracker.add(record)
            best = tracker.written[0] if tracker.written else None
            bar.set_postfix(best_solved=len(best.solved) if best is not None else 0, refresh=False)
            bar.update(1)

        yield add


class _BestTracker:
    """Writes the heuristic file the moment an evaluated candidate beats the
    current best, so an interrupted learner keeps its best result so far."""

    def __init__(self, output: Path, limit: float,
                 on_improvement: Callable[[Path, CandidateRecord], None] | None) -> None:
        self.output, self.limit, self.on_improvement = output, limit, on_improvement
        self.seen: list[CandidateRecord] = []
        self.written: list[CandidateRecord] = []
        self._lock = threading.Lock()

    def add(self, record: CandidateRecord) -> None:
        with self._lock:
            self.seen.append(record)
            best = select_best(self.seen, self.limit)
            if best is not None and (not self.written
                                     or score(best, self.limit) > score(self.written[0], self.limit)):
                _write(self.output, [best], self.limit, self.on_improvement)
                self.written = [best]


def _write(output: Path, chosen: Sequence[CandidateRecord], limit: float,
           on_improvement: Callable[[Path, CandidateRecord], None] | None,
           measured: CandidateRecord | None = None) -> None:
    """DK: the best's code, with the other members (if any) and the measured
    portfolio scores in its provenance."""
    best = chosen[0]
    assert best.code is not None and best.class_name is not None
    s = score(best, limit)
    provenance = {**best.provenance, "sample_index": best.sample_index, "response_key": best.key,
                  "code_sha256": best.code_sha256, "solved": s.solved, "agile": s.agile,
                  "training_tasks": len(best.runs), "time_limit": limit}
    if measured is not None:
        m = score(measured, limit)
        provenance.update(portfolio_solved=m.solved, portfolio_agile=m.agile)
    members = [_member(r, limit) for r in chosen[1:]]
    path = write_heuristic(output, best.code, best.class_name, provenance, members)
    log.info("heuristic (best sample %d solving %d; %d member(s)) written to %s",
             best.sample_index, s.solved, len(chosen), path)
    if on_improvement is not None:
        on_improvement(path, best)


def _member(record: CandidateRecord, limit: float) -> dict[str, Any]:
    s = score(record, limit)
    return {"code": record.code, "class_name": record.class_name,
            "sample_index": record.sample_index, "response_key": record.key,
            "code_sha256": record.code_sha256, "repair_round": record.provenance.get("repair_round", 0),
            "solved": s.solved, "agile": s.agile, "solved_tasks": sorted(record.solved)}
