# Heuristic written by the project's developers, not sampled from an LLM endpoint; regenerate rather than edit.
# planner-heuristic: {"agile": 6.0, "class_name": "DomainHeuristic", "code_sha256": "960eca35ca66f90f97ecabc9295e37272d9e7e8d3ca6680e11db466d466f31b2", "domain_fingerprint": "c70c541f2eb78a045a9a2f7ae50d5fc15c5ac4366a479513e9a244356022da94", "ff_baseline": null, "learn_command": "python -m planner learn DK ../shared/benchmarks/ipc2023-learning/rovers/domain.pddl ../shared/benchmarks/ipc2023-learning/rovers/training/easy/p01.pddl ../shared/benchmarks/ipc2023-learning/rovers/training/easy/p21.pddl ../shared/benchmarks/ipc2023-learning/rovers/training/easy/p49.pddl ../shared/benchmarks/ipc2023-learning/rovers/training/easy/p62.pddl ../shared/benchmarks/ipc2023-learning/rovers/training/easy/p85.pddl ../shared/benchmarks/ipc2023-learning/rovers/training/easy/p93.pddl --model developers-pool --base-url URL --samples 12 --concurrency 1 --time-limit 10.0 --memory-limit 2048 --search gbfs --workers 2 --repair-rounds 1 --portfolio-size 3", "log": "heuristics/logs/rovers.md", "model": null, "pool": "heuristics/pools/rovers", "pool_file": "10-sample-navigation.repair.md", "pool_size": 12, "provenance": "written by the project's developers, not sampled from an LLM endpoint", "repair_of": "1ffa24a7f1b39319030c7a46656c2567f21b2cf0b73e97dd8daae4adc5376ca8", "repair_round": 1, "repair_template_sha256": "5a047f626174e5b2b78beba75d36a7a84819618da05a7410793a21a1c9b25acc", "replay_model": "developers-pool", "response_key": "7de69407f1cfa9e7e91fd83b47a5cafb7277530407512d30b7a3c5e0b1f58fda", "sample_index": 9, "solved": 6, "temperature": 1.0, "template": "synthesize_v1", "template_sha256": "09cf83d76c4ad1ab338d4830b25ede9cf2b1df869bf9f37530854980b5b1e9ca", "time_limit": 10.0, "training_table": {"../shared/benchmarks/ipc2023-learning/rovers/training/easy/p01.pddl": {"expansions": 10, "outcome": "solved", "plan_cost": 10, "total_time": 0.14488695199997892}, "../shared/benchmarks/ipc2023-learning/rovers/training/easy/p21.pddl": {"expansions": 77, "outcome": "solved", "plan_cost": 39, "total_time": 0.2543362240003262}, "../shared/benchmarks/ipc2023-learning/rovers/training/easy/p49.pddl": {"expansions": 59, "outcome": "solved", "plan_cost": 36, "total_time": 0.47775623699999414}, "../shared/benchmarks/ipc2023-learning/rovers/training/easy/p62.pddl": {"expansions": 410, "outcome": "solved", "plan_cost": 36, "total_time": 0.5339416010001514}, "../shared/benchmarks/ipc2023-learning/rovers/training/easy/p85.pddl": {"expansions": 158, "outcome": "solved", "plan_cost": 58, "total_time": 0.6165741779996097}, "../shared/benchmarks/ipc2023-learning/rovers/training/easy/p93.pddl": {"expansions": 98, "outcome": "solved", "plan_cost": 39, "total_time": 0.33077294299982896}}, "training_task_files": ["../shared/benchmarks/ipc2023-learning/rovers/training/easy/p01.pddl", "../shared/benchmarks/ipc2023-learning/rovers/training/easy/p21.pddl", "../shared/benchmarks/ipc2023-learning/rovers/training/easy/p49.pddl", "../shared/benchmarks/ipc2023-learning/rovers/training/easy/p62.pddl", "../shared/benchmarks/ipc2023-learning/rovers/training/easy/p85.pddl", "../shared/benchmarks/ipc2023-learning/rovers/training/easy/p93.pddl"], "training_tasks": 6}
from collections import deque

from planner.heuristic_api import Heuristic


class DomainHeuristic(Heuristic):
    """Action counts per goal plus, for samples not yet taken, the closest equipped rover's distance."""

    def __init__(self, task):
        self.goals = list(task.goal_atoms)
        edges = {}
        soil_rovers, rock_rovers = [], []
        for atom in task.static_atoms:
            if atom[0] == "can_traverse":
                edges.setdefault(atom[1], {}).setdefault(atom[2], []).append(atom[3])
            elif atom[0] == "equipped_for_soil_analysis":
                soil_rovers.append(atom[1])
            elif atom[0] == "equipped_for_rock_analysis":
                rock_rovers.append(atom[1])
        self.soil_rovers, self.rock_rovers = soil_rovers, rock_rovers
        self.dist = {}
        for rover, graph in edges.items():
            wps = set(graph) | {w for ws in graph.values() for w in ws}
            for src in wps:
                d = {src: 0}
                queue = deque([src])
                while queue:
                    x = queue.popleft()
                    for y in graph.get(x, ()):
                        if y not in d:
                            d[y] = d[x] + 1
                            queue.append(y)
                self.dist[(rover, src)] = d

    def __call__(self, state):
        pos = {}
        have = set()
        for atom in state:
            if atom[0] == "at":
                pos[atom[1]] = atom[2]
            elif atom[0] in ("have_soil_analysis", "have_rock_analysis"):
                have.add((atom[0], atom[2]))
            elif atom[0] == "have_image":
                have.add(("image", atom[2], atom[3]))
        h = 0
        for g in self.goals:
            if g in state:
                continue
            if g[0] == "communicated_soil_data":
                if ("have_soil_analysis", g[1]) in have:
                    h += 2
                else:
                    h += 3 + min([self.dist.get((r, pos.get(r)), {}).get(g[1], 50) for r in self.soil_rovers] or [50])
            elif g[0] == "communicated_rock_data":
                if ("have_rock_analysis", g[1]) in have:
                    h += 2
                else:
                    h += 3 + min([self.dist.get((r, pos.get(r)), {}).get(g[1], 50) for r in self.rock_rovers] or [50])
            elif g[0] == "communicated_image_data":
                h += 2 if ("image", g[1], g[2]) in have else 5
            else:
                h += 1
        return h
