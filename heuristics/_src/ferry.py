from planner.heuristics.api import Heuristic


class FerryHeuristic(Heuristic):
    """Per misplaced car: board, sail to its goal, debark, and sail to fetch it.

    A car waiting away from its goal needs board + sail + debark (3) and one
    more sail unless the ferry is already where the car is; a car on the ferry
    needs debark (1) and a sail unless the ferry is at its goal. The ferry
    carries one car at a time, so these trips do not overlap much. Preferred
    operators: debark at the car's goal or sail there; with an empty ferry,
    board a misplaced car here or sail to one.
    """

    provides_preferred = True

    def __init__(self, task):
        self.goal = {a[1]: a[2] for a in task.goal_atoms if a[0] == "at"}
        self.kind = {}
        for fid, atom in enumerate(task.facts):
            if atom[0] == "at" and len(atom) == 3:
                self.kind[fid] = (0, atom[1], atom[2])
            elif atom[0] == "on":
                self.kind[fid] = (1, atom[1], None)
            elif atom[0] == "at-ferry":
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
        goal = self.goal
        ferry = None
        waiting = []
        carried = []
        for fid in state.ids():
            k = kind.get(fid)
            if k is None:
                continue
            if k[0] == 0:
                g = goal.get(k[1])
                if g is not None and g != k[2]:
                    waiting.append((k[1], k[2]))
            elif k[0] == 1:
                carried.append(k[1])
            else:
                ferry = k[1]
        h = 0
        for car, loc in waiting:
            h += 3 if loc == ferry else 4
        for car in carried:
            g = goal.get(car)
            if g is None:
                h += 1
            else:
                h += 1 if g == ferry else 2
        if h == 0:
            return 1
        op = self.op
        preferred = []
        if carried:
            for car in carried:
                g = goal.get(car, ferry)
                if g == ferry:
                    o = op.get(("debark", car, ferry))
                else:
                    o = op.get(("sail", ferry, g))
                if o is not None:
                    preferred.append(o)
        else:
            for car, loc in waiting:
                if loc == ferry:
                    o = op.get(("board", car, loc))
                    if o is not None:
                        preferred.append(o)
            if not preferred:
                for car, loc in waiting:
                    o = op.get(("sail", ferry, loc))
                    if o is not None:
                        preferred.append(o)
        return h, preferred
