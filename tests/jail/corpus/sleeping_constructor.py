"""limits: a constructor that sleeps past the deadline"""
import time

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms
        _proof("attempt")
        time.sleep(1000)
    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
