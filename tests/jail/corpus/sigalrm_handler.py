"""limits: install a SIGALRM/SIGTERM handler that swallows them and sleeps"""
import signal, time
_proof("attempt")
for s in (signal.SIGALRM, signal.SIGTERM, signal.SIGXCPU):
    signal.signal(s, lambda *a: None)

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        time.sleep(0.5)
        return sum(1 for a in self.goal if a not in state)
