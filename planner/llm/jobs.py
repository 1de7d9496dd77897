"""What a sandbox worker can be asked to do with a candidate (runs inside the worker).

A job has two phases, both trusted: prepare(payload) reads and grounds the
task and finds a reference plan; run(prepared) hands the candidate to a
jailed child (planner.jail) and judges what comes back. The candidate's
code is only ever loaded in that child: the worker itself never executes it,
so it cannot rebind the worker's functions or forge its result. A probe's
values along the reference plan are re-checked here (plan states are known
not to be dead ends); a solve is planner.solve with the candidate as an
untrusted heuristic: the worker grounds, the child searches, the worker
validates the plan, and "solved" means validated within the time limit the
worker measured, counting from before the candidate's constructor ran.
run returns a dict whose 'outcome' is one of planner.llm.sandbox.OUTCOMES.
"""
from __future__ import annotations

import math
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from planner.heuristics.loader import CandidateError, load_candidate

MAX_EXTRA_STATES = 200
"""Successors of plan states the probe also evaluates (validity only)."""


class InvalidValue(Exception):
    """The heuristic returned something that is not a usable estimate."""


@dataclass(frozen=True)
class Job:
    prepare: Callable[[dict[str, Any]], Any]
    run: Callable[[Any], dict[str, Any]]


def check_value(result: Any, known_operators: dict[str, int] | None = None) -> float:
    """The estimate in `result` (h or (h, preferred)), or InvalidValue saying why not.

    Mirrors what the compiled search accepts, so a probe verdict predicts the search's.
    """
    if isinstance(result, (tuple, list)):
        if len(result) != 2:
            raise InvalidValue(f"returned a sequence of length {len(result)}; expected h or (h, preferred)")
        if known_operators is not None and result[1] is not None:
            for op in result[1]:
                if isinstance(op, str) and op not in known_operators:
                    raise InvalidValue(f"unknown preferred operator {op!r}")
                if not isinstance(op, (str, int)) or isinstance(op, bool):
                    raise InvalidValue(f"preferred operator {op!r} is neither a name nor an id")
        result = result[0]
    if result is None or isinstance(result, (str, bytes, bool)) or not _is_number(result):
        raise InvalidValue(f"returned {result!r} ({type(result).__name__}); expected a number")
    value = float(result)
    if math.isnan(value):
        raise InvalidValue("returned NaN")
    if value < 0:
        raise InvalidValue(f"returned a negative value {result!r}")
    return value


def _is_number(x: Any) -> bool:
    try:
        float(x)
    except (TypeError, ValueError, OverflowError):
        return False
    return True


# -- load: does the code define the class? ------------------------------------------------

def _load_run(payload: dict[str, Any]) -> dict[str, Any]:
    def target(source: Any) -> dict[str, Any]:
        try:
            cls = load_candidate(source.code, source.class_name)
        except CandidateError as err:
            return {"outcome": "crash", "detail": str(err)}
        return {"outcome": "ok", "class_name": str(cls.__name__)}

    value, failure, layers = _in_jail(payload, target)
    if failure is not None:
        return {**failure, "isolation": layers}
    if not isinstance(value, dict) or value.get("outcome") not in ("ok", "crash"):
        return {"outcome": "crash", "detail": "the jailed load returned garbage", "isolation": layers}
    return {"outcome": value["outcome"], "detail": str(value.get("detail", ""))[:500],
            "class_name": str(value.get("class_name", ""))[:200], "isolation": layers}


# -- running candidate code in the jail ------------------------------------------------------

