# distutils: language = c++
# Delete-relaxation heuristics: h^max, h^add and h^FF.
#
# Each operator is split once, at construction, into unary operators (one per
# added fact, with conditional effects contributing their condition to the
# precondition). Evaluation is a generalized Dijkstra over facts driven by
# per-unary-operator counters of unsatisfied preconditions, as in Fast
# Downward's relaxation heuristics. Everything the hot loop touches lives in
# C++ vectors; no Python object is created per evaluation.
#
# Negative preconditions and effect conditions are ignored in the relaxation
# (dropping conditions only makes the relaxed task easier, so h^max and
# LM-cut stay admissible). Negative goals cannot be dropped that way without
# losing goal-awareness, so a violated negative goal g contributes the
# cheapest cost of an operator that can delete g (INFINITY when none can).

from libc.math cimport INFINITY
from libc.stdint cimport int32_t, int64_t, uint8_t
from libcpp.pair cimport pair
from libcpp.vector cimport vector

from planner.core.evaluator cimport Evaluator
from planner.core.task cimport (CompiledTask, add_unique, compiled_task, csr_transpose,
                                negative_goal_value)


cdef class DeleteRelaxation(Evaluator):
    """Shared unary-operator representation and exploration of h^max/h^add.

    Subclasses choose the cost combination (max or sum) and what to do with
    the resulting best supporters.
    """

    def __init__(self, task):
        """task: a GroundTask or its CompiledTask (shared, see compiled_task)."""
        cdef CompiledTask t = compiled_task(task)
        self.t = t
        self.is_safe = True
        self.provides_preferred = False
        self.num_facts = t.num_facts
        self.num_ops = t.num_ops
        t.negative_goal_bounds(self.goal_neg_bound)
        self._build_unary()
        self._build_goals()
        csr_transpose(self.u_pre_ptr, self.u_pre, self.num_facts, self.pre_of_ptr, self.pre_of)
        self.f_cost.resize(self.num_facts)
        self.f_reached_by.resize(self.num_facts)
        cdef UnaryOp fresh
        for u in range(<int32_t>self.u_eff.size()):
            fresh.unsat = self.u_pre_ptr[u + 1] - self.u_pre_ptr[u]
            fresh.eff = self.u_eff[u]
            fresh.cost = self.u_base[u]
            self.u_fresh.push_back(fresh)
        self.u_state = self.u_fresh
        self.f_marked.clear()
        self.f_marked.resize(self.num_facts, 0)
        self.op_in_plan.clear()
        self.op_in_plan.resize(self.num_ops, 0)
        self.op_preferred.clear()
        self.op_preferred.resize(self.num_ops, 0)

    cdef void _build_unary(self):
        """One unary operator per (operator or conditional effect, added fact)."""
        cdef CompiledTask t = self.t
        cdef vector[int32_t] stamp = vector[int32_t](self.num_facts, -1)
        cdef vector[int32_t] pre
        cdef int32_t o, k, j, e, tag = 0
        self.u_pre_ptr.push_back(0)
        for o in range(self.num_ops):
            pre.clear()
            tag += 1
            add_unique(pre, stamp, tag, t.pre_pos, t.pre_pos_ptr[o], t.pre_pos_ptr[o + 1])
            for k in range(t.add_ptr[o], t.add_ptr[o + 1]):
                self._add_unary(pre, stamp, tag, t.add[k], o, t.cost[o])
            if not t.has_conditional:
                continue
            for j in range(t.ce_ops_ptr[o], t.ce_ops_ptr[o + 1]):
                e = t.ce_ops[j]
                tag += 1
                pre.clear()
                add_unique(pre, stamp, tag, t.pre_pos, t.pre_pos_ptr[o], t.pre_pos_ptr[o + 1])
                add_unique(pre, stamp, tag, t.ce_pos, t.ce_pos_ptr[e], t.ce_pos_ptr[e + 1])
                for k in range(t.ce_add_ptr[e], t.ce_add_ptr[e + 1]):
                    self._add_unary(pre, stamp, tag, t.ce_add[k], o, t.cost[o])

    cdef void _add_unary(self, const vector[int32_t]& pre, const vector[int32_t]& stamp,
                         int32_t tag, int32_t eff, int32_t op, int64_t cost):
        """Append a unary operator unless its effect is among its preconditions
        (such an operator can never make anything cheaper)."""
        if stamp[eff] == tag:
            return
        cdef size_t k
        if pre.empty():
            self.no_pre_ops.push_back(<int32_t>self.u_eff.size())
        for k in range(pre.size()):
            self.u_pre.push_back(pre[k])
        self.u_pre_ptr.push_back(<int32_t>self.u_pre.size())
        self.u_eff.push_back(eff)
        self.u_op.push_back(op)
        self.u_base.push_back(cost)

    cdef void _build_goals(self):
        cdef int32_t g
        self.is_goal.clear()
        self.is_goal.resize(self.num_facts, 0)
        for g in self.t.goal_pos:
            if not self.is_goal[g]:
                self.is_goal[g] = 1
                self.goals.push_back(g)

    cdef bint _explore(self, const uint8_t* state) noexcept:
        """Generalized Dijkstra from the state; stops once every goal is
        settled. Returns False iff some goal is relaxed-unreachable."""
        cdef int32_t f, u, k, unsolved = <int32_t>self.goals.size()
        cdef int64_t d
        cdef pair[int64_t, int32_t] top
        cdef bint use_max = self.combine_max
        self.u_state = self.u_fresh
        cdef UnaryOp* ops = self.u_state.data()
        cdef UnaryOp* op
        cdef int64_t* f_cost = self.f_cost.data()
        cdef const int32_t* pre_of = self.pre_of.data()
        cdef const int32_t* pre_of_ptr = self.pre_of_ptr.data()
        cdef const uint8_t* is_goal = self.is_goal.data()
        self.queue.clear()
        for f in range(self.num_facts):
            f_cost[f] = -1
            self.f_reached_by[f] = -1
        for f in range(self.num_facts):
            if state[f]:
                f_cost[f] = 0
                self.queue.push(0, f)
        for u in self.no_pre_ops:
            self._enqueue(self.u_eff[u], self.u_base[u], u)
        if unsolved == 0:
            return True
        while not self.queue.empty():
            top = self.queue.pop()
            d = top.first
            f = top.second
            if f_cost[f] < d:
                continue
            if is_goal[f]:
                unsolved -= 1
                if unsolved == 0:
                    return True
            for k in range(pre_of_ptr[f], pre_of_ptr[f + 1]):
                u = pre_of[k]
                op = &ops[u]
                op.unsat -= 1
                if use_max:
                    if op.unsat == 0:
                        op.cost += d
                        self._enqueue(op.eff, op.cost, u)
                else:
                    op.cost += d
                    if op.unsat == 0:
                        self._enqueue(op.eff, op.cost, u)
        return False

    cdef double _goal_value(self) noexcept:
        """h^max or h^add of the goal after a successful exploration."""
        cdef int64_t h = 0
        cdef int32_t g
        for g in self.goals:
            if self.combine_max:
                if self.f_cost[g] > h:
                    h = self.f_cost[g]
            else:
                h += self.f_cost[g]
        return <double>h

    cdef void _mark_relaxed_plan(self, const uint8_t* state, vector[int32_t]* preferred) noexcept:
        """Walk best supporters back from the goals, collecting the operators
        of the relaxed plan in plan_ops; an operator whose unary operator only
        needs facts true in the state is preferred (FD's rule), provided its
        ignored negative preconditions also hold."""
        cdef int32_t f, u, o, k, p
        cdef bint pref
        self.stack.clear()
        for f in self.goals:
            self.stack.push_back(f)
        while not self.stack.empty():
            f = self.stack.back()
            self.stack.pop_back()
            if self.f_marked[f]:
                continue
            self.f_marked[f] = 1
            self.marked_facts.push_back(f)
            u = self.f_reached_by[f]
            if u < 0:
                continue
            o = self.u_op[u]
            if not self.op_in_plan[o]:
                self.op_in_plan[o] = 1
                self.plan_ops.push_back(o)
            pref = True
            for k in range(self.u_pre_ptr[u], self.u_pre_ptr[u + 1]):
                p = self.u_pre[k]
                if self.f_reached_by[p] >= 0:
                    pref = False
                if not self.f_marked[p]:
                    self.stack.push_back(p)
            if pref and preferred != NULL and not self.op_preferred[o]:
                if self._neg_pre_hold(state, o):
                    self.op_preferred[o] = 1
                    preferred.push_back(o)
        for f in self.marked_facts:
            self.f_marked[f] = 0
        self.marked_facts.clear()

    cdef int64_t _clear_plan(self, vector[int32_t]* preferred) noexcept:
        """Reset the plan/preferred marks; returns the relaxed plan's cost."""
        cdef int64_t total = 0
        cdef int32_t o
        for o in self.plan_ops:
            self.op_in_plan[o] = 0
            total += self.t.cost[o]
        self.plan_ops.clear()
        if preferred != NULL:
            for o in preferred[0]:
                self.op_preferred[o] = 0
        return total

    cdef double evaluate(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0:
        cdef double neg = negative_goal_value(state, self.t.goal_neg, self.goal_neg_bound)
        if neg == INFINITY or not self._explore(state):
            return INFINITY
        cdef double h = self._goal_value()
        if preferred != NULL and self.provides_preferred:
            self._mark_relaxed_plan(state, preferred)
            self._clear_plan(preferred)
        return h if h > neg else neg

    def compute(self, fact_ids):
        """Evaluate from Python: fact_ids are the true facts.

        Returns (h, preferred operator ids); for tests and debugging.
        """
        cdef vector[uint8_t] state = vector[uint8_t](self.num_facts, 0)
        cdef vector[int32_t] preferred
        for f in fact_ids:
            state[f] = 1
        h = self.evaluate(state.data(), &preferred)
        return h, list(preferred)

    def __call__(self, state):
        return self.compute(state)

    @property
    def num_unary_operators(self):
        return self.u_eff.size()


cdef class HMax(DeleteRelaxation):
    """h^max: the costliest goal under max-propagation. Admissible."""

    def __init__(self, task):
        super().__init__(task)
        self.name = "max"
        self.combine_max = True


cdef class HAdd(DeleteRelaxation):
    """h^add: sum of goal costs under additive propagation; also offers FD's
    preferred operators (applicable operators on best-supporter paths)."""

    def __init__(self, task):
        super().__init__(task)
        self.name = "add"
        self.combine_max = False
        self.provides_preferred = True


cdef class HFF(DeleteRelaxation):
    """h^FF: cost of the relaxed plan read off the h^add best supporters
    (each operator counted once); its applicable operators are preferred."""

    def __init__(self, task):
        super().__init__(task)
        self.name = "ff"
        self.combine_max = False
        self.provides_preferred = True

    cdef double evaluate(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0:
        cdef double neg = negative_goal_value(state, self.t.goal_neg, self.goal_neg_bound)
        if neg == INFINITY or not self._explore(state):
            return INFINITY
        self._mark_relaxed_plan(state, preferred)
        cdef double h = <double>self._clear_plan(preferred)
        return h if h > neg else neg
