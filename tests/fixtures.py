"""Shared test data and helpers: small PDDL tasks, the shared IPC 2023 benchmarks,
Fast Downward's translator, running the planner in a subprocess.

Test modules import from here (never from each other); conftest.py keeps only pytest hooks.
"""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


GRIPPER_DOMAIN = """
(define (domain gripper)
  (:requirements :strips :typing)
  (:types room ball)
  (:predicates (at-robby ?r - room) (at ?b - ball ?r - room) (free) (carry ?b - ball))
  (:action move :parameters (?from ?to - room)
    :precondition (at-robby ?from)
    :effect (and (at-robby ?to) (not (at-robby ?from))))
  (:action pick :parameters (?b - ball ?r - room)
    :precondition (and (at ?b ?r) (at-robby ?r) (free))
    :effect (and (carry ?b) (not (at ?b ?r)) (not (free))))
  (:action drop :parameters (?b - ball ?r - room)
    :precondition (and (carry ?b) (at-robby ?r))
    :effect (and (at ?b ?r) (free) (not (carry ?b)))))
"""


GRIPPER_PROBLEM = """
(define (problem two-balls) (:domain gripper)
  (:objects a b - room b1 b2 - ball)
  (:init (at-robby a) (free) (at b1 a) (at b2 a))
  (:goal (and (at b1 b) (at b2 b))))
"""


COST_DOMAIN = """
(define (domain roads)
  (:requirements :strips :action-costs)
  (:predicates (at ?x) (road ?x ?y))
  (:functions (total-cost) (len ?x ?y))
  (:action go :parameters (?x ?y)
    :precondition (and (at ?x) (road ?x ?y))
    :effect (and (at ?y) (not (at ?x)) (increase (total-cost) (len ?x ?y)))))
"""


COST_PROBLEM = """
(define (problem detour) (:domain roads)
  (:objects a b c)
  (:init (at a) (road a b) (road b c) (road a c)
         (= (len a b) 1) (= (len b c) 1) (= (len a c) 5) (= (total-cost) 0))
  (:goal (at c))
  (:metric minimize (total-cost)))
"""


TRAP_PROBLEM = """
(define (problem trapped) (:domain roads)
  (:objects a b c)
  (:init (at a) (road a b) (road c a) (= (len a b) 1) (= (len c a) 1) (= (total-cost) 0))
  (:goal (and (at a) (at b)))
  (:metric minimize (total-cost)))
"""


ADL_DOMAIN = textwrap.dedent("""\
    (define (domain gadgets)
      (:requirements :adl :typing :equality)
      (:types truck car - vehicle vehicle place - object)
      (:constants depot - place)
      (:predicates (at ?v - vehicle ?p - place) (road ?a ?b - place)
                   (washed ?v - vehicle) (seen ?p - place) (flag) (marked ?x - (either car place)))
      (:action drive
        :parameters (?v - vehicle ?a ?b - place)
        :precondition (and (at ?v ?a) (or (road ?a ?b) (road ?b ?a)) (not (= ?a ?b)))
        :effect (and (not (at ?v ?a)) (at ?v ?b) (seen ?b)
                     (forall (?c - car) (when (at ?c ?a) (washed ?c)))))
      (:action need-car
        :parameters (?p - place)
        :precondition (exists (?c - car) (and (at ?c ?p) (not (washed ?c))))
        :effect (flag))
      (:action mark
        :parameters (?x - (either car place))
        :precondition (or (= ?x depot) (not (marked ?x)))
        :effect (marked ?x)))
    """)


ADL_PROBLEM = textwrap.dedent("""\
    (define (problem gadgets-1)
      (:domain gadgets)
      (:objects t1 - truck c1 c2 - car p1 p2 p3 - place)
      (:init (at t1 depot) (at c1 p1) (at c2 p2) (road depot p1) (road p1 p2) (road p2 p3))
      (:goal (and (washed c1) (seen p3) (flag) (marked c2) (not (marked p1)))))
    """)


ROOT = Path(__file__).resolve().parents[1]
"""The repository root."""


BENCHMARKS_RELATIVE = "../shared/benchmarks/ipc2023-learning"


IPC_DOMAINS = ("blocksworld", "childsnack", "ferry", "floortile", "miconic",
               "rovers", "satellite", "sokoban", "spanner", "transport")


