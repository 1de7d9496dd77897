"""escape: reach os through planner.heuristics.api module globals"""
import planner.heuristics.api as api
_proof("attempt")
os_mod = api.inspect.sys.modules["os"]
try:
    os_mod.system("touch $MARKER_DIR/api")
    fd = os_mod.open("$MARKER_DIR/api2", os_mod.O_CREAT | os_mod.O_WRONLY)
except OSError:
    _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
