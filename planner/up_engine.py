"""The planner as a unified-planning (UP) OneshotPlanner engine named "planner".

UP problems are written to PDDL text with UP's PDDLWriter, solved in-process
with `planner.search.solve.solve`, and the plan's operator names are mapped back to
the problem's own actions and objects through the writer's renaming, so the
plan validates against the original problem.

Discovery: unified-planning 1.3 finds engines only through its built-in table
(`DEFAULT_ENGINES` in unified_planning/engines/factory.py), an `up.ini`
configuration file, or `Factory.add_engine`; it reads no package entry
points. Call `register()` once (or add an `[engine planner]` section to
up.ini, see `UP_INI_SECTION`) before `OneshotPlanner(name="planner")`.
"""
from __future__ import annotations

import re
import time
import warnings
from dataclasses import dataclass
from typing import IO, Any, Callable, Optional

import unified_planning as up
from unified_planning.engines import (
    Engine,
    LogLevel,
    LogMessage,
    OptimalityGuarantee,
    PlanGenerationResult,
    PlanGenerationResultStatus,
)
from unified_planning.engines.mixins import OneshotPlannerMixin
from unified_planning.exceptions import UPException, UPUsageError, UPValueError
from unified_planning.io import PDDLWriter
from unified_planning.model import FNode, InstantaneousAction, Problem, ProblemKind
from unified_planning.model.metrics import MinimizeActionCosts
from unified_planning.plans import ActionInstance, SequentialPlan

from planner.errors import ArgumentError, GroundingLimitError, UnsupportedFeatureError
from planner.exitcodes import ExitCode
from planner.search.engine import COMPILED_HEURISTICS, SearchStatus
from planner.search.solve import DEFAULT_HEURISTIC, DEFAULT_SEARCH, SolveResult, parse_search_spec, solve

ENGINE_NAME = "planner"
UP_INI_SECTION = "[engine planner]\nmodule_name: planner.up_engine\nclass_name: PlannerEngine\n"
"""What to put in an up.ini (or ~/.uprc) to have UP load the engine by itself."""

_GOAL_FLUENT = "planner_goal_reached"
_GOAL_ACTION = "planner_reach_goal"

_STATUS = {
    SearchStatus.SOLVED: PlanGenerationResultStatus.SOLVED_SATISFICING,
    SearchStatus.UNSOLVABLE: PlanGenerationResultStatus.UNSOLVABLE_PROVEN,
    SearchStatus.INCOMPLETE: PlanGenerationResultStatus.UNSOLVABLE_INCOMPLETELY,
    SearchStatus.OUT_OF_TIME: PlanGenerationResultStatus.TIMEOUT,
    SearchStatus.OUT_OF_MEMORY: PlanGenerationResultStatus.MEMOUT,
}


def supported_problem_kind() -> ProblemKind:
    """The UP features our PDDL front-end accepts (each one is exercised in
    tests/test_up_engine.py). Numeric fluents, derived predicates, time,
    real-valued or fluent-dependent action costs are left out."""
    kind = ProblemKind(version=2)
    kind.set_problem_class("ACTION_BASED")
    for typing in ("FLAT_TYPING", "HIERARCHICAL_TYPING"):
        kind.set_typing(typing)
    for cond in ("NEGATIVE_CONDITIONS", "DISJUNCTIVE_CONDITIONS", "EQUALITIES",
                 "EXISTENTIAL_CONDITIONS", "UNIVERSAL_CONDITIONS"):
        kind.set_conditions_kind(cond)
    for eff in ("CONDITIONAL_EFFECTS", "FORALL_EFFECTS",
                "STATIC_FLUENTS_IN_BOOLEAN_ASSIGNMENTS", "FLUENTS_IN_BOOLEAN_ASSIGNMENTS"):
        kind.set_effects_kind(eff)
    for metric in ("ACTIONS_COST", "PLAN_LENGTH"):
        kind.set_quality_metrics(metric)
    for cost in ("STATIC_FLUENTS_IN_ACTIONS_COST", "INT_NUMBERS_IN_ACTIONS_COST"):
        kind.set_actions_cost_kind(cost)
    return kind


