"""process: os.fork, the child writes a marker and lives on"""
import os, time
_proof("attempt")
try:
    if os.fork() == 0:
        time.sleep(5)
        open("$MARKER_DIR/forked", "w").write("x")
        os._exit(0)
except OSError:
    _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
