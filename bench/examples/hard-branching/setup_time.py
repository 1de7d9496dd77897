"""Wall time of each set-up step of the stored kernel heuristic: ground, TaskView, compile, prepare.

python setup_time.py DOMAIN.pddl TASK.pddl
"""
import sys, time
from pathlib import Path
t0=time.perf_counter()
from planner.frontend.grounding import ground_files
task = ground_files(Path(sys.argv[1]), Path(sys.argv[2]))
t1=time.perf_counter(); print("ground", t1-t0, flush=True)
from planner.heuristics.api import TaskView
from planner.heuristics.kernel import KERNEL_CLASS_NAME, kernel_class
from planner.heuristics.store import auto_heuristic
members, path = auto_heuristic(Path(sys.argv[1]))
m = members[0]
tv = TaskView(task); t2=time.perf_counter(); print("taskview", t2-t1, flush=True)
cls = kernel_class(m.code, "k", trusted=True); t3=time.perf_counter(); print("kernel_class", t3-t2, flush=True)
h = cls(tv); t4=time.perf_counter(); print("construct", t4-t3, flush=True)
ev = h.evaluator(); t5=time.perf_counter(); print("evaluator", t5-t4, flush=True)
