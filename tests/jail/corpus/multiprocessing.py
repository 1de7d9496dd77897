"""process: multiprocessing.Process"""
import multiprocessing
_proof("attempt")
def work():
    open("$MARKER_DIR/mp", "w").write("x")
try:
    multiprocessing.Process(target=work).start()
except Exception:
    _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
