"""Grounding on the shared IPC 2023 tasks, against Fast Downward's translator,
and its determinism across hash seeds; plus small hand-written tasks whose
ground form is known exactly."""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tests.fixtures import (IPC_DOMAINS, ROOT, benchmark_tasks, benchmarks_dir, fd_translator,
                      have_benchmarks, planner_env)
from planner.exitcodes import ExitCode
from planner.frontend.grounding import UnsolvableTaskError, ground, ground_files
from planner.frontend.inputs import parse_files, parse_strings
from tests.fixtures import ADL_DOMAIN, ADL_PROBLEM

# --------------------------------------------------------------------------
# Every benchmark task parses and grounds.
#
# Parsing + grounding costs 50-100 ms a task (most of it building the Lark
# parsers), so the default run takes every easy test task and a fixed sample
# of training tasks; `--runslow` takes all ~1270 of them.

TESTING = benchmark_tasks("testing")
TRAINING = benchmark_tasks("training")
TRAINING_SAMPLE = [t for t in TRAINING if t[1].endswith("/p50.pddl")]
TRAINING_REST = [t for t in TRAINING if t not in TRAINING_SAMPLE]


def check_grounds(domain: str, problem: str) -> None:
    base = benchmarks_dir() / domain
    task = ground_files(base / "domain.pddl", base / problem)
    assert task.num_operators > 0 and task.num_facts > 0
    n = task.num_facts
    for csr in (task.pre_pos, task.pre_neg, task.add, task.delete):
        assert len(csr) == task.num_operators
        assert csr.idx.size == 0 or (0 <= csr.idx.min() and csr.idx.max() < n)
    assert len(task.cost) == task.num_operators
    assert task.init.size and 0 <= task.init.min() and task.init.max() < n
    assert len(task.goal_pos) > 0
    assert len(set(task.facts)) == n
    assert len(set(task.operators)) == task.num_operators
    assert not task.is_goal(frozenset(int(f) for f in task.init))


# Domains the front-end currently misreads, with the reason (strict xfail).
BROKEN_DOMAINS: dict[str, str] = {}


def _task_params(tasks, broken=BROKEN_DOMAINS):
    return [pytest.param(d, p, id=f"{d}/{p}", marks=[pytest.mark.xfail(strict=True, reason=broken[d])]
                         if d in broken else []) for d, p in tasks]


@pytest.mark.skipif(not have_benchmarks(), reason="shared benchmarks absent")
@pytest.mark.parametrize("domain,problem", _task_params(TESTING + TRAINING_SAMPLE))
def test_benchmark_task_grounds(domain: str, problem: str) -> None:
    check_grounds(domain, problem)


@pytest.mark.slow
@pytest.mark.skipif(not have_benchmarks(), reason="shared benchmarks absent")
@pytest.mark.parametrize("domain,problem", _task_params(TRAINING_REST))
def test_benchmark_training_task_grounds(domain: str, problem: str) -> None:
    check_grounds(domain, problem)


def test_benchmarks_are_all_there() -> None:
    base = benchmarks_dir()
    assert len(TESTING) == 30 * len(IPC_DOMAINS)
    assert len(TRAINING) > 900
    for domain in IPC_DOMAINS:
        assert (base / domain / "domain.pddl").is_file()


# --------------------------------------------------------------------------
# Operator parity with Fast Downward's translator.
#
# With relevance pruning and mutex-based pruning (both on by default, as in
# FD) our operators are exactly FD's, by name, on all ten domains. Before
# mutex pruning, blocksworld kept stack(x,x) (needs (holding x) and
# (clear x)) and unstack(x,x) (needs (on x x) and (clear x)): 2 per block.

FD_SAMPLE = ("testing/easy/p01.pddl", "training/easy/p50.pddl")
FD_SAMPLE_SLOW = ("testing/easy/p15.pddl", "testing/easy/p30.pddl")


