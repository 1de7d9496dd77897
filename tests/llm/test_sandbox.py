"""Containment: whatever a candidate does, the caller gets a classified outcome."""
from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.fixtures import DATA, benchmark
from planner.llm.cache import ResponseCache
from planner.llm.extract import extract
from planner.llm.sandbox import OUTCOMES, Limits, probe_candidate, run_job, solve_candidate
from tests.llm.replay_server import recorded

FAST = Limits(cpu_seconds=2, memory_mb=512, wall_seconds=8)
EXPECTED = json.loads((DATA / "expected.json").read_text())


def load(code: str, limits: Limits = FAST):
    return run_job("load", {"code": code}, limits)


@pytest.fixture(scope="module")
def isolation() -> dict[str, bool]:
    """Which lock-down measures this machine allows (all of them when run as root)."""
    return load("class H:\n    def __call__(self, s): return 0\n").data["isolation"]


def require(isolation: dict[str, bool], *measures: str) -> None:
    missing = [m for m in measures if not isolation.get(m)]
    if missing:
        pytest.skip(f"this machine does not allow {', '.join(missing)} for the sandbox")


def test_a_good_module_loads():
    result = load("class H:\n    def __call__(self, s):\n        return 0\n")
    assert result.outcome == "ok" and result.data["class_name"] == "H"


def test_busy_loop_hits_the_cpu_limit():
    start = time.monotonic()
    result = load("while True:\n    pass\n")
    assert result.outcome == "timeout" and "deadline" in result.detail
    assert time.monotonic() - start < FAST.wall + 2


def test_sleeping_hits_the_wall_clock_limit():
    start = time.monotonic()
    result = load("import time\ntime.sleep(60)\n", Limits(cpu_seconds=2, wall_seconds=3))
    assert result.outcome == "timeout"
    assert time.monotonic() - start < 6


def test_memory_bomb_is_a_memout():
    result = load("x = []\nwhile True:\n    x.append(bytearray(10**7))\n")
    assert result.outcome == "memout"


def test_fork_is_refused(isolation):
    require(isolation, "seccomp")
    result = load("import os\npids = [os.fork() for _ in range(50)]\n")
    assert result.outcome == "crash" and "Operation not permitted" in result.detail


def test_threads_are_refused(isolation):
    require(isolation, "seccomp")
    result = load("import threading\nthreading.Thread(target=lambda: None).start()\n")
    assert result.outcome == "crash" and "thread" in result.detail.lower()


def test_files_cannot_be_written_or_read(tmp_path, isolation):
    require(isolation, "chroot", "seccomp")
    os.chmod(tmp_path, 0o777)
    target = tmp_path / "pwned"
    result = load(f"open({str(target)!r}, 'w').write('x')\n")
    assert result.outcome == "crash" and not target.exists()
    result = load("open('/etc/passwd').read()\n")
    assert result.outcome == "crash" and "No such file" in result.detail


def test_network_is_unreachable(isolation):
    require(isolation, "seccomp")  # the network namespace is only entered where seccomp is not
    result = load("import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=1)\n")
    assert result.outcome == "crash" and "Operation not permitted" in result.detail  # no socket at all


