"""forge: flood the result pipe with a 64 MB frame"""
import os, struct
_proof("attempt")
for fd in range(3, 32):
    try:
        os.write(fd, struct.pack(">Q", 1 << 40) + b"x" * (1 << 20))
    except OSError:
        pass

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