def fd_operators(domain_file: Path, problem_file: Path, workdir: Path) -> tuple[int, set[str]]:
    """FD's `Translator operators: N` and the operator names in its SAS file."""
    sas = workdir / "output.sas"
    done = subprocess.run([*fd_translator(), str(domain_file), str(problem_file),
                           "--sas-file", str(sas)],
                          cwd=workdir, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    count = int(re.search(r"Translator operators: (\d+)", done.stdout).group(1))
    names = {"(" + n.strip() + ")" for n in
             re.findall(r"begin_operator\n(.*)\n", sas.read_text())}
    assert len(names) == count
    return count, names


def _parity(domain: str, problem: str, tmp_path: Path) -> tuple[set[str], set[str]]:
    base = benchmarks_dir() / domain
    count, fd_names = fd_operators(base / "domain.pddl", base / problem, tmp_path)
    ours = ground_files(base / "domain.pddl", base / problem).operators
    assert len(ours) == len(set(ours))
    return set(ours), fd_names


def _parity_params(problems, slow=False):
    params = []
    for d in IPC_DOMAINS:
        for p in problems:
            marks = [pytest.mark.slow] if slow else []
            if d in BROKEN_DOMAINS:
                marks.append(pytest.mark.xfail(strict=True, reason=BROKEN_DOMAINS[d]))
            params.append(pytest.param(d, p, marks=marks, id=f"{d}/{p}"))
    return params


@pytest.mark.parametrize("domain,problem", _parity_params(FD_SAMPLE))
def test_operators_equal_fast_downward(domain: str, problem: str, tmp_path: Path) -> None:
    ours, fd = _parity(domain, problem, tmp_path)
    assert len(ours) == len(fd)
    assert ours == fd


@pytest.mark.parametrize("domain,problem", _parity_params(FD_SAMPLE_SLOW, slow=True))
def test_operators_equal_fast_downward_more_tasks(domain: str, problem: str,
                                                  tmp_path: Path) -> None:
    ours, fd = _parity(domain, problem, tmp_path)
    assert ours == fd


def test_blocksworld_mutex_operators_are_pruned(benchmarks: Path) -> None:
    base = benchmarks / "blocksworld"
    task = ground_files(base / "domain.pddl", base / "testing/easy/p01.pddl")
    unpruned = ground_files(base / "domain.pddl", base / "testing/easy/p01.pddl",
                            prune_irrelevant=False)
    for names in (task.operators, unpruned.operators):
        for name in names:
            schema, *args = name.strip("()").split()
            assert not (len(args) == 2 and args[0] == args[1]), name
    assert task.mutex_groups


# --------------------------------------------------------------------------
# Determinism: the same files give the same numbering under any hash seed.


_FINGERPRINT = textwrap.dedent("""\
    import hashlib, sys
    import numpy as np
    from planner.frontend.grounding import ground_files
    for domain, problem in zip(sys.argv[1::2], sys.argv[2::2]):
        for prune in (True, False):
            t = ground_files(domain, problem, prune_irrelevant=prune)
            h = hashlib.sha256()
            h.update(repr(t.facts).encode()); h.update(repr(list(t.operators)).encode())
            for c in (t.pre_pos, t.pre_neg, t.add, t.delete):
                h.update(c.ptr.tobytes()); h.update(c.idx.tobytes())
            for a in (t.cost, t.init, t.goal_pos, t.goal_neg):
                h.update(np.asarray(a).tobytes())
            ce = t.conditional
            if ce is not None:
                for c in (ce.ops, ce.cond_pos, ce.cond_neg, ce.add, ce.delete):
                    h.update(c.ptr.tobytes()); h.update(c.idx.tobytes())
            for g in t.mutex_groups:
                h.update(np.asarray(g).tobytes())
            print(t.num_facts, t.num_operators, h.hexdigest())
    """)


def test_numbering_is_the_same_under_any_hash_seed(tmp_path: Path) -> None:
    (tmp_path / "domain.pddl").write_text(ADL_DOMAIN)
    (tmp_path / "problem.pddl").write_text(ADL_PROBLEM)
    args = [str(tmp_path / "domain.pddl"), str(tmp_path / "problem.pddl")]
    if have_benchmarks():
        base = benchmarks_dir()
        for domain, problem in (("rovers", "testing/easy/p05.pddl"),
                                ("childsnack", "testing/easy/p03.pddl")):
            args += [str(base / domain / "domain.pddl"), str(base / domain / problem)]
    outputs = set()
    for seed in ("0", "1", "12345"):
        done = subprocess.run([sys.executable, "-c", _FINGERPRINT, *args], cwd=ROOT,
                              env=planner_env(PYTHONHASHSEED=seed), capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1, outputs


# --------------------------------------------------------------------------
# Small tasks whose ground form is known.

def _names(task, csr, op: str) -> set[str]:
    i = list(task.operators).index(op)
    return {"(" + " ".join(task.facts[f]) + ")" for f in csr.row(i)}


def test_adl_task_ground_form() -> None:
    task = ground(parse_strings(ADL_DOMAIN, ADL_PROBLEM), prune_irrelevant=False)
    ops = set(task.operators)
    # drive: (road a b) or (road b a), a != b; the truck can reach every place
    assert "(drive t1 depot p1)" in ops and "(drive t1 p1 depot)" in ops
    assert not any(n.split()[2] == n.split()[3].rstrip(")") for n in ops
                   if n.startswith("(drive"))
    # road is static: compiled away, never a fact
    assert not any(f[0] == "road" for f in task.facts)
    # the existential ?c becomes a hidden parameter: one operator per car, same name
    # (as in Fast Downward, which names operators by the action's own parameters)
    need = sorted(n for n in task.operators if n.startswith("(need-car"))
    assert need == sorted(2 * [f"(need-car {p})" for p in ("depot", "p1", "p2", "p3")])
    # the `or` of mark makes two variants: (mark depot) is there twice
    assert list(task.operators).count("(mark depot)") == 2
    # mark: either car or place; a truck is neither
    assert "(mark c1)" in ops and "(mark p1)" in ops and "(mark t1)" not in ops
    assert _names(task, task.pre_neg, "(mark p1)") == {"(marked p1)"}
    # conditional effects: drive from p1 washes c1 if it is there
    ce = task.conditional
    assert ce is not None
    i = list(task.operators).index("(drive t1 p1 p2)")
    effects = [(frozenset(task.facts[f] for f in ce.cond_pos.row(e)),
                frozenset(task.facts[f] for f in ce.add.row(e))) for e in ce.ops.row(i)]
    assert (frozenset({("at", "c1", "p1")}), frozenset({("washed", "c1")})) in effects
    assert (frozenset({("at", "c2", "p1")}), frozenset({("washed", "c2")})) in effects


def test_goal_with_negative_literal_and_static_facts() -> None:
    task = ground(parse_strings(ADL_DOMAIN, ADL_PROBLEM))
    assert [task.facts[f] for f in task.goal_neg] == [("marked", "p1")]
    assert {task.facts[f] for f in task.goal_pos} == {
        ("washed", "c1"), ("seen", "p3"), ("flag",), ("marked", "c2")}


def test_unreachable_goal_is_unsolvable_with_exit_code_10() -> None:
    problem = ADL_PROBLEM.replace("p3 - place", "p3 p4 - place").replace("(seen p3)", "(at c1 p4)")
    with pytest.raises(UnsolvableTaskError) as err:
        ground(parse_strings(ADL_DOMAIN, problem))
    assert err.value.exit_code == ExitCode.TRANSLATE_UNSOLVABLE == 10
    assert "(at c1 p4)" in str(err.value)


def test_false_static_goal_is_unsolvable() -> None:
    problem = ADL_PROBLEM.replace("(seen p3)", "(road p3 depot)")
    with pytest.raises(UnsolvableTaskError):
        ground(parse_strings(ADL_DOMAIN, problem))


def test_true_static_goal_is_dropped() -> None:
    problem = ADL_PROBLEM.replace("(seen p3)", "(road p2 p3)")
    task = ground(parse_strings(ADL_DOMAIN, problem))
    assert ("road", "p2", "p3") not in {task.facts[f] for f in task.goal_pos}


def test_action_costs_from_functions() -> None:
    domain = textwrap.dedent("""\
        (define (domain roads)
          (:requirements :typing :action-costs)
          (:types place)
          (:predicates (at ?p - place) (road ?a ?b - place))
          (:functions (total-cost) - number (len ?a ?b - place) - number)
          (:action go :parameters (?a ?b - place)
            :precondition (and (at ?a) (road ?a ?b))
            :effect (and (not (at ?a)) (at ?b) (increase (total-cost) (len ?a ?b))))
          (:action wait :parameters (?a - place) :precondition (at ?a)
            :effect (and (at ?a) (increase (total-cost) 3))))
        """)
    problem = textwrap.dedent("""\
        (define (problem r1) (:domain roads) (:objects x y z - place)
          (:init (at x) (road x y) (road y z) (= (len x y) 4) (= (len y z) 7) (= (total-cost) 0))
          (:goal (at z)) (:metric minimize (total-cost)))
        """)
    task = ground(parse_strings(domain, problem), prune_irrelevant=False)
    costs = dict(zip(task.operators, task.cost.tolist()))
    assert costs["(go x y)"] == 4 and costs["(go y z)"] == 7
    assert task.uses_action_costs and not task.is_unit_cost
    # (wait ?a) adds what it requires: it changes nothing and is dropped
    assert not any(n.startswith("(wait") for n in costs)


def test_unit_cost_without_metric() -> None:
    task = ground(parse_strings(ADL_DOMAIN, ADL_PROBLEM))
    assert task.is_unit_cost and set(task.cost.tolist()) == {1}


def test_init_only_holds_reachable_fluents_and_numbering_is_sorted() -> None:
    task = ground(parse_strings(ADL_DOMAIN, ADL_PROBLEM), prune_irrelevant=False)
    assert list(task.init) == sorted(task.init)
    init = {task.facts[f] for f in task.init}
    assert ("at", "t1", "depot") in init and ("road", "depot", "p1") not in init
    # facts: grouped by predicate name, each block sorted
    preds = [f[0] for f in task.facts]
    assert preds == sorted(preds)
    # operators: by schema name, then arguments (in object order)
    schemas = [n.strip("()").split()[0] for n in task.operators]
    assert schemas == sorted(schemas)


def test_ground_files_equals_ground_of_parse_files(tmp_path: Path) -> None:
    (tmp_path / "d.pddl").write_text(ADL_DOMAIN)
    (tmp_path / "p.pddl").write_text(ADL_PROBLEM)
    a = ground_files(tmp_path / "d.pddl", tmp_path / "p.pddl")
    b = ground(parse_files(tmp_path / "d.pddl", tmp_path / "p.pddl"))
    assert a.facts == b.facts and list(a.operators) == list(b.operators)
    assert np.array_equal(a.pre_pos.idx, b.pre_pos.idx)


def test_time_limit_is_accepted() -> None:
    task = ground(parse_strings(ADL_DOMAIN, ADL_PROBLEM), time_limit=60)
    assert task.num_operators > 0
