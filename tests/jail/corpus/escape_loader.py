"""escape: planner's own loader executes any source"""
import planner.heuristics.loader as api
_proof("attempt")
try:
    api.load_heuristic_source("open('$MARKER_DIR/loader', 'w').write('x')\nclass Z:\n    def __call__(self, s): return 0\n", "<x>")
except Exception:
    _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
