"""signal: SIGUSR1 to the decoy process the test started"""
import os, signal
_proof("attempt")
try:
    os.kill($DECOY_PID, signal.SIGUSR1)
except OSError:
    _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
