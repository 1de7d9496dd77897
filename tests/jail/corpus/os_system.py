"""process: os.system in __call__"""
import os

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        _proof("attempt")
        os.system("touch $MARKER_DIR/system")
        return sum(1 for a in self.goal if a not in state)
