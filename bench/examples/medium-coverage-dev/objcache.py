"""Reproduces the kernel-cache crash: loads the cached object code of the stored rovers kernel
(PLANNER_KERNEL_CACHE=DIR filled by one jailed `planner solve` of the task) in this process, as
the jailed child does, and searches. SIGSEGV on generated hard rovers tasks.

PLANNER_KERNEL_CACHE=DIR python objcache.py TASK.pddl
"""
import sys, faulthandler, time
faulthandler.enable()
from pathlib import Path
import planner.jail as J
import planner.heuristics.kernel as K
K.in_jailed_child = lambda: True
import planner.jail
planner.jail.in_jailed_child = lambda: True
from planner.frontend.grounding import ground_files
from planner.heuristics.api import TaskView
from planner.heuristics.store import auto_heuristic
from planner.search.engine import search
from planner.domains import domain_file
dom = Path(domain_file("rovers"))
task = ground_files(dom, Path(sys.argv[1]))
members, path = auto_heuristic(dom)
m = members[0]
print("preloaded", K.preload_cache(m.code), flush=True)
H = K.kernel_class(m.code, "rk", trusted=True)(TaskView(task))
ev = H.evaluator()
r = search(task, "lazy-gbfs", evaluators=[ev], time_limit=60, verbosity=1)
print(r.status, r.statistics.expansions, K.compile_seconds())
