"""In-process probe of what `planner solve` runs by default: lazy GBFS with the heuristic
`--heuristic auto` selects and its preferred operators (when it gives any).

python probe.py DOMAIN.pddl TASK.pddl SECONDS [ff]

Prints one JSON line: search statistics, peak RSS before and after the search (ru_maxrss,
KiB), CPU seconds of the search, expansions per CPU second.
"""
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/, for heuristic_share
from heuristic_share import selected_evaluators  # noqa: E402

from planner.frontend.grounding import ground_files  # noqa: E402
from planner.search.engine import make_evaluator, search  # noqa: E402

dom, prob, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
t0 = time.perf_counter()
task = ground_files(Path(dom), Path(prob))
ground = time.perf_counter() - t0
if len(sys.argv) > 4 and sys.argv[4] == "ff":
    evs, kinds = [make_evaluator("ff", task)], ["ff"]
else:
    evs, kinds, _ = selected_evaluators(Path(dom), task)
pref = [e for e in evs if e.provides_preferred] or None
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
cpu0 = time.process_time()
r = search(task, "lazy-gbfs", evaluators=evs, preferred=pref, time_limit=limit, verbosity=1)
cpu = time.process_time() - cpu0
s = r.statistics
print(json.dumps({"task": prob, "facts": task.num_facts, "ops": task.num_operators,
                  "ground_s": round(ground, 2), "kinds": kinds, "preferred": bool(pref),
                  "status": r.status.value, "exp": s.expansions, "evals": s.evaluations,
                  "generated": s.generated, "init_h": s.initial_h, "cost": r.cost,
                  "search_cpu_s": round(cpu, 2), "exp_per_cpu_s": round(s.expansions / max(cpu, 1e-9)),
                  "rss_before_kb": rss0,
                  "rss_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "open_list_bytes": s.open_list_bytes, "registry_bytes": s.registry_bytes}))
