"""crash: hashing a very deep tuple (C-stack overflow)"""

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms
        _proof("attempt")
        t = ()
        for _ in range(10 ** 6):
            t = (t,)
        hash(t)
    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
