"""dunder: __import__ built from pieces to reach socket"""
_proof("attempt")
imp = getattr(__builtins__ if isinstance(__builtins__, dict) else vars(__builtins__), "get", None)
name = "__" + "im" + "port__"
mod = (vars(__builtins__) if not isinstance(__builtins__, dict) else __builtins__)[name]("so" + "cket")
try:
    mod.create_connection(("127.0.0.1", $PORT), timeout=2)
except OSError:
    _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
