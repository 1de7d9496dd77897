"""signal: SIGTERM to its parent and its process group"""
import os, signal
_proof("attempt")
for f in (lambda: os.kill(os.getppid() or 1, signal.SIGTERM), lambda: os.killpg(os.getpgid($DECOY_PID), signal.SIGUSR1)):
    try:
        f()
    except OSError:
        _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
