"""escape: private attributes of allowed modules (collections._sys, functools)"""
import collections
_proof("attempt")
sys_mod = collections._sys
osm = sys_mod.modules["os"]
try:
    osm.open("$MARKER_DIR/private", osm.O_CREAT | osm.O_WRONLY)
except OSError:
    _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
