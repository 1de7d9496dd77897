# Heuristic written by the project's developers, not sampled from an LLM endpoint; regenerate rather than edit.
# planner-heuristic: {"agile": 5.970367869, "checked_on": ["../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p98.pddl", "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p99.pddl", "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p96.pddl"], "class_name": "<kernel>", "code_sha256": "40bc2ec4a71acbceba8c365069c532c84c09718f9339a716deec67888f8f7f2c", "compile_seconds": 0.010481624998647021, "differential": {"../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p96.pddl": {"both_failed": 0, "equal": true, "preferred_set_mismatches": 0, "states": 561}, "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p98.pddl": {"both_failed": 0, "equal": true, "preferred_set_mismatches": 0, "states": 544}, "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p99.pddl": {"both_failed": 0, "equal": true, "preferred_set_mismatches": 0, "states": 478}}, "domain_fingerprint": "2e3d67d842055edae4bc2d25aaa3c19165115cae21ffcba5a1c5b09b61d26ac7", "form": "kernel", "learn_command": "python -m planner learn DK ../shared/benchmarks/ipc2023-learning/blocksworld/domain.pddl ../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p98.pddl ../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p99.pddl ../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p96.pddl --model developers-pool --kernel-only --kernel-samples 1 --kernel-tasks 3 --concurrency 1 --repair-rounds 1 --base-url URL", "model": null, "pool": "heuristics/pools/blocksworld", "pool_file": "kernel/01-well-placed-towers.md", "provenance": "written by the project's developers, not sampled from an LLM endpoint", "python_form": "2e3d67d842055eda.py", "python_form_sha256": "c635c762b45f6ef0bb1e43cc1527be10010aedab384aa68913e5eceb53bd0100", "replay_model": "developers-pool", "response_key": "d9bb59bdb34f39f5f9489dcad175d04c81ee60232924c5645c20ee2123287568", "sample_index": 0, "scores": "solved/agile are the Python form's: the kernel reproduces its values", "selected": true, "selection": "selected over the Python form iff values equal on every sampled state and faster on every task", "solved": 6, "speed": {"../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p96.pddl": {"kernel_per_s": 1153536, "python_per_s": 61124, "speedup": 18.9}, "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p98.pddl": {"kernel_per_s": 992585, "python_per_s": 60962, "speedup": 16.3}, "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p99.pddl": {"kernel_per_s": 979940, "python_per_s": 58010, "speedup": 16.9}}, "temperature": 1.0, "template": "translate_kernel_v1", "template_sha256": "b063295462082aa6483f981043057807fc110cc4a605695a163c6cd246a94e40"}
"""Kernel form of the shipped blocksworld heuristic (heuristics/blocksworld/*.py) (same values, same preferred operators).

Blocks are numbered; -1 = the table, -2 = the hand, -3 = no goal, -4 = no position.
"""
import numpy as np

PREFERRED = True


