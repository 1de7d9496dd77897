"""planner.search.solve.solve with INFO logging: where a `planner solve` run spends its time.

python solve_log.py DOMAIN.pddl TASK.pddl SECONDS
"""
import logging, sys, time, json
logging.basicConfig(level=logging.INFO, format="%(relativeCreated)8.0f ms %(name)s: %(message)s")
from planner.search.solve import solve
r = solve(sys.argv[1], sys.argv[2], search="lazy-gbfs", heuristic="auto", time_limit=float(sys.argv[3]), memory_limit=4096, verbosity=1)
print(r.status, r.cost, json.dumps({k: v for k, v in r.statistics.items() if k != "jail"}, default=str)[:3000])
print(json.dumps(r.statistics.get("jail"), default=str)[:3000])
