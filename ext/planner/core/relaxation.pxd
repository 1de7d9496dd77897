# Delete-relaxation heuristics h^max, h^add and h^FF (see relaxation.pyx).

from libc.stdint cimport int32_t, int64_t, uint8_t
from libcpp.vector cimport vector

from planner.core.cost_queue cimport CostQueue
from planner.core.evaluator cimport Evaluator
from planner.core.task cimport CompiledTask


cdef struct UnaryOp:
    # The per-evaluation state of a unary operator, kept together so that
    # the hot loop touches one cache line per operator (FD does the same).
    int32_t unsat  # preconditions not yet reached
    int32_t eff
    int64_t cost  # base cost plus precondition costs so far


cdef class DeleteRelaxation(Evaluator):
    cdef int32_t num_facts, num_ops
    cdef bint combine_max
    # Unary operators: preconditions (CSR), effect fact, owning operator, cost.
    cdef vector[int32_t] u_pre_ptr, u_pre, u_eff, u_op
    cdef vector[int64_t] u_base
    cdef vector[int32_t] no_pre_ops  # unary ops without preconditions
    cdef vector[int32_t] pre_of_ptr, pre_of  # fact -> unary ops needing it
    cdef vector[int32_t] goals
    cdef vector[uint8_t] is_goal
    cdef CompiledTask t  # operator costs, negative preconditions and goals
    cdef vector[int64_t] goal_neg_bound
    # Per-evaluation scratch.
    cdef vector[int64_t] f_cost  # -1 = unreached
    cdef vector[int32_t] f_reached_by  # -1 = true in the state (or unreached)
    cdef vector[UnaryOp] u_state, u_fresh  # u_fresh: state before exploring
    cdef CostQueue queue
    cdef vector[uint8_t] f_marked, op_in_plan, op_preferred
    cdef vector[int32_t] stack, marked_facts, plan_ops

    cdef void _build_unary(self)
    cdef void _add_unary(self, const vector[int32_t]& pre, const vector[int32_t]& stamp,
                         int32_t tag, int32_t eff, int32_t op, int64_t cost)
    cdef void _build_goals(self)
    cdef bint _explore(self, const uint8_t* state) noexcept
    cdef double _goal_value(self) noexcept
    cdef void _mark_relaxed_plan(self, const uint8_t* state, vector[int32_t]* preferred) noexcept
    cdef int64_t _clear_plan(self, vector[int32_t]* preferred) noexcept

    cdef inline void _enqueue(self, int32_t f, int64_t cost, int32_t supporter) noexcept:
        if self.f_cost[f] < 0 or cost < self.f_cost[f]:
            self.f_cost[f] = cost
            self.f_reached_by[f] = supporter
            self.queue.push(cost, f)

    cdef inline bint _neg_pre_hold(self, const uint8_t* state, int32_t o) noexcept:
        cdef int32_t k
        for k in range(self.t.pre_neg_ptr[o], self.t.pre_neg_ptr[o + 1]):
            if state[self.t.pre_neg[k]]:
                return False
        return True