class PlannerEngine(Engine, OneshotPlannerMixin):
    """OneshotPlanner "planner". Params (via `OneshotPlanner(params=...)`):
    search ('lazy-gbfs', 'gbfs', 'astar', 'wastar:W', ...), heuristic ('ff',
    'lmcut', ..., 'PATH.py[:Class]' or a Python heuristic), memory_limit (MiB),
    preferred (bool or None for the planner's default)."""

    def __init__(self, search: str = DEFAULT_SEARCH, heuristic: Any = DEFAULT_HEURISTIC,
                 memory_limit: Optional[float] = None, preferred: Optional[bool] = None) -> None:
        Engine.__init__(self)
        OneshotPlannerMixin.__init__(self)
        _check_options(search, heuristic)
        self._search = search
        self._heuristic = heuristic
        self._memory_limit = memory_limit
        self._preferred = preferred

    @property
    def name(self) -> str:
        return ENGINE_NAME

    @staticmethod
    def supported_kind() -> ProblemKind:
        return supported_problem_kind()

    @staticmethod
    def supports(problem_kind: ProblemKind) -> bool:
        return problem_kind <= supported_problem_kind()

    @staticmethod
    def satisfies(optimality_guarantee: OptimalityGuarantee) -> bool:
        """Satisficing only: the default searches are greedy, and whether a
        configured A* is optimal depends on the heuristic's admissibility on
        the particular task (e.g. with conditional effects), which a class-level
        answer cannot know."""
        return optimality_guarantee == OptimalityGuarantee.SATISFICING

    def _solve(
        self,
        problem: "up.model.AbstractProblem",
        heuristic: Optional[Callable[["up.model.state.State"], Optional[float]]] = None,
        timeout: Optional[float] = None,
        output_stream: Optional[IO[str]] = None,
    ) -> PlanGenerationResult:
        if not isinstance(problem, Problem):
            message = f"not a classical Problem: {type(problem).__name__}"
            return self._result(PlanGenerationResultStatus.UNSUPPORTED_PROBLEM,
                                logs=[LogMessage(LogLevel.ERROR, message)])
        if heuristic is not None:
            warnings.warn("planner ignores UP state-heuristic callables; pass params={'heuristic': ...}",
                          stacklevel=3)
        start = time.perf_counter()
        try:
            written = write_pddl(problem)
        except UPException as exc:
            return self._result(PlanGenerationResultStatus.UNSUPPORTED_PROBLEM,
                                logs=[LogMessage(LogLevel.ERROR, f"cannot write the problem as PDDL: {exc}")])
        remaining = None if timeout is None else max(timeout - (time.perf_counter() - start), 0.001)
        return self._run(problem, written, remaining, output_stream)

    def _run(self, problem: Problem, written: "WrittenProblem", timeout: Optional[float],
             output_stream: Optional[IO[str]]) -> PlanGenerationResult:
        """Solve the written PDDL; every failure becomes a status, never an exception."""
        try:
            result = solve(written.domain, written.problem, search=self._search,
                           heuristic=self._heuristic, time_limit=timeout,
                           memory_limit=self._memory_limit, preferred=self._preferred)
        except UnsupportedFeatureError as exc:
            return self._failure(PlanGenerationResultStatus.UNSUPPORTED_PROBLEM, exc)
        except GroundingLimitError as exc:
            status = (PlanGenerationResultStatus.MEMOUT
                      if exc.exit_code == ExitCode.TRANSLATE_OUT_OF_MEMORY
                      else PlanGenerationResultStatus.TIMEOUT)
            return self._failure(status, exc)
        except MemoryError as exc:
            return self._failure(PlanGenerationResultStatus.MEMOUT, exc)
        except ArgumentError as exc:  # e.g. a heuristic file that does not load
            raise UPUsageError(f"planner: {exc}") from exc
        except Exception as exc:  # PDDLInputError included: the writer's PDDL should always parse
            return self._failure(PlanGenerationResultStatus.INTERNAL_ERROR, exc)
        summary = _summary(result)
        if output_stream is not None:
            output_stream.write(summary + "\n")
        plan = written.plan_from(problem, result.plan) if result.plan is not None else None
        return self._result(_STATUS[result.status], plan, [LogMessage(LogLevel.INFO, summary)],
                            _metrics(result, plan))

    def _failure(self, status: PlanGenerationResultStatus, exc: BaseException) -> PlanGenerationResult:
        return self._result(status, logs=[LogMessage(LogLevel.ERROR, f"{type(exc).__name__}: {exc}")])

    def _result(self, status: PlanGenerationResultStatus, plan: Optional[SequentialPlan] = None,
                logs: Optional[list[LogMessage]] = None,
                metrics: Optional[dict[str, str]] = None) -> PlanGenerationResult:
        return PlanGenerationResult(status, plan, engine_name=self.name,
                                    metrics=metrics or {}, log_messages=logs or [])


