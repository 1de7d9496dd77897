"""Per-call overhead of Python heuristics in the compiled search.

    python bench/heuristic_overhead.py [--task DOMAIN/testing/easy/pNN.pddl] [--states N]

Runs the same exhaustive eager GBFS with the compiled goal-count heuristic
and with trivial Python heuristics (native StateView API and the Pyperplan
adapter); since all return values that keep the search identical in size,
(time per evaluation - compiled time per evaluation) is what one Python
call costs. On benchmark tasks the searches stop at --time-limit and the
rates per evaluation are compared. Targets:
<= 5 us per call for the native view, <= 20 us through the adapter.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from planner.heuristics.pyperplan import Heuristic as PyperplanHeuristic
from planner.search.engine import search

REPO = Path(__file__).resolve().parent.parent

BENCHMARKS = REPO.parent / "shared" / "benchmarks" / "ipc2023-learning"


TOGGLE_DOMAIN = """(define (domain toggle)
  (:requirements :typing :universal-preconditions)
  (:types bit)
  (:predicates (on ?b - bit) (done))
  (:action set :parameters (?b - bit) :precondition (not (on ?b)) :effect (on ?b))
  (:action unset :parameters (?b - bit) :precondition (on ?b) :effect (not (on ?b)))
  (:action finish :parameters () :precondition (forall (?b - bit) (on ?b)) :effect (done)))
"""


def toggle_task(n: int):
    """2^n reachable states and a goal n+1 steps away: blind A* expands every
    state with g <= n (all of them) before the goal, so each variant evaluates
    the same states. Built from PDDL text through the front end."""
    from planner.frontend.grounding import ground_files

    objects = " ".join(f"b{i}" for i in range(n))
    problem = (f"(define (problem toggle-{n}) (:domain toggle) (:objects {objects} - bit)"
               " (:init) (:goal (done)))")
    with tempfile.TemporaryDirectory() as tmp:
        domain_file, problem_file = Path(tmp) / "domain.pddl", Path(tmp) / "problem.pddl"
        domain_file.write_text(TOGGLE_DOMAIN)
        problem_file.write_text(problem)
        return ground_files(domain_file, problem_file)


def zero(state):
    return 0


class GoalCountView:
    """The same value as goal count, through the native StateView API."""

    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for atom in self.goal if atom not in state)


class GoalCountIds:
    """The same value through the fast path: ids resolved once, counted in C."""

    def __init__(self, task):
        self.goal = task.goal_pos
        self.n = len(task.goal_pos)

    def __call__(self, state):
        return self.n - state.count(self.goal)


class PyperplanZero(PyperplanHeuristic):
    def __init__(self, task):
        self.goals = task.goals

    def __call__(self, node):
        return 0


class PyperplanGoalCount(PyperplanHeuristic):
    """Reads node.state, so it pays for building the frozenset of strings."""

    def __init__(self, task):
        self.goals = task.goals

    def __call__(self, node):
        return len(self.goals - node.state)


def timed(task, evaluator, time_limit: float) -> tuple[float, int]:
    result = search(task, "astar", evaluators=[evaluator], time_limit=time_limit)
    return result.statistics.search_time, result.statistics.evaluations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", help="benchmark problem (relative to the IPC 2023 folder); "
                        "default: a synthetic task with 2^16 states")
    parser.add_argument("--bits", type=int, default=16, help="synthetic task: 2^bits states")
    parser.add_argument("--time-limit", type=float, default=5.0, help="seconds per variant")
    args = parser.parse_args()
    if args.task:
        from planner.frontend.grounding import ground_files

        problem = BENCHMARKS / args.task
        task = ground_files(problem.parent.parent.parent / "domain.pddl", problem)
    else:
        task = toggle_task(args.bits)
    print(f"task: {args.task or f'toggle-{args.bits}'} ({task.num_facts} facts, {task.num_operators} operators)")
    # A* with a constant or goal-count heuristic: on the synthetic task every
    # state is expanded, so each variant evaluates the same states
    timed(task, "blind", args.time_limit)  # warm-up: page faults, lazy imports
    base_time, base_evals = timed(task, "blind", args.time_limit)
    print(f"{'heuristic':28} {'evaluations':>11} {'time s':>8} {'us/call':>8} {'overhead us':>11}")
    print(f"{'compiled blind':28} {base_evals:>11} {base_time:8.3f} {1e6 * base_time / base_evals:8.2f} {'-':>11}")
    for label, evaluator in (("python: return 0", zero),
                             ("python: goal count (view)", GoalCountView),
                             ("python: goal count (count)", GoalCountIds),
                             ("pyperplan: return 0", PyperplanZero),
                             ("pyperplan: len(goals-state)", PyperplanGoalCount)):
        t, evals = timed(task, evaluator, args.time_limit)
        per_call = 1e6 * t / max(evals, 1)
        overhead = 1e6 * (t - base_time * evals / base_evals) / max(evals, 1)
        print(f"{label:28} {evals:>11} {t:8.3f} {per_call:8.2f} {overhead:11.2f}")


if __name__ == "__main__":
    main()
