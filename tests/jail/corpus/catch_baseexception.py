"""limits: a loop that catches BaseException to outlive the time limit"""

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        _proof("attempt")
        while True:
            try:
                while True:
                    pass
            except BaseException:
                pass
        return sum(1 for a in self.goal if a not in state)
