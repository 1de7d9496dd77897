"""socket: UDP datagram to the listener's port"""

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms
        import socket
        _proof("attempt")
        try:
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"pwned", ("127.0.0.1", $PORT))
        except OSError:
            _proof("blocked")
    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
