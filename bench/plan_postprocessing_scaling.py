"""How plan post-processing (planner.plans.postprocess) scales with the plan's length.

A synthetic lift task (40 floors, 40 passengers; a move between any two floors, board and
depart) and plans of 250-4000 steps made of random lift moves with each passenger boarding
and departing when it can: miconic-like plans full of detours. CPU seconds of greedy action
elimination (every length, ignoring GREEDY_MAX_LENGTH), the single scan, the shortcuts, and
improve_plan (what `planner solve` runs):

    nice python bench/plan_postprocessing_scaling.py
"""
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.plans.postprocess import eliminate_actions, improve_plan, shortcut_steps  # noqa: E402
from tests.random_tasks import OpSpec, build_task  # noqa: E402

F = 40
rng = random.Random(100)
facts = {}
def fid(name):
    return facts.setdefault(name, len(facts))
ops = []
for a in range(F):
    for b in range(F):
        if a != b:
            ops.append(OpSpec((fid(("at", a)),), (), (fid(("at", b)),), (fid(("at", a)),), 1))
P = 40
origin = [rng.randrange(F) for _ in range(P)]; dest = [rng.randrange(F) for _ in range(P)]
for p in range(P):
    ops.append(OpSpec((fid(("at", origin[p])), fid(("wait", p))), (), (fid(("in", p)),), (fid(("wait", p)),), 1))
    ops.append(OpSpec((fid(("at", dest[p])), fid(("in", p))), (), (fid(("served", p)),), (fid(("in", p)),), 1))
init = {fid(("at", 0))} | {fid(("wait", p)) for p in range(P)}
goal = {fid(("served", p)) for p in range(P)}
task = build_task(len(facts), ops, init, goal)
for length in (250, 500, 1000, 2000):
    # random lift moves, and each passenger boards / departs as soon as possible
    state, plan = frozenset(task.init.tolist()), []
    while len(plan) < length or not task.is_goal(state):
        app = [o for o in range(len(ops)) if o >= F * (F - 1) and task.applicable(state, o)]
        o = app[0] if app and len(plan) >= length - 50 or (app and rng.random() < 0.3) else rng.randrange(F * (F - 1))
        if not task.applicable(state, o):
            continue
        plan.append(o); state = task.apply(state, o)
    for name, fn in (("greedy", lambda: eliminate_actions(task, plan, greedy_max_length=10**9)),
                     ("scan", lambda: eliminate_actions(task, plan, greedy_max_length=0)),
                     ("shortcut", lambda: shortcut_steps(task, plan)),
                     ("improve", lambda: improve_plan(task, plan))):
        t = time.process_time(); r = fn(); t = time.process_time() - t
        print(f"{len(plan):5d} steps {name:8s} cost {r.cost_before} -> {r.cost_after} {t:.3f}s cpu")
