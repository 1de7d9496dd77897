"""limits: a non-daemon thread that keeps working after the search"""
import threading, time
_proof("attempt")
def spin():
    time.sleep(3)
    open("$MARKER_DIR/thread", "w").write("x")
try:
    threading.Thread(target=spin).start()
except RuntimeError:
    _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
