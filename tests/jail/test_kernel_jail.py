"""Kernel heuristics and the jail: an LLM-written kernel is compiled and
evaluated only in the jailed child (seccomp and RLIMIT_FSIZE deny it every file
write); the object code it compiled comes back as bytes that the parent writes
into the folder of the code it handed over and never loads; only a later
jailed run of the same code loads them. A kernel's crash is its own failure.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from planner.heuristics.kernel import KERNEL_CLASS_NAME
from planner.heuristics.untrusted import UntrustedHeuristic
from planner.search.solve import solve
from tests.fixtures import GOALCOUNT_KERNEL, IPC_DOMAINS, ROOT, benchmark, planner_env

GOALCOUNT = GOALCOUNT_KERNEL


def _bw(problem: str = "p05"):
    folder = benchmark("blocksworld")
    return folder / "domain.pddl", folder / "training" / "easy" / f"{problem}.pddl"


def _kernel(code: str, label: str = "kernel candidate") -> UntrustedHeuristic:
    return UntrustedHeuristic(code, KERNEL_CLASS_NAME, label)


@pytest.fixture(autouse=True)
def kernel_cache(tmp_path, monkeypatch):
    folder = tmp_path / "kernel-cache"
    monkeypatch.setenv("PLANNER_KERNEL_CACHE", str(folder))
    return folder


def test_kernel_candidate_compiles_in_the_jail_and_later_runs_load_its_object_code(kernel_cache):
    from planner.heuristics.kernel import code_key

    domain, problem = _bw()
    first = solve(domain, problem, search="gbfs", heuristic=_kernel(GOALCOUNT), time_limit=60,
                  fallback=False)
    assert first.solved
    jail = first.statistics["jail"]
    assert jail["outcome"] == "ok" and jail["kernel_cache_hits"] == 0
    assert jail["kernel_compile_time"] > 0  # compiled in the child, reported to the parent
    files = sorted(p.relative_to(kernel_cache) for p in kernel_cache.rglob("*") if p.is_file())
    assert len(files) == 1 and files[0].parts[0] == code_key(GOALCOUNT) and files[0].suffix == ".bin"
    second = solve(domain, problem, search="gbfs", heuristic=_kernel(GOALCOUNT), time_limit=60,
                   fallback=False)
    assert second.solved and second.plan == first.plan
    assert second.statistics["jail"]["kernel_cache_hits"] == 1
    # with its object code cached the child only prepared Numba's code generator
    assert (jail["kernel_preparation"], second.statistics["jail"]["kernel_preparation"]) == \
        ("warm-up", "loading")


def test_a_cached_entry_for_other_array_types_reruns_the_child_fully_prepared(kernel_cache):
    """The child prepares only for loading when its code has cached entries; one
    for other array types (here a forged one) is not what the kernel needs, and
    it cannot compile after the lock-down without Numba's lazily loaded modules,
    so the parent runs the child again with the full warm-up: the run still
    searches with the kernel, and keeps its object code."""
    from planner.heuristics.kernel import code_key

    folder = kernel_cache / code_key(GOALCOUNT)
    folder.mkdir(parents=True)
    (folder / ("f" * 32 + ".bin")).write_bytes(b"not object code")
    domain, problem = _bw()
    result = solve(domain, problem, search="gbfs", heuristic=_kernel(GOALCOUNT), time_limit=60,
                   fallback=False)
    assert result.solved and result.statistics["heuristic"] != "ff"
    jail = result.statistics["jail"]
    assert jail["kernel_preparation"] == "warm-up" and jail["kernel_cache_hits"] == 0
    assert len(list(folder.glob("*.bin"))) == 2  # the compiled entry kept beside the forged one


def test_a_portfolio_of_untrusted_kernels_keeps_no_object_code(kernel_cache):
    domain, problem = _bw()
    other = GOALCOUNT.replace("n += 1", "n += 2")
    result = solve(domain, problem, search="gbfs", heuristic=[_kernel(GOALCOUNT, "a"), _kernel(other, "b")],
                   time_limit=60, fallback=False)
    assert result.solved
    assert not kernel_cache.exists() or list(kernel_cache.rglob("*.bin")) == []


def test_the_parent_stores_only_well_formed_entries_in_the_folder_of_its_own_code(kernel_cache):
    from planner.heuristics.kernel import code_key, store_objects

    good = "0" * 32
    written = store_objects(GOALCOUNT, {good: "AAEC", "../../escape": "AAEC", "f" * 31: "AAEC",
                                        "a" * 32: "not base64!", "b" * 32: 7})
    assert written == 1
    files = [p.relative_to(kernel_cache) for p in kernel_cache.rglob("*") if p.is_file()]
    assert files == [Path(code_key(GOALCOUNT)) / f"{good}.bin"]
    assert (kernel_cache / files[0]).read_bytes() == b"\x00\x01\x02"
    # entries the child filed under another code's key are not the parent's to take
    from planner.search.jailed import ChildSearch
    from planner.search.solve import _store_kernel_objects

    child = ChildSearch("solved", (), {}, (), (), (), {"f" * 64: {"c" * 32: "AAEC"}})
    _store_kernel_objects([_kernel(GOALCOUNT)], child)
    assert len([p for p in kernel_cache.rglob("*") if p.is_file()]) == 1


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


def test_parent_never_imports_numba_nor_loads_kernel_code(tmp_path, kernel_cache):
    """A kernel file given as --heuristic, twice (compiled, then loaded from the
    cache): the trusted parent never imports Numba (so it cannot load a Numba
    cache file or object code) nor the kernel's module; Numba's own cache
    folder, pointed at an empty directory, stays empty."""
    domain, problem = _bw()
    path = tmp_path / "goalcount_kernel.py"
    path.write_text(GOALCOUNT, encoding="utf-8")
    numba_cache = tmp_path / "numba-cache"
    numba_cache.mkdir()
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", _PARENT, str(domain), str(problem), str(path)],
                              cwd=ROOT, env=planner_env(NUMBA_CACHE_DIR=str(numba_cache),
                                                        PLANNER_KERNEL_CACHE=str(kernel_cache)),
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-2000:]
        report = json.loads(done.stdout.strip().splitlines()[-1])
        assert report["solved"] and report["compile"] > 0
        assert report["numba_in_parent"] is False and report["kernel_modules"] == []
    assert list(numba_cache.rglob("*")) == []
    assert len(list(kernel_cache.rglob("*.bin"))) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["goalcount_kernel.py", "kernel-cache", "numba-cache"]


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


@pytest.mark.parametrize("domain", IPC_DOMAINS)
def test_shipped_kernel_forms_compile_and_solve_in_the_jail(domain, shipped_kernel_run):
    """The stored kernel forms, loaded as `--heuristic auto` loads them (text for
    the jail), compile after the chroot (every module Numba needs was loaded by
    the warm-up) and solve the domain's first easy test task with no fallback.
    The run is tests/conftest.py's shipped_kernel_run: once per session, with
    an empty cache of its own (so this is a compile, never a cache load); its
    object code then seeds the session's cache for every later jailed run."""
    result = shipped_kernel_run(domain)
    assert result.solved
    jail = result.statistics["jail"]
    assert jail["outcome"] == "ok" and "failure" not in jail, jail
    assert jail["kernel_compile_time"] > 0 and jail["kernel_cache_hits"] == 0
    assert jail["kernel_preparation"] == "warm-up"


