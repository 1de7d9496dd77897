# Heuristic hand-written by the development team's coding agent; not sampled from an LLM endpoint; regenerate rather than edit.
# planner-heuristic: {"agile": 6.0, "class_name": "TransportHeuristic", "code_sha256": "77076fc9474044d3c5842e3fa1c1a0376dd93fe2e81242ed4db9869043ef1267", "domain_fingerprint": "a8c24de60b5ab9a0592e7bcaad8d19d6a2b81c3c9c32855a54e2a90a7afe9e4d", "evaluation": {"memory_mb": 2048, "probe_cpu_seconds": 30, "search": "gbfs", "time_limit": 30.0}, "expansions": 347, "ff_baseline": {"agile": 4.640832391, "expansions": 832, "solved": 6, "table": {"../shared/benchmarks/ipc2023-learning/transport/training/easy/p80.pddl": {"expansions": 62, "outcome": "solved", "plan_cost": 47, "total_time": 0.8957204510006704}, "../shared/benchmarks/ipc2023-learning/transport/training/easy/p83.pddl": {"expansions": 73, "outcome": "solved", "plan_cost": 54, "total_time": 0.9918690519998563}, "../shared/benchmarks/ipc2023-learning/transport/training/easy/p85.pddl": {"expansions": 189, "outcome": "solved", "plan_cost": 57, "total_time": 2.3828824889997122}, "../shared/benchmarks/ipc2023-learning/transport/training/easy/p91.pddl": {"expansions": 93, "outcome": "solved", "plan_cost": 59, "total_time": 2.847540654999648}, "../shared/benchmarks/ipc2023-learning/transport/training/easy/p93.pddl": {"expansions": 148, "outcome": "solved", "plan_cost": 66, "total_time": 2.863028728000245}, "../shared/benchmarks/ipc2023-learning/transport/training/easy/p99.pddl": {"expansions": 267, "outcome": "solved", "plan_cost": 79, "total_time": 5.239104967000458}}}, "model": null, "provenance": "hand-written by the development team's coding agent; not sampled from an LLM endpoint", "response_key": "handwritten-transport-77076fc9474044d3", "sample_index": 0, "selection": "planner.llm.select score: (solved, agile) beats h^FF's on the same tasks and settings", "solved": 6, "source": "heuristics/_src/transport.py", "template": null, "template_sha256": null, "time_limit": 30.0, "training_table": {"../shared/benchmarks/ipc2023-learning/transport/training/easy/p80.pddl": {"expansions": 48, "outcome": "solved", "plan_cost": 47, "total_time": 0.3169198369996593}, "../shared/benchmarks/ipc2023-learning/transport/training/easy/p83.pddl": {"expansions": 49, "outcome": "solved", "plan_cost": 49, "total_time": 0.3575427919995491}, "../shared/benchmarks/ipc2023-learning/transport/training/easy/p85.pddl": {"expansions": 60, "outcome": "solved", "plan_cost": 57, "total_time": 0.402257720000307}, "../shared/benchmarks/ipc2023-learning/transport/training/easy/p91.pddl": {"expansions": 57, "outcome": "solved", "plan_cost": 57, "total_time": 0.7244616180005323}, "../shared/benchmarks/ipc2023-learning/transport/training/easy/p93.pddl": {"expansions": 58, "outcome": "solved", "plan_cost": 57, "total_time": 0.5866012089991273}, "../shared/benchmarks/ipc2023-learning/transport/training/easy/p99.pddl": {"expansions": 75, "outcome": "solved", "plan_cost": 67, "total_time": 0.7174048679999032}}, "training_tasks": 6}
# Hand-written by the development team's coding agent (no LLM endpoint was used);
# source: heuristics/_src/transport.py, evaluated and stored by heuristics/build.py.
from collections import deque

from planner.heuristic_api import Heuristic


