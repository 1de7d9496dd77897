"""Kernel heuristics and the jail: an LLM-written kernel is compiled and
evaluated only in the jailed child; nothing it writes reaches the parent
(there is no on-disk kernel cache: the child compiles in memory, and seccomp
and RLIMIT_FSIZE deny it every file write); its crash is its own failure.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from planner.heuristics.kernel import KERNEL_CLASS_NAME
from planner.heuristics.untrusted import UntrustedHeuristic
from planner.search.solve import solve
from tests.fixtures import ROOT, benchmark, planner_env

GOALCOUNT = '''
import numpy as np


def prepare(task):
    return (task.fact_ids(task.goal_atoms),)


def h(state, goal):
    n = 0
    for i in range(goal.shape[0]):
        if state[goal[i]] == 0:
            n += 1
    return float(n)
'''


def _bw(problem: str = "p05"):
    folder = benchmark("blocksworld")
    return folder / "domain.pddl", folder / "training" / "easy" / f"{problem}.pddl"


def _kernel(code: str, label: str = "kernel candidate") -> UntrustedHeuristic:
    return UntrustedHeuristic(code, KERNEL_CLASS_NAME, label)


def test_kernel_candidate_compiles_and_searches_in_the_jail():
    domain, problem = _bw()
    result = solve(domain, problem, search="gbfs", heuristic=_kernel(GOALCOUNT), time_limit=60,
                   fallback=False)
    assert result.solved
    jail = result.statistics["jail"]
    assert jail["outcome"] == "ok"
    assert jail["kernel_compile_time"] > 0  # compiled in the child, reported to the parent
    assert result.statistics["heuristic"] == ["kernel candidate"] or "kernel" in str(result.statistics)


_PARENT = textwrap.dedent('''
    import json, os, sys
    from planner.heuristics.untrusted import from_file_spec
    from planner.search.solve import solve
    r = solve(sys.argv[1], sys.argv[2], search="gbfs", heuristic=from_file_spec(sys.argv[3]),
              time_limit=60, fallback=False)
    print(json.dumps({"solved": r.solved, "numba_in_parent": "numba" in sys.modules,
                      "kernel_modules": [m for m in sys.modules if m.startswith("planner_kernel")],
                      "compile": r.statistics["jail"].get("kernel_compile_time")}))
''')


def test_parent_never_imports_numba_nor_loads_kernel_code(tmp_path):
    """A kernel file given as --heuristic: the trusted parent never imports Numba
    (so it cannot load a Numba cache file) nor the kernel's module; Numba's cache
    folder, pointed at an empty directory, stays empty."""
    domain, problem = _bw()
    path = tmp_path / "goalcount_kernel.py"
    path.write_text(GOALCOUNT, encoding="utf-8")
    cache = tmp_path / "numba-cache"
    cache.mkdir()
    done = subprocess.run([sys.executable, "-c", _PARENT, str(domain), str(problem), str(path)],
                          cwd=ROOT, env=planner_env(NUMBA_CACHE_DIR=str(cache), XDG_CACHE_HOME=str(cache)),
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["solved"] and report["compile"] > 0
    assert report["numba_in_parent"] is False and report["kernel_modules"] == []
    assert list(cache.rglob("*")) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["goalcount_kernel.py", "numba-cache"]


def test_hostile_kernel_cannot_write_outside_its_job(tmp_path):
    """A kernel program that skipped the static check and tries to write files,
    from prepare() and through Numba's own caching, writes nothing; the parent
    falls back to h^FF and solves."""
    target = tmp_path / "escaped"
    tmp_path.chmod(0o777)  # even a world-writable folder stays out of reach
    code = GOALCOUNT.replace("def prepare(task):\n", f'''def prepare(task):
    for where in ({str(target)!r}, "/tmp/planner-kernel-escape", "escape-here"):
        try:
            with open(where, "w") as f:
                f.write("x")
        except OSError:
            pass
    import numba
    try:
        numba.njit(cache=True)(lambda x: x + 1)(1)
    except Exception:
        pass
''')
    domain, problem = _bw()
    result = solve(domain, problem, search="gbfs", heuristic=_kernel(code, "hostile kernel"),
                   time_limit=60)
    assert result.solved
    assert not target.exists()
    assert not (ROOT / "escape-here").exists()
    import os

    assert not os.path.exists("/tmp/planner-kernel-escape")


def test_kernel_segfault_is_that_candidates_failure():
    """Unbounded recursion compiled to machine code overflows the stack (SIGSEGV):
    the jailed child dies, the parent reports a crash and searches with h^FF."""
    code = GOALCOUNT.replace("def h(state, goal):\n", '''def deep(k):
    if k < 0:
        return 0.0
    return deep(k + 1) + 1.0


def h(state, goal):
    if state.shape[0] > 0:
        return deep(0)
''')
    domain, problem = _bw()
    result = solve(domain, problem, search="gbfs", heuristic=_kernel(code, "crashing kernel"),
                   time_limit=60)
    assert result.solved  # by the fallback
    jail = result.statistics["jail"]
    assert jail["failure"] == "crash", jail
    assert "crashing kernel" in result.statistics.get("dropped_heuristics", ["crashing kernel"])[0] \
        or jail["failure"] == "crash"


def test_kernel_candidate_probe_runs_the_differential_check_in_the_jail():
    """learn's probe job: an ok kernel passes; one whose compiled values differ
    from its interpreted ones (int32 wrap-around in numpy, widened by Numba) is
    rejected with the differential check's reason."""
    from planner.llm.sandbox import Limits, probe_candidate

    domain, problem = _bw()
    ok = probe_candidate(GOALCOUNT, domain, problem, KERNEL_CLASS_NAME,
                         limits=Limits(cpu_seconds=120, memory_mb=2048))
    assert ok.outcome == "ok", ok
    wrap = GOALCOUNT.replace("return (task.fact_ids(task.goal_atoms),)",
                             "return (task.fact_ids(task.goal_atoms), np.array([2**31 - 1], dtype=np.int32))")
    wrap = wrap.replace("def h(state, goal):", "def h(state, goal, big):")
    wrap = wrap.replace("    return float(n)", "    if n == 0:\n        return 0.0\n"
                                               "    return float(n + 1 if big[0] + big[0] > 0 else n)")
    bad = probe_candidate(wrap, domain, problem, KERNEL_CLASS_NAME,
                          limits=Limits(cpu_seconds=120, memory_mb=2048))
    assert bad.outcome == "invalid-value", bad
    assert "differential check" in bad.detail
