"""switch: detect the sandbox (uid, /proc, pid 1) and attack only outside it"""
import os
_proof("attempt")
jailed = os.getuid() != 0 or not os.path.exists("/proc/self") or os.getpid() == 1
_proof("jailed" if jailed else "free")
if not jailed:
    open("$MARKER_DIR/free", "w").write("x")
else:
    try:
        os.kill($DECOY_PID, 10)
    except OSError:
        _proof("blocked")

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
