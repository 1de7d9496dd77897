"""socket: AF_UNIX socket (abstract namespace) and socketpair"""
import socket
_proof("attempt")
for f in (lambda: socket.socket(socket.AF_UNIX).connect("\0planner-test"), socket.socketpair):
    try:
        f()
    except OSError:
        _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
