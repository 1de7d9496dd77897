# Heuristic hand-written by the development team's coding agent; not sampled from an LLM endpoint; regenerate rather than edit.
# planner-heuristic: {"agile": 6.0, "class_name": "BlocksworldHeuristic", "code_sha256": "78c67ff3a0a7b7fbc7b7b9ef928ef64de8197bfd6341e00b134cbde56b5dda15", "domain_fingerprint": "2e3d67d842055edae4bc2d25aaa3c19165115cae21ffcba5a1c5b09b61d26ac7", "evaluation": {"memory_mb": 2048, "probe_cpu_seconds": 30, "search": "gbfs", "time_limit": 30.0}, "expansions": 2158, "ff_baseline": {"agile": 2.269571942, "expansions": 24085, "solved": 3, "table": {"../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p91.pddl": {"expansions": 6012, "outcome": "solved", "plan_cost": 138, "total_time": 1.7689136750004764}, "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p95.pddl": {"expansions": 8079, "outcome": "solved", "plan_cost": 128, "total_time": 2.382302795999749}, "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p96.pddl": {"expansions": 180212, "outcome": "timeout", "plan_cost": null, "total_time": 30.018891343000178}, "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p97.pddl": {"expansions": 9994, "outcome": "solved", "plan_cost": 208, "total_time": 2.84594963499967}, "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p98.pddl": {"expansions": 119106, "outcome": "timeout", "plan_cost": null, "total_time": 30.01961658900018}, "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p99.pddl": {"expansions": 122918, "outcome": "timeout", "plan_cost": null, "total_time": 30.01412789599999}}}, "model": null, "provenance": "hand-written by the development team's coding agent; not sampled from an LLM endpoint", "response_key": "handwritten-blocksworld-78c67ff3a0a7b7fb", "sample_index": 0, "selection": "planner.llm.select score: (solved, agile) beats h^FF's on the same tasks and settings", "solved": 6, "source": "heuristics/_src/blocksworld.py", "template": null, "template_sha256": null, "time_limit": 30.0, "training_table": {"../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p91.pddl": {"expansions": 403, "outcome": "solved", "plan_cost": 80, "total_time": 0.24709860200073308}, "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p95.pddl": {"expansions": 272, "outcome": "solved", "plan_cost": 82, "total_time": 0.1727653880006983}, "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p96.pddl": {"expansions": 319, "outcome": "solved", "plan_cost": 78, "total_time": 0.22788593099994614}, "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p97.pddl": {"expansions": 125, "outcome": "solved", "plan_cost": 88, "total_time": 0.16390811200017197}, "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p98.pddl": {"expansions": 410, "outcome": "solved", "plan_cost": 80, "total_time": 0.22457341799963615}, "../shared/benchmarks/ipc2023-learning/blocksworld/training/easy/p99.pddl": {"expansions": 629, "outcome": "solved", "plan_cost": 88, "total_time": 0.35639848800019536}}, "training_tasks": 6}
# Hand-written by the development team's coding agent (no LLM endpoint was used);
# source: heuristics/_src/blocksworld.py, evaluated and stored by heuristics/build.py.
from planner.heuristic_api import Heuristic

TABLE = "<table>"


class BlocksworldHeuristic(Heuristic):
    """Blocks not yet in their final tower, with the 'well-placed' notion.

    A block is well placed when it rests on what the goal wants below it (or
    anything, if the goal says nothing), that support is the table or a
    well-placed block, and no other block is meant to sit where it sits.
    Every other block must be picked up and put down once more: 2 actions
    (1 if it is already in the hand). Preferred operators: put the held block
    onto its ready goal support (else down on the table); with an empty hand,
    take a misplaced clear block whose goal support is ready, or clear a
    misplaced block off another block.
    """

    provides_preferred = True

    def __init__(self, task):
        self.task = task
        self.blocks = sorted({a[1] for a in task.init_atoms if a[0] in ("on", "on-table", "holding", "clear")}
                             | {a[2] for a in task.init_atoms if a[0] == "on"})
        self.goal_below = {}
        self.goal_above = {}
        for a in task.goal_atoms:
            if a[0] == "on":
                self.goal_below[a[1]] = a[2]
                self.goal_above[a[2]] = a[1]
            elif a[0] == "on-table":
                self.goal_below[a[1]] = TABLE
        # fact id -> (block, support); support None means 'in the hand'
        self.pos_of = {}
        self.clear_of = {}
        self.arm_empty = None
        for fid, atom in enumerate(task.facts):
            if atom[0] == "on":
                self.pos_of[fid] = (atom[1], atom[2])
            elif atom[0] == "on-table":
                self.pos_of[fid] = (atom[1], TABLE)
            elif atom[0] == "holding":
                self.pos_of[fid] = (atom[1], None)
            elif atom[0] == "clear":
                self.clear_of[fid] = atom[1]
            elif atom[0] == "arm-empty":
                self.arm_empty = fid
        self.goal_ids = [task.fact_index[a] for a in task.goal_atoms if a in task.fact_index]
        self.goal_missing = any(a not in task.fact_index and a not in task.static_atoms
                                for a in task.goal_atoms)
        index = task.operator_index
        self.op = {}
        for name in index:
            parts = name.strip("()").split()
            self.op[tuple(parts)] = index[name]

    def __call__(self, state):
        if all(g in state for g in self.goal_ids) and not self.goal_missing:
            return 0
        pos = {}
        clear = set()
        pos_of = self.pos_of
        clear_of = self.clear_of
        for fid in state.ids():
            p = pos_of.get(fid)
            if p is not None:
                pos[p[0]] = p[1]
            else:
                c = clear_of.get(fid)
                if c is not None:
                    clear.add(c)
        goal_below = self.goal_below
        goal_above = self.goal_above
        memo = {}
        held = None
        h = 0
        for b in pos:
            if b not in memo:
                chain = []
                cur = b
                while True:
                    if cur in memo:
                        val = memo[cur]
                        break
                    s = pos.get(cur)
                    g = goal_below.get(cur)
                    if s is None or (g is not None and g != s):
                        val = False
                        memo[cur] = val
                        break
                    if s == TABLE:
                        val = True
                        memo[cur] = val
                        break
                    above = goal_above.get(s)
                    if above is not None and above != cur:
                        val = False
                        memo[cur] = val
                        break
                    chain.append(cur)
                    cur = s
                for x in chain:
                    memo[x] = val
            if not memo[b]:
                if pos[b] is None:
                    held = b
                    h += 1
                else:
                    h += 2
        if h == 0:
            return 1
        op = self.op
        preferred = []
        if held is not None:
            t = goal_below.get(held)
            if t is not None and t != TABLE and t in clear and memo.get(t) and goal_above.get(t) == held:
                o = op.get(("stack", held, t))
            else:
                o = op.get(("putdown", held))
            if o is not None:
                preferred.append(o)
        else:
            for b in clear:
                if memo.get(b, True):
                    continue
                s = pos.get(b)
                t = goal_below.get(b)
                ready = t is None or t == TABLE or (t in clear and memo.get(t) and t != b)
                if s == TABLE:
                    if ready and t is not None and t != TABLE:
                        o = op.get(("pickup", b))
                        if o is not None:
                            preferred.append(o)
                else:
                    o = op.get(("unstack", b, s))
                    if o is not None:
                        preferred.append(o)
        return h, preferred
