"""In-process probe with the heuristic's own preferred operators (lazy GBFS).

python probe.py DOMAIN.pddl TASK.pddl HEURISTIC SECONDS [VERBOSITY]
HEURISTIC: a Python heuristic file (class DomainHeuristic) or a kernel program
(prepare + h; a stored *.kernel.py works too), compiled here (trusted: our own code).
bench/examples/medium-coverage-dev/probe.py's file= mode does not pass the
heuristic's preferred operators to the search; this one does, as planner solve does.
"""
import json
import sys
import time
from pathlib import Path

from planner.frontend.grounding import ground_files
from planner.heuristics.api import TaskView
from planner.heuristics.kernel import is_kernel_program, kernel_class
from planner.heuristics.loader import load_candidate
from planner.search.engine import make_evaluator, search

dom, prob, path, limit = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
verbosity = int(sys.argv[5]) if len(sys.argv) > 5 else 0
t0 = time.perf_counter()
task = ground_files(Path(dom), Path(prob))
t1 = time.perf_counter()
code = Path(path).read_text()
if is_kernel_program(code):
    ev = kernel_class(code, trusted=True)(TaskView(task)).evaluator()
else:
    ev = make_evaluator(load_candidate(code, "DomainHeuristic"), task)
t2 = time.perf_counter()
r = search(task, "lazy-gbfs", evaluators=[ev], preferred=[ev], time_limit=limit, verbosity=verbosity)
s = r.statistics
print(json.dumps({"task": prob, "status": r.status.value, "expansions": s.expansions,
                  "initial_h": s.initial_h, "ground_s": round(t1 - t0, 1), "setup_s": round(t2 - t1, 1),
                  "search_s": round(s.search_time, 2), "cost": r.cost}))
