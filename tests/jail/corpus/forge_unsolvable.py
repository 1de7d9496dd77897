"""forge: rebind the search the jailed child runs so that it claims the task unsolvable"""
import planner.search.solve
from dataclasses import replace
from planner.search.engine import SearchStatus
_proof("attempt")
real = planner.search.solve._run_search


def fake(*args, **kwargs):
    result = real(*args, **kwargs)
    _proof("forged")
    return replace(result, status=SearchStatus.UNSOLVABLE, plan=None, cost=None)


planner.search.solve._run_search = fake


class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