HEURISTICS_FOLDER_OF = {"rovers": "rover"}
"""Benchmark folder -> the domain's PDDL name, which names its heuristics/ folder (and
heuristics/pools/ keeps the benchmark folder's name)."""


def benchmarks_path() -> Path:
    """Where the shared benchmarks should be (whether or not they exist)."""
    return (ROOT / BENCHMARKS_RELATIVE).resolve()


def have_benchmarks() -> bool:
    return benchmarks_path().is_dir()


def benchmarks_dir() -> Path:
    """The shared benchmark folder, or skip the calling test."""
    path = benchmarks_path()
    if not path.is_dir():
        pytest.skip(f"shared benchmarks absent ({BENCHMARKS_RELATIVE})")
    return path


def benchmark_tasks(split: str = "testing") -> list[tuple[str, str]]:
    """(domain, problem path relative to the domain folder) for every easy task
    of `split` ('training' or 'testing'); empty when the benchmarks are absent.
    Used at collection time for parametrisation, so it must not skip."""
    base = benchmarks_path()
    if not base.is_dir():
        return []
    tasks = []
    for domain in IPC_DOMAINS:
        folder = base / domain / split / "easy"
        tasks.extend((domain, f"{split}/easy/{p.name}") for p in sorted(folder.glob("p*.pddl")))
    return tasks


def fd_translator() -> list[str]:
    """Command prefix running Fast Downward's translator (up-fast-downward, a
    test dependency: its absence fails the test rather than skipping it)."""
    try:
        found = importlib.util.find_spec("fast_downward.translate") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        pytest.fail("Fast Downward's translator (up-fast-downward, in the test extras) is not installed")
    return [sys.executable, "-m", "fast_downward.translate"]


def planner_env(**extra: str) -> dict[str, str]:
    """The environment for a planner subprocess: the checkout first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


def run_planner(*args: str | Path, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    """`python -m planner ARGS` from the repository root, capturing text output."""
    return subprocess.run(
        [sys.executable, "-m", "planner", *map(str, args)],
        cwd=ROOT, env=planner_env(**env), capture_output=True, text=True, timeout=timeout,
    )


BENCHMARKS = (ROOT / BENCHMARKS_RELATIVE).resolve()


DATA = ROOT / "tests" / "llm" / "data"
"""Recorded LLM responses and expectations (the replay endpoint serves these)."""


def benchmark(domain: str) -> Path:
    """Folder of one IPC 2023 learning-track domain; skips the test if absent."""
    path = BENCHMARKS / domain
    if not path.is_dir():
        pytest.skip(f"IPC 2023 benchmarks not found at {BENCHMARKS}")
    return path


def fd_translation(domain: str, problem: str, tmp_path: Path) -> tuple[set[str], set[str], int]:
    """(operators, positive non-axiom atoms, axiom count) of FD's translation."""
    (tmp_path / "domain.pddl").write_text(domain)
    (tmp_path / "problem.pddl").write_text(problem)
    sas = tmp_path / "output.sas"
    done = subprocess.run([*fd_translator(), "domain.pddl", "problem.pddl", "--sas-file", str(sas)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    text = sas.read_text()
    ops = {"(" + n.strip() + ")" for n in re.findall(r"begin_operator\n(.*)\n", text)}
    atoms = set()
    for pred, args in re.findall(r"^Atom ([^(\s]+)\(([^)]*)\)$", text, re.M):
        if not pred.startswith("new-axiom@"):
            atoms.add("(" + " ".join([pred] + [a.strip() for a in args.split(",") if a.strip()])
                      + ")")
    axioms = int(re.search(r"Translator axioms: (\d+)", done.stdout).group(1))
    return ops, atoms, axioms


# One goal-count heuristic in both forms (a Python form and its kernel form, equal on every
# state), for the tests of everything that pairs them: translation, `plan`'s kernel use.
GOALCOUNT_PYTHON_FORM = '''
class DomainHeuristic:
    """Unsatisfied goal atoms."""

    def __init__(self, task):
        self.goal = list(task.goal_atoms)

    def __call__(self, state):
        return sum(1 for atom in self.goal if atom not in state)
'''

GOALCOUNT_KERNEL = '''"""Unsatisfied goal atoms, over fact ids."""
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
