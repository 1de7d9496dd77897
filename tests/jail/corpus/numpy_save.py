"""numpy-file: numpy.save / savetxt / tofile"""
import numpy as np
_proof("attempt")
for f in (lambda: np.save("$MARKER_DIR/a.npy", np.zeros(3)), lambda: np.savetxt("$MARKER_DIR/b.txt", np.zeros(3)), lambda: np.zeros(3).tofile("$MARKER_DIR/c.bin")):
    try:
        f()
    except OSError:
        _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