def _in_jail(prepared: dict[str, Any], target: Callable[[Any], Any]) -> tuple[Any, dict[str, Any] | None, dict]:
    """target(source) in a jailed child, with the job's limits: (value, None,
    layers) or (None, failure result, layers) for a crash, hang or garbage."""
    from planner.jail import JailLimits, run_jailed
    from planner.heuristics.untrusted import UntrustedHeuristic, prepare_for_jail

    from planner.heuristics.untrusted import cache_miss, is_kernel

    limits = prepared.get("limits") or {}
    source = UntrustedHeuristic(prepared["code"], prepared.get("class_name"), "candidate")
    jail_limits = JailLimits(wall_seconds=float(limits.get("cpu_seconds", 60)),
                             memory_mb=int(limits.get("memory_mb", 2048)))
    prepare, _ = prepare_for_jail([source])
    outcome = run_jailed(lambda: target(source), jail_limits, prepare=prepare)
    if is_kernel(source) and cache_miss(outcome):
        # cached object code for other array types only: again, Numba fully prepared
        prepare, _ = prepare_for_jail([source], loading_only=False)
        outcome = run_jailed(lambda: target(source), jail_limits, prepare=prepare)
    layers = outcome.layers.get("held", {}) if isinstance(outcome.layers, dict) else {}
    if outcome.ok:
        return outcome.value, None, layers
    return None, jail_failure(outcome.outcome, outcome.detail, outcome.output), layers


def jail_failure(reason: str, detail: str, output: str = "") -> dict[str, Any]:
    """A jail outcome (planner.jail.runner.OUTCOMES) as a job result."""
    if reason in ("invalid-value", "memout"):
        return {"outcome": reason, "detail": detail[:500]}
    if reason == "timeout" or "SIGXCPU" in detail:
        return {"outcome": "timeout", "detail": f"time limit: {detail}"}
    if "MemoryError" in detail or "MemoryError" in output:
        return {"outcome": "memout", "detail": "MemoryError"}
    if reason == "unjailed":
        return {"outcome": "error", "detail": detail}
    return {"outcome": "crash", "detail": f"{reason}: {detail}"[:500]}


# -- shared task preparation --------------------------------------------------------------

def prepare_task(payload: dict[str, Any]) -> dict[str, Any]:
    """Ground the task and find a reference plan (trusted code, before lock-down)."""
    from planner.frontend.grounding import ground_files
    from planner.search.engine import search

    task = ground_files(payload["domain"], payload["problem"])
    plan = payload.get("plan")
    if plan is not None:
        index = {name: i for i, name in enumerate(task.operators)}
        missing = [p for p in plan if p not in index]
        if missing:
            raise ValueError(f"reference plan step {missing[0]!r} is not an operator of the task")
        plan_ids = [index[p] for p in plan]
    elif payload.get("needs_plan", True):
        result = search(task, "gbfs", evaluators=["ff"], preferred=["ff"],
                        time_limit=float(payload.get("plan_time_limit", 30)))
        plan_ids = list(result.plan) if result.plan is not None else None
    else:
        plan_ids = None
    _warm_up(task)
    return {**payload, "task": task, "plan_ids": plan_ids}


class _Zero:
    def __init__(self, task: Any) -> None:
        pass

    def __call__(self, state: Any) -> float:
        return 0.0


def _warm_up(task: Any) -> None:
    """Wrap a trivial heuristic once so that every module the plug-in path imports
    lazily is loaded before the lock-down hides the file system."""
    from planner.heuristics.api import make_python_evaluator

    make_python_evaluator(_Zero, task)


# -- probe: evaluate along a known plan -----------------------------------------------------

