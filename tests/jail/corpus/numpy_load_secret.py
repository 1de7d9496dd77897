"""numpy-file: read a secret with numpy.loadtxt and leak it in a value"""
import numpy as np
_proof("attempt")
try:
    SECRET = np.loadtxt("$SECRET_FILE")
except OSError:
    SECRET = None
    _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
