"""socket: TCP connection to the test's listener"""
import socket
_proof("attempt")
try:
    socket.create_connection(("127.0.0.1", $PORT), timeout=2).sendall(b"pwned")
except OSError:
    _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
