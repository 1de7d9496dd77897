# Heuristic hand-written by the development team's coding agent; not sampled from an LLM endpoint; regenerate rather than edit.
# planner-heuristic: {"agile": 6.0, "class_name": "SpannerHeuristic", "code_sha256": "d710bcbaafc757559eeeefa973edb305e3c128e272e024b398a13f72c54ad6ba", "domain_fingerprint": "5a7a4014ff52e7033acf5c24b7a25c4517cbe99e6e019fc0b3766fa20b94c4b9", "evaluation": {"memory_mb": 2048, "probe_cpu_seconds": 30, "search": "gbfs", "time_limit": 30.0}, "expansions": 126, "ff_baseline": {"agile": 6.0, "expansions": 12953, "solved": 6, "table": {"../shared/benchmarks/ipc2023-learning/spanner/training/easy/p93.pddl": {"expansions": 1880, "outcome": "solved", "plan_cost": 21, "total_time": 0.1492444550003711}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p94.pddl": {"expansions": 2475, "outcome": "solved", "plan_cost": 21, "total_time": 0.12816290599948843}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p95.pddl": {"expansions": 2473, "outcome": "solved", "plan_cost": 21, "total_time": 0.12931142700017517}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p97.pddl": {"expansions": 2415, "outcome": "solved", "plan_cost": 21, "total_time": 0.3554388439997638}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p98.pddl": {"expansions": 1855, "outcome": "solved", "plan_cost": 21, "total_time": 0.12814693300060753}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p99.pddl": {"expansions": 1855, "outcome": "solved", "plan_cost": 21, "total_time": 0.147363970000697}}}, "model": null, "provenance": "hand-written by the development team's coding agent; not sampled from an LLM endpoint", "response_key": "handwritten-spanner-d710bcbaafc75755", "sample_index": 0, "selection": "planner.llm.select score: (solved, agile) TIES h^FF's on the 6 largest training tasks (6/6, agile 6.00 both) with 126 vs 12953 expansions; kept because it solved 4/4 vs h^FF's 2/4 on 2 training + 2 generated medium tasks at 30 s (bench/domain_heuristics.py)", "solved": 6, "source": "heuristics/_src/spanner.py", "template": null, "template_sha256": null, "time_limit": 30.0, "training_table": {"../shared/benchmarks/ipc2023-learning/spanner/training/easy/p93.pddl": {"expansions": 21, "outcome": "solved", "plan_cost": 21, "total_time": 0.040120655999999144}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p94.pddl": {"expansions": 21, "outcome": "solved", "plan_cost": 21, "total_time": 0.041023881000000983}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p95.pddl": {"expansions": 21, "outcome": "solved", "plan_cost": 21, "total_time": 0.04599212999983138}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p97.pddl": {"expansions": 21, "outcome": "solved", "plan_cost": 21, "total_time": 0.03335014399999636}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p98.pddl": {"expansions": 21, "outcome": "solved", "plan_cost": 21, "total_time": 0.041088377999585646}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p99.pddl": {"expansions": 21, "outcome": "solved", "plan_cost": 21, "total_time": 0.033544042999892554}}, "training_tasks": 6}
# Hand-written by the development team's coding agent (no LLM endpoint was used);
# source: heuristics/_src/spanner.py, evaluated and stored by heuristics/build.py.
import math
from collections import deque

from planner.heuristics.api import Heuristic