def _check_options(search: str, heuristic: Any) -> None:
    """Refuse bad params when the engine is built, not in the middle of a solve."""
    try:
        parse_search_spec(search)
    except ArgumentError as exc:
        raise UPValueError(f"planner: {exc.message}") from None
    if isinstance(heuristic, str):
        low = heuristic.strip().lower()
        if low != "auto" and low not in COMPILED_HEURISTICS and ".py" not in low:
            raise UPValueError(f"planner: unknown heuristic {heuristic!r}; choose from auto, "
                               f"{', '.join(COMPILED_HEURISTICS)} or PATH.py[:Class]")


@dataclass(frozen=True)
class WrittenProblem:
    """PDDL text for a UP problem and the way back from PDDL names."""

    domain: str
    problem: str
    get_item_named: Callable[[str], Any]
    artificial_action: Optional[str]
    """PDDL name of the goal-reaching action added by `write_pddl`, dropped from plans."""

    def plan_from(self, problem: Problem, operators: tuple[str, ...]) -> SequentialPlan:
        """'(op arg ...)' strings to action instances of `problem` itself."""
        steps = []
        for text in operators:
            name, *args = text.strip().strip("()").split()
            if name == self.artificial_action:
                continue
            action = problem.action(self.get_item_named(name).name)
            objects = [problem.object(self.get_item_named(a).name) for a in args]
            steps.append(ActionInstance(action, tuple(problem.environment.expression_manager.ObjectExp(o)
                                                      for o in objects)))
        return SequentialPlan(steps, problem.environment)


def write_pddl(problem: Problem) -> WrittenProblem:
    """PDDL domain and problem text for `problem`.

    Two workarounds for front-end limitations keep every feature of
    `supported_problem_kind` working: goals other than conjunctions of literals
    are first compiled into one zero-cost action whose precondition is the goal
    (as Fast Downward's translator does), because the front-end does not yet
    parse quantified goals in problem files nor drop its own '__reach-goal'
    step from plans for disjunctive ones; and UP's type 'object' is renamed.
    """
    artificial = None
    if not all(_is_literal_conjunction(g) for g in problem.goals):
        problem, artificial = _compile_goal(problem)
    writer = PDDLWriter(problem, needs_requirements=True, rewrite_bool_assignments=True)
    domain_text, problem_text = _rename_object_type(writer.get_domain(), writer.get_problem())
    pddl_name = writer.get_pddl_name(problem.action(artificial)) if artificial else None
    return WrittenProblem(domain_text, problem_text, writer.get_item_named, pddl_name)


_OBJECT_TYPE_TAG = re.compile(r"(?<=\s)-\s+object(?=[\s)])")
_TYPES_BLOCK = re.compile(r"\(:types\b[^)]*")
_REQUIREMENTS_BLOCK = re.compile(r"\(:requirements\b[^)]*\)")


def _rename_object_type(domain: str, problem: str) -> tuple[str, str]:
    """Give UP's user type 'object' a fresh PDDL name, declared as a root type.

    PDDLReader makes that type for untyped files, and without a type
    hierarchy the writer tags variables and objects with it as '- object':
    our front-end (pddl 0.5) refuses that tag, and in PDDL it would also range
    over the objects of every other root type. (With a hierarchy the writer
    already renames the type 'object_', and '- object' in the :types block is
    PDDL's own root, left alone.)
    """
    types = _TYPES_BLOCK.search(domain)
    head, tail = (domain[:types.end()], domain[types.end():]) if types else ("", domain)
    if not _OBJECT_TYPE_TAG.search(tail) and not _OBJECT_TYPE_TAG.search(problem):
        return domain, problem
    name, i = "up_object", 0
    while re.search(rf"(?<![\w-]){name}(?![\w-])", domain + problem):
        i += 1
        name = f"up_object{i}"
    tail, problem = (_OBJECT_TYPE_TAG.sub(f"- {name}", t) for t in (tail, problem))
    if types:  # appended last, so it is not pulled into a typed group
        return f"{head.rstrip()} {name}\n " + tail, problem
    return _REQUIREMENTS_BLOCK.sub(lambda m: f"{m.group(0)}\n (:types {name})", tail, count=1), problem


