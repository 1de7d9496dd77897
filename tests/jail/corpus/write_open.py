"""file-write: open() for writing in the constructor"""

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms
        _proof("attempt")
        try:
            open("$MARKER_DIR/open.txt", "w").write("x")
        except OSError as e:
            _proof("blocked")
    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
