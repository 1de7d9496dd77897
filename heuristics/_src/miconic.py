from planner.heuristics.api import Heuristic


class MiconicHeuristic(Heuristic):
    """Boarding and departing left to do, plus one lift move per floor still to visit.

    A waiting passenger needs board + depart (2), a boarded one depart (1).
    The lift moves any distance in one action, so movement is estimated by the
    number of distinct floors where someone must board or leave, other than
    the lift's floor. Preferred operators: board/depart on the lift's floor,
    otherwise move to a floor where someone must board or leave.
    """

    provides_preferred = True

    def __init__(self, task):
        self.destin = {}
        for a in task.static_atoms:
            if a[0] == "destin":
                self.destin[a[1]] = a[2]
        for a in task.init_atoms:
            if a[0] == "destin":
                self.destin[a[1]] = a[2]
        # fact id -> (kind, passenger or floor, floor)
        self.kind = {}
        for fid, atom in enumerate(task.facts):
            if atom[0] == "origin":
                self.kind[fid] = (0, atom[1], atom[2])
            elif atom[0] == "boarded":
                self.kind[fid] = (1, atom[1], None)
            elif atom[0] == "lift-at":
                self.kind[fid] = (2, atom[1], None)
        self.goal_ids = [task.fact_index[a] for a in task.goal_atoms if a in task.fact_index]
        self.goal_missing = any(a not in task.fact_index and a not in task.static_atoms
                                for a in task.goal_atoms)
        self.op = {}
        for name, oid in task.operator_index.items():
            self.op[tuple(name.strip("()").split())] = oid

    def __call__(self, state):
        if not self.goal_missing and all(g in state for g in self.goal_ids):
            return 0
        kind = self.kind
        destin = self.destin
        lift = None
        waiting = []
        boarded = []
        for fid in state.ids():
            k = kind.get(fid)
            if k is None:
                continue
            if k[0] == 0:
                waiting.append((k[1], k[2]))
            elif k[0] == 1:
                boarded.append(k[1])
            else:
                lift = k[1]
        stops = set()
        for p, f in waiting:
            stops.add(f)
            d = destin.get(p)
            if d is not None:
                stops.add(d)
        for p in boarded:
            d = destin.get(p)
            if d is not None:
                stops.add(d)
        here = lift in stops
        h = 2 * len(waiting) + len(boarded) + len(stops) - (1 if here else 0)
        if h == 0:
            return 1
        op = self.op
        preferred = []
        if here:
            for p, f in waiting:
                if f == lift:
                    o = op.get(("board", f, p))
                    if o is not None:
                        preferred.append(o)
            for p in boarded:
                if destin.get(p) == lift:
                    o = op.get(("depart", lift, p))
                    if o is not None:
                        preferred.append(o)
        if not preferred:
            for f in stops:
                o = op.get(("up", lift, f))
                if o is None:
                    o = op.get(("down", lift, f))
                if o is not None:
                    preferred.append(o)
        return h, preferred
