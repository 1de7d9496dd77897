# Heuristic written by the project's developers, not sampled from an LLM endpoint; regenerate rather than edit.
# planner-heuristic: {"agile": 6.0, "class_name": "DomainHeuristic", "code_sha256": "c529567a82a562740c2c57b5a4f6d5408fe5ab53e625d301af74c6f5f5d8c399", "domain_fingerprint": "756e2d45b05b7a12d6192233b71b0024aa67098e2b3917c86ab1842b8461b932", "ff_baseline": null, "learn_command": "python -m planner learn DK ../shared/benchmarks/ipc2023-learning/ferry/domain.pddl ../shared/benchmarks/ipc2023-learning/ferry/training/easy/p03.pddl ../shared/benchmarks/ipc2023-learning/ferry/training/easy/p21.pddl ../shared/benchmarks/ipc2023-learning/ferry/training/easy/p40.pddl ../shared/benchmarks/ipc2023-learning/ferry/training/easy/p60.pddl ../shared/benchmarks/ipc2023-learning/ferry/training/easy/p81.pddl ../shared/benchmarks/ipc2023-learning/ferry/training/easy/p99.pddl --model developers-pool --base-url URL --samples 12 --concurrency 1 --time-limit 10.0 --memory-limit 2048 --search gbfs --workers 1 --repair-rounds 1 --portfolio-size 3", "log": "heuristics/logs/ferry.md", "model": null, "pool": "heuristics/pools/ferry", "pool_file": "11-ferry-trips.md", "pool_size": 12, "provenance": "written by the project's developers, not sampled from an LLM endpoint", "replay_model": "developers-pool", "response_key": "510b4c06bb5427cda2303a0354aa4784bf8c4d8bb6996b530e9fa97878849088", "sample_index": 10, "solved": 6, "temperature": 1.0, "template": "synthesize_v1", "template_sha256": "09cf83d76c4ad1ab338d4830b25ede9cf2b1df869bf9f37530854980b5b1e9ca", "time_limit": 10.0, "training_table": {"../shared/benchmarks/ipc2023-learning/ferry/training/easy/p03.pddl": {"expansions": 4, "outcome": "solved", "plan_cost": 4, "total_time": 0.08448324699975274}, "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p21.pddl": {"expansions": 13, "outcome": "solved", "plan_cost": 11, "total_time": 0.09298653199994078}, "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p40.pddl": {"expansions": 29, "outcome": "solved", "plan_cost": 25, "total_time": 0.1031902159998026}, "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p60.pddl": {"expansions": 54, "outcome": "solved", "plan_cost": 40, "total_time": 0.11134410500017111}, "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p81.pddl": {"expansions": 67, "outcome": "solved", "plan_cost": 54, "total_time": 0.2161903349997374}, "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p99.pddl": {"expansions": 89, "outcome": "solved", "plan_cost": 70, "total_time": 0.2715099570000348}}, "training_task_files": ["../shared/benchmarks/ipc2023-learning/ferry/training/easy/p03.pddl", "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p21.pddl", "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p40.pddl", "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p60.pddl", "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p81.pddl", "../shared/benchmarks/ipc2023-learning/ferry/training/easy/p99.pddl"], "training_tasks": 6}
from planner.heuristic_api import Heuristic


class DomainHeuristic(Heuristic):
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
