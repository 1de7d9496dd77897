"""`planner learn` fails fast on an endpoint it cannot use, and says which
sample an API error cost.

Before this check, learn against a closed port printed nothing for 108 s,
then "no code: empty response" per sample, ran repair rounds and exited 12.
Now one request decides: one error line naming the URL and the cause, exit
36 (Fast Downward's driver input error), within a few seconds.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import openai  # noqa: F401 - imported here so the timings below measure the check, not the
import pytest  # import (openai takes 1-5 s to import, 5.5 s at a load average of 11)

import planner.llm.learn  # noqa: F401 - same reason
from planner.cli.main import main
from planner.exitcodes import ExitCode
from tests.llm.replay_server import Reply, ReplayServer, recorded

ROOT = Path(__file__).resolve().parents[2]
FAST = 5.0
"""Seconds an endpoint error may take in-process (measured: 0.3 s for a closed
port, under 0.1 s for an HTTP refusal); generous for a loaded machine."""


def closed_port() -> int:
    """A port nothing listens on: bound by us, then closed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def argv(tmp_path: Path, base_url: str, domain: Path, tasks: list[Path], *extra: str) -> list[str]:
    return ["learn", str(tmp_path / "dk"), str(domain), *map(str, tasks), "--model", "replay",
            "--base-url", base_url, "--samples", "2", "--concurrency", "1", "--time-limit", "10",
            "--memory-limit", "1G", "--cache-dir", str(tmp_path / "cache"), *extra]


def learn(args: list[str], capsys) -> tuple[int, str, float]:
    start = time.monotonic()
    code = main(args)
    elapsed = time.monotonic() - start
    return code, capsys.readouterr().err, elapsed


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("planner: error:")]


