"""file-write: pathlib.Path.write_text in __call__"""
import pathlib

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        _proof("attempt")
        try:
            pathlib.Path("$MARKER_DIR/pathlib.txt").write_text("x")
        except OSError:
            pass
        return sum(1 for a in self.goal if a not in state)
