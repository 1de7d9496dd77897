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
from libc.stdint cimport int32_t, int64_t, uint8_t, INT64_MAX
from libcpp.pair cimport pair
from libcpp.vector cimport vector

import numpy as _rx_np


cdef extern from *:
    """
    #include <algorithm>
    #include <cstdint>
    #include <functional>
    #include <utility>
    #include <vector>

    /* Monotone min-priority queue of (cost, item) for Dijkstra-like
       explorations. Small integer costs go into buckets (O(1) push/pop, LIFO
       within a bucket); once a cost exceeds the bucket range the queue turns
       into a binary heap until cleared, so large action costs stay correct. */
    struct PlnCostQueue {
        static const int64_t kMaxBuckets = 1 << 16;
        std::vector<std::vector<int32_t> > buckets;
        std::vector<std::pair<int64_t, int32_t> > heap;
        size_t cur = 0;
        size_t count = 0;
        bool heap_mode = false;

        void push(int64_t cost, int32_t item) {
            if (!heap_mode) {
                if (cost < kMaxBuckets) {
                    size_t c = (size_t)cost;
                    if (c >= buckets.size()) buckets.resize(c + 1);
                    if (c < cur) cur = c;
                    buckets[c].push_back(item);
                    ++count;
                    return;
                }
                to_heap();
            }
            heap.emplace_back(cost, item);
            std::push_heap(heap.begin(), heap.end(),
                           std::greater<std::pair<int64_t, int32_t> >());
        }

        void to_heap() {
            for (size_t b = cur; b < buckets.size(); ++b) {
                for (int32_t item : buckets[b]) heap.emplace_back((int64_t)b, item);
                buckets[b].clear();
            }
            std::make_heap(heap.begin(), heap.end(),
                           std::greater<std::pair<int64_t, int32_t> >());
            heap_mode = true;
            count = 0;
            cur = 0;
        }

        bool empty() const { return heap_mode ? heap.empty() : count == 0; }

        std::pair<int64_t, int32_t> pop() {
            if (heap_mode) {
                std::pop_heap(heap.begin(), heap.end(),
                              std::greater<std::pair<int64_t, int32_t> >());
                std::pair<int64_t, int32_t> top = heap.back();
                heap.pop_back();
                return top;
            }
            while (buckets[cur].empty()) ++cur;
            int32_t item = buckets[cur].back();
            buckets[cur].pop_back();
            --count;
            return std::pair<int64_t, int32_t>((int64_t)cur, item);
        }

        void clear() {
            if (!heap_mode) {
                for (size_t b = cur; b < buckets.size() && count > 0; ++b) {
                    count -= buckets[b].size();
                    buckets[b].clear();
                }
            }
            heap.clear();
            heap_mode = false;
            cur = 0;
            count = 0;
        }
    };
    """
    cppclass PlnCostQueue:
        void push(int64_t cost, int32_t item) nogil
        bint empty() nogil
        pair[int64_t, int32_t] pop() nogil
        void clear() nogil


def _rx_i32(a):
    """Contiguous int32 copy of a CSR/fact array (the task promises int32,
    but hand-built tasks in tests may pass other integer dtypes)."""
    return _rx_np.ascontiguousarray(a, dtype=_rx_np.int32)


cdef void _rx_csr_transpose(const vector[int32_t]& ptr, const vector[int32_t]& idx,
                            int32_t ncols, vector[int32_t]& out_ptr,
                            vector[int32_t]& out_idx) noexcept:
    """Column -> rows index of a CSR matrix, rows in increasing order (so the
    walk order over, e.g., precondition_of lists is deterministic)."""
    cdef int32_t nrows = <int32_t>ptr.size() - 1
    cdef int32_t r, k, c
    out_ptr.clear()
    out_ptr.resize(ncols + 1, 0)
    for k in range(<int32_t>idx.size()):
        out_ptr[idx[k] + 1] += 1
    for c in range(ncols):
        out_ptr[c + 1] += out_ptr[c]
    out_idx.resize(idx.size())
    cdef vector[int32_t] fill = out_ptr
    for r in range(nrows):
        for k in range(ptr[r], ptr[r + 1]):
            c = idx[k]
            out_idx[fill[c]] = r
            fill[c] += 1