class TransportHeuristic(Heuristic):
    """Per misplaced package: pick-up, drop and the drive along a shortest road path.

    Road distances come from BFS over the static road graph in the
    constructor. A package on the ground needs pick-up + drop + the distance
    to its goal, plus (counted once per pick-up location) the drive of the
    nearest vehicle to it; a loaded package needs the drop and the
    distance from its vehicle to its goal. Preferred operators: drop a
    package at its goal, pick up misplaced packages where a vehicle with free
    capacity stands, drive a loaded vehicle one step towards a goal of its
    load, and an empty one towards the nearest waiting package.
    """

    provides_preferred = True

    def __init__(self, task):
        succ = {}
        locs = set(task.objects_of_type("location"))
        for a in task.static_atoms:
            if a[0] == "road":
                succ.setdefault(a[1], []).append(a[2])
                locs.add(a[1])
                locs.add(a[2])
        self.succ = succ
        self.dist = {}
        for src in locs:
            d = {src: 0}
            queue = deque([src])
            while queue:
                x = queue.popleft()
                for y in succ.get(x, ()):
                    if y not in d:
                        d[y] = d[x] + 1
                        queue.append(y)
            self.dist[src] = d
        self.far = len(locs) + 1
        self.vehicles = set(task.objects_of_type("vehicle"))
        self.goal = {a[1]: a[2] for a in task.goal_atoms if a[0] == "at"}
        # size s -> number of free slots (length of the capacity-predecessor chain below it)
        pred = {}
        for a in task.static_atoms:
            if a[0] == "capacity-predecessor":
                pred[a[2]] = a[1]
        self.pred = pred
        self.next_size = {s1: s2 for s2, s1 in pred.items()}
        self.slots = {}
        for s in set(pred) | set(pred.values()):
            n = 0
            cur = s
            seen = set()
            while cur in pred and cur not in seen:
                seen.add(cur)
                cur = pred[cur]
                n += 1
            self.slots[s] = n
        self.kind = {}
        for fid, atom in enumerate(task.facts):
            if atom[0] == "at":
                self.kind[fid] = (1 if atom[1] in self.vehicles else 0, atom[1], atom[2])
            elif atom[0] == "in":
                self.kind[fid] = (2, atom[1], atom[2])
            elif atom[0] == "capacity":
                self.kind[fid] = (3, atom[1], atom[2])
        self.goal_ids = [task.fact_index[a] for a in task.goal_atoms if a in task.fact_index]
        self.goal_missing = any(a not in task.fact_index and a not in task.static_atoms
                                for a in task.goal_atoms)
        self.op = {}
        for name, oid in task.operator_index.items():
            self.op[tuple(name.strip("()").split())] = oid

    def _d(self, a, b):
        d = self.dist.get(a, {}).get(b)
        return self.far if d is None else d

    def __call__(self, state):
        if not self.goal_missing and all(g in state for g in self.goal_ids):
            return 0
        kind = self.kind
        goal = self.goal
        waiting = []
        vloc = {}
        loaded = []
        cap = {}
        for fid in state.ids():
            k = kind.get(fid)
            if k is None:
                continue
            t = k[0]
            if t == 0:
                g = goal.get(k[1])
                if g is not None and g != k[2]:
                    waiting.append((k[1], k[2], g))
            elif t == 1:
                vloc[k[1]] = k[2]
            elif t == 2:
                loaded.append((k[1], k[2]))
            else:
                cap[k[1]] = k[2]
        dist = self.dist
        far = self.far
        h = 0
        for p, l, g in waiting:
            h += 2 + dist[l].get(g, far)
        pickup_places = {l for p, l, g in waiting}
        for l in pickup_places:
            best = far
            for v, vl in vloc.items():
                d = dist[vl].get(l, far)
                if d < best:
                    best = d
            h += best
        for p, v in loaded:
            g = goal.get(p)
            if g is None:
                continue
            h += 1 + dist[vloc[v]].get(g, far) if v in vloc else 1
        if h == 0:
            return 1
        op = self.op
        slots = self.slots
        preferred = []
        busy = set()
        for p, v in loaded:
            l = vloc.get(v)
            busy.add(v)
            g = goal.get(p)
            if g is not None and g == l:
                s1 = cap.get(v)
                o = op.get(("drop", v, l, p, s1, self.next_size.get(s1)))
                if o is not None:
                    preferred.append(o)
        by_loc = {}
        for v, l in vloc.items():
            by_loc.setdefault(l, []).append(v)
        for p, l, g in waiting:
            for v in by_loc.get(l, ()):
                s2 = cap.get(v)
                if slots.get(s2, 0) > 0:
                    o = op.get(("pick-up", v, l, p, self.pred.get(s2), s2))
                    if o is not None:
                        preferred.append(o)
        for v, l in vloc.items():
            targets = [goal[p] for p, w in loaded if w == v and p in goal and goal[p] != l]
            if slots.get(cap.get(v), 0) > 0:
                targets.extend(pl for pl in pickup_places if pl != l)
            if not targets:
                continue
            dl = dist[l]
            best = min(targets, key=lambda t: dl.get(t, far))
            db = dl.get(best)
            if db is None:
                continue
            for y in self.succ.get(l, ()):
                if dist[y].get(best, far) == db - 1:
                    o = op.get(("drive", v, l, y))
                    if o is not None:
                        preferred.append(o)
                        break
        return h, preferred
