"""signal: kill(-1, SIGUSR1) to every process it may signal"""

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms
        import os, signal
        _proof("attempt")
        try:
            os.kill(-1, signal.SIGUSR1)
        except OSError:
            _proof("blocked")
    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