def probe(cls: type, task: Any, plan: list[int] | None,
          max_extra_states: int = MAX_EXTRA_STATES) -> dict[str, Any]:
    """Construct the heuristic and check its values on states along a plan.

    States on a plan are solvable, so h must be finite there, zero exactly at
    the final (goal) state and positive before it. Successors of those states
    are evaluated too, checking only that values are valid numbers and zero
    only at goals. Returns a result dict with an outcome from OUTCOMES.
    """
    from planner import _core
    from planner.heuristics.api import TaskView

    start = time.perf_counter()
    heuristic = cls(TaskView(task))
    construct_time = time.perf_counter() - start
    context = _core.ViewContext(task)
    op_index = {name: i for i, name in enumerate(task.operators)}
    states = _plan_states(task, plan)
    extra = _successor_states(task, states, max_extra_states)
    values: list[float] = []
    calls, call_time = 0, 0.0
    for i, (state, on_plan) in enumerate([(s, True) for s in states] + [(s, False) for s in extra]):
        view = _core.StateView.from_ids(context, sorted(state))
        verdict, trace = None, ""
        t0 = time.perf_counter()
        try:
            h = check_value(heuristic(view), op_index)
        except InvalidValue as err:
            verdict = ("invalid-value", f"state {i}: {err}")
        except MemoryError:
            raise
        except Exception as err:  # noqa: BLE001 - the candidate's bug, reported with its state
            verdict = ("crash", f"state {i}: {type(err).__name__}: {err}"[:500])
            trace = traceback.format_exc()[-4000:]
        finally:
            call_time += time.perf_counter() - t0
            calls += 1
        goal = task.is_goal(state)
        if verdict is None:
            if on_plan:
                values.append(h)
            if goal and h != 0:
                verdict = ("nonzero-at-goal", f"h = {h} in a goal state")
            elif not goal and h == 0:
                verdict = ("zero-at-nongoal", f"h = 0 in non-goal state {i}")
            elif on_plan and math.isinf(h):
                verdict = ("infinite-on-solvable",
                           f"h = inf on plan state {i}, from which the plan reaches the goal")
        if verdict is not None:
            result = {"outcome": verdict[0], "detail": verdict[1], "values": values,
                      "construct_time": construct_time,
                      "counterexample": _counterexample(task, state, goal, on_plan)}
            if trace:
                result["traceback"] = trace
            return result
    mismatch = _kernel_mismatch(heuristic, task, states + extra)
    if mismatch is not None:
        return {"outcome": "invalid-value", "detail": mismatch, "values": values,
                "construct_time": construct_time}
    return {"outcome": "ok", "values": values, "construct_time": construct_time,
            "calls": calls, "mean_call_time": call_time / max(1, calls),
            "plan_length": len(states) - 1 if plan is not None else None}


KERNEL_DIFFERENTIAL_STATES = 200
"""Random-walk states on which a kernel candidate's compiled values must equal
its interpreted ones, besides the probe's own states (the interpreted form
costs ~1 ms per state on the largest training tasks)."""


def _kernel_mismatch(heuristic: Any, task: Any, states: list[frozenset[int]]) -> str | None:
    """For a kernel program: the compiled kernel must give the values of the same
    program run by the interpreter (planner.heuristics.kernel_differential) on the
    probe's states and on random-walk states; None when it does, else why not.
    Runs in the jailed child, like everything that touches the kernel."""
    import numpy as np

    from planner.heuristics.kernel import KernelHeuristic
    from planner.heuristics.kernel_differential import compare, walk_states

    if not isinstance(heuristic, KernelHeuristic):
        return None
    arrays = []
    for state in states:
        a = np.zeros(task.num_facts, dtype=np.uint8)
        a[sorted(state)] = 1
        arrays.append(a)
    arrays += walk_states(task, seed=0, walks=10, length=40)[:KERNEL_DIFFERENTIAL_STATES]
    result = compare(heuristic, heuristic.reference, arrays)
    return None if result.equal else f"differential check: {result.reason()}"


def _counterexample(task: Any, state: frozenset[int], goal: bool, on_plan: bool,
                    max_atoms: int = 300) -> dict[str, Any]:
    """The state a verdict is about, as a repair prompt would show it."""
    atoms = sorted(task.facts[f] for f in state)
    return {"atoms": [list(a) for a in atoms[:max_atoms]], "truncated": len(atoms) > max_atoms,
            "is_goal": goal, "on_plan": on_plan}


def _plan_states(task: Any, plan: list[int] | None) -> list[frozenset[int]]:
    state = frozenset(int(f) for f in task.init)
    states = [state]
    for op in plan or ():
        state = task.apply(state, op)
        states.append(state)
    return states


