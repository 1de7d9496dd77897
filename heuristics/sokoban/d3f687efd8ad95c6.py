# Heuristic written by the project's developers, not sampled from an LLM endpoint; regenerate rather than edit.
# planner-heuristic: {"agile": 6.0, "class_name": "DomainHeuristic", "code_sha256": "9b4b78c1012b1c28a613aef1278787b479d2b14d9866534684eb91f2936f0d72", "domain_fingerprint": "d3f687efd8ad95c69796064fad735eae2596d291ef857d5bca8bf018ff78ee27", "ff_baseline": null, "learn_command": "python -m planner learn DK ../shared/benchmarks/ipc2023-learning/sokoban/domain.pddl ../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p02.pddl ../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p15.pddl ../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p48.pddl ../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p49.pddl ../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p77.pddl ../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p91.pddl --model developers-pool --base-url URL --samples 13 --concurrency 1 --time-limit 10.0 --memory-limit 2048 --search gbfs --workers 1 --repair-rounds 1 --portfolio-size 3", "log": "heuristics/logs/sokoban.md", "model": null, "pool": "heuristics/pools/sokoban", "pool_file": "13-push-graph-interactions.md", "pool_size": 13, "provenance": "written by the project's developers, not sampled from an LLM endpoint", "replay_model": "developers-pool", "response_key": "b297848fada80af2f9a7f89b4fa1f09813567ca5eccfc84edf1da87382648ce7", "sample_index": 12, "solved": 6, "temperature": 1.0, "template": "synthesize_v1", "template_sha256": "3f8a2f91b78528e502e95e500ff9359dc901d358253ff0cbddf474f6caa1e8fb", "time_limit": 10.0, "training_table": {"../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p02.pddl": {"expansions": 3, "outcome": "solved", "plan_cost": 3, "total_time": 0.0633313870002894}, "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p15.pddl": {"expansions": 31, "outcome": "solved", "plan_cost": 12, "total_time": 0.09377073300038319}, "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p48.pddl": {"expansions": 71, "outcome": "solved", "plan_cost": 28, "total_time": 0.04372368200074561}, "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p49.pddl": {"expansions": 51, "outcome": "solved", "plan_cost": 16, "total_time": 0.16936117299974285}, "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p77.pddl": {"expansions": 97, "outcome": "solved", "plan_cost": 31, "total_time": 0.13882660899980692}, "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p91.pddl": {"expansions": 146, "outcome": "solved", "plan_cost": 39, "total_time": 0.07819899500009342}}, "training_task_files": ["../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p02.pddl", "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p15.pddl", "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p48.pddl", "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p49.pddl", "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p77.pddl", "../shared/benchmarks/ipc2023-learning/sokoban/training/easy/p91.pddl"], "training_tasks": 6}
from collections import deque

from planner.heuristic_api import Heuristic

INF = float("inf")
DIRS = ("up", "down", "left", "right")
OPP = (1, 0, 3, 2)
BLOCKED_PENALTY = 4
IMMOBILE = 2


