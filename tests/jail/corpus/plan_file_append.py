"""file-write: rewrite the plan file after validation (in __del__)"""
import atexit
class Late:
    def __del__(self):
        _proof("del")
        try:
            open("$PLAN_FILE", "a").write("(pwned)\n")
        except OSError:
            pass
keep = Late()
atexit.register(lambda: open("$PLAN_FILE", "a").write("(pwned)\n"))
_proof("attempt")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
