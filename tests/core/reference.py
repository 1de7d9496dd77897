"""Reference implementations and random tasks for the compiled heuristics' tests:
slow fixpoints of h^max/h^add, Dijkstra for h*, and Fast Downward's values on shared tasks.
"""
from __future__ import annotations
import functools
import heapq
import importlib
import importlib.util
import itertools
import math
import os
import tempfile
from pathlib import Path
import pytest
from hypothesis import strategies as st
from tests.random_tasks import OpSpec, build_task


core = importlib.import_module(os.environ.get("PLANNER_CORE_MODULE", "planner._core"))


HMax, HAdd, HFF = core.HMax, core.HAdd, core.HFF


def make_task(num_facts, ops, init, goal_pos, goal_neg=(), cond=None):
    """GroundTask from ops = [(pre_pos, pre_neg, add, delete, cost)] and
    cond = None or per-op lists of (cond_pos, cond_neg, add, delete).

    A compact spelling for hand-written cases; the task itself is built by
    tests.random_tasks.build_task, the one task builder of the tests."""
    specs = []
    for i, (pre_pos, pre_neg, add, delete, cost) in enumerate(ops):
        effects = () if cond is None else tuple(
            tuple(tuple(part) for part in effect) for effect in cond[i])
        specs.append(OpSpec(tuple(pre_pos), tuple(pre_neg), tuple(add), tuple(delete), cost, effects))
    return build_task(num_facts, specs, set(init), set(goal_pos), set(goal_neg),
                      action_costs=any(op[4] != 1 for op in ops))


def fact_subsets(num_facts, max_size=3):
    return st.lists(st.integers(0, num_facts - 1), max_size=max_size, unique=True)


@st.composite
def random_tasks(draw, negative=True, conditional=True, max_facts=6, max_ops=7):
    """Small random STRIPS tasks, optionally with negative conditions/goals
    and conditional effects; costs include 0 so zero-cost cycles occur."""
    n = draw(st.integers(1, max_facts))
    sub = fact_subsets(n)
    none = st.just([])
    ops = draw(st.lists(st.tuples(sub, sub if negative else none, sub, sub,
                                  st.integers(0, 4)), min_size=1, max_size=max_ops))
    cond = None
    if conditional and draw(st.booleans()):
        effect = st.tuples(sub, sub if negative else none, sub, sub)
        cond = [draw(st.lists(effect, max_size=2)) for _ in ops]
    init = draw(sub)
    goal_pos = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3, unique=True))
    goal_neg = draw(sub) if negative and draw(st.booleans()) else []
    goal_neg = [g for g in goal_neg if g not in goal_pos]
    return make_task(n, ops, init, goal_pos, goal_neg, cond)


def unary_ops(task):
    """Reference delete relaxation: (preconditions, added fact, cost, op)."""
    result = []
    for o in range(task.num_operators):
        pre = set(int(f) for f in task.pre_pos.row(o))
        parts = [(pre, task.add.row(o))]
        if task.conditional is not None:
            ce = task.conditional
            for e in ce.ops.row(o):
                parts.append((pre | set(int(f) for f in ce.cond_pos.row(e)), ce.add.row(e)))
        for p, adds in parts:
            result.extend((frozenset(p), int(f), int(task.cost[o]), o) for f in adds)
    return result


def negative_goal_bound(task, state):
    """Cheapest deleter of each violated negative goal (max over them)."""
    h = 0
    for g in task.goal_neg:
        if int(g) not in state:
            continue
        costs = [int(task.cost[o]) for o in range(task.num_operators) if deletes(task, o, int(g))]
        if not costs:
            return math.inf
        h = max(h, min(costs))
    return h


def deletes(task, o, f):
    if f in task.delete.row(o):
        return True
    ce = task.conditional
    return ce is not None and any(f in ce.delete.row(e) for e in ce.ops.row(o))


def reference_relaxed(task, state, combine):
    """h^max (combine=max) or h^add (combine=sum) by fixpoint iteration."""
    cost = {f: 0 for f in state}
    changed = True
    while changed:
        changed = False
        for pre, eff, c, _ in unary_ops(task):
            if all(p in cost for p in pre):
                val = c + combine([cost[p] for p in pre] or [0])
                if val < cost.get(eff, math.inf):
                    cost[eff] = val
                    changed = True
    goals = [int(g) for g in task.goal_pos]
    if any(g not in cost for g in goals):
        return math.inf
    h = combine([cost[g] for g in goals] or [0])
    return max(h, negative_goal_bound(task, state))


def relaxed_solvable(task, state):
    return reference_relaxed(task, state, max) < math.inf


def optimal_cost(task, state):
    """h*: explicit Dijkstra over the state space (tiny tasks only)."""
    start = frozenset(state)
    dist = {start: 0}
    queue = [(0, sorted(start))]
    while queue:
        d, s_list = heapq.heappop(queue)
        s = frozenset(s_list)
        if d > dist[s]:
            continue
        if task.is_goal(s):
            return d
        for o in range(task.num_operators):
            if task.applicable(s, o):
                t = task.apply(s, o)
                nd = d + int(task.cost[o])
                if nd < dist.get(t, math.inf):
                    dist[t] = nd
                    heapq.heappush(queue, (nd, sorted(t)))
    return math.inf


def all_states(task):
    n = task.num_facts
    for bits in itertools.product((0, 1), repeat=n):
        yield [f for f in range(n) if bits[f]]


BENCH = Path(__file__).resolve().parents[2] / "../shared/benchmarks/ipc2023-learning"


FD_TASKS = ["blocksworld/testing/easy/p05", "childsnack/testing/easy/p05",
            "rovers/testing/easy/p10", "transport/testing/easy/p10", "spanner/testing/easy/p05"]


def _bench_module():
    """bench/heuristic_speed.py: FD translation, SAS loading, FD's values."""
    path = Path(__file__).resolve().parents[2] / "bench" / "heuristic_speed.py"
    spec = importlib.util.spec_from_file_location("heuristic_speed", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.lru_cache(maxsize=None)
def fd_reference(task_name):
    """(SAS task as GroundTask, FD's initial values for max/add/ff/lmcut)."""
    if not BENCH.is_dir():
        pytest.skip("IPC 2023 benchmarks not available")
    bench = _bench_module()
    domain = BENCH / task_name.split("/")[0] / "domain.pddl"
    with tempfile.TemporaryDirectory() as tmp:
        sas = bench.translate(domain, BENCH / (task_name + ".pddl"), Path(tmp))
        values = bench.fd_initial_values(sas, ["max", "add", "ff", "lmcut"], Path(tmp))
        return bench.load_sas(sas), values
