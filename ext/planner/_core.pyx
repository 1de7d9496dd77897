# distutils: language = c++
"""The compiled search core, as one module: planner._core.

The parts are separate extension modules under planner.core (task, registry,
successor, openlist, evaluator, one per heuristic, search); this module
re-exports their Python-visible names and holds the two tables that make a
heuristic or a search reachable by name: HEURISTICS and ALGORITHMS. Adding
either is one new file in ext/planner/core/ plus one row here (ext/README.md).
"""

from collections import namedtuple

from planner.core.task import CompiledTask, compiled_task
from planner.core.axioms import AxiomEvaluator
from planner.core.registry import StatePacker, StateRegistry
from planner.core.successor import SuccessorGenerator
from planner.core.openlist import AlternationOpenList
from planner.core.evaluator import Evaluator, evaluate_state, evaluate_states
from planner.core.basic_heuristics import Blind, GoalCount
from planner.core.goal_cost import GoalCost
from planner.core.relaxation import DeleteRelaxation, HAdd, HFF, HMax
from planner.core.lmcut import LMCut
from planner.core.python_heuristic import PythonEvaluator, StateView, ViewContext
from planner.core.kernel_heuristic import KERNEL_FAILED, KernelEvaluator
from planner.core.search import (STATUS_INCOMPLETE, STATUS_OUT_OF_MEMORY, STATUS_OUT_OF_TIME,
                                 STATUS_SOLVED, STATUS_UNSOLVABLE, STATUSES, VERBOSITY_PROGRESS,
                                 VERBOSITY_QUIET, EagerSearch, LazySearch, Search, peak_memory_kb)
from planner.core.breadth_first import BreadthFirstSearch

HEURISTICS = {
    # name (as in --heuristic) -> Evaluator class taking the GroundTask
    "blind": Blind,
    "goalcount": GoalCount,
    "ff": HFF,
    "add": HAdd,
    "max": HMax,
    "lmcut": LMCut,
    "goalcost": GoalCost,
}
"""The one table of compiled heuristics."""

Algorithm = namedtuple("Algorithm", "search greedy weight boost doc")
Algorithm.__doc__ = """One row of ALGORITHMS: the Search subclass; greedy (order
by h alone) or not (g + weight*h, ties on h); the weight the algorithm fixes
(None: it takes the caller's, as in --search NAME:W); the default boost of
the preferred-operator lists on progress (FD's defaults); a description."""

ALGORITHMS = {
    "gbfs": Algorithm(EagerSearch, True, None, 0, "eager greedy best-first (FD eager_greedy)"),
    "lazy-gbfs": Algorithm(LazySearch, True, None, 1000, "lazy greedy best-first (FD lazy_greedy)"),
    "astar": Algorithm(EagerSearch, False, 1.0, 0, "A* with reopening (FD astar)"),
    "wastar": Algorithm(EagerSearch, False, None, 0, "eager weighted A*, g + W*h"),
    "lazy-wastar": Algorithm(LazySearch, False, None, 1000, "lazy weighted A* (FD lazy_wastar)"),
    "bfs": Algorithm(BreadthFirstSearch, True, None, 0, "breadth-first, goal test at generation"),
}
"""The one table of search algorithms: name (as in --search) -> Algorithm."""


def SearchEngine(task, str algorithm, list evaluators, list preferred=None, double weight=1.0,
                 boost=None, **options):
    """The search `algorithm` (a key of ALGORITHMS) over `task`; call run() once.

    Other options (see Search): lifo, reopen, time_limit (s),
    memory_limit_mb, compiled, successor, use_mutexes, verbosity
    (VERBOSITY_QUIET, or VERBOSITY_PROGRESS for FD-style lines on stderr).
    """
    spec = ALGORITHMS.get(algorithm)
    if spec is None:
        raise ValueError(f"unknown search algorithm {algorithm!r}")
    return spec.search(task, algorithm, evaluators, preferred, greedy=spec.greedy,
                       weight=weight if spec.weight is None else spec.weight,
                       boost=spec.boost if boost is None else boost, **options)