def _successor_states(task: Any, states: list[frozenset[int]], limit: int) -> list[frozenset[int]]:
    seen = set(states)
    extra: list[frozenset[int]] = []
    for state in states:
        for op in range(task.num_operators):
            if len(extra) >= limit:
                return extra
            if task.applicable(state, op):
                succ = task.apply(state, op)
                if succ not in seen:
                    seen.add(succ)
                    extra.append(succ)
    return extra


def _probe_run(prepared: dict[str, Any]) -> dict[str, Any]:
    task, plan = prepared["task"], prepared["plan_ids"]

    def target(source: Any) -> dict[str, Any]:
        try:
            cls = load_candidate(source.code, source.class_name)
        except CandidateError as err:
            return {"outcome": "crash", "detail": str(err)}
        result = probe(cls, task, plan, int(prepared.get("max_extra_states", MAX_EXTRA_STATES)))
        from planner.heuristics.kernel import new_objects

        return {**result, "objects": new_objects()}  # {} unless the candidate is a kernel

    value, failure, layers = _in_jail(prepared, target)
    if failure is not None:
        return {**failure, "isolation": layers}
    checked = check_probe_result(value, task, plan)
    if checked.get("outcome") == "ok" and isinstance(value, dict):
        # A kernel candidate's object code: its training runs (solve jobs, whose
        # jailed children read the same per-user cache) then load instead of compiling.
        checked["objects_stored"] = _store_objects(prepared, value.get("objects"))
    return {**checked, "isolation": layers}


_PROBE_FIELDS = ("outcome", "detail", "values", "construct_time", "calls", "mean_call_time",
                 "plan_length", "counterexample", "traceback")


def check_probe_result(value: Any, task: Any, plan: list[int] | None) -> dict[str, Any]:
    """The child's probe verdict, re-checked in the worker's terms: an 'ok' must
    carry one valid value per plan state, finite (the plan reaches the goal from
    each), zero only at the goal. A failure verdict is the candidate's own."""
    from planner.llm.sandbox import OUTCOMES

    if not isinstance(value, dict) or value.get("outcome") not in OUTCOMES or value["outcome"] == "error":
        return {"outcome": "crash", "detail": "the jailed probe returned garbage"}
    result = {k: value[k] for k in _PROBE_FIELDS if k in value}
    if result["outcome"] != "ok":
        return result
    values = value.get("values")
    states = len(plan) + 1 if plan is not None else 1
    if not isinstance(values, list) or len(values) != states:
        return {"outcome": "crash", "detail": f"the jailed probe returned {states} state values "
                                              "wrongly (checked by the parent)"}
    for i, h in enumerate(values):
        if type(h) not in (int, float) or math.isnan(h) or h < 0:
            return {"outcome": "invalid-value", "detail": f"state {i}: value {h!r} (checked by the parent)"}
        goal = plan is not None and i == len(plan)
        if math.isinf(h):
            return {"outcome": "infinite-on-solvable",
                    "detail": f"h = inf on plan state {i}, from which the plan reaches the goal"}
        if goal and h != 0:
            return {"outcome": "nonzero-at-goal", "detail": f"h = {h} in a goal state"}
        if not goal and plan is not None and h == 0:
            return {"outcome": "zero-at-nongoal", "detail": f"h = 0 in non-goal state {i}"}
    return result


# -- solve: planner.search.solve with the candidate as heuristic ---------------------------------

WARM_DOMAIN = """(define (domain warm-up) (:requirements :strips) (:predicates (p) (q))
  (:action a :parameters () :precondition (p) :effect (q)))"""
WARM_PROBLEM = "(define (problem warm-up-1) (:domain warm-up) (:init (p)) (:goal (q)))"