def prepare(task):
    blocks = set()
    for atom in task.facts:
        if atom[0] in ("on", "on-table", "holding", "clear"):
            blocks.update(atom[1:])
    for atom in task.goal_atoms:
        if atom[0] in ("on", "on-table"):
            blocks.update(atom[1:])
    names = sorted(blocks)
    idx = {b: i for i, b in enumerate(names)}
    n = len(names)
    nf = task.num_facts
    fkind = np.zeros(nf, dtype=np.int32)   # 1 position, 2 clear
    fblock = np.zeros(nf, dtype=np.int32)
    fsupport = np.zeros(nf, dtype=np.int32)
    for fid, atom in enumerate(task.facts):
        if atom[0] == "on":
            fkind[fid], fblock[fid], fsupport[fid] = 1, idx[atom[1]], idx[atom[2]]
        elif atom[0] == "on-table":
            fkind[fid], fblock[fid], fsupport[fid] = 1, idx[atom[1]], -1
        elif atom[0] == "holding":
            fkind[fid], fblock[fid], fsupport[fid] = 1, idx[atom[1]], -2
        elif atom[0] == "clear":
            fkind[fid], fblock[fid] = 2, idx[atom[1]]
    goal_below = np.full(n, -3, dtype=np.int32)
    goal_above = np.full(n, -1, dtype=np.int32)
    for atom in task.goal_atoms:
        if atom[0] == "on":
            goal_below[idx[atom[1]]] = idx[atom[2]]
            goal_above[idx[atom[2]]] = idx[atom[1]]
        elif atom[0] == "on-table":
            goal_below[idx[atom[1]]] = -1
    goal_ids = np.array([task.fact_index[a] for a in task.goal_atoms if a in task.fact_index],
                        dtype=np.int32)
    goal_missing = any(a not in task.fact_index and a not in task.static_atoms for a in task.goal_atoms)
    flags = np.array([1 if goal_missing else 0], dtype=np.int32)
    one = np.full((n, 2), -1, dtype=np.int32)     # pickup, putdown
    two = np.full((n, n, 2), -1, dtype=np.int32)  # stack, unstack
    for name, oid in task.operator_index.items():
        parts = name.strip("()").split()
        if parts[0] in ("pickup", "putdown") and len(parts) == 2 and parts[1] in idx:
            one[idx[parts[1]], 0 if parts[0] == "pickup" else 1] = oid
        elif parts[0] in ("stack", "unstack") and len(parts) == 3 and parts[1] in idx and parts[2] in idx:
            two[idx[parts[1]], idx[parts[2]], 0 if parts[0] == "stack" else 1] = oid
    scratch = np.zeros((4, max(n, 1)), dtype=np.int32)   # pos, clear, memo, chain
    return (fkind, fblock, fsupport, goal_below, goal_above, goal_ids, flags, one,
            two.reshape(max(n * n, 1) if n else 1, 2) if n else np.full((1, 2), -1, dtype=np.int32),
            scratch)


def h(state, preferred, fkind, fblock, fsupport, goal_below, goal_above, goal_ids, flags, one,
      two, scratch):
    n = goal_below.shape[0]
    if flags[0] == 0:
        done = True
        for i in range(goal_ids.shape[0]):
            if state[goal_ids[i]] == 0:
                done = False
                break
        if done:
            return 0.0, 0
    pos = scratch[0]
    clear = scratch[1]
    memo = scratch[2]
    chain = scratch[3]
    for b in range(n):
        pos[b] = -4
        clear[b] = 0
        memo[b] = -1
    for f in range(fkind.shape[0]):
        if state[f] != 0:
            k = fkind[f]
            if k == 1:
                pos[fblock[f]] = fsupport[f]
            elif k == 2:
                clear[fblock[f]] = 1
    held = -1
    hv = 0
    for b in range(n):
        if pos[b] == -4:
            continue
        if memo[b] == -1:
            depth = 0
            cur = b
            val = 0
            while True:
                if memo[cur] != -1:
                    val = memo[cur]
                    break
                s = pos[cur]
                g = goal_below[cur]
                if s == -2 or s == -4 or (g != -3 and g != s):
                    val = 0
                    memo[cur] = 0
                    break
                if s == -1:
                    val = 1
                    memo[cur] = 1
                    break
                above = goal_above[s]
                if above != -1 and above != cur:
                    val = 0
                    memo[cur] = 0
                    break
                chain[depth] = cur
                depth += 1
                cur = s
            for j in range(depth):
                memo[chain[j]] = val
        if memo[b] == 0:
            if pos[b] == -2:
                held = b
                hv += 1
            else:
                hv += 2
    if hv == 0:
        return 1.0, 0
    npref = 0
    if held != -1:
        t = goal_below[held]
        o = -1
        if t >= 0 and clear[t] == 1 and memo[t] == 1 and goal_above[t] == held:
            o = two[held * n + t, 0]
        else:
            o = one[held, 1]
        if o != -1:
            preferred[npref] = o
            npref += 1
    else:
        for b in range(n):
            if clear[b] == 0 or memo[b] != 0:
                continue
            s = pos[b]
            t = goal_below[b]
            ready = t == -3 or t == -1 or (t >= 0 and clear[t] == 1 and memo[t] == 1 and t != b)
            if s == -1:
                if ready and t >= 0:
                    o = one[b, 0]
                    if o != -1:
                        preferred[npref] = o
                        npref += 1
            elif s >= 0:
                o = two[b * n + s, 1]
                if o != -1:
                    preferred[npref] = o
                    npref += 1
    return float(hv), npref
