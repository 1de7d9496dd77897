"""numpy-file: numpy.memmap and open_memmap in w+ mode"""
import numpy as np
_proof("attempt")
try:
    np.memmap("$MARKER_DIR/m.bin", mode="w+", shape=(8,))
except OSError:
    _proof("blocked")
try:
    np.lib.format.open_memmap("$MARKER_DIR/m.npy", mode="w+", shape=(8,))
except OSError:
    _proof("blocked2")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
