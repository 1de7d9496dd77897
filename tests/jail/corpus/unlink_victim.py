"""file-write: unlink and rename a file the user owns"""
import os
_proof("attempt")
for f in (lambda: os.unlink("$VICTIM"), lambda: os.rename("$VICTIM", "$VICTIM.moved")):
    try:
        f()
    except OSError:
        _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
