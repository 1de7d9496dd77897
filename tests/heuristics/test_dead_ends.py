"""Heuristics that return inf for dead ends must never do so for a solvable state.

floortile and sokoban are the domains where dead-end detection matters (a tile
that can no longer be painted; a box pushed where it can never reach its
goal). For small generated tasks we enumerate every reachable state of the
grounded task breadth-first, mark the states from which a goal is reachable
(backward over the explored graph), and require each heuristic to be finite
on all of those, zero exactly on goal states, and to prune at least some of
the dead ones (otherwise the detection is not doing anything and the test
would pass vacuously). Checked: every pool recording that claims to prove
dead ends, and the stored heuristic (and portfolio members) `--heuristic
auto` uses (soundness only: it need not detect dead ends).
"""
from __future__ import annotations

import math
from collections import deque

import pytest

from planner import _core
from planner.frontend.grounding import ground_files
from planner.heuristics.api import TaskView
from planner.heuristics.kernel import KERNEL_CLASS_NAME, kernel_class
from planner.heuristics.loader import load_candidate, load_stored_portfolio
from planner.heuristics.store import find_stored_heuristic, python_form_of
from planner.llm.extract import extract
from planner.llm.replay import load_pool
from planner.heuristics.static_check import check
from tests.heuristics.helpers import BENCH, REPO, generated_problem

# (domain, generator arguments): small enough to enumerate in seconds and with
# many dead ends (floortile 2x2: 1104 of 1176 states). Seeds fixed so failures reproduce.
CASES = {
    "floortile": [["--rows", "2", "--columns", "2", "--robots", "1"],
                  ["--rows", "2", "--columns", "2", "--robots", "2"],
                  ["--rows", "3", "--columns", "2", "--robots", "1"]],
    "sokoban": [["--size", "6", "--boxes", "2", "--seed", str(s)] for s in range(3)]
    + [["--size", "7", "--boxes", "3", "--seed", "1"]]
    + [["--size", "8", "--boxes", "3", "--seed", str(s)] for s in range(2)]
    # four boxes: 2x2 freezes of boxes among themselves (737 and 449 dead states)
    + [["--size", "7", "--boxes", "4", "--seed", str(s)] for s in (1, 2)],
}
# pool recordings whose docstring claims proven dead ends
DEAD_END_RECORDINGS = {
    "floortile": ["10-paint-from-below.md", "10-paint-from-below.repair.md", "12-paint-positions-dead-ends.md",
                  "13-robot-distance.md", "14-column-blocks.md"],
    "sokoban": ["09-walk-distance.repair.md", "10-corner-deadlock.repair.md",
                "11-robot-to-box.repair.md", "12-push-distance-dead-squares.md",
                "13-push-graph-interactions.md"],
}
MAX_STATES = 200_000


def explore(task) -> tuple[list[frozenset[int]], set[int]]:
    """All reachable states and the indices of those from which a goal is reachable."""
    init = frozenset(int(f) for f in task.init)
    index = {init: 0}
    states = [init]
    parents: list[list[int]] = [[]]
    queue = deque([0])
    while queue:
        i = queue.popleft()
        s = states[i]
        for op in range(task.num_operators):
            if task.applicable(s, op):
                t = task.apply(s, op)
                j = index.get(t)
                if j is None:
                    j = index[t] = len(states)
                    states.append(t)
                    parents.append([])
                    queue.append(j)
                    assert len(states) <= MAX_STATES, "test task too large to enumerate"
                parents[j].append(i)
    alive = {i for i, s in enumerate(states) if task.is_goal(s)}
    queue = deque(alive)
    while queue:
        j = queue.popleft()
        for i in parents[j]:
            if i not in alive:
                alive.add(i)
                queue.append(i)
    return states, alive