cdef class _TaskArrays:
    """The GroundTask's integer arrays copied into C++ vectors once, shared by
    the construction code of all compiled relaxation heuristics."""

    cdef int32_t num_facts, num_ops
    cdef vector[int64_t] cost
    cdef vector[int32_t] pre_ptr, pre, neg_ptr, neg, add_ptr, add, del_ptr, dele
    cdef bint has_ce
    cdef vector[int32_t] ce_ops_ptr, ce_ops, ce_cond_ptr, ce_cond, ce_add_ptr, ce_add
    cdef vector[int32_t] ce_del_ptr, ce_del
    cdef vector[int32_t] goal_pos, goal_neg

    def __init__(self, task):
        self.num_facts = task.num_facts
        self.num_ops = task.num_operators
        _rx_fill64(self.cost, _rx_np.ascontiguousarray(task.cost, dtype=_rx_np.int64))
        _rx_fill(self.pre_ptr, _rx_i32(task.pre_pos.ptr))
        _rx_fill(self.pre, _rx_i32(task.pre_pos.idx))
        _rx_fill(self.neg_ptr, _rx_i32(task.pre_neg.ptr))
        _rx_fill(self.neg, _rx_i32(task.pre_neg.idx))
        _rx_fill(self.add_ptr, _rx_i32(task.add.ptr))
        _rx_fill(self.add, _rx_i32(task.add.idx))
        _rx_fill(self.del_ptr, _rx_i32(task.delete.ptr))
        _rx_fill(self.dele, _rx_i32(task.delete.idx))
        _rx_fill(self.goal_pos, _rx_i32(task.goal_pos))
        _rx_fill(self.goal_neg, _rx_i32(task.goal_neg))
        ce = task.conditional
        self.has_ce = ce is not None
        if self.has_ce:
            _rx_fill(self.ce_ops_ptr, _rx_i32(ce.ops.ptr))
            _rx_fill(self.ce_ops, _rx_i32(ce.ops.idx))
            _rx_fill(self.ce_cond_ptr, _rx_i32(ce.cond_pos.ptr))
            _rx_fill(self.ce_cond, _rx_i32(ce.cond_pos.idx))
            _rx_fill(self.ce_add_ptr, _rx_i32(ce.add.ptr))
            _rx_fill(self.ce_add, _rx_i32(ce.add.idx))
            _rx_fill(self.ce_del_ptr, _rx_i32(ce.delete.ptr))
            _rx_fill(self.ce_del, _rx_i32(ce.delete.idx))

    cdef void negative_goal_bounds(self, vector[int64_t]& bound):
        """Per negative goal, the cheapest operator able to delete it (-1 if
        none): a lower bound on reaching the goal from a state violating it."""
        cdef vector[int64_t] cheapest = vector[int64_t](self.num_facts, -1)
        cdef int32_t o, k, e, j, f
        for o in range(self.num_ops):
            for k in range(self.del_ptr[o], self.del_ptr[o + 1]):
                _rx_min_cost(cheapest, self.dele[k], self.cost[o])
            if self.has_ce:
                for j in range(self.ce_ops_ptr[o], self.ce_ops_ptr[o + 1]):
                    e = self.ce_ops[j]
                    for k in range(self.ce_del_ptr[e], self.ce_del_ptr[e + 1]):
                        _rx_min_cost(cheapest, self.ce_del[k], self.cost[o])
        bound.clear()
        for k in range(<int32_t>self.goal_neg.size()):
            bound.push_back(cheapest[self.goal_neg[k]])


cdef inline void _rx_min_cost(vector[int64_t]& cheapest, int32_t f, int64_t c) noexcept:
    if cheapest[f] < 0 or c < cheapest[f]:
        cheapest[f] = c


cdef void _rx_fill(vector[int32_t]& out, const int32_t[::1] arr):
    cdef Py_ssize_t i, n = arr.shape[0]
    out.resize(n)
    for i in range(n):
        out[i] = arr[i]


cdef void _rx_fill64(vector[int64_t]& out, const int64_t[::1] arr):
    cdef Py_ssize_t i, n = arr.shape[0]
    out.resize(n)
    for i in range(n):
        out[i] = arr[i]


