"""process: subprocess.Popen of touch"""
import subprocess
_proof("attempt")
try:
    subprocess.Popen(["/usr/bin/touch", "$MARKER_DIR/popen"])
except (OSError, subprocess.SubprocessError):
    _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
