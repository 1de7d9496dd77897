"""Fixtures for planner.bench tests: a toy task and a scriptable fake planner.

The fake planner is a `command` algorithm whose behaviour is chosen by a
mode argument (good plan, invalid plan, no plan, crash, hang with a
grandchild, report its address-space limit), so the runner's handling of
each outcome is tested without depending on a real planner's timing.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from planner.bench.algorithms import Algorithm
from planner.bench.experiment import Limits, RunSpec, Task, run_id
from planner.bench.orchestrate import PROJECT_ROOT

DOMAIN = """(define (domain toy) (:requirements :strips)
  (:predicates (at ?x) (link ?x ?y))
  (:action move :parameters (?x ?y)
    :precondition (and (at ?x) (link ?x ?y))
    :effect (and (at ?y) (not (at ?x)))))
"""
PROBLEM = """(define (problem toy-{n}) (:domain toy) (:objects a b c)
  (:init (at a) (link a b) (link b c)) (:goal (at c)))
"""

FAKE_PLANNER = r'''
import os, resource, subprocess, sys, time
mode, domain, problem, plan = sys.argv[1:5]
if mode == "good":
    open(plan, "w").write("(move a b)\n(move b c)\n; cost = 2 (unit cost)\n")
    print("Solution found!\nPlan cost: 2\nExpanded 3 state(s).\nEvaluated 4 state(s).\n"
          "Generated 5 state(s).\nSearch time: 0.01s\nTotal time: 0.02s\nPeak memory: 1234 KB")
elif mode == "bad":
    open(plan, "w").write("(move a c)\n; cost = 1 (unit cost)\n")
    print("Solution found!\nPlan cost: 1")
elif mode == "noplan":
    print("Solution found!")
elif mode == "crash":
    print("Traceback (most recent call last):\nRuntimeError: boom", file=sys.stderr)
    sys.exit(35)
elif mode == "hang":
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    open(plan + ".pid", "w").write(str(child.pid))
    os.rename(plan + ".pid", os.path.join(os.path.dirname(problem), "grandchild.pid"))
    time.sleep(120)
elif mode == "rlimit":
    print("limit", resource.getrlimit(resource.RLIMIT_AS)[0])
    sys.exit(12)
'''


@pytest.fixture
def toy_tasks(tmp_path: Path) -> list[Task]:
    folder = tmp_path / "toy"
    folder.mkdir()
    (folder / "domain.pddl").write_text(DOMAIN)
    tasks = []
    for n in (1, 2):
        problem = folder / f"p0{n}.pddl"
        problem.write_text(PROBLEM.format(n=n))
        tasks.append(Task("toy", problem.name, str(folder / "domain.pddl"), str(problem),
                          f"toy/{problem.name}"))
    return tasks


@pytest.fixture
def fake_planner(tmp_path: Path):
    """fake_planner(mode) -> an Algorithm running the fake planner in that mode."""
    script = tmp_path / "fake_planner.py"
    script.write_text(FAKE_PLANNER)

    def make(mode: str) -> Algorithm:
        return Algorithm(f"fake-{mode}", "command",
                         ("{python}", str(script), mode, "{domain}", "{problem}", "{plan}"))
    return make


def spec_for(algorithm: Algorithm, task: Task, limits: Limits = Limits(time=10, memory=2**30)) -> RunSpec:
    return RunSpec(run_id(algorithm.name, task.domain, task.problem), algorithm.name, algorithm.kind,
                   algorithm.args, task, limits, sys.executable, PROJECT_ROOT)


@pytest.fixture
def make_spec():
    """make_spec(algorithm, task[, limits]) -> RunSpec with this checkout on the path."""
    return spec_for
