# Heuristic written by the project's developers, not sampled from an LLM endpoint; regenerate rather than edit.
# planner-heuristic: {"agile": 6.0, "class_name": "DomainHeuristic", "code_sha256": "f097fdcf4ebae32dac2dee9b94186143e6f9953f91cf165fec36c4a13a2f9ce9", "domain_fingerprint": "d3f687efd8ad95c69796064fad735eae2596d291ef857d5bca8bf018ff78ee27", "ff_baseline": null, "learn_command": "python -m planner learn DK ../shared/benchmarks/ipc2023-learning/sokoban/domain.pddl ../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p02.pddl ../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p15.pddl ../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p48.pddl ../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p49.pddl ../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p77.pddl ../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p91.pddl --model developers-pool --base-url URL --samples 12 --concurrency 1 --time-limit 10.0 --memory-limit 2048 --search gbfs --workers 1 --repair-rounds 1 --portfolio-size 3", "log": "heuristics/logs/sokoban.md", "model": null, "pool": "heuristics/pools/sokoban", "pool_file": "10-corner-deadlock.repair.md", "pool_size": 12, "provenance": "written by the project's developers, not sampled from an LLM endpoint", "repair_of": "d1a6ce0e0c7929de8141ab246cc2659e88532f23432d6731b352e9784f5d1e92", "repair_round": 1, "repair_template_sha256": "5a047f626174e5b2b78beba75d36a7a84819618da05a7410793a21a1c9b25acc", "replay_model": "developers-pool", "response_key": "9b741f3a68a71726c6593dd097008794d1ef568013d56cd0d038be1f041011bb", "sample_index": 9, "solved": 6, "temperature": 1.0, "template": "synthesize_v1", "template_sha256": "09cf83d76c4ad1ab338d4830b25ede9cf2b1df869bf9f37530854980b5b1e9ca", "time_limit": 10.0, "training_table": {"../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p02.pddl": {"expansions": 3, "outcome": "solved", "plan_cost": 3, "total_time": 0.19170465199977116}, "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p15.pddl": {"expansions": 31, "outcome": "solved", "plan_cost": 12, "total_time": 0.16817836600012015}, "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p48.pddl": {"expansions": 71, "outcome": "solved", "plan_cost": 28, "total_time": 0.2670918230001007}, "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p49.pddl": {"expansions": 51, "outcome": "solved", "plan_cost": 16, "total_time": 0.2425723950000247}, "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p77.pddl": {"expansions": 97, "outcome": "solved", "plan_cost": 31, "total_time": 0.2512023270001009}, "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p91.pddl": {"expansions": 146, "outcome": "solved", "plan_cost": 39, "total_time": 0.25149288200009323}}, "training_task_files": ["../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p02.pddl", "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p15.pddl", "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p48.pddl", "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p49.pddl", "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p77.pddl", "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p91.pddl"], "training_tasks": 6}
from collections import deque

from planner.heuristic_api import Heuristic


class DomainHeuristic(Heuristic):
    """Map distance of each box to its goal; infinity for a box stuck in a corner
    that is not its goal square.

    A square is a corner when it has no neighbour in one vertical and one
    horizontal direction: a box there can never be pushed again, so unless it
    already is on its goal the task cannot be solved.
    """

    def __init__(self, task):
        self.adj = {}
        for atom in task.static_atoms:
            if atom[0] == "adjacent":
                self.adj.setdefault(atom[1], {})[atom[3]] = atom[2]
        self.corner = set()
        for sq, n in self.adj.items():
            vertical = "up" not in n or "down" not in n
            horizontal = "left" not in n or "right" not in n
            if vertical and horizontal:
                self.corner.add(sq)
        self.goal = {a[1]: a[2] for a in task.goal_atoms if a[0] == "at"}
        self.tables = {}
        for g in set(self.goal.values()):
            table = {g: 0}
            queue = deque([g])
            while queue:
                x = queue.popleft()
                for y in self.adj.get(x, {}).values():
                    if y not in table:
                        table[y] = table[x] + 1
                        queue.append(y)
            self.tables[g] = table

    def __call__(self, state):
        h = 0
        seen = 0
        for atom in state:
            if atom[0] == "at" and atom[1] in self.goal:
                sq = atom[2]
                goal = self.goal[atom[1]]
                seen += 1
                if sq == goal:
                    continue
                if sq in self.corner:
                    return float("inf")
                h += self.tables[goal].get(sq, 1000)
        if seen < len(self.goal):
            return float("inf")
        return h
