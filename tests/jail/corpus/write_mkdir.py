"""file-write: os.mkdir and os.symlink"""
import os
_proof("attempt")
for f in (lambda: os.mkdir("$MARKER_DIR/sub"), lambda: os.symlink("/etc", "$MARKER_DIR/link")):
    try:
        f()
    except OSError:
        _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