cdef double _rx_negative_goal_value(const uint8_t* state, const vector[int32_t]& goal_neg,
                                    const vector[int64_t]& bound) noexcept:
    """Max over violated negative goals of their cheapest deleter's cost."""
    cdef double h = 0.0
    cdef size_t k
    for k in range(goal_neg.size()):
        if state[goal_neg[k]]:
            if bound[k] < 0:
                return INFINITY
            if bound[k] > h:
                h = <double>bound[k]
    return h


cdef struct _RxUnary:
    # The per-evaluation state of a unary operator, kept together so that
    # the hot loop touches one cache line per operator (FD does the same).
    int32_t unsat  # preconditions not yet reached
    int32_t eff
    int64_t cost  # base cost plus precondition costs so far


cdef class _DeleteRelaxation(Evaluator):
    """Shared unary-operator representation and exploration of h^max/h^add.

    Subclasses choose the cost combination (max or sum) and what to do with
    the resulting best supporters.
    """

    cdef int32_t num_facts, num_ops
    cdef bint combine_max
    # Unary operators: preconditions (CSR), effect fact, owning operator, cost.
    cdef vector[int32_t] u_pre_ptr, u_pre, u_eff, u_op
    cdef vector[int64_t] u_base
    cdef vector[int32_t] no_pre_ops  # unary ops without preconditions
    cdef vector[int32_t] pre_of_ptr, pre_of  # fact -> unary ops needing it
    cdef vector[int32_t] goals
    cdef vector[uint8_t] is_goal
    cdef vector[int64_t] op_cost
    cdef vector[int32_t] neg_ptr, neg  # negative preconditions, for preferred ops
    cdef vector[int32_t] goal_neg
    cdef vector[int64_t] goal_neg_bound
    # Per-evaluation scratch.
    cdef vector[int64_t] f_cost  # -1 = unreached
    cdef vector[int32_t] f_reached_by  # -1 = true in the state (or unreached)
    cdef vector[_RxUnary] u_state, u_fresh  # u_fresh: state before exploring
    cdef PlnCostQueue queue
    cdef vector[uint8_t] f_marked, op_in_plan, op_preferred
    cdef vector[int32_t] stack, marked_facts, plan_ops

    def __init__(self, task):
        cdef _TaskArrays t = _TaskArrays(task)
        self.is_safe = True
        self.provides_preferred = False
        self.num_facts = t.num_facts
        self.num_ops = t.num_ops
        self.op_cost = t.cost
        self.neg_ptr = t.neg_ptr
        self.neg = t.neg
        self.goal_neg = t.goal_neg
        t.negative_goal_bounds(self.goal_neg_bound)
        self._build_unary(t)
        self._build_goals(t)
        _rx_csr_transpose(self.u_pre_ptr, self.u_pre, self.num_facts,
                          self.pre_of_ptr, self.pre_of)
        self.f_cost.resize(self.num_facts)
        self.f_reached_by.resize(self.num_facts)
        cdef _RxUnary fresh
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

    cdef void _build_unary(self, _TaskArrays t):
        """One unary operator per (operator or conditional effect, added fact)."""
        cdef vector[int32_t] stamp = vector[int32_t](self.num_facts, -1)
        cdef vector[int32_t] pre
        cdef int32_t o, k, j, e, tag = 0
        self.u_pre_ptr.push_back(0)
        for o in range(self.num_ops):
            pre.clear()
            tag += 1
            _rx_add_unique(pre, stamp, tag, t.pre, t.pre_ptr[o], t.pre_ptr[o + 1])
            for k in range(t.add_ptr[o], t.add_ptr[o + 1]):
                self._add_unary(pre, stamp, tag, t.add[k], o, t.cost[o])
            if not t.has_ce:
                continue
            for j in range(t.ce_ops_ptr[o], t.ce_ops_ptr[o + 1]):
                e = t.ce_ops[j]
                tag += 1
                pre.clear()
                _rx_add_unique(pre, stamp, tag, t.pre, t.pre_ptr[o], t.pre_ptr[o + 1])
                _rx_add_unique(pre, stamp, tag, t.ce_cond, t.ce_cond_ptr[e], t.ce_cond_ptr[e + 1])
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

    cdef void _build_goals(self, _TaskArrays t):
        cdef int32_t g
        self.is_goal.clear()
        self.is_goal.resize(self.num_facts, 0)
        for g in t.goal_pos:
            if not self.is_goal[g]:
                self.is_goal[g] = 1
                self.goals.push_back(g)

    cdef inline void _enqueue(self, int32_t f, int64_t cost, int32_t supporter) noexcept:
        if self.f_cost[f] < 0 or cost < self.f_cost[f]:
            self.f_cost[f] = cost
            self.f_reached_by[f] = supporter
            self.queue.push(cost, f)

    cdef bint _explore(self, const uint8_t* state) noexcept:
        """Generalized Dijkstra from the state; stops once every goal is
        settled. Returns False iff some goal is relaxed-unreachable."""
        cdef int32_t f, u, k, unsolved = <int32_t>self.goals.size()
        cdef int64_t d
        cdef pair[int64_t, int32_t] top
        cdef bint use_max = self.combine_max
        self.u_state = self.u_fresh
        cdef _RxUnary* ops = self.u_state.data()
        cdef _RxUnary* op
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

    cdef inline bint _neg_pre_hold(self, const uint8_t* state, int32_t o) noexcept:
        cdef int32_t k
        for k in range(self.neg_ptr[o], self.neg_ptr[o + 1]):
            if state[self.neg[k]]:
                return False
        return True

    cdef int64_t _clear_plan(self, vector[int32_t]* preferred) noexcept:
        """Reset the plan/preferred marks; returns the relaxed plan's cost."""
        cdef int64_t total = 0
        cdef int32_t o
        for o in self.plan_ops:
            self.op_in_plan[o] = 0
            total += self.op_cost[o]
        self.plan_ops.clear()
        if preferred != NULL:
            for o in preferred[0]:
                self.op_preferred[o] = 0
        return total

    cdef double evaluate(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0:
        cdef double neg = _rx_negative_goal_value(state, self.goal_neg, self.goal_neg_bound)
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


cdef inline void _rx_add_unique(vector[int32_t]& out, vector[int32_t]& stamp, int32_t tag,
                                const vector[int32_t]& src, int32_t lo, int32_t hi) noexcept:
    cdef int32_t k, f
    for k in range(lo, hi):
        f = src[k]
        if stamp[f] != tag:
            stamp[f] = tag
            out.push_back(f)


cdef class HMax(_DeleteRelaxation):
    """h^max: the costliest goal under max-propagation. Admissible."""

    def __init__(self, task):
        super().__init__(task)
        self.name = "max"
        self.combine_max = True


cdef class HAdd(_DeleteRelaxation):
    """h^add: sum of goal costs under additive propagation; also offers FD's
    preferred operators (applicable operators on best-supporter paths)."""

    def __init__(self, task):
        super().__init__(task)
        self.name = "add"
        self.combine_max = False
        self.provides_preferred = True


cdef class HFF(_DeleteRelaxation):
    """h^FF: cost of the relaxed plan read off the h^add best supporters
    (each operator counted once); its applicable operators are preferred."""

    def __init__(self, task):
        super().__init__(task)
        self.name = "ff"
        self.combine_max = False
        self.provides_preferred = True

    cdef double evaluate(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0:
        cdef double neg = _rx_negative_goal_value(state, self.goal_neg, self.goal_neg_bound)
        if neg == INFINITY or not self._explore(state):
            return INFINITY
        self._mark_relaxed_plan(state, preferred)
        cdef double h = <double>self._clear_plan(preferred)
        return h if h > neg else neg


def evaluate_states(Evaluator h, const uint8_t[:, ::1] states, int repeats=1, bint preferred=False):
    """Evaluate h on every row of a (num_states x num_facts) 0/1 matrix,
    `repeats` times, entirely in compiled code; returns the last round's
    values. For throughput benchmarks without per-call Python overhead."""
    cdef Py_ssize_t i, n = states.shape[0]
    cdef int rep
    cdef vector[int32_t] pref
    cdef vector[int32_t]* pref_ptr = &pref if preferred else NULL
    values = _rx_np.empty(n, dtype=_rx_np.float64)
    cdef double[::1] out = values
    for rep in range(repeats):
        for i in range(n):
            pref.clear()
            out[i] = h.evaluate(&states[i, 0], pref_ptr)
    return values
