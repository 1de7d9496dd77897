"""The sampler against a real HTTP server speaking the OpenAI chat-completions API."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.errors import PlannerError
from planner.llm.cache import ResponseCache, request_key
from planner.llm.errors import CacheMissError, EndpointError
from planner.llm.sampler import Sampler, SamplerConfig
from tests.llm.replay_server import Reply, ReplayServer, recorded

MESSAGES = [{"role": "system", "content": "You write heuristics."},
            {"role": "user", "content": "Write a blocksworld heuristic."}]
NAMES = ["good_blocksworld", "syntax_error", "nan_return", "infinite_loop", "slow_but_correct"]


def config(server: ReplayServer | None, **kw) -> SamplerConfig:
    base = dict(model="replay-model", n=len(NAMES), temperature=1.0, concurrency=3,
                timeout=10, max_retries=3, backoff=0.01, api_key="test-key",
                base_url=server.base_url if server else "http://127.0.0.1:9/v1",
                price_input_per_mtok=1.0, price_output_per_mtok=4.0)
    base.update(kw)
    return SamplerConfig(**base)


def no_sleep(_: float) -> None:
    pass


def test_samples_are_cached_and_a_rerun_costs_nothing(tmp_path):
    cache = ResponseCache(tmp_path / "cache")
    usage = tmp_path / "llm_usage.json"
    with ReplayServer([Reply(recorded(n)) for n in NAMES]) as server:
        first = Sampler(config(server), cache, usage).sample(MESSAGES)
        assert len(server.requests) == len(NAMES)
        assert {s.content for s in first} == {recorded(n) for n in NAMES}
        assert not any(s.cached for s in first)
        assert all(s.prompt_tokens == 1200 and s.completion_tokens == 400 for s in first)
        assert all(s.cost_usd == pytest.approx((1200 * 1.0 + 400 * 4.0) / 1e6) for s in first)
        body = server.requests[0]
        assert body["model"] == "replay-model" and body["messages"] == MESSAGES
        assert body["temperature"] == 1.0

        again = Sampler(config(server), cache, usage).sample(MESSAGES)
        assert len(server.requests) == len(NAMES)  # nothing new was asked
    assert [s.content for s in again] == [s.content for s in first]
    assert all(s.cached and s.cost_usd == 0 for s in again)
    totals = json.loads(usage.read_text())["totals"]
    assert totals["api_calls"] == len(NAMES) and totals["cache_hits"] == len(NAMES)
    assert totals["prompt_tokens"] == 1200 * len(NAMES)
    assert totals["cost_usd"] == pytest.approx(len(NAMES) * 0.0028)


def test_each_sample_index_has_its_own_key_and_file(tmp_path):
    cache = ResponseCache(tmp_path)
    with ReplayServer([Reply(recorded(n)) for n in NAMES]) as server:
        samples = Sampler(config(server), cache, tmp_path / "u.json").sample(MESSAGES)
    keys = [s.key for s in samples]
    assert len(set(keys)) == len(NAMES)
    for s in samples:
        entry = json.loads(cache.path(s.key).read_text())
        assert entry["request"]["sample_index"] == s.index and entry["content"] == s.content


def test_cache_key_is_stable_across_processes():
    params = config(None).request_params()
    here = request_key("m", MESSAGES, params, 3)
    code = ("import json,sys; from planner.llm.cache import request_key; "
            "print(request_key('m', json.loads(sys.argv[1]), json.loads(sys.argv[2]), 3))")
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(Path(__file__).parents[2])}
    there = subprocess.run([sys.executable, "-c", code, json.dumps(MESSAGES), json.dumps(params)],
                           capture_output=True, text=True, check=True, env=env).stdout.strip()
    assert here == there


@given(st.text(max_size=40), st.integers(0, 1000), st.integers(0, 1000),
       st.floats(0, 2, allow_nan=False))
def test_cache_key_depends_on_every_input(content, i, j, temperature):
    msgs = [{"role": "user", "content": content}]
    key = request_key("m", msgs, {"temperature": temperature}, i)
    assert key == request_key("m", [dict(msgs[0])], {"temperature": temperature}, i)
    assert (key == request_key("m", msgs, {"temperature": temperature}, j)) == (i == j)
    assert key != request_key("m2", msgs, {"temperature": temperature}, i)
    assert key != request_key("m", [{"role": "user", "content": content + "x"}],
                              {"temperature": temperature}, i)


def test_offline_mode_reads_the_cache_and_fails_clearly_on_a_miss(tmp_path):
    cache = ResponseCache(tmp_path)
    with pytest.raises(CacheMissError, match=r"offline mode: 5 of 5 responses are not cached") as info:
        Sampler(config(None, offline=True), cache, tmp_path / "u.json").sample(MESSAGES)
    assert isinstance(info.value, PlannerError)
    with ReplayServer([Reply(recorded(n)) for n in NAMES]) as server:
        Sampler(config(server), cache, tmp_path / "u.json").sample(MESSAGES, n=3)
    with pytest.raises(CacheMissError, match="2 of 5"):
        Sampler(config(None, offline=True), cache, tmp_path / "u.json").sample(MESSAGES)
    three = Sampler(config(None, offline=True), cache, tmp_path / "u.json").sample(MESSAGES, n=3)
    assert all(s.cached for s in three)


def test_transient_errors_are_retried_with_backoff(tmp_path):
    delays: list[float] = []
    replies = [Reply(status=500), Reply(status=429, headers={"retry-after": "0.25"}),
               Reply(status=503), Reply(recorded("good_blocksworld"))]
    with ReplayServer(replies) as server:
        sampler = Sampler(config(server, n=1, concurrency=1, backoff=0.5), ResponseCache(tmp_path),
                          tmp_path / "u.json", sleep=delays.append)
        [sample] = sampler.sample(MESSAGES)
        assert len(server.requests) == 4
    assert sample.content == recorded("good_blocksworld") and sample.attempts == 4
    assert delays[1] == 0.25  # Retry-After is honoured
    assert 0.25 <= delays[0] <= 0.5 and 1.0 <= delays[2] <= 2.0  # exponential, with jitter


def test_exhausted_retries_leave_the_sample_failed_and_uncached(tmp_path):
    cache = ResponseCache(tmp_path)
    with ReplayServer([Reply(status=502)]) as server:
        [sample] = Sampler(config(server, n=1, max_retries=2), cache, tmp_path / "u.json",
                           sleep=no_sleep).sample(MESSAGES)
        assert len(server.requests) == 3
    assert sample.content is None and "InternalServerError" in sample.error
    assert sample.key not in cache


def test_request_timeout_is_explicit(tmp_path):
    with ReplayServer([Reply(recorded("good_blocksworld"), delay=3)]) as server:
        start = time.monotonic()
        [sample] = Sampler(config(server, n=1, timeout=0.3, max_retries=1), ResponseCache(tmp_path),
                           tmp_path / "u.json", sleep=no_sleep).sample(MESSAGES)
        assert time.monotonic() - start < 2.5
    assert sample.content is None and "Timeout" in sample.error


@pytest.mark.parametrize("status", [400, 401, 404])
def test_errors_the_user_must_fix_stop_at_once(tmp_path, status):
    with ReplayServer([Reply(status=status)]) as server:
        with pytest.raises(EndpointError, match=f"HTTP {status}"):
            Sampler(config(server, n=4, concurrency=1), ResponseCache(tmp_path), tmp_path / "u.json",
                    sleep=no_sleep).sample(MESSAGES)
        assert len(server.requests) == 1


def test_client_reads_openai_environment_variables(tmp_path, monkeypatch):
    with ReplayServer([Reply(recorded("good_blocksworld"))]) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "from-env")
        [sample] = Sampler(config(None, n=1, base_url=None, api_key=None), ResponseCache(tmp_path),
                           tmp_path / "u.json").sample(MESSAGES)
        assert len(server.requests) == 1
    assert sample.content == recorded("good_blocksworld")


def test_missing_api_key_is_a_user_error(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(EndpointError, match="OPENAI_API_KEY"):
        Sampler(config(None, n=1, api_key=None), ResponseCache(tmp_path), tmp_path / "u.json").sample(MESSAGES)


def test_corrupt_cache_entry_counts_as_a_miss(tmp_path):
    cache = ResponseCache(tmp_path)
    with ReplayServer([Reply(recorded("good_blocksworld"))]) as server:
        sampler = Sampler(config(server, n=1), cache, tmp_path / "u.json")
        [sample] = sampler.sample(MESSAGES)
        cache.path(sample.key).write_text('{"key": "truncated')
        [again] = sampler.sample(MESSAGES)
        assert len(server.requests) == 2 and not again.cached
    assert json.loads(cache.path(sample.key).read_text())["content"] == sample.content


RUNNER = """
import sys
from planner.llm.cache import ResponseCache
from planner.llm.sampler import Sampler, SamplerConfig
cfg = SamplerConfig(model="replay-model", n=6, concurrency=1, timeout=30, max_retries=0,
                    api_key="k", base_url=sys.argv[1])