class DomainHeuristic(Heuristic):
    """Push distances with the robot's side, goal order, stuck boxes, dead ends.

    Map: the squares of the adjacency atoms that are clear, hold a box or the
    robot in the initial state (a square that is none of these never becomes
    clear: only a push clears a square, the one its box leaves).

    Push graph: a node is (box square s, side c), c the component of the floor
    without s that holds the robot (squares whose removal splits the floor
    have several). Pushing from s in direction d needs the square behind s in
    component c and a floor square f ahead; the box goes to f, the robot to s.
    For every box, a backward search from its goal square gives the number of
    pushes to its goal from every node on the empty map. Other boxes only make
    that harder, and the robot can never reach another component of the floor
    without s except by pushing this box, so a box off its goal whose node
    cannot reach the goal is a proven dead end (math.inf).

    Freeze: a 2x2 block of squares that are walls or boxes, with a box not on
    its own goal among them, is a dead end: every box of the block has a wall
    or a box on one side along both axes, so none of them can be pushed first.

    Goal order: boxes standing on their own goals are obstacles for the
    others. A box's term is the number of pushes to its goal around them; if
    they cut it off from its goal, the empty-map distance plus
    BLOCKED_PENALTY (a delivered box must leave its goal and come back).

    Stuck boxes: IMMOBILE more for a box off its goal that no push can move
    right now to a square from which it can still reach its goal (the robot,
    walking around all boxes, reaches no square behind it, or the squares
    ahead are taken). Greedy search otherwise sinks millions of states into
    positions where such a box is locked in for good by boxes the heuristic
    cannot prove frozen.
    """

    def __init__(self, task):
        free = set()
        for atom in task.init_atoms:
            if atom[0] in ("clear", "at-robot"):
                free.add(atom[1])
            elif atom[0] == "at":
                free.add(atom[2])
        adj = {}
        for atom in task.static_atoms:
            if atom[0] == "adjacent" and atom[1] in free and atom[2] in free:
                adj.setdefault(atom[1], {})[atom[3]] = atom[2]
        squares = sorted(free)
        self.index = {sq: i for i, sq in enumerate(squares)}
        n = len(squares)
        self.n = n
        nb = [[-1] * 4 for _ in range(n)]
        for sq, nbrs in adj.items():
            for d, other in nbrs.items():
                if d in DIRS:
                    nb[self.index[sq]][DIRS.index(d)] = self.index[other]
        self.nb = nb
        # label[s]: component of the floor without s for each square (None when
        # the floor without s is one component); side[s][d]: component of nb[s][d]
        self.label = [None] * n
        self.side = [[-1] * 4 for _ in range(n)]
        # articulation squares (removing them splits the floor): iterative
        # depth-first search with discovery times and low links, linear time
        tin = [-1] * n
        low = [0] * n
        cut = [False] * n
        timer = 0
        for root in range(n):
            if tin[root] >= 0:
                continue
            tin[root] = low[root] = timer
            timer += 1
            children = 0
            stack = [[root, -1, 0]]
            while stack:
                top = stack[-1]
                v = top[0]
                if top[2] < 4:
                    w = nb[v][top[2]]
                    top[2] += 1
                    if w < 0 or w == top[1]:
                        continue
                    if tin[w] >= 0:
                        low[v] = min(low[v], tin[w])
                    else:
                        tin[w] = low[w] = timer
                        timer += 1
                        if v == root:
                            children += 1
                        stack.append([w, v, 0])
                else:
                    stack.pop()
                    if stack:
                        u = stack[-1][0]
                        low[u] = min(low[u], low[v])
                        if u != root and low[v] >= tin[u]:
                            cut[u] = True
            cut[root] = children > 1
        for s in range(n):
            if not cut[s]:
                for d in range(4):
                    if nb[s][d] >= 0:
                        self.side[s][d] = 0
                continue
            lab = [-1] * n
            lab[s] = -2
            k = 0
            for d in range(4):
                t = nb[s][d]
                if t < 0 or lab[t] >= 0:
                    continue
                lab[t] = k
                queue = deque([t])
                while queue:
                    x = queue.popleft()
                    for y in nb[x]:
                        if y >= 0 and lab[y] == -1:
                            lab[y] = k
                            queue.append(y)
                k += 1
            for d in range(4):
                t = nb[s][d]
                if t >= 0:
                    self.side[s][d] = lab[t]
            lab[s] = -1
            self.label[s] = lab
        self.boxes = []
        self.goal = []
        for atom in task.goal_atoms:
            if atom[0] == "at" and atom[2] in self.index:
                self.boxes.append(atom[1])
                self.goal.append(self.index[atom[2]])
        self.missing_goal = any(atom[0] == "at" and atom[2] not in self.index for atom in task.goal_atoms)
        self.box_number = {b: i for i, b in enumerate(self.boxes)}
        self.dist = [self._backward(g) for g in self.goal]
        self.memo = {}

    def _backward(self, g):
        """Pushes from each node (4 * square + side) to square g, empty map."""
        nb, side = self.nb, self.side
        dist = {}
        queue = deque()
        for c in range(4):
            dist[4 * g + c] = 0
            queue.append(4 * g + c)
        while queue:
            node = queue.popleft()
            f = node // 4
            c = node % 4
            # a push in direction d ended with the box on f and the robot on
            # b = nb[f][opp d], in component c of the floor without f
            for d in range(4):
                b = nb[f][OPP[d]]
                if b < 0 or side[f][OPP[d]] != c:
                    continue
                r = nb[b][OPP[d]]
                if r < 0:
                    continue
                prev = 4 * b + side[b][OPP[d]]
                if prev not in dist:
                    dist[prev] = dist[node] + 1
                    queue.append(prev)
        return dist

    def _forward(self, start, g, walls):
        """Fewest pushes from node start to square g with the squares in walls
        blocked for the box (None when cut off); shortest paths first."""
        nb, side = self.nb, self.side
        seen = {start: 0}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            s = node // 4
            c = node % 4
            k = seen[node]
            for d in range(4):
                r = nb[s][OPP[d]]
                f = nb[s][d]
                if r < 0 or f < 0 or side[s][OPP[d]] != c or f in walls:
                    continue
                if f == g:
                    return k + 1
                nxt = 4 * f + side[f][OPP[d]]
                if nxt not in seen:
                    seen[nxt] = k + 1
                    queue.append(nxt)
        return None

    def __call__(self, state):
        if self.missing_goal:
            return INF
        index = self.index
        where = [-1] * len(self.boxes)
        occupied = set()
        robot = -1
        for atom in state:
            if atom[0] == "at":
                i = self.box_number.get(atom[1])
                sq = index.get(atom[2], -1)
                if i is not None:
                    where[i] = sq
                occupied.add(sq)
            elif atom[0] == "at-robot":
                robot = index.get(atom[1], -1)
        delivered = set()
        for i, sq in enumerate(where):
            if sq < 0:
                return INF
            if sq == self.goal[i]:
                delivered.add(sq)
        if len(delivered) == len(where):
            return 0
        nb = self.nb
        side = self.side
        # the robot's region with every box as an obstacle
        reach = {robot} if robot >= 0 else set()
        stack = list(reach)
        while stack:
            x = stack.pop()
            for y in nb[x]:
                if y >= 0 and y not in reach and y not in occupied:
                    reach.add(y)
                    stack.append(y)
        key = frozenset(delivered)
        h = 0
        for i, s in enumerate(where):
            if s == self.goal[i]:
                continue
            # freeze: a 2x2 block of walls and boxes around s
            for a, b in ((0, 2), (0, 3), (1, 2), (1, 3)):
                x = nb[s][a]
                y = nb[s][b]
                if x >= 0 and x not in occupied:
                    continue
                if y >= 0 and y not in occupied:
                    continue
                if x < 0 and y < 0:
                    return INF
                z = nb[x][b] if x >= 0 else nb[y][a]
                if z < 0 or z in occupied:
                    return INF
            lab = self.label[s]
            c = 0 if lab is None or robot < 0 else lab[robot]
            if c < 0:
                return INF
            start = 4 * s + c
            d0 = self.dist[i].get(start)
            if d0 is None:
                return INF
            # no push that keeps the box alive is possible right now
            dist = self.dist[i]
            for d in range(4):
                r = nb[s][OPP[d]]
                f = nb[s][d]
                if r in reach and f >= 0 and f not in occupied and 4 * f + side[f][OPP[d]] in dist:
                    break
            else:
                h += IMMOBILE
            if not delivered:
                h += d0
                continue
            mk = (i, start, key)
            k = self.memo.get(mk)
            if k is None:
                k = self._forward(start, self.goal[i], delivered)
                k = d0 + BLOCKED_PENALTY if k is None else k
                if len(self.memo) > 500000:
                    self.memo.clear()
                self.memo[mk] = k
            h += k
        return h