def heuristics_under_test(domain: str) -> list[tuple[str, type]]:
    found = find_stored_heuristic(BENCH / domain / "domain.pddl", roots=[REPO / "heuristics"])
    assert found is not None, f"no stored heuristic for {domain} in heuristics/"
    path, class_name = found
    classes = []
    if class_name == KERNEL_CLASS_NAME:
        # the selected kernel form: our own shipped code, so compiled here (trusted);
        # planner solve compiles it only in the jail. Its Python form is tested too.
        code = load_stored_portfolio(path, class_name)[0].code
        classes.append((f"stored {path.name}", kernel_class(code, path.name, trusted=True)))
        path, class_name = python_form_of(path, class_name)
    # our own shipped code, loaded in this test process (planner solve runs it in the jail)
    classes += [(f"stored {path.name} #{i}", load_candidate(u.code, u.class_name))
                for i, u in enumerate(load_stored_portfolio(path, class_name))]
    pool = {f"{e.name}.md": e.content for e in load_pool(REPO / "heuristics" / "pools" / domain)}
    pool.update({f"{e.name}.repair.md": e.repair for e in load_pool(REPO / "heuristics" / "pools" / domain)
                 if e.repair is not None})
    for name in DEAD_END_RECORDINGS[domain]:
        code = check(extract(pool[name], "DomainHeuristic").code).code
        classes.append((f"pool {name}", load_candidate(code, "DomainHeuristic")))
    return classes


@pytest.mark.parametrize("domain", sorted(CASES))
def test_dead_end_detection_is_sound_against_exhaustive_search(domain, tmp_path):
    domain_file = BENCH / domain / "domain.pddl"
    heuristics = heuristics_under_test(domain)
    pruned = {name: 0 for name, _ in heuristics}
    dead_total = 0
    for args in CASES[domain]:
        problem = generated_problem(domain, args, tmp_path)
        task = ground_files(str(domain_file), str(problem))
        states, alive = explore(task)
        assert alive, f"{problem.name}: generated task is unsolvable"
        dead_total += len(states) - len(alive)
        context = _core.ViewContext(task)
        view = TaskView(task)
        for name, cls in heuristics:
            h = cls(view)
            for i, s in enumerate(states):
                value = h(_core.StateView.from_ids(context, sorted(s)))
                value = value[0] if isinstance(value, tuple) else value
                goal = task.is_goal(s)
                if i in alive:
                    assert math.isfinite(value), (
                        f"{name} returns inf on a solvable state of {problem.name}: "
                        f"{sorted(task.facts[f] for f in s)}")
                    assert (value == 0) == goal, f"{name}: h = {value} on {problem.name}, goal {goal}"
                elif math.isinf(value):
                    pruned[name] += 1
    assert dead_total > 0, "the generated tasks have no dead ends: the test proves nothing"
    for name, count in pruned.items():  # the stored one need not detect dead ends at all
        if name.startswith("pool"):
            assert count > 0, f"{name} pruned none of {dead_total} dead-end states"


@pytest.mark.parametrize("domain", sorted(CASES))
def test_stored_kernel_form_equals_its_python_form_on_every_state(domain, tmp_path):
    """build_kernels compares the two forms on random-walk states; here every reachable
    state of the small tasks (dead ends included: both infinite, or equal values)."""
    domain_file = BENCH / domain / "domain.pddl"
    found = find_stored_heuristic(domain_file, roots=[REPO / "heuristics"])
    assert found is not None
    path, class_name = found
    if class_name != KERNEL_CLASS_NAME:
        pytest.skip(f"no kernel form stored for {domain}")
    kernel = kernel_class(load_stored_portfolio(path, class_name)[0].code, path.name, trusted=True)
    python_path, python_class = python_form_of(path, class_name)
    python = load_candidate(load_stored_portfolio(python_path, python_class)[0].code, python_class)
    compared = 0
    for args in CASES[domain]:
        problem = generated_problem(domain, args, tmp_path)
        task = ground_files(str(domain_file), str(problem))
        states, _ = explore(task)
        context = _core.ViewContext(task)
        view = TaskView(task)
        k, p = kernel(view), python(view)
        for s in states:
            state = _core.StateView.from_ids(context, sorted(s))
            a, b = k(state), p(state)
            a = a[0] if isinstance(a, tuple) else a
            b = b[0] if isinstance(b, tuple) else b
            assert a == b or (math.isinf(a) and math.isinf(b)), (
                f"{problem.name}: kernel {a}, Python form {b} on {sorted(task.facts[f] for f in s)}")
            compared += 1
    assert compared > 0