Sampler(cfg, ResponseCache(sys.argv[2]), sys.argv[3]).sample(
    [{"role": "user", "content": "Write a blocksworld heuristic."}])
"""


def test_a_run_killed_midway_resumes_from_the_cache(tmp_path):
    cache_dir = tmp_path / "cache"
    replies = [Reply(f"```python\n# sample {i}\n```", delay=0.4) for i in range(6)]
    with ReplayServer(replies) as server:
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
        proc = subprocess.Popen([sys.executable, "-c", RUNNER, server.base_url, str(cache_dir),
                                 str(tmp_path / "u.json")], env=env)
        try:
            deadline = time.monotonic() + 30
            while len(list(cache_dir.glob("*/*.json"))) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait()
        done = len(list(cache_dir.glob("*/*.json")))
        assert 2 <= done < 6
        asked_before = len(server.requests)
        # every cached reply is in the usage log (it is written first); a reply
        # the kill caught between the two writes is paid for and logged too
        logged_before = json.loads((tmp_path / "u.json").read_text())["totals"]["api_calls"]
        assert done <= logged_before <= asked_before
        messages = [{"role": "user", "content": "Write a blocksworld heuristic."}]
        cfg = SamplerConfig(model="replay-model", n=6, concurrency=2, api_key="k",
                            base_url=server.base_url)
        samples = Sampler(cfg, ResponseCache(cache_dir), tmp_path / "u.json").sample(messages)
        assert len(server.requests) - asked_before == 6 - done
    assert sum(s.cached for s in samples) == done
    assert all(s.content is not None and s.content.startswith("```python") for s in samples)
    usage = json.loads((tmp_path / "u.json").read_text())
    assert usage["totals"]["api_calls"] == logged_before + (6 - done)


def test_cache_defaults_to_a_per_user_directory_outside_the_package(monkeypatch, tmp_path):
    import planner
    from planner.llm.errors import LLMError

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert ResponseCache().directory == tmp_path / "xdg" / "planner" / "llm"
    with pytest.raises(LLMError, match="inside the installed package"):
        ResponseCache(Path(planner.__file__).parent / "llm" / "cache")
