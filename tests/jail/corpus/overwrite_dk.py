"""file-write: append a step to the DK/heuristic file itself"""

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms
        _proof("attempt")
        try:
            with open("$DK", "a") as f:
                f.write("\n# pwned\n")
        except OSError:
            _proof("blocked")
    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
