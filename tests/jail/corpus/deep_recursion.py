"""crash: unbounded recursion with the recursion limit lifted (segfault)"""
import sys
_proof("attempt")
sys.setrecursionlimit(10 ** 7)
def down(n):
    return down(n + 1) + 1

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms
        down(0)
    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
