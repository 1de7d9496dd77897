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
