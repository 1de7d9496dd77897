"""limits: allocate until memory runs out"""

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms
        _proof("attempt")
        x = []
        while True:
            x.append(bytearray(1 << 26))
    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
