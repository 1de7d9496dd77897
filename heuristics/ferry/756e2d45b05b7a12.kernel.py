# Heuristic written by the project's developers, not sampled from an LLM endpoint; regenerate rather than edit.
# planner-heuristic: {"agile": 6.0, "checked_on": ["../shared/benchmarks/ipc2023-learning/ferry/training/easy/p96.pddl", "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p97.pddl", "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p99.pddl"], "class_name": "<kernel>", "code_sha256": "ee689b6cfc03b70a11d1a790ff35ea1e41f3555aec3c9aec512cf79cfaf6fafd", "compile_seconds": 2.1, "differential": {"../shared/benchmarks/ipc2023-learning/ferry/training/easy/p96.pddl": {"both_failed": 0, "equal": true, "preferred_set_mismatches": 0, "states": 362}, "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p97.pddl": {"both_failed": 0, "equal": true, "preferred_set_mismatches": 0, "states": 373}, "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p99.pddl": {"both_failed": 0, "equal": true, "preferred_set_mismatches": 0, "states": 221}}, "domain_fingerprint": "756e2d45b05b7a12d6192233b71b0024aa67098e2b3917c86ab1842b8461b932", "form": "kernel", "learn_command": "python -m planner learn DK ../shared/benchmarks/ipc2023-learning/ferry/domain.pddl ../shared/benchmarks/ipc2023-learning/ferry/training/easy/p96.pddl ../shared/benchmarks/ipc2023-learning/ferry/training/easy/p97.pddl ../shared/benchmarks/ipc2023-learning/ferry/training/easy/p99.pddl --model developers-pool --kernel-only --kernel-samples 1 --kernel-tasks 3 --concurrency 1 --repair-rounds 1 --base-url URL", "model": null, "pool": "heuristics/pools/ferry", "pool_file": "kernel/01-ferry-trips.md", "provenance": "written by the project's developers, not sampled from an LLM endpoint", "python_form": "756e2d45b05b7a12.py", "python_form_sha256": "c529567a82a562740c2c57b5a4f6d5408fe5ab53e625d301af74c6f5f5d8c399", "replay_model": "developers-pool", "response_key": "df9c63e499f719c9905251ff6ca79a4ac8e8cbc7dd851a5ebdb50e6e2cc79efb", "sample_index": 0, "scores": "solved/agile are the Python form's: the kernel reproduces its values", "selected": true, "selection": "selected over the Python form iff values equal on every sampled state and faster on every task", "solved": 6, "speed": {"../shared/benchmarks/ipc2023-learning/ferry/training/easy/p96.pddl": {"kernel_per_s": 1948169, "python_per_s": 123176, "speedup": 15.8}, "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p97.pddl": {"kernel_per_s": 1199329, "python_per_s": 130444, "speedup": 9.2}, "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p99.pddl": {"kernel_per_s": 1436185, "python_per_s": 117850, "speedup": 12.2}}, "temperature": 1.0, "template": "translate_kernel_v1", "template_sha256": "b063295462082aa6483f981043057807fc110cc4a605695a163c6cd246a94e40"}
"""Kernel form of the shipped ferry heuristic (heuristics/ferry/*.py) (same values, same preferred
operators in the same order).

Per misplaced car: board + sail + debark (3) and one more sail unless the ferry
is where the car waits; a car on the ferry needs debark and a sail unless the
ferry is at its goal. Preferred: debark at the car's goal or sail there; with
an empty ferry, board a misplaced car here, else sail to one.

Cars and locations are numbered separately (the Python form compares names
only within one role); operator ids come from dense tables built once in
prepare() (car x location for board and debark, location x location for sail,
-1 where the task has no such operator), so h allocates nothing per call.
"""
import numpy as np

PREFERRED = True