def prepare_solve(payload: dict[str, Any]) -> dict[str, Any]:
    """Read and parse the task (so PDDL errors are reported as preparation errors)
    and run planner.search.solve once on a one-action task, so that the parser tables and
    every lazily imported module are in memory before the lock-down."""
    from planner.search.solve import parse_inputs, solve as planner_solve

    domain_text = Path(payload["domain"]).read_text(encoding="utf-8")
    problem_text = Path(payload["problem"]).read_text(encoding="utf-8")
    parse_inputs(domain_text, problem_text)
    planner_solve(WARM_DOMAIN, WARM_PROBLEM, search="gbfs", heuristic=_Zero)
    return {**payload, "domain_text": domain_text, "problem_text": problem_text}


def solve(cls: type | list[type], domain_text: str, problem_text: str, search: str = "gbfs",
          time_limit: float = 60.0, memory_mb: float | None = None,
          use_preferred: bool | None = None) -> dict[str, Any]:
    """Run planner.search.solve (parse, ground, search, validate) with the candidate.

    This is what `planner solve --heuristic` does, so the figures measured
    here are the ones the selected heuristic will show in use. Untrusted
    heuristics (planner.heuristics.untrusted.UntrustedHeuristic) search in the jail with no
    fallback: their failure is this run's outcome.
    """
    import time as _time

    from planner.errors import HeuristicError
    from planner.jail import HeuristicFailure
    from planner.search.engine import SearchStatus
    from planner.search.solve import solve as planner_solve

    started = _time.perf_counter()
    try:
        result = planner_solve(domain_text, problem_text, search=search, heuristic=cls,
                               time_limit=time_limit, memory_limit=memory_mb, preferred=use_preferred,
                               fallback=False)
    except HeuristicFailure as err:
        if err.reason in ("unsolvable", "incomplete"):
            return {"outcome": "unsolved", "status": err.reason, "detail": str(err)[:500]}
        return jail_failure(err.reason, str(err))
    except HeuristicError as err:
        cause = err.__cause__
        if isinstance(cause, MemoryError):
            raise cause
        outcome = "invalid-value" if _is_value_error(cause) else "crash"
        trace = "".join(traceback.format_exception(cause))[-4000:] if cause is not None else ""
        return {"outcome": outcome, "detail": str(err)[:500], "traceback": trace}
    stats = result.statistics
    data = {key: stats.get(key) for key in ("expansions", "evaluations", "generated", "search_time",
                                            "total_time", "ground_time", "initial_h", "peak_memory_kb")}
    jail = stats.get("jail") if isinstance(stats.get("jail"), dict) else {}
    for key in ("kernel_compile_time", "kernel_cache_hits"):  # kernel candidates only
        if jail.get(key) is not None:
            data[key] = jail[key]
    data["status"] = result.status.value
    if result.statistics.get("dropped_heuristics"):
        data["dropped_heuristics"] = result.statistics["dropped_heuristics"]
    elapsed = _time.perf_counter() - started
    if result.solved and elapsed > time_limit:  # the limit as this process measured it
        return {"outcome": "timeout", "detail": f"plan found after {elapsed:.2f} s > {time_limit:g} s",
                **data}
    if result.solved:
        return {"outcome": "solved", "plan_cost": result.cost, "plan_length": len(result.plan),
                "plan": list(result.plan), "validated_by": result.validated_by, **data}
    outcome = {SearchStatus.OUT_OF_TIME: "timeout", SearchStatus.OUT_OF_MEMORY: "memout"}
    return {"outcome": outcome.get(result.status, "unsolved"), **data}


def _is_value_error(cause: BaseException | None) -> bool:
    text = str(cause)
    return isinstance(cause, (TypeError, ValueError)) and (
        "expected a number" in text or "expected a non-negative" in text or "expected h or" in text
        or "preferred operator" in text or "out of range" in text
    )


