# distutils: language = c++
# Goal cost: the sum, over the goals a state violates, of the cheapest
# operator that can achieve each one (for a positive goal, an operator adding
# it, unconditionally or by a conditional effect; for a negative goal, one
# deleting it). Goal count weighted by action costs: 0 exactly at goals,
# INFINITY only when a violated goal has no achiever in the whole task (a
# real dead end), not admissible (one operator may achieve several goals).
#
# Added as one file plus one row of HEURISTICS in ext/planner/_core.pyx, to
# prove that recipe of ext/README.md.

from libc.math cimport INFINITY
from libc.stdint cimport int32_t, int64_t, uint8_t
from libcpp.vector cimport vector

from planner.core.evaluator cimport Evaluator
from planner.core.task cimport CompiledTask, compiled_task

from planner.core.evaluator import evaluate_state


cdef class GoalCost(Evaluator):
    """Sum of the cheapest achievers' costs of the violated goals."""

    cdef CompiledTask t
    cdef vector[int64_t] pos_cost  # per positive goal: cheapest adder, -1 if none
    cdef vector[int64_t] neg_bound  # per negative goal: cheapest deleter, -1 if none

    def __init__(self, task):
        cdef CompiledTask t = compiled_task(task)
        self.t = t
        self.name = "goalcost"
        self.is_safe = True
        self.provides_preferred = False
        cdef vector[int64_t] cheapest = vector[int64_t](t.num_facts, -1)
        cdef int32_t o, k, j, e
        for o in range(t.num_ops):
            for k in range(t.add_ptr[o], t.add_ptr[o + 1]):
                _cheaper(cheapest, t.add[k], t.cost[o])
            if t.has_conditional:
                for j in range(t.ce_ops_ptr[o], t.ce_ops_ptr[o + 1]):
                    e = t.ce_ops[j]
                    for k in range(t.ce_add_ptr[e], t.ce_add_ptr[e + 1]):
                        _cheaper(cheapest, t.ce_add[k], t.cost[o])
        for k in range(<int32_t>t.goal_pos.size()):
            self.pos_cost.push_back(cheapest[t.goal_pos[k]])
        t.negative_goal_bounds(self.neg_bound)

    cdef double evaluate(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0:
        cdef double h = 0.0
        cdef size_t k
        for k in range(self.t.goal_pos.size()):
            if not state[self.t.goal_pos[k]]:
                if self.pos_cost[k] < 0:
                    return INFINITY
                h += self.pos_cost[k]
        for k in range(self.t.goal_neg.size()):
            if state[self.t.goal_neg[k]]:
                if self.neg_bound[k] < 0:
                    return INFINITY
                h += self.neg_bound[k]
        return h

    def __call__(self, state):
        return evaluate_state(self, self.t.num_facts, state, False)


cdef inline void _cheaper(vector[int64_t]& cheapest, int32_t f, int64_t c) noexcept:
    if cheapest[f] < 0 or c < cheapest[f]:
        cheapest[f] = c
