"""file-write: poison the response cache and plant a store entry"""
import os
_proof("attempt")
for path in ("$CACHE_DIR/ab/poison.json", "$STORE_DIR/blocksworld/planted.py"):
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "w").write("{}")
    except OSError:
        _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
