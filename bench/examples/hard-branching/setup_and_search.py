"""What the jailed child does, in-process: guarded_evaluator (TaskView + prepare + compile) of the
stored heuristic, then lazy GBFS with its preferred operators; CPU seconds and /proc/self/status memory.

python setup_and_search.py DOMAIN.pddl TASK.pddl [SECONDS]
"""
import sys, time, gc, resource
from pathlib import Path
def st():
    d = {}
    for line in open("/proc/self/status"):
        k = line.split(":")[0]
        if k in ("VmPeak", "VmSize", "VmHWM", "VmRSS"):
            d[k] = int(line.split()[1]) // 1024
    return d
from planner.frontend.grounding import ground_files
task = ground_files(Path(sys.argv[1]), Path(sys.argv[2]))
from planner import _core
_core.compiled_task(task)
print("before", st(), flush=True)
from planner.heuristics.untrusted import guarded_evaluator
from planner.heuristics.kernel import kernel_class
from planner.heuristics.store import auto_heuristic
members, path = auto_heuristic(Path(sys.argv[1]))
cls = kernel_class(members[0].code, "k", trusted=True)
c=time.process_time(); ev = guarded_evaluator(cls, task, "k"); print("guarded_evaluator cpu s", time.process_time()-c, st(), flush=True)
from planner.search.engine import search
c=time.process_time()
r = search(task, "lazy-gbfs", evaluators=[ev], preferred=[ev], time_limit=float(sys.argv[3]) if len(sys.argv) > 3 else 30, verbosity=1)
print(r.status, r.statistics.expansions, "cpu", time.process_time()-c, st(), r.statistics.open_list_bytes)
