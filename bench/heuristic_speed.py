"""Speed and correctness check of the compiled heuristics against Fast Downward.

For each task: translate it with FD's translator, load the SAS task as a
GroundTask (so both planners see exactly the same facts and operators, which
makes h^max, h^add and LM-cut values directly comparable), read FD's initial
heuristic values, and measure our evaluations per second on states from
random walks. Optionally the task is also grounded by planner.frontend.grounding
(when available) to compare initial values on our own grounding.

    python bench/heuristic_speed.py blocksworld/testing/easy/p01 rovers/...

Task names are relative to the IPC 2023 learning-track folder; the domain
file is <domain>/domain.pddl.
"""
from __future__ import annotations

import argparse
import importlib
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent

from planner.task import CSR, ConditionalEffects, GroundTask  # noqa: E402

BENCH = (REPO / "../shared/benchmarks/ipc2023-learning").resolve()
FD = Path(sys.executable).parent.parent / "lib/python3.11/site-packages/up_fast_downward/downward/fast-downward.py"
FD_NAMES = {"max": "hmax()", "add": "add()", "ff": "ff()", "lmcut": "lmcut()"}


def core_module():
    """planner._core, or a private build named by PLANNER_CORE_MODULE."""
    return importlib.import_module(os.environ.get("PLANNER_CORE_MODULE", "planner._core"))


# -- SAS tasks -----------------------------------------------------------------


