"""The whole pipeline against the replay server, including one repair round."""
from __future__ import annotations

from llm_testdata import needs_search_core
from planner.llm.cache import ResponseCache
from planner.llm.evaluate import EvaluationSettings
from planner.llm.learn import LearnSettings, learn
from planner.llm.sampler import Sampler, SamplerConfig
from planner.llm.store import read_provenance
from replay_server import Reply, ReplayServer, recorded

pytestmark = needs_search_core()

FIRST = ["syntax_error", "nan_return", "prose_only"]
REPAIRS = ["good_blocksworld", "none_return", "slow_but_correct"]
SETTINGS = LearnSettings(EvaluationSettings(time_limit=10, memory_mb=1024, probe_cpu_seconds=5),
                         repair_rounds=1)


def test_learn_repairs_failed_candidates_and_writes_the_best(tmp_path, blocksworld, training_tasks):
    from planner.heuristic_api import load_heuristic_file
    from planner.solve import solve

    improvements = []
    tasks = training_tasks[:2]
    out = tmp_path / "dk" / "blocksworld.py"
    with ReplayServer([Reply(recorded(n)) for n in FIRST + REPAIRS]) as server:
        sampler = Sampler(SamplerConfig(model="replay", n=3, concurrency=1, api_key="k",
                                        base_url=server.base_url), ResponseCache(tmp_path / "cache"))
        result = learn(blocksworld / "domain.pddl", tasks, out, sampler, SETTINGS,
                       on_improvement=lambda p, r: improvements.append(r.key))
        repair_requests = server.requests[3:]
        assert len(server.requests) == 6
    assert [m["role"] for m in repair_requests[0]["messages"]] == ["system", "user", "assistant", "user"]
    assert "rule `syntax`" in repair_requests[0]["messages"][3]["content"]
    assert "NaN" in repair_requests[1]["messages"][3]["content"]
    assert "no Python code block" in repair_requests[2]["messages"][3]["content"]

    assert [r.stage for r in result.records] == ["rejected", "probe-failed", "no-code",
                                                 "evaluated", "probe-failed", "evaluated"]
    best = result.best
    assert best is not None and best.provenance["repair_of"] == result.records[0].key
    meta = read_provenance(out)
    assert meta["repair_round"] == 1 and meta["solved"] == 2 and meta["class_name"] == "DomainHeuristic"
    assert meta["template_sha256"] == best.provenance["template_sha256"]
    assert improvements == [best.key]

    cls = load_heuristic_file(f"{out}:DomainHeuristic")
    solved = solve(blocksworld / "domain.pddl", tasks[1], search="gbfs", heuristic=cls)
    assert solved.solved

    with ReplayServer([]) as server:  # a rerun is free: cache and results files
        sampler = Sampler(SamplerConfig(model="replay", n=3, api_key="k", base_url=server.base_url,
                                        offline=True), ResponseCache(tmp_path / "cache"))
        again = learn(blocksworld / "domain.pddl", tasks, out, sampler, SETTINGS)
        assert server.requests == []
    assert [r.reason() for r in again.records] == [r.reason() for r in result.records]