SCRATCH = '''
import numpy as np


def prepare(task):
    return (task.fact_ids(task.goal_atoms), np.zeros(1 << 16, dtype=np.int64))


def h(state, goal, scratch):
    for i in range(scratch.shape[0]):
        scratch[i] = 0
    n = 0
    for i in range(goal.shape[0]):
        if state[goal[i]] == 0:
            n += 1
            scratch[i] = 1
    return float(n)
'''


def test_loaded_object_code_runs_loops_over_large_arrays():
    # LLVM turns the zeroing loop into a library call. Loaded from the cache into a child
    # prepared only for loading, without Numba's runtime initialised, the stored rovers
    # kernel called address 0 there (SIGSEGV) on generated hard tasks.
    domain, problem = _bw()
    first = solve(domain, problem, search="gbfs", heuristic=_kernel(SCRATCH), time_limit=60,
                  fallback=False)
    assert first.solved and first.statistics["jail"]["kernel_cache_hits"] == 0
    second = solve(domain, problem, search="gbfs", heuristic=_kernel(SCRATCH), time_limit=60,
                   fallback=False)
    jail = second.statistics["jail"]
    assert (jail["kernel_cache_hits"], jail["kernel_preparation"]) == (1, "loading")
    assert second.solved and second.plan == first.plan


def test_a_kernel_failing_in_the_jail_gives_way_to_its_python_form_before_h_ff(caplog):
    """A kernel form that fails in the jail (here: a negative value) is the same
    heuristic as its Python form, only faster: the search tries the Python form
    in the jail next, and h^FF only after that; "jail" keeps the kernel's attempt."""
    from tests.fixtures import GOALCOUNT_PYTHON_FORM

    broken = GOALCOUNT.replace("return float(n)", "return float(n) - 100.0")
    python = UntrustedHeuristic(GOALCOUNT_PYTHON_FORM, "DomainHeuristic", "its Python form")
    member = replace(_kernel(broken, "broken kernel"), python_form=python)
    domain, problem = _bw()
    with caplog.at_level(logging.WARNING):
        result = solve(domain, problem, search="gbfs", heuristic=member, time_limit=60)
    assert result.solved
    assert result.statistics["heuristic"] == "DomainHeuristic"
    jail = result.statistics["jail"]
    assert jail["outcome"] == "ok" and jail["kernel_attempt"]["failure"]
    assert "searching with the Python form of broken kernel in the jail" in caplog.text
    # without a Python form the same failure goes to h^FF, as before
    alone = solve(domain, problem, search="gbfs", heuristic=_kernel(broken, "broken kernel"),
                  time_limit=60)
    assert alone.solved and alone.statistics["heuristic"] == "ff"
    assert "kernel_attempt" not in alone.statistics["jail"]
