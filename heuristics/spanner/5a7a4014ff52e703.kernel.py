# Heuristic written by the project's developers, not sampled from an LLM endpoint; regenerate rather than edit.
# planner-heuristic: {"agile": 6.0, "checked_on": ["../shared/benchmarks/ipc2023-learning/spanner/training/easy/p95.pddl", "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p98.pddl", "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p99.pddl"], "class_name": "<kernel>", "code_sha256": "7ec48f856652ec6e237816975eb9ce75937ee4bdf41602180e9db74555306365", "compile_seconds": 0.756181420001667, "differential": {"../shared/benchmarks/ipc2023-learning/spanner/training/easy/p95.pddl": {"both_failed": 0, "equal": true, "preferred_set_mismatches": 0, "states": 238}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p98.pddl": {"both_failed": 0, "equal": true, "preferred_set_mismatches": 0, "states": 202}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p99.pddl": {"both_failed": 0, "equal": true, "preferred_set_mismatches": 0, "states": 190}}, "domain_fingerprint": "5a7a4014ff52e7033acf5c24b7a25c4517cbe99e6e019fc0b3766fa20b94c4b9", "form": "kernel", "learn_command": "python -m planner learn DK ../shared/benchmarks/ipc2023-learning/spanner/domain.pddl ../shared/benchmarks/ipc2023-learning/spanner/training/easy/p95.pddl ../shared/benchmarks/ipc2023-learning/spanner/training/easy/p98.pddl ../shared/benchmarks/ipc2023-learning/spanner/training/easy/p99.pddl --model developers-pool --kernel-only --kernel-samples 1 --kernel-tasks 3 --concurrency 1 --repair-rounds 1 --base-url URL", "model": null, "pool": "heuristics/pools/spanner", "pool_file": "kernel/01-corridor-positions.md", "provenance": "written by the project's developers, not sampled from an LLM endpoint", "python_form": "5a7a4014ff52e703.py", "python_form_sha256": "7ef83cbfae66c24c2c4da3626aaf5f2f4fd01fa1781e7bf428b71db6bcfe30ed", "replay_model": "developers-pool", "response_key": "dba883ab86502a6c49c699acd2b88eea0e5ec57c619d6f134dc30e7187c7be4a", "sample_index": 0, "scores": "solved/agile are the Python form's: the kernel reproduces its values", "selected": true, "selection": "selected over the Python form iff values equal on every sampled state and faster on every task", "solved": 6, "speed": {"../shared/benchmarks/ipc2023-learning/spanner/training/easy/p95.pddl": {"kernel_per_s": 5028309, "python_per_s": 185593, "speedup": 27.1}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p98.pddl": {"kernel_per_s": 5085288, "python_per_s": 188885, "speedup": 26.9}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p99.pddl": {"kernel_per_s": 4937825, "python_per_s": 190611, "speedup": 25.9}}, "temperature": 1.0, "template": "translate_kernel_v1", "template_sha256": "b063295462082aa6483f981043057807fc110cc4a605695a163c6cd246a94e40"}
"""Kernel form of the shipped spanner heuristic (heuristics/spanner/*.py): same values.

h = 2 * loose nuts + spanners still to pick up + the walk to the farthest
spanner needed + the walk from there on to the gate, with locations numbered
by their place on the one-way corridor. Where the Python form fails (fewer
spanners ahead of the man than he still needs: its list index is out of
range), the kernel fails too (returns -1).
"""
import numpy as np


def prepare(task):
    nxt = {}
    targets = set()
    for atom in task.static_atoms:
        if atom[0] == "link":
            nxt[atom[1]] = atom[2]
            targets.add(atom[2])
    start = [l for l in nxt if l not in targets][0]
    pos = {}
    i = 0
    loc = start
    while loc is not None:
        pos[loc] = i
        i += 1
        loc = nxt.get(loc)
    gate = max(pos.values())
    man = [o for o in task.objects if "man" in task.object_types.get(o, ())][0]
    index = {tuple(a): f for f, a in enumerate(task.facts)}
    static = set(tuple(a) for a in task.static_atoms)
    # goal: fact id of tightened(nut), -1 = never true, -2 = always true (static)
    nuts = [a[1] for a in task.goal_atoms if a[0] == "tightened"]
    goal = np.zeros(len(nuts), dtype=np.int32)
    for k, nut in enumerate(nuts):
        atom = ("tightened", nut)
        goal[k] = index.get(atom, -2 if atom in static else -1)
    # per fact: kind (1 carrying, 2 the man's position, 3 another object's
    # position, 4 a position off the corridor) and a value (for carrying the
    # usable fact of the spanner, -1 never / -2 always; else the position)
    nf = task.num_facts
    kind = np.zeros(max(nf, 1), dtype=np.int32)
    value = np.zeros(max(nf, 1), dtype=np.int32)
    for f, atom in enumerate(task.facts):
        if atom[0] == "carrying":
            usable = ("usable", atom[2])
            kind[f] = 1
            value[f] = index.get(usable, -2 if usable in static else -1)
        elif atom[0] == "at":
            if atom[2] not in pos:
                kind[f] = 4
            else:
                kind[f] = 2 if atom[1] == man else 3
                value[f] = pos[atom[2]]
    consts = np.array([gate], dtype=np.int64)
    scratch = np.zeros(max(nf, 1), dtype=np.int64)
    return (goal, kind, value, consts, scratch)


def h(state, goal, kind, value, consts, scratch):
    loose = 0
    for k in range(goal.shape[0]):
        g = goal[k]
        if g == -1 or (g >= 0 and state[g] == 0):
            loose += 1
    if loose == 0:
        return 0.0
    carried = 0
    man = 0
    n = 0
    for f in range(state.shape[0]):
        if state[f] != 0:
            c = kind[f]
            if c == 1:
                u = value[f]
                if u == -2 or (u >= 0 and state[u] != 0):
                    carried += 1
            elif c == 2:
                man = value[f]
            elif c == 3:
                scratch[n] = value[f]
                n += 1
            elif c == 4:
                return -1.0
    need = loose - carried
    if need < 0:
        need = 0
    far = man
    if need > 0:
        # insertion sort in place: a handful of spanners, and no allocation per
        # call (np.sort allocated: 1.35M evaluations/s; this: see bench/kernel_speed.py)
        for i in range(1, n):
            v = scratch[i]
            j = i - 1
            while j >= 0 and scratch[j] > v:
                scratch[j + 1] = scratch[j]
                j -= 1
            scratch[j + 1] = v
        first = 0
        while first < n and scratch[first] < man:
            first += 1
        if first + need - 1 >= n:
            return -1.0
        far = scratch[first + need - 1]
    return float(2 * loose + need + (far - man) + (consts[0] - man))
