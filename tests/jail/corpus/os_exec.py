"""process: os.execv a shell"""

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms
        import os
        _proof("attempt")
        try:
            os.execv("/bin/sh", ["sh", "-c", "touch $MARKER_DIR/exec"])
        except OSError:
            _proof("blocked")
    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
