"""output: print to stdout to corrupt --json"""
import sys
_proof("attempt")
print("PWNED-STDOUT {\"status\": \"forged\"}")
sys.stdout.flush()

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        print("PWNED-STDOUT-CALL")
        return sum(1 for a in self.goal if a not in state)
