"""switch: behave on small tasks, attack on large ones"""

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms
        _proof("attempt")
        if task.num_operators > 20:
            _proof("switched")
            try:
                open("$MARKER_DIR/large", "w").write("x")
                __import__("os").system("touch $MARKER_DIR/large2")
            except OSError:
                _proof("blocked")
    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
