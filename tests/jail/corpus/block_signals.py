"""limits: block every signal, ignore SIGXCPU/SIGTERM, then loop"""
import signal
_proof("attempt")
signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals))
for s in (signal.SIGXCPU, signal.SIGTERM, signal.SIGALRM, signal.SIGINT):
    signal.signal(s, signal.SIG_IGN)
while True:
    pass

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