def _is_literal_conjunction(node: FNode) -> bool:
    if node.is_and():
        return all(_is_literal_conjunction(arg) for arg in node.args)
    if node.is_not():
        node = node.arg(0)
    return node.is_fluent_exp() or node.is_bool_constant()


def _compile_goal(problem: Problem) -> tuple[Problem, str]:
    """A copy of `problem` whose only goal is a fresh fluent set by a fresh
    action; the original goal becomes that action's precondition."""
    env = problem.environment
    compiled = problem.clone()
    fluent_name, action_name = _fresh_name(problem, _GOAL_FLUENT), _fresh_name(problem, _GOAL_ACTION)
    reached = up.model.Fluent(fluent_name, env.type_manager.BoolType(), environment=env)
    compiled.add_fluent(reached, default_initial_value=False)
    action = InstantaneousAction(action_name, _env=env)
    action.add_precondition(env.expression_manager.And(problem.goals))
    action.add_effect(reached(), True)
    compiled.add_action(action)
    compiled.clear_goals()
    compiled.add_goal(reached())
    _give_zero_cost(compiled, action)
    return compiled, action_name


def _give_zero_cost(problem: Problem, action: InstantaneousAction) -> None:
    """Keep action-cost metrics intact: the goal action must cost nothing."""
    metrics = problem.quality_metrics
    if not any(isinstance(m, MinimizeActionCosts) for m in metrics):
        return
    problem.clear_quality_metrics()
    em = problem.environment.expression_manager
    for metric in metrics:
        if isinstance(metric, MinimizeActionCosts):
            costs = {**metric.costs, action: em.Int(0)}
            metric = MinimizeActionCosts(costs, default=metric.default, environment=problem.environment)
        problem.add_quality_metric(metric)


def _fresh_name(problem: Problem, base: str) -> str:
    name, i = base, 0
    while problem.has_name(name):
        i += 1
        name = f"{base}_{i}"
    return name


def _summary(result: SolveResult) -> str:
    s = result.statistics
    parts = [f"planner: {result.status.value}"]
    if result.cost is not None:
        parts.append(f"cost {result.cost}")
    for key in ("expansions", "total_time"):
        if key in s:
            value = s[key]
            parts.append(f"{key} {value:.3f}" if isinstance(value, float) else f"{key} {value}")
    return ", ".join(parts)


def _metrics(result: SolveResult, plan: Optional[SequentialPlan]) -> dict[str, str]:
    """UP metrics are strings; FD's integration reports the engine's own time.
    The plan's cost is counted on the returned plan when costs are unit, so a
    goal action added by `write_pddl` (cost 1 there, 0 with action costs) does
    not count."""
    keep = ("expansions", "evaluations", "generated", "parse_time", "ground_time",
            "search_time", "total_time", "peak_memory_kb", "algorithm", "heuristic")
    metrics = {k: str(result.statistics[k]) for k in keep if k in result.statistics}
    if "total_time" in result.statistics:
        metrics["engine_internal_time"] = str(result.statistics["total_time"])
    if plan is not None:
        metrics["plan_cost"] = str(len(plan.actions) if result.unit_cost else result.cost)
    return metrics


def register(environment: Optional["up.environment.Environment"] = None) -> None:
    """Make `OneshotPlanner(name="planner")` work in `environment` (default:
    UP's global one). Safe to call more than once."""
    env = environment if environment is not None else up.environment.get_environment()
    if ENGINE_NAME in env.factory.engines:
        if env.factory.engine(ENGINE_NAME) is not PlannerEngine:
            raise UPUsageError(f"another engine is already registered as {ENGINE_NAME!r}")
        return
    env.factory.add_engine(ENGINE_NAME, __name__, PlannerEngine.__name__)
