"""good: a plain goal-count heuristic (written by the project's developers, not sampled from an LLM endpoint)"""
PROVEN = _proof("attempt")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
