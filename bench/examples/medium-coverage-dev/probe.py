"""In-process probe: search a task with the stored heuristic `auto` selects, and variants.

python probe.py DOMAIN.pddl TASK.pddl CONFIG SECONDS
CONFIG: learned | ff | mix (learned and h^FF in alternation, h^FF's preferred operators) |
learned-pref-ff | file=PATH.py[+CONFIG] (a Python heuristic class DomainHeuristic) |
kfile=PATH.py[+CONFIG] (a kernel program, compiled here as trusted code); a "+typed" suffix adds
type-based exploration.
"""
import sys, time, json
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/, for heuristic_share
from heuristic_share import selected_evaluators
from planner.frontend.grounding import ground_files
from planner.search.engine import search, make_evaluator

dom, prob, config, limit = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
TYPED = config.endswith("+typed")
config = config.removesuffix("+typed")
t0 = time.perf_counter()
task = ground_files(Path(dom), Path(prob))
gt = time.perf_counter() - t0
evs, kinds, src = selected_evaluators(Path(dom), task)
learned = evs[0]
if config.startswith("kfile="):
    from planner.heuristics.kernel import kernel_class
    from planner.heuristics.api import TaskView
    parts = config[6:].split("+")
    learned = kernel_class(open(parts[0]).read(), "dev-kernel", trusted=True)(TaskView(task)).evaluator()
    config = parts[1] if len(parts) > 1 else "learned"
elif config.startswith("file="):
    from planner.heuristics.loader import load_candidate
    parts = config[5:].split("+")
    learned = make_evaluator(load_candidate(open(parts[0]).read(), "DomainHeuristic"), task)
    config = parts[1] if len(parts) > 1 else "learned"
if config == "learned":
    e, pref = [learned], []
elif config == "ff":
    ff = make_evaluator("ff", task); e, pref = [ff], [ff]
elif config.startswith("mix"):
    ff = make_evaluator("ff", task)
    e, pref = [learned, ff], [ff]
    if ":" in config:
        learned.shares = int(config.split(":")[1])
elif config == "learned-pref-ff":
    ff = make_evaluator("ff", task)
    e, pref = [learned], [ff]
r = search(task, "lazy-gbfs", evaluators=e, preferred=pref or None, time_limit=limit, verbosity=1, type_based=TYPED)
s = r.statistics
print(json.dumps({"task": prob, "config": sys.argv[3], "facts": task.num_facts, "ops": task.num_operators,
                  "ground": round(gt, 2), "status": r.status.value, "exp": s.expansions, "evals": s.evaluations,
                  "dead": s.dead_ends, "init_h": s.initial_h, "time": round(s.search_time, 2),
                  "cost": r.cost, "kinds": kinds}))
