# Heuristic written by the project's developers, not sampled from an LLM endpoint; regenerate rather than edit.
# planner-heuristic: {"agile": 6.0, "class_name": "DomainHeuristic", "code_sha256": "7ef83cbfae66c24c2c4da3626aaf5f2f4fd01fa1781e7bf428b71db6bcfe30ed", "domain_fingerprint": "5a7a4014ff52e7033acf5c24b7a25c4517cbe99e6e019fc0b3766fa20b94c4b9", "ff_baseline": null, "learn_command": "python -m planner learn DK ../shared/benchmarks/ipc2023-learning/spanner/domain.pddl ../shared/benchmarks/ipc2023-learning/spanner/training/easy/p01.pddl ../shared/benchmarks/ipc2023-learning/spanner/training/easy/p31.pddl ../shared/benchmarks/ipc2023-learning/spanner/training/easy/p46.pddl ../shared/benchmarks/ipc2023-learning/spanner/training/easy/p64.pddl ../shared/benchmarks/ipc2023-learning/spanner/training/easy/p81.pddl ../shared/benchmarks/ipc2023-learning/spanner/training/easy/p99.pddl --model developers-pool --base-url URL --samples 12 --concurrency 1 --time-limit 10.0 --memory-limit 2048 --search gbfs --workers 2 --repair-rounds 1 --portfolio-size 3", "log": "heuristics/logs/spanner.md", "model": null, "pool": "heuristics/pools/spanner", "pool_file": "10-corridor-positions.md", "pool_size": 12, "provenance": "written by the project's developers, not sampled from an LLM endpoint", "replay_model": "developers-pool", "response_key": "bf627f459ee79f5f758cf8f27aa8331d02ada53f2a0afcfd4f8358dfeed03cfd", "sample_index": 9, "solved": 6, "temperature": 1.0, "template": "synthesize_v1", "template_sha256": "09cf83d76c4ad1ab338d4830b25ede9cf2b1df869bf9f37530854980b5b1e9ca", "time_limit": 10.0, "training_table": {"../shared/benchmarks/ipc2023-learning/spanner/training/easy/p01.pddl": {"expansions": 4, "outcome": "solved", "plan_cost": 4, "total_time": 0.0651313400003346}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p31.pddl": {"expansions": 8, "outcome": "solved", "plan_cost": 8, "total_time": 0.07093143600013718}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p46.pddl": {"expansions": 11, "outcome": "solved", "plan_cost": 11, "total_time": 0.08916545699958078}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p64.pddl": {"expansions": 15, "outcome": "solved", "plan_cost": 15, "total_time": 0.09742532499967638}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p81.pddl": {"expansions": 18, "outcome": "solved", "plan_cost": 18, "total_time": 0.1165382650005995}, "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p99.pddl": {"expansions": 21, "outcome": "solved", "plan_cost": 21, "total_time": 0.13247298399983265}}, "training_task_files": ["../shared/benchmarks/ipc2023-learning/spanner/training/easy/p01.pddl", "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p31.pddl", "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p46.pddl", "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p64.pddl", "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p81.pddl", "../shared/benchmarks/ipc2023-learning/spanner/training/easy/p99.pddl"], "training_tasks": 6}
from planner.heuristic_api import Heuristic


class DomainHeuristic(Heuristic):
    """Position-based: tightens + pick-ups + walking (to the needed spanners, then to the gate)."""

    def __init__(self, task):
        nxt = {}
        targets = set()
        for atom in task.static_atoms:
            if atom[0] == "link":
                nxt[atom[1]] = atom[2]
                targets.add(atom[2])
        start = [l for l in nxt if l not in targets][0]
        self.pos = {}
        i = 0
        loc = start
        while loc is not None:
            self.pos[loc] = i
            i += 1
            loc = nxt.get(loc)
        self.gate = max(self.pos.values())
        self.nuts = [a[1] for a in task.goal_atoms if a[0] == "tightened"]
        self.man = [o for o in task.objects if "man" in task.object_types.get(o, ())][0]

    def __call__(self, state):
        loose = [n for n in self.nuts if ("tightened", n) not in state]
        if not loose:
            return 0
        carried = 0
        spanner_pos = []
        man = 0
        for atom in state:
            if atom[0] == "carrying" and ("usable", atom[2]) in state:
                carried += 1
            elif atom[0] == "at":
                if atom[1] == self.man:
                    man = self.pos[atom[2]]
                else:
                    spanner_pos.append(self.pos[atom[2]])
        need = max(0, len(loose) - carried)
        ahead = sorted(p for p in spanner_pos if p >= man)
        far = ahead[need - 1] if need else man
        return 2 * len(loose) + need + (far - man) + (self.gate - man)