def test_environment_is_clean(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    result = load("import os\nraise ValueError(sorted(os.environ.items()))\n")
    assert result.outcome == "crash" and "sk-secret" not in result.detail
    assert "OPENAI" not in result.detail and "PATH" in result.detail


def test_string_hashing_uses_the_fixed_seed_in_every_job():
    """clean_environment sets PYTHONHASHSEED=0 (python -I would ignore it): a heuristic
    iterating a set of names (the rovers program's values depend on that order) computes
    the same values in every job, so learn --kernel-only can compare two jobs' values."""
    import subprocess
    import sys

    code = "raise ValueError('hashes', hash('rover0'), list({'rover%d' % i for i in range(20)}))\n"
    first, second = load(code), load(code)
    assert first.outcome == second.outcome == "crash"
    assert "hashes" in first.detail and first.detail == second.detail
    seed0 = subprocess.run([sys.executable, "-c", "print(hash('rover0'))"], capture_output=True,
                           text=True, env={**os.environ, "PYTHONHASHSEED": "0"}, check=True)
    assert seed0.stdout.strip() in first.detail


def test_only_the_result_descriptor_is_inherited():
    code = ("import os, resource\n"
            "fds = []\n"
            "for fd in range(256):\n"
            "    try:\n"
            "        os.fstat(fd)\n"
            "        fds.append(fd)\n"
            "    except OSError:\n"
            "        pass\n"
            "raise ValueError(len(fds), fds[:3], resource.getrlimit(resource.RLIMIT_NOFILE))\n")
    result = load(code)
    assert result.outcome == "crash"
    # stdin on /dev/null, stdout+stderr on the output pipe, the result pipe
    assert result.detail == "error: ValueError: (4, [0, 1, 2], (16, 16))"


def test_exiting_or_killing_itself_is_a_crash_not_a_result():
    assert load("import os\nos._exit(0)\n").outcome == "crash"
    # The jailed child is init of its PID namespace: its own SIGKILL is ignored,
    # and the run goes on to fail for want of a heuristic class.
    result = load("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
    assert result.outcome == "crash"
    assert load("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n").outcome == "crash"


def test_forged_results_without_the_nonce_are_ignored():
    code = ('import os, json\n'
            'for fd in range(3, 10):\n'
            '    try:\n'
            '        os.write(fd, b\'deadbeef {"outcome": "solved", "plan_cost": 0}\\n\')\n'
            '    except OSError:\n'
            '        pass\n'
            'raise SystemExit(0)\n')
    result = load(code)  # its bytes land in the result pipe: a malformed frame, so a crash
    assert result.outcome == "crash" and "solved" not in json.dumps(result.data)


def test_output_floods_are_capped_and_harmless():
    code = "import os\nfor _ in range(200):\n    os.write(2, b'x' * 1_000_000)\nclass H:\n    def __call__(self, s): return 0\n"
    assert load(code).outcome == "ok"


def test_isolation_measures_are_reported(isolation):
    if os.getuid() == 0:
        from planner.jail.host import ALL_LAYERS

        # No network namespace where seccomp denies every socket (planner.jail.layers).
        assert isolation == {name: name != "net_namespace" for name in ALL_LAYERS}


def test_concurrent_jobs_are_independent():
    codes = ["while True:\n    pass\n", "class H:\n    def __call__(self, s): return 0\n",
             "raise KeyError('k')\n"]
    with ThreadPoolExecutor(3) as pool:
        outcomes = list(pool.map(lambda c: load(c).outcome, codes))
    assert outcomes == ["timeout", "ok", "crash"]


def test_cache_directory_is_out_of_reach(tmp_path, isolation):
    require(isolation, "chroot", "seccomp")
    cache = ResponseCache(tmp_path / "cache")
    cache.put("ab" * 32, {"content": "kept"})
    target = cache.path("ab" * 32)
    code = f"open({str(target)!r}, 'w').write('{{}}')\n"
    assert load(code).outcome == "crash"
    assert cache.get("ab" * 32)["content"] == "kept"


# -- recorded candidates on a real task ---------------------------------------------------

@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if n != "_comment" and e["probe"]])
def test_recorded_candidates_are_contained_with_the_expected_probe_outcome(name, isolation):
    bw = benchmark("blocksworld")
    code = extract(recorded(name)).code
    marker = Path("/tmp/planner_escape_marker")
    result = probe_candidate(code, bw / "domain.pddl", bw / "training" / "easy" / "p20.pddl",
                             limits=Limits(cpu_seconds=4, memory_mb=768, wall_seconds=20))
    assert result.outcome in OUTCOMES
    expected = EXPECTED[name]["probe"]
    if expected != "any":
        assert result.outcome == expected, (result.detail, result.stderr)
    assert not marker.exists()
    if isolation.get("chroot"):  # without it, FSIZE=0 still stops writes but not empty files
        assert not Path("/tmp/planner_heuristic_log.txt").exists()


def test_good_candidate_solves_in_the_sandbox_and_bad_ones_are_classified():
    bw = benchmark("blocksworld")
    domain, problem = bw / "domain.pddl", bw / "training" / "easy" / "p20.pddl"
    good = solve_candidate(extract(recorded("good_blocksworld")).code, domain, problem, time_limit=20)
    assert good.outcome == "solved", good.detail
    assert good.data["plan_cost"] == len(good.data["plan"]) and good.data["expansions"] > 0
    slow = solve_candidate(extract(recorded("slow_but_correct")).code, domain,
                           bw / "training" / "easy" / "p99.pddl", time_limit=2)
    assert slow.outcome == "timeout" and slow.data["expansions"] is not None  # statistics kept
    bad = solve_candidate(extract(recorded("none_return")).code, domain, problem, time_limit=10)
    assert bad.outcome == "invalid-value"


def test_unreadable_task_is_a_preparation_error_not_a_candidate_failure(tmp_path):
    result = probe_candidate("class H:\n    def __call__(self, s): return 0\n",
                             tmp_path / "missing-domain.pddl", tmp_path / "missing.pddl", limits=FAST)
    assert result.outcome == "error" and "preparing the job failed" in result.detail
