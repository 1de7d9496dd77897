from __future__ import annotations

import pytest

from tests.fixtures import benchmark
from planner.llm import jobs
from planner.heuristics.loader import CANDIDATE_MODULE, load_candidate, load_learned_heuristic
from planner.heuristics.compile import compile_heuristic, extension_path, load_compiled
from planner.errors import LLMError
from planner.llm.extract import extract
from planner.heuristics.static_check import check
from planner.heuristics.format import domain_fingerprint, write_heuristic
from tests.llm.replay_server import recorded



def test_compiled_heuristic_gives_the_same_values_and_search(tmp_path):
    from planner import _core
    from planner.frontend.grounding import ground_files
    from planner.heuristics.api import TaskView
    from planner.search.solve import solve

    bw = benchmark("blocksworld")
    domain, problem = bw / "domain.pddl", bw / "training" / "easy" / "p40.pddl"
    dk = write_heuristic(tmp_path / "dk", extract(recorded("good_blocksworld")).code, "DomainHeuristic",
                         {"domain_fingerprint": domain_fingerprint(domain.read_text())})
    code = check(dk.read_text()).code
    so = compile_heuristic(code, dk)
    assert so == extension_path(dk, code) and so.exists()
    compiled, plain = load_compiled(so, "DomainHeuristic"), load_candidate(code, "DomainHeuristic")
    assert compiled.__module__ != plain.__module__

    task = ground_files(domain, problem)
    view, ctx = TaskView(task), _core.ViewContext(task)
    a, b = compiled(view), plain(view)
    states = jobs._plan_states(task, None)
    states += jobs._successor_states(task, states, 300)
    for state in states:
        s = _core.StateView.from_ids(ctx, sorted(state))
        assert a(s) == b(s)
    fast = solve(domain, problem, search="gbfs", heuristic=compiled)
    slow = solve(domain, problem, search="gbfs", heuristic=plain)
    assert fast.solved and fast.plan == slow.plan
    assert fast.statistics["expansions"] == slow.statistics["expansions"]

    assert load_learned_heuristic(dk, domain).compiled == str(so)
    jailed = solve(domain, problem, search="gbfs", heuristic=[load_learned_heuristic(dk, domain)])
    assert jailed.solved and jailed.plan == slow.plan and jailed.statistics["jail"]["outcome"] == "ok"
    dk.write_text(dk.read_text() + "\n# edited\n")  # different source: the extension is not used
    assert load_learned_heuristic(dk, domain).compiled is None


def test_compile_errors_are_reported(tmp_path):
    with pytest.raises(LLMError, match="Cython failed"):
        compile_heuristic("def f(:\n    pass\n", tmp_path / "dk")
