"""value: inf on the initial state, which is not a dead end"""
import math

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        _proof("attempt")
        return math.inf
        return sum(1 for a in self.goal if a not in state)
