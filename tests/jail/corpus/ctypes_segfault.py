"""crash: dereference a null pointer through ctypes"""

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms
        import ctypes
        _proof("attempt")
        ctypes.string_at(0)
    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
