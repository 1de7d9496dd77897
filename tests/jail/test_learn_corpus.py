"""`learn` against the replay server serving the hostile programs that pass the
static check, plus the one good program: every hostile one fails in the jail
(nothing written, connected, signalled or left running), the good one is the
one selected, and the cache and DK are written by the parent alone."""
from __future__ import annotations

import time

from planner.heuristics.format import read_provenance
from planner.heuristics.static_check import check
from planner.llm.cache import ResponseCache
from planner.llm.evaluate import EvaluationSettings
from planner.llm.learn import LearnSettings, learn
from planner.llm.sampler import Sampler, SamplerConfig
from tests.jail.harness import BLOCKSWORLD, Arena, corpus_names
from tests.llm.replay_server import Reply, ReplayServer

SETTINGS = LearnSettings(EvaluationSettings(time_limit=4, memory_mb=1024, probe_cpu_seconds=3),
                         repair_rounds=0, portfolio_size=1)


def test_learn_selects_the_good_program_and_the_hostile_ones_achieve_nothing(arena: Arena, tmp_path):
    programs = {n: arena.program(n).read_text() for n in corpus_names()}
    reaching = sorted(n for n, code in programs.items() if check(code).ok)
    assert "good" in reaching and len(reaching) >= 10
    replies = [Reply(f"Here is the heuristic.\n\n```python\n{programs[n]}```\n") for n in reaching]
    tasks = sorted((BLOCKSWORLD / "training" / "easy").glob("p*.pddl"))[:2]
    dk = tmp_path / "dk" / "blocksworld.py"
    before = arena.snapshot()
    start = time.monotonic()
    with ReplayServer(replies) as server:
        sampler = Sampler(SamplerConfig(model="replay", n=len(replies), concurrency=1, api_key="k",
                                        base_url=server.base_url), ResponseCache(tmp_path / "cache"))
        result = learn(BLOCKSWORLD / "domain.pddl", tasks, dk, sampler, SETTINGS)
    elapsed = time.monotonic() - start
    arena.assert_untouched(before)
    by_name = {reaching[r.sample_index]: r for r in result.records}
    solved = {n for n, r in by_name.items() if len(r.solved) == len(tasks)}
    assert "good" in solved
    # Only programs whose search is a plain goal count may also solve (bool values are refused).
    assert solved <= {"good"}, {n: by_name[n].reason() for n in solved}
    assert read_provenance(dk)["sample_index"] == reaching.index("good")
    assert "PROOF good" in dk.read_text()
    for name, record in by_name.items():
        if name != "good":
            assert record.stage in ("probe-failed", "evaluated"), (name, record.reason())
    # Every run respected its limits: probes 3 s, solves 4 s, plus start-up per worker.
    assert elapsed < len(reaching) * (3 + 2 * 4 + 3 * 3)