def _solve_run(prepared: dict[str, Any]) -> dict[str, Any]:
    from planner.heuristics.untrusted import UntrustedHeuristic

    sources = [UntrustedHeuristic(prepared["code"], prepared.get("class_name"), "candidate")]
    sources += [UntrustedHeuristic(code, name, f"portfolio member {i + 1}")
                for i, (code, name) in enumerate(prepared.get("members") or ())]
    memory = prepared.get("memory_mb")
    return solve(sources, prepared["domain_text"], prepared["problem_text"],
                 prepared.get("search", "gbfs"), float(prepared.get("time_limit", 60)),
                 float(memory) if memory is not None else None, prepared.get("use_preferred"))


# -- states: a heuristic's values and speed on sampled states (the kernel translation) --------

MAX_STATES_PER_TASK = 1500
"""States per task a states job evaluates (values travel back as JSON)."""


def prepare_states(payload: dict[str, Any]) -> dict[str, Any]:
    """Ground each task and sample its states (random walks with the payload's
    seed: planner.llm.translate regenerates the same states to show one in a
    repair prompt). Trusted, before the lock-down."""
    from planner.frontend.grounding import ground_files
    from planner.heuristics.kernel_differential import walk_states

    tasks = []
    for problem in payload["problems"]:
        task = ground_files(payload["domain"], problem)
        states = walk_states(task, seed=int(payload.get("seed", 0)), walks=int(payload.get("walks", 20)),
                             length=int(payload.get("length", 60)))[:MAX_STATES_PER_TASK]
        tasks.append((str(problem), task, states))
    _warm_up(tasks[0][1])
    return {**payload, "tasks": tasks}


def state_values(cls: type, task: Any, states: list[Any], label: str,
                 seconds: float) -> dict[str, Any]:
    """cls's value on every state (None where it fails, 'inf' for infinity), its
    preferred operator ids, and its evaluations per CPU second on the states it
    evaluates (planner._core.evaluate_states, doubling repeats until `seconds`).
    In the jailed child: cls is the candidate (a Python class or a kernel)."""
    import numpy as np

    from planner import _core
    from planner.heuristics.api import TaskView
    from planner.heuristics.kernel import KernelHeuristic
    from planner.heuristics.untrusted import guarded_evaluator

    start = time.perf_counter()
    instance = cls(TaskView(task))
    construct = time.perf_counter() - start
    kernel = isinstance(instance, KernelHeuristic)

    def fresh() -> Any:  # a failed kernel evaluator stays failed: one per failure
        return instance.evaluator(label) if kernel else guarded_evaluator(lambda _t: instance, task, label)

    evaluator = fresh()
    values: list[Any] = []
    preferred: list[list[int]] = []
    ok: list[int] = []
    for i, state in enumerate(states):
        try:
            h, pref = _core.evaluate_state(evaluator, task.num_facts, np.flatnonzero(state).tolist(), True)
        except Exception:  # noqa: BLE001 - a failure on this state is part of the record
            values.append(None)
            preferred.append([])
            evaluator = fresh()
            continue
        values.append("inf" if math.isinf(h) else float(h))
        preferred.append(sorted(int(o) for o in pref))
        ok.append(i)
    per_s = None
    if ok:
        matrix = np.ascontiguousarray(np.stack([states[i] for i in ok]))
        _core.evaluate_states(evaluator, matrix, 1, True)
        repeats, t0 = 1, time.process_time()
        while True:
            _core.evaluate_states(evaluator, matrix, repeats, True)
            spent = time.process_time() - t0
            if spent >= seconds:
                per_s = repeats * len(ok) / spent
                break
            repeats *= 2
            t0 = time.process_time()
    out = {"values": values, "preferred": preferred, "per_s": per_s, "construct_time": construct}
    if kernel:
        out["compile_seconds"] = instance.compiled.seconds
        out["cached"] = instance.compiled.cached
    return out