@pytest.fixture
def setup(tmp_path, blocksworld, training_tasks, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    return lambda url, *extra: argv(tmp_path, url, blocksworld / "domain.pddl", training_tasks[:1], *extra)


def test_closed_port_is_one_error_line_and_exit_36_at_once(setup, tmp_path, capsys):
    url = f"http://127.0.0.1:{closed_port()}/v1"
    code, err, elapsed = learn(setup(url), capsys)
    assert code == ExitCode.DRIVER_INPUT_ERROR == 36
    assert elapsed < FAST
    [line] = error_lines(err)
    assert f"cannot reach the LLM endpoint {url}: connection refused" in line
    assert "--base-url" in line
    assert "sample" not in err and not (tmp_path / "dk").exists()


def test_unknown_host_is_named(setup, capsys):
    # .invalid never resolves (RFC 2606); measured 0.01 s here
    code, err, _ = learn(setup("http://no-such-host.invalid/v1"), capsys)
    [line] = error_lines(err)
    assert code == 36 and "http://no-such-host.invalid/v1: unknown host" in line


@pytest.mark.parametrize("check, expected", [
    (Reply(status=401), ["HTTP 401", "API key was refused", "OPENAI_API_KEY"]),
    (Reply(status=403), ["HTTP 403", "may not use model 'replay'"]),
    (Reply("The model `replay` does not exist.", status=404),
     ["HTTP 404", "The model `replay` does not exist.", "--model names a served model"]),
    (Reply("temperature out of range", status=400), ["HTTP 400", "temperature out of range", "--temperature"]),
    (Reply(status=503), ["HTTP 503", "keeps failing"]),
])
def test_refused_check_is_one_error_line_naming_url_and_cause(setup, capsys, check, expected):
    with ReplayServer([Reply(recorded("good_blocksworld"))], check=check) as server:
        code, err, elapsed = learn(setup(server.base_url, "--max-retries", "0"), capsys)
        assert server.requests == [] and len(server.checks) == 1
    [line] = error_lines(err)
    assert code == 36 and elapsed < FAST
    assert f"the LLM endpoint {server.base_url} refused a minimal request for model 'replay'" in line
    for text in expected:
        assert text in line


def test_wrong_url_path_is_named(setup, capsys):
    with ReplayServer([Reply(recorded("good_blocksworld"))]) as server:
        url = server.base_url.removesuffix("/v1")  # a common mistake: no /v1
        code, err, _ = learn(setup(url), capsys)
    [line] = error_lines(err)
    assert code == 36 and f"endpoint {url} refused" in line and "HTTP 404" in line
    assert "the URL ends in /v1" in line


def test_the_check_is_one_small_request_then_sampling_proceeds(setup, tmp_path, capsys):
    with ReplayServer([Reply(recorded("good_blocksworld"))]) as server:
        code, err, _ = learn(setup(server.base_url, "--repair-rounds", "0"), capsys)
        [check] = server.checks
        assert len(server.requests) == 2
    assert code == 0
    assert check["max_tokens"] == 1 and check["model"] == "replay"
    assert check["temperature"] == server.requests[0]["temperature"]  # the same options as sampling
    assert f"LLM endpoint {server.base_url} answers for model 'replay'" in err
    usage = json.loads((tmp_path / "dk.work" / "llm_usage.json").read_text())
    assert usage["totals"]["endpoint_checks"] == 1 and usage["totals"]["api_calls"] == 2


def test_rate_limited_check_proceeds(setup, capsys):
    with ReplayServer([Reply(recorded("good_blocksworld"))], check=Reply(status=429)) as server:
        code, err, _ = learn(setup(server.base_url, "--repair-rounds", "0"), capsys)
        assert len(server.requests) == 2
    assert code == 0 and "rate-limited" in err


def test_offline_and_cached_runs_send_no_check(setup, capsys):
    with ReplayServer([Reply(recorded("good_blocksworld"))]) as server:
        assert learn(setup(server.base_url, "--repair-rounds", "0"), capsys)[0] == 0
    # everything is cached now: neither an offline nor an online rerun needs the (closed) endpoint
    gone = f"http://127.0.0.1:{closed_port()}/v1"
    for extra in (["--offline"], []):
        code, err, _ = learn(setup(gone, "--repair-rounds", "0", *extra), capsys)
        assert code == 0, err
        assert "LLM endpoint" not in err


def test_per_sample_api_error_is_on_the_sample_line_and_not_repaired(setup, tmp_path, capsys):
    replies = [Reply(recorded("good_blocksworld")), Reply("overloaded", status=500)]
    with ReplayServer(replies) as server:
        code, err, _ = learn(setup(server.base_url, "--max-retries", "0", "--repair-rounds", "1"), capsys)
        assert len(server.requests) == 2  # no repair request for the failed sample
    assert code == 0
    line = next(line for line in err.splitlines() if line.startswith("sample   1 round 0:"))
    assert line == ("sample   1 round 0: API error: HTTP 500 InternalServerError (overloaded) "
                    "(after 1 attempt)")
    from planner.bench.learning import summarize

    summary = summarize(tmp_path / "dk.work" / "results-round0.json")  # the learning report's count
    assert summary.failures["api-error"] == 1 and "no-code" not in summary.failures


def test_closed_port_from_the_command_line(tmp_path, blocksworld, training_tasks):
    """The real process: one stderr line, exit 36, nothing on stdout but the --json answer."""
    url = f"http://127.0.0.1:{closed_port()}/v1"
    args = argv(tmp_path, url, blocksworld / "domain.pddl", training_tasks[:1], "--json")
    env = {"OPENAI_API_KEY": "k", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    elapsed = time.monotonic() - start
    assert done.returncode == 36
    # one error line (the IPC domain may also draw the front-end's missing-requirement warning)
    errors = [line for line in done.stderr.splitlines() if not line.startswith("planner: warning:")]
    assert len(errors) == 1 and errors[0].startswith("planner: error: cannot reach")
    assert json.loads(done.stdout)["exit_code"] == 36
    # interpreter start and imports included: measured 14 s wall (3.2 s CPU) at a
    # load average of 11 on 2 cores, most of it importing openai
    assert elapsed < 60
