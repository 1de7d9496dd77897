"""dunder: type() with computed attributes whose finalizer writes after validation"""
_proof("attempt")
name = "".join(["__", "d", "el", "__"])
def late(self):
    _proof("finalizer")
    try:
        open("$MARKER_DIR/late", "w").write("x")
    except OSError:
        pass
Late = type("Late", (), {name: late})
objs = [Late() for _ in range(3)]

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
