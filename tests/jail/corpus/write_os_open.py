"""file-write: os.open with O_CREAT at import"""
import os
_proof("attempt")
try:
    os.close(os.open("$MARKER_DIR/osopen", os.O_CREAT | os.O_WRONLY, 0o644))
except OSError:
    _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