def prepare(task):
    cars = {}
    locs = {}
    # per fact: kind (0 car at location, 1 car on the ferry, 2 ferry at location, -1 other), car, location
    info = np.full((max(task.num_facts, 1), 3), -1, dtype=np.int32)
    for fid, atom in enumerate(task.facts):
        if atom[0] == "at" and len(atom) == 3:
            info[fid] = (0, cars.setdefault(atom[1], len(cars)), locs.setdefault(atom[2], len(locs)))
        elif atom[0] == "on" and len(atom) >= 2:
            info[fid] = (1, cars.setdefault(atom[1], len(cars)), -1)
        elif atom[0] == "at-ferry" and len(atom) >= 2:
            info[fid] = (2, -1, locs.setdefault(atom[1], len(locs)))
    # the Python form's goal dict: the last (at car loc) goal of a car wins
    goal_of = {a[1]: a[2] for a in task.goal_atoms if a[0] == "at"}
    for car, loc in goal_of.items():
        cars.setdefault(car, len(cars))
        locs.setdefault(loc, len(locs))
    ops = []
    for name, oid in task.operator_index.items():
        parts = tuple(name.strip("()").split())
        if len(parts) == 3 and parts[0] in ("board", "debark"):
            cars.setdefault(parts[1], len(cars))
            locs.setdefault(parts[2], len(locs))
            ops.append((parts, oid))
        elif len(parts) == 3 and parts[0] == "sail":
            locs.setdefault(parts[1], len(locs))
            locs.setdefault(parts[2], len(locs))
            ops.append((parts, oid))
    nc = max(len(cars), 1)
    nl = max(len(locs), 1)
    goal = np.full(nc, -1, dtype=np.int32)
    for car, loc in goal_of.items():
        goal[cars[car]] = locs[loc]
    board = np.full((nc, nl), -1, dtype=np.int32)
    debark = np.full((nc, nl), -1, dtype=np.int32)
    sail = np.full((nl, nl), -1, dtype=np.int32)
    for parts, oid in ops:
        if parts[0] == "sail":
            sail[locs[parts[1]], locs[parts[2]]] = oid
        elif parts[0] == "board":
            board[cars[parts[1]], locs[parts[2]]] = oid
        else:
            debark[cars[parts[1]], locs[parts[2]]] = oid
    goal_ids = np.array([task.fact_index[a] for a in task.goal_atoms if a in task.fact_index],
                        dtype=np.int32)
    goal_missing = any(a not in task.fact_index and a not in task.static_atoms for a in task.goal_atoms)
    consts = np.array([1 if goal_missing else 0], dtype=np.int64)
    # waiting cars, their locations, carried cars (at most one entry per fact)
    scratch = np.zeros((3, max(task.num_facts, 1)), dtype=np.int32)
    return (info, goal, goal_ids, consts, board, debark, sail, scratch)


def h(state, preferred, info, goal, goal_ids, consts, board, debark, sail, scratch):
    if consts[0] == 0:
        done = True
        for i in range(goal_ids.shape[0]):
            if state[goal_ids[i]] == 0:
                done = False
                break
        if done:
            return 0.0, 0
    w_car = scratch[0]
    w_loc = scratch[1]
    carried = scratch[2]
    ferry = -1
    nw = 0
    nc = 0
    for f in range(state.shape[0]):
        if state[f] == 0:
            continue
        k = info[f, 0]
        if k == 0:
            c = info[f, 1]
            g = goal[c]
            if g != -1 and g != info[f, 2]:
                w_car[nw] = c
                w_loc[nw] = info[f, 2]
                nw += 1
        elif k == 1:
            carried[nc] = info[f, 1]
            nc += 1
        elif k == 2:
            ferry = info[f, 2]
    hv = 0
    for i in range(nw):
        hv += 3 if w_loc[i] == ferry else 4
    for i in range(nc):
        g = goal[carried[i]]
        if g == -1:
            hv += 1
        else:
            hv += 1 if g == ferry else 2
    if hv == 0:
        return 1.0, 0
    n = 0
    if nc > 0:
        for i in range(nc):
            c = carried[i]
            g = goal[c]
            if g == -1:
                g = ferry
            o = -1
            if ferry >= 0:
                if g == ferry:
                    o = debark[c, ferry]
                else:
                    o = sail[ferry, g]
            if o >= 0:
                preferred[n] = o
                n += 1
    else:
        for i in range(nw):
            if w_loc[i] == ferry:
                o = board[w_car[i], w_loc[i]]
                if o >= 0:
                    preferred[n] = o
                    n += 1
        if n == 0 and ferry >= 0:
            for i in range(nw):
                o = sail[ferry, w_loc[i]]
                if o >= 0:
                    preferred[n] = o
                    n += 1
    return float(hv), n