class SpannerHeuristic(Heuristic):
    """Walk to the nuts, picking up one usable spanner per loose nut on the way.

    h = loose nuts (tighten) + spanners still to pick up + the walk to the
    farthest loose nut (shortest paths over the static one-way links). With
    one man, a state is a dead end when the usable spanners he carries plus
    those lying on locations he can still reach (and from which a loose nut
    is reachable) are fewer than the loose nuts. Preferred operators: tighten
    here, pick up a spanner here while more are needed, else walk one step
    towards the nearest useful spanner or nut.
    """

    provides_preferred = True

    def __init__(self, task):
        locs = set(task.objects_of_type("location"))
        succ = {}
        for a in task.static_atoms:
            if a[0] == "link":
                succ.setdefault(a[1], []).append(a[2])
                locs.add(a[1])
                locs.add(a[2])
        self.locs = sorted(locs)
        # all-pairs shortest walk lengths (BFS from every location)
        self.dist = {}
        for src in self.locs:
            d = {src: 0}
            queue = deque([src])
            while queue:
                x = queue.popleft()
                for y in succ.get(x, ()):
                    if y not in d:
                        d[y] = d[x] + 1
                        queue.append(y)
            self.dist[src] = d
        self.succ = succ
        self.men = sorted(task.objects_of_type("man"))
        self.nuts = sorted(task.objects_of_type("nut"))
        self.spanners = set(task.objects_of_type("spanner"))
        # nut locations are static in this domain (nuts never move)
        self.nut_loc = {}
        for a in task.init_atoms | task.static_atoms:
            if a[0] == "at" and a[1] in self.nuts:
                self.nut_loc[a[1]] = a[2]
        self.kind = {}
        for fid, atom in enumerate(task.facts):
            p = atom[0]
            if p == "at":
                if atom[1] in self.spanners:
                    self.kind[fid] = (0, atom[1], atom[2])
                elif atom[1] in self.nut_loc:
                    pass
                else:
                    self.kind[fid] = (1, atom[1], atom[2])
            elif p == "carrying":
                self.kind[fid] = (2, atom[2], atom[1])
            elif p == "usable":
                self.kind[fid] = (3, atom[1], None)
            elif p == "loose":
                self.kind[fid] = (4, atom[1], None)
        self.goal_ids = [task.fact_index[a] for a in task.goal_atoms if a in task.fact_index]
        self.goal_missing = any(a not in task.fact_index and a not in task.static_atoms
                                for a in task.goal_atoms)
        self.single = len(self.men) == 1
        self.safe_dead_ends = self.single
        self.op = {}
        for name, oid in task.operator_index.items():
            self.op[tuple(name.strip("()").split())] = oid

    def __call__(self, state):
        if not self.goal_missing and all(g in state for g in self.goal_ids):
            return 0
        kind = self.kind
        ground = []
        carried = []
        usable = set()
        loose = []
        man_at = {}
        for fid in state.ids():
            k = kind.get(fid)
            if k is None:
                continue
            t = k[0]
            if t == 0:
                ground.append((k[1], k[2]))
            elif t == 1:
                man_at[k[1]] = k[2]
            elif t == 2:
                carried.append((k[1], k[2]))
            elif t == 3:
                usable.add(k[1])
            else:
                loose.append(k[1])
        if not loose:
            return 1
        man = self.men[0] if self.men else None
        here = man_at.get(man)
        if here is None:
            return len(loose) * 3
        dist = self.dist
        dh = dist[here]
        nut_loc = self.nut_loc
        nut_places = {nut_loc.get(n) for n in loose}
        walk = 0
        for l in nut_places:
            d = dh.get(l)
            if d is None:
                if self.single:
                    return math.inf
                d = len(self.locs)
            if d > walk:
                walk = d
        have = sum(1 for s, m in carried if s in usable and (self.single or m == man))
        need = len(loose) - have
        h = len(loose) + max(0, need) + walk
        reachable = []
        if need > 0:
            for s, l in ground:
                if s in usable:
                    d = dh.get(l)
                    if d is not None and any(l2 is not None and dist[l].get(l2) is not None
                                             for l2 in nut_places):
                        reachable.append((d, s, l))
            if len(reachable) < need:
                if self.single:
                    return math.inf
                h += 2 * (need - len(reachable))
        op = self.op
        preferred = []
        if need <= 0 or True:
            for n in loose:
                if nut_loc.get(n) == here:
                    for s, m in carried:
                        if s in usable:
                            o = op.get(("tighten_nut", here, s, man, n))
                            if o is not None:
                                preferred.append(o)
                                break
        if need > 0:
            for d, s, l in reachable:
                if l == here:
                    o = op.get(("pickup_spanner", here, s, man))
                    if o is not None:
                        preferred.append(o)
        if not preferred:
            targets = [l for d, s, l in reachable] if need > 0 else list(nut_places)
            best = None
            for l in targets:
                d = dh.get(l)
                if d is not None and d > 0 and (best is None or d < best[0]):
                    best = (d, l)
            if best is not None:
                for y in self.succ.get(here, ()):
                    dy = dist[y].get(best[1])
                    if dy is not None and dy == best[0] - 1:
                        o = op.get(("walk", here, y, man))
                        if o is not None:
                            preferred.append(o)
        return h, preferred
