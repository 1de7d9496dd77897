# distutils: language = c++
# The two heuristics that need no relaxation: blind and goal count.

from libc.stdint cimport int32_t, uint8_t
from libcpp.vector cimport vector

from planner.core.evaluator cimport Evaluator
from planner.core.task cimport CompiledTask, compiled_task

from planner.core.evaluator import evaluate_state



cdef class _GoalEvaluator(Evaluator):
    """An evaluator counting the unsatisfied goals of its task."""

    cdef CompiledTask t
    cdef readonly int num_facts

    def __init__(self, task):
        self.t = compiled_task(task)
        self.num_facts = self.t.num_facts
        self.provides_preferred = False
        self.is_safe = True

    cdef inline int unsatisfied_goals(self, const uint8_t* s) noexcept:
        cdef int n = 0
        cdef int32_t f
        for f in self.t.goal_pos:
            if not s[f]:
                n += 1
        for f in self.t.goal_neg:
            if s[f]:
                n += 1
        return n

    def __call__(self, state):
        return evaluate_state(self, self.num_facts, state, False)


cdef class Blind(_GoalEvaluator):
    """0 at goal states, the cheapest operator's cost elsewhere (admissible)."""

    cdef double min_cost

    def __init__(self, task):
        super().__init__(task)
        self.name = "blind"
        self.min_cost = <double>self.t.min_cost() if self.t.num_ops else 0.0

    cdef double evaluate(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0:
        return 0.0 if self.unsatisfied_goals(state) == 0 else self.min_cost


cdef class GoalCount(_GoalEvaluator):
    """Number of goal facts not yet satisfied (not admissible in general)."""

    def __init__(self, task):
        super().__init__(task)
        self.name = "goalcount"

    cdef double evaluate(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0:
        return <double>self.unsatisfied_goals(state)