def _states_run(prepared: dict[str, Any]) -> dict[str, Any]:
    from planner.heuristics.kernel import KernelError

    seconds = float(prepared.get("seconds", 0.3))

    def target(source: Any) -> dict[str, Any]:
        try:
            cls = load_candidate(source.code, source.class_name)
        except CandidateError as err:
            return {"outcome": "crash", "detail": str(err)}
        rows = []
        for problem, task, states in prepared["tasks"]:
            try:
                row = state_values(cls, task, states, "candidate", seconds)
            except KernelError as err:
                return {"outcome": "crash", "detail": f"{Path(problem).name}: {err}"[:2000]}
            except Exception as err:  # noqa: BLE001 - the candidate's failure
                return {"outcome": "crash", "detail": f"{Path(problem).name}: constructing the "
                                                      f"heuristic failed: {type(err).__name__}: {err}"[:2000],
                        "traceback": traceback.format_exc()[-4000:]}
            rows.append(row)
        from planner.heuristics.kernel import new_objects

        return {"outcome": "ok", "tasks": rows, "objects": new_objects()}

    value, failure, layers = _in_jail(prepared, target)
    if failure is not None:
        return {**failure, "isolation": layers}
    return {**check_states_result(value, prepared), "isolation": layers}


def check_states_result(value: Any, prepared: dict[str, Any]) -> dict[str, Any]:
    """The child's values re-checked in shape and type (one per sampled state, a
    number, 'inf' or None); the object code it compiled is stored for the code
    this worker handed over (the child ran no other untrusted code)."""
    if not isinstance(value, dict) or value.get("outcome") not in ("ok", "crash"):
        return {"outcome": "crash", "detail": "the jailed states job returned garbage"}
    if value["outcome"] != "ok":
        return {k: str(value[k])[:4000] for k in ("outcome", "detail", "traceback") if k in value}
    rows = value.get("tasks")
    if not isinstance(rows, list) or len(rows) != len(prepared["tasks"]):
        return {"outcome": "crash", "detail": "the jailed states job returned the wrong number of tasks"}
    out = []
    for row, (problem, task, states) in zip(rows, prepared["tasks"]):
        values = row.get("values") if isinstance(row, dict) else None
        prefs = row.get("preferred") if isinstance(row, dict) else None
        if not isinstance(values, list) or len(values) != len(states) or not isinstance(prefs, list) \
                or len(prefs) != len(states):
            return {"outcome": "crash", "detail": f"{Path(problem).name}: wrong number of values"}
        for v in values:
            if not (v is None or v == "inf" or (type(v) in (int, float) and math.isfinite(v) and v >= 0)):
                return {"outcome": "invalid-value", "detail": f"{Path(problem).name}: value {v!r}"}
        per_s = row.get("per_s")
        out.append({"problem": problem, "values": values,
                    "preferred": [[int(o) for o in p if type(o) is int] if isinstance(p, list) else []
                                  for p in prefs],
                    "per_s": float(per_s) if type(per_s) in (int, float) and per_s > 0 else None,
                    "construct_time": _number(row.get("construct_time")),
                    "compile_seconds": _number(row.get("compile_seconds")),
                    "cached": row.get("cached") is True})
    stored = _store_objects(prepared, value.get("objects"))
    return {"outcome": "ok", "tasks": out, "objects_stored": stored}


def _number(x: Any) -> float | None:
    return float(x) if type(x) in (int, float) and math.isfinite(x) else None


def _store_objects(prepared: dict[str, Any], objects: Any) -> int:
    """Object code a jailed child compiled for the one kernel it ran, written
    (never read) into that code's cache folder (planner.heuristics.kernel):
    the next jailed run of the same code loads it instead of compiling."""
    from planner.heuristics.kernel import code_key, store_objects

    if not isinstance(objects, dict):
        return 0
    entry = objects.get(code_key(prepared["code"]))
    return store_objects(prepared["code"], entry) if entry else 0


JOBS: dict[str, Job] = {
    "states": Job(prepare=prepare_states, run=_states_run),
    "load": Job(prepare=lambda payload: payload, run=_load_run),
    "probe": Job(prepare=prepare_task, run=_probe_run),
    "solve": Job(prepare=prepare_solve, run=_solve_run),
}