def translate(domain: Path, problem: Path, workdir: Path) -> Path:
    """Run FD's translator; returns the path of the SAS file."""
    sas = workdir / "output.sas"
    subprocess.run([sys.executable, str(FD), "--sas-file", str(sas), "--translate",
                    str(domain), str(problem)], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return sas


def load_sas(path: Path) -> GroundTask:
    """A SAS+ task as a STRIPS GroundTask: one fact per variable value.

    An effect var:=v adds (var, v) and deletes the other values of var (only
    the precondition value when one is given); effects with conditions
    become conditional effects. Axioms are not supported.
    """
    lines = iter(path.read_text().split("\n"))
    word = lambda: next(lines)  # noqa: E731
    ints = lambda: [int(x) for x in word().split()]  # noqa: E731
    assert word() == "begin_version"
    word(), word()
    assert word() == "begin_metric"
    metric = int(word())
    word()
    offsets, ranges, names = [], [], []
    for _ in range(int(word())):
        assert word() == "begin_variable"
        word(), word()
        size = int(word())
        offsets.append(sum(ranges))
        ranges.append(size)
        names.extend(word() for _ in range(size))
        word()
    for _ in range(int(word())):
        while word() != "end_mutex_group":
            pass
    assert word() == "begin_state"
    init = [offsets[v] + int(word()) for v in range(len(ranges))]
    word()
    assert word() == "begin_goal"
    goal = [offsets[v] + val for v, val in (ints() for _ in range(int(word())))]
    word()
    ops = [_read_operator(word, ints, offsets, ranges, metric) for _ in range(int(word()))]
    if int(word()) != 0:
        raise ValueError("axioms are not supported")
    return _sas_task(names, ops, init, goal, metric)


def _read_operator(word, ints, offsets, ranges, metric):
    assert word() == "begin_operator"
    name = "(" + word() + ")"
    pre = [offsets[v] + val for v, val in (ints() for _ in range(int(word())))]
    add, dele, cond = [], [], []
    for _ in range(int(word())):
        nums = ints()
        k = nums[0]
        conds = [offsets[nums[1 + 2 * i]] + nums[2 + 2 * i] for i in range(k)]
        var, old, new = nums[1 + 2 * k:]
        if old >= 0:
            pre.append(offsets[var] + old)
            deleted = [offsets[var] + old] if old != new else []
        else:
            deleted = [offsets[var] + x for x in range(ranges[var]) if x != new]
        if conds:
            cond.append((conds, [offsets[var] + new], deleted))
        else:
            add.append(offsets[var] + new)
            dele.extend(deleted)
    cost = int(word())
    word()
    return name, list(dict.fromkeys(pre)), add, dele, cond, cost if metric else 1


def _sas_task(names, ops, init, goal, metric) -> GroundTask:
    effects = [e for op in ops for e in op[4]]
    owner, start = [], 0
    for op in ops:
        owner.append(range(start, start + len(op[4])))
        start += len(op[4])
    conditional = None
    if effects:
        conditional = ConditionalEffects(
            ops=CSR.from_rows(owner), cond_pos=CSR.from_rows([e[0] for e in effects]),
            cond_neg=CSR.from_rows([[] for _ in effects]),
            add=CSR.from_rows([e[1] for e in effects]), delete=CSR.from_rows([e[2] for e in effects]))
    empty = CSR.from_rows([[] for _ in ops])
    return GroundTask(
        facts=tuple((n,) for n in names), operators=tuple(op[0] for op in ops),
        cost=np.array([op[5] for op in ops], dtype=np.int64),
        pre_pos=CSR.from_rows([op[1] for op in ops]), pre_neg=empty,
        add=CSR.from_rows([op[2] for op in ops]), delete=CSR.from_rows([op[3] for op in ops]),
        init=np.array(sorted(init), dtype=np.int32), goal_pos=np.array(sorted(goal), dtype=np.int32),
        goal_neg=np.zeros(0, dtype=np.int32), lifted=None, conditional=conditional,
        uses_action_costs=bool(metric))


# -- Fast Downward's values and speed --------------------------------------------


def fd_initial_values(sas: Path, heuristics, workdir: Path) -> dict[str, float]:
    """FD's `Initial heuristic value` for each heuristic, on the SAS task."""
    evals = ", ".join(FD_NAMES[h] for h in heuristics)
    out = subprocess.run([sys.executable, str(FD), str(sas), "--search",
                          f"eager_greedy([{evals}], bound=0)"], cwd=workdir,
                         capture_output=True, text=True).stdout
    values = {}
    for h in heuristics:
        label = FD_NAMES[h].removesuffix("()")
        m = re.search(r"Initial heuristic value for " + label + r": (\S+)", out)
        if m:
            values[h] = float("inf") if m.group(1) == "infinity" else float(m.group(1))
    return values


def fd_speed(sas: Path, heuristic: str, workdir: Path, seconds: float) -> float | None:
    """FD's evaluations per second during a time-limited greedy search."""
    search = f"eager_greedy([{FD_NAMES[heuristic]}])"
    out = subprocess.run([sys.executable, str(FD), "--search-time-limit", f"{seconds}s",
                          str(sas), "--search", search], cwd=workdir,
                         capture_output=True, text=True).stdout
    evals = re.search(r"Evaluations: (\d+)", out)
    spent = re.search(r"Search time: ([\d.]+)s", out)
    if not evals or not spent or float(spent.group(1)) == 0:
        return None
    return int(evals.group(1)) / float(spent.group(1))


# -- our side -----------------------------------------------------------------------


def random_walk_states(task: GroundTask, count: int, seed: int = 0) -> np.ndarray:
    """0/1 matrix of states met on random walks from the initial state."""
    rng = np.random.default_rng(seed)
    rows = []
    state = frozenset(int(f) for f in task.init)
    while len(rows) < count:
        rows.append(state)
        app = [o for o in range(task.num_operators) if task.applicable(state, o)]
        if not app or rng.random() < 0.02:
            state = frozenset(int(f) for f in task.init)
        else:
            state = task.apply(state, int(rng.choice(app)))
    matrix = np.zeros((count, task.num_facts), dtype=np.uint8)
    for i, s in enumerate(rows):
        matrix[i, list(s)] = 1
    return matrix


def our_speed(h, states: np.ndarray, seconds: float, preferred: bool) -> float:
    evaluate = core_module().evaluate_states
    evaluate(h, states, 1, preferred)
    repeats, start = 1, time.process_time()
    while True:
        evaluate(h, states, repeats, preferred)
        spent = time.process_time() - start
        if spent >= seconds:
            return repeats * len(states) / spent
        repeats *= 2
        start = time.process_time()


def make_heuristic(name: str, task: GroundTask):
    core = core_module()
    return {"max": core.HMax, "add": core.HAdd, "ff": core.HFF, "lmcut": core.LMCut}[name](task)


def ground(domain: Path, problem: Path) -> GroundTask | None:
    """The task as grounded by planner.frontend.grounding, if that module exists."""
    try:
        from planner.frontend.grounding import ground_files
    except ImportError:
        return None
    try:
        return ground_files(domain, problem)
    except Exception as exc:  # report grounder failures, keep benchmarking
        print(f"planner.frontend.grounding failed on {problem}: {exc}", flush=True)
        return None


def run(task_name: str, heuristics, seconds: float, with_fd_speed: bool) -> None:
    domain_dir = BENCH / task_name.split("/")[0]
    problem = BENCH / (task_name + ".pddl")
    with tempfile.TemporaryDirectory() as tmp:
        sas = translate(domain_dir / "domain.pddl", problem, Path(tmp))
        task = load_sas(sas)
        fd = fd_initial_values(sas, heuristics, Path(tmp))
        states = random_walk_states(task, 200)
        init = [int(f) for f in task.init]
        grounded = ground(domain_dir / "domain.pddl", problem)
        for name in heuristics:
            h = make_heuristic(name, task)
            ours = h.compute(init)[0]
            if grounded is not None:
                value = make_heuristic(name, grounded).compute([int(f) for f in grounded.init])[0]
                flag = "" if fd.get(name) == value else "  DIFFERS"
                print(f"{task_name:32s} {name:6s} on our grounding: {value:6g}{flag}")
            speed = our_speed(h, states, seconds, name in ("ff", "add"))
            fd_rate = fd_speed(sas, name, Path(tmp), 10) if with_fd_speed else None
            fd_text = f"{fd_rate:9.0f}/s" if fd_rate else "        -"
            flag = "" if fd.get(name) == ours else "  MISMATCH"
            print(f"{task_name:32s} {name:6s} ours={ours:6g} fd={fd.get(name, float('nan')):6g}"
                  f"  {speed:9.0f} evals/s  fd-search {fd_text}{flag}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tasks", nargs="+")
    parser.add_argument("--heuristics", default="max,add,ff,lmcut")
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--fd-speed", action="store_true")
    args = parser.parse_args()
    for t in args.tasks:
        run(t, args.heuristics.split(","), args.seconds, args.fd_speed)


if __name__ == "__main__":
    main()
