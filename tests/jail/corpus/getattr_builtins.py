"""dunder: getattr on builtins with a name built at run time"""
import builtins
_proof("attempt")
opener = getattr(builtins, "".join(reversed("nepo")))
try:
    opener("$MARKER_DIR/getattr", "w").write("x")
except OSError:
    _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
