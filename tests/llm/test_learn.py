"""The whole pipeline against the replay server, including one repair round."""
from __future__ import annotations

from planner.llm.cache import ResponseCache
from planner.llm.evaluate import EvaluationSettings
from planner.llm.learn import LearnSettings, learn
from planner.llm.sampler import Sampler, SamplerConfig
from planner.heuristics.format import read_provenance
from tests.llm.replay_server import Reply, ReplayServer, recorded


FIRST = ["syntax_error", "nan_return", "prose_only"]
REPAIRS = ["good_blocksworld", "none_return", "slow_but_correct"]
SETTINGS = LearnSettings(EvaluationSettings(time_limit=10, memory_mb=1024, probe_cpu_seconds=5),
                         repair_rounds=1)


def test_learn_repairs_failed_candidates_and_writes_the_best(tmp_path, blocksworld, training_tasks):
    from planner.heuristics.loader import load_heuristic_file
    from planner.search.solve import solve

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


def _record(index: int, solved: list[str], tasks: list[str]):
    from planner.llm.evaluate import CandidateRecord

    runs = {t: ({"outcome": "solved", "total_time": 0.5, "expansions": 10} if t in solved
                else {"outcome": "timeout"}) for t in tasks}
    return CandidateRecord(index, f"key{index}", {}, code=f"# {index}", code_sha256=str(index),
                           class_name="H", static={"ok": True}, probe={"outcome": "ok"}, runs=runs)


def test_a_portfolio_is_kept_only_when_it_measures_better_than_the_best_alone(tmp_path, monkeypatch):
    """The cover {0, 1} solves all three tasks on paper; what the alternation
    really solves decides."""
    from planner.llm import learn as learn_module

    tasks = ["a", "b", "c"]
    records = [_record(0, ["a", "b"], tasks), _record(1, ["c"], tasks), _record(2, [], tasks)]
    measured_solved: list[str] = []

    def fake_evaluate(members, domain, tasks_, settings, path, progress=None):
        assert [m.sample_index for m in members] == [0, 1]
        return _record(0, measured_solved, tasks)

    monkeypatch.setattr(learn_module, "evaluate_portfolio", fake_evaluate)
    settings = LearnSettings(EvaluationSettings(time_limit=10), portfolio_size=3)
    measured_solved[:] = ["a"]  # alternation lost a task the best solves alone
    chosen, measured = learn_module._choose_portfolio(records, "d.pddl", tasks, settings, tmp_path)
    assert [r.sample_index for r in chosen] == [0] and measured is None
    measured_solved[:] = ["a", "b", "c"]
    chosen, measured = learn_module._choose_portfolio(records, "d.pddl", tasks, settings, tmp_path)
    assert [r.sample_index for r in chosen] == [0, 1] and len(measured.solved) == 3
