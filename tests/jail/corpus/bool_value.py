"""value: bools (True/False read as 1/0)"""

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        _proof("attempt")
        return any(a not in state for a in self.goal)
        return sum(1 for a in self.goal if a not in state)
