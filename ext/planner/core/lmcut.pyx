# distutils: language = c++
# Landmark-cut heuristic (Helmert & Domshlak 2009), following Fast Downward's
# algorithm: h^max with a precondition choice function (the supporter), the
# goal zone found backwards from an artificial goal through zero-cost
# achievers, the cut between the zone reachable from the state and the goal
# zone, cost reduction, incremental h^max update, repeat until h^max = 0.
# Ties among supporters are broken towards the goal zone and its border, as
# FD does by default (goal_zone_detection, border_detection).
#
# Conditional effects (which FD's lmcut rejects) are supported by giving each
# effect its own relaxed operator (precondition plus effect condition) while
# all relaxed operators of one task operator share a single remaining cost:
# a cut charges each task operator at most once, so every cut is still a
# disjunctive action landmark of the task under a valid cost partitioning.
# (Such an operator may be needed several times, so the value is raised to
# h^max when the cuts sum to less.)

from libc.math cimport INFINITY
from libc.stdint cimport int32_t, int64_t, uint8_t, INT64_MAX
from libcpp.pair cimport pair
from libcpp.vector cimport vector

from planner.core.cost_queue cimport CostQueue
from planner.core.evaluator cimport Evaluator
from planner.core.task cimport (CompiledTask, add_unique, compiled_task, csr_transpose,
                                negative_goal_value)


cdef enum:
    UNREACHED = 0
    REACHED = 1
    GOAL_ZONE = 2
    BEFORE_GOAL_ZONE = 3


cdef class LMCut(Evaluator):
    """Admissible landmark-cut heuristic over the delete relaxation."""

    cdef int32_t num_facts, num_props, art_pre, art_goal, num_ops
    # Relaxed operators (CSR preconditions/effects) and their task operator;
    # the artificial goal operator's "task operator" is num_ops (cost 0).
    cdef vector[int32_t] r_pre_ptr, r_pre, r_eff_ptr, r_eff, r_orig
    cdef vector[int32_t] pre_of_ptr, pre_of, eff_of_ptr, eff_of
    cdef vector[int32_t] orig_ptr, orig_rel  # task operator -> relaxed ops
    cdef vector[int64_t] base_cost
    cdef vector[int32_t] goal_neg
    cdef vector[int64_t] goal_neg_bound
    # Per-evaluation scratch.
    cdef vector[int64_t] cost, hmax, supp_cost
    cdef vector[uint8_t] status, in_cut
    cdef vector[int32_t] unsat, supp
    cdef CostQueue queue
    cdef vector[int32_t] stack, zone_facts, cut, cut_orig
    cdef vector[pair[int32_t, int32_t]] frames
    cdef bint goal_zone_detection, border_detection

    def __init__(self, task, goal_zone_detection=True, border_detection=True):
        """The two flags are FD's lmcut options of the same names."""
        cdef CompiledTask t = compiled_task(task)
        self.goal_zone_detection = goal_zone_detection
        self.border_detection = border_detection
        self.name = "lmcut"
        self.is_safe = True
        self.provides_preferred = False
        self.num_facts = t.num_facts
        self.num_ops = t.num_ops
        self.art_pre = t.num_facts
        self.art_goal = t.num_facts + 1
        self.num_props = t.num_facts + 2
        self.goal_neg = t.goal_neg
        t.negative_goal_bounds(self.goal_neg_bound)
        self.base_cost = t.cost
        self.base_cost.push_back(0)
        self._build_relaxed(t)
        csr_transpose(self.r_pre_ptr, self.r_pre, self.num_props, self.pre_of_ptr, self.pre_of)
        csr_transpose(self.r_eff_ptr, self.r_eff, self.num_props, self.eff_of_ptr, self.eff_of)
        cdef vector[int32_t] orig_as_csr_ptr
        cdef int32_t r
        orig_as_csr_ptr.push_back(0)
        for r in range(<int32_t>self.r_orig.size()):
            orig_as_csr_ptr.push_back(r + 1)
        csr_transpose(orig_as_csr_ptr, self.r_orig, self.num_ops + 1,
                          self.orig_ptr, self.orig_rel)
        cdef size_t nrel = self.r_orig.size()
        self.cost.resize(self.num_ops + 1)
        self.hmax.clear()
        self.hmax.resize(self.num_props, 0)
        self.status.clear()
        self.status.resize(self.num_props, UNREACHED)
        self.in_cut.clear()
        self.in_cut.resize(self.num_ops + 1, 0)
        self.unsat.resize(nrel)
        self.supp.resize(nrel)
        self.supp_cost.resize(nrel)

    cdef void _build_relaxed(self, CompiledTask t):
        """Relaxed operators: each task operator's unconditional part, each
        conditional effect, and the artificial goal operator."""
        cdef vector[int32_t] stamp = vector[int32_t](self.num_props, -1)
        cdef vector[int32_t] pre, eff
        cdef int32_t o, j, e, tag = 0
        self.r_pre_ptr.push_back(0)
        self.r_eff_ptr.push_back(0)
        for o in range(self.num_ops):
            tag += 1
            pre.clear()
            eff.clear()
            add_unique(pre, stamp, tag, t.pre_pos, t.pre_pos_ptr[o], t.pre_pos_ptr[o + 1])
            add_unique(eff, stamp, tag, t.add, t.add_ptr[o], t.add_ptr[o + 1])  # effects not among the preconditions
            self._add_relaxed(pre, eff, o)
            if not t.has_conditional:
                continue
            for j in range(t.ce_ops_ptr[o], t.ce_ops_ptr[o + 1]):
                e = t.ce_ops[j]
                tag += 1
                pre.clear()
                eff.clear()
                add_unique(pre, stamp, tag, t.pre_pos, t.pre_pos_ptr[o], t.pre_pos_ptr[o + 1])
                add_unique(pre, stamp, tag, t.ce_pos, t.ce_pos_ptr[e], t.ce_pos_ptr[e + 1])
                add_unique(eff, stamp, tag, t.ce_add, t.ce_add_ptr[e], t.ce_add_ptr[e + 1])
                self._add_relaxed(pre, eff, o)
        tag += 1
        pre.clear()
        add_unique(pre, stamp, tag, t.goal_pos, 0, <int32_t>t.goal_pos.size())
        eff.clear()
        eff.push_back(self.art_goal)
        self._add_relaxed(pre, eff, self.num_ops)

    cdef void _add_relaxed(self, vector[int32_t]& pre, const vector[int32_t]& eff, int32_t orig):
        """Operators without preconditions get the artificial precondition
        (true in every state) so that the exploration triggers them."""
        cdef size_t k
        if eff.empty():
            return
        if pre.empty():
            pre.push_back(self.art_pre)
        for k in range(pre.size()):
            self.r_pre.push_back(pre[k])
        for k in range(eff.size()):
            self.r_eff.push_back(eff[k])
        self.r_pre_ptr.push_back(<int32_t>self.r_pre.size())
        self.r_eff_ptr.push_back(<int32_t>self.r_eff.size())
        self.r_orig.push_back(orig)

    # -- h^max exploration ---------------------------------------------------

    cdef inline void _enqueue(self, int32_t f, int64_t c) noexcept:
        if self.status[f] == UNREACHED or self.hmax[f] > c:
            self.status[f] = REACHED
            self.hmax[f] = c
            self.queue.push(c, f)

    cdef inline void _enqueue_effects(self, int32_t r, int64_t c) noexcept:
        cdef int32_t k
        for k in range(self.r_eff_ptr[r], self.r_eff_ptr[r + 1]):
            self._enqueue(self.r_eff[k], c)

    cdef void _first_exploration(self, const uint8_t* state) noexcept:
        """Full h^max computation; each relaxed operator's supporter is the
        precondition settled last (one of maximal h^max)."""
        cdef int32_t f, r, k
        cdef int64_t d
        cdef pair[int64_t, int32_t] top
        cdef int32_t* unsat = self.unsat.data()
        cdef const int32_t* r_pre_ptr = self.r_pre_ptr.data()
        self.queue.clear()
        for f in range(self.num_props):
            self.status[f] = UNREACHED
        for r in range(<int32_t>self.r_orig.size()):
            unsat[r] = r_pre_ptr[r + 1] - r_pre_ptr[r]
            self.supp[r] = -1
            self.supp_cost[r] = INT64_MAX
        for f in range(self.num_facts):
            if state[f]:
                self._enqueue(f, 0)
        self._enqueue(self.art_pre, 0)
        while not self.queue.empty():
            top = self.queue.pop()
            d = top.first
            f = top.second
            if self.hmax[f] < d:
                continue
            for k in range(self.pre_of_ptr[f], self.pre_of_ptr[f + 1]):
                r = self.pre_of[k]
                unsat[r] -= 1
                if unsat[r] == 0:
                    self.supp[r] = f
                    self.supp_cost[r] = d
                    self._enqueue_effects(r, d + self.cost[self.r_orig[r]])

    cdef void _incremental_exploration(self) noexcept:
        """Update h^max after the cut's operators became cheaper: only facts
        whose supporting operators got cheaper are re-propagated."""
        cdef int32_t o, r, k, f, j, p, best
        cdef int64_t d, old_c, new_c
        cdef pair[int64_t, int32_t] top
        cdef int32_t* supp = self.supp.data()
        cdef int64_t* supp_cost = self.supp_cost.data()
        cdef const int64_t* hmax = self.hmax.data()
        cdef const int64_t* cost = self.cost.data()
        cdef const int32_t* pre_of = self.pre_of.data()
        cdef const int32_t* pre_of_ptr = self.pre_of_ptr.data()
        cdef const int32_t* r_pre = self.r_pre.data()
        cdef const int32_t* r_pre_ptr = self.r_pre_ptr.data()
        cdef const int32_t* r_orig = self.r_orig.data()
        self.queue.clear()
        for o in self.cut_orig:
            for j in range(self.orig_ptr[o], self.orig_ptr[o + 1]):
                r = self.orig_rel[j]
                if supp[r] >= 0:
                    self._enqueue_effects(r, supp_cost[r] + cost[o])
        while not self.queue.empty():
            top = self.queue.pop()
            d = top.first
            f = top.second
            if hmax[f] < d:
                continue
            for k in range(pre_of_ptr[f], pre_of_ptr[f + 1]):
                r = pre_of[k]
                if supp[r] != f:
                    continue
                old_c = supp_cost[r]
                if old_c <= d:
                    continue
                # Re-pick a precondition of maximal h^max as supporter.
                best = f
                for j in range(r_pre_ptr[r], r_pre_ptr[r + 1]):
                    p = r_pre[j]
                    if hmax[p] > hmax[best]:
                        best = p
                supp[r] = best
                new_c = hmax[best]
                supp_cost[r] = new_c
                if new_c != old_c:
                    self._enqueue_effects(r, new_c + cost[r_orig[r]])

    # -- goal zone and cut ---------------------------------------------------

    cdef inline bint _has_zero_cost_achiever(self, int32_t f) noexcept:
        cdef int32_t k
        for k in range(self.eff_of_ptr[f], self.eff_of_ptr[f + 1]):
            if self.cost[self.r_orig[self.eff_of[k]]] == 0:
                return True
        return False

    cdef void _break_supporter_ties(self, int32_t r) noexcept:
        """Among equally costly preconditions, prefer one on the goal zone's
        border (no zero-cost achiever) or already inside the goal zone."""
        cdef int32_t k, p
        if self.supp[r] < 0:
            return
        for k in range(self.r_pre_ptr[r], self.r_pre_ptr[r + 1]):
            p = self.r_pre[k]
            if self.hmax[p] != self.supp_cost[r] or self.status[p] == UNREACHED:
                continue
            if self.border_detection and not self._has_zero_cost_achiever(p):
                self.supp[r] = p
                return
            if self.goal_zone_detection and self.status[p] == GOAL_ZONE:
                self.supp[r] = p
                return

    cdef void _mark_goal_plateau(self) noexcept:
        """Goal zone: the artificial goal and, recursively, the supporters of
        its zero-cost achievers (depth-first, in FD's order)."""
        cdef int32_t f, k, r
        self.frames.clear()
        self._enter_zone(self.art_goal)
        while not self.frames.empty():
            f = self.frames.back().first
            k = self.frames.back().second
            if k == self.eff_of_ptr[f + 1]:
                self.frames.pop_back()
                continue
            self.frames.back().second = k + 1
            r = self.eff_of[k]
            if self.cost[self.r_orig[r]] == 0:
                self._break_supporter_ties(r)
                if self.supp[r] >= 0:
                    self._enter_zone(self.supp[r])

    cdef inline void _enter_zone(self, int32_t f) noexcept:
        if self.status[f] != GOAL_ZONE:
            self.status[f] = GOAL_ZONE
            self.zone_facts.push_back(f)
            self.frames.push_back(pair[int32_t, int32_t](f, self.eff_of_ptr[f]))

    cdef void _find_cut(self, const uint8_t* state) noexcept:
        """Forward from the state along supporters, staying out of the goal
        zone; operators that step into the zone form the cut."""
        cdef int32_t f, k, r, j, e
        cdef bint hits_zone
        # Raw pointers: stores to the uint8 status array may alias anything,
        # which would otherwise force reloading every vector's data pointer.
        cdef uint8_t* status = self.status.data()
        cdef const int32_t* supp = self.supp.data()
        cdef const int32_t* pre_of = self.pre_of.data()
        cdef const int32_t* pre_of_ptr = self.pre_of_ptr.data()
        cdef const int32_t* r_eff = self.r_eff.data()
        cdef const int32_t* r_eff_ptr = self.r_eff_ptr.data()
        self.stack.clear()
        self.cut.clear()
        self._enter_before(self.art_pre)
        for f in range(self.num_facts):
            if state[f]:
                self._enter_before(f)
        while not self.stack.empty():
            f = self.stack.back()
            self.stack.pop_back()
            for k in range(pre_of_ptr[f], pre_of_ptr[f + 1]):
                r = pre_of[k]
                if supp[r] != f:
                    continue
                hits_zone = False
                for j in range(r_eff_ptr[r], r_eff_ptr[r + 1]):
                    if status[r_eff[j]] == GOAL_ZONE:
                        hits_zone = True
                        break
                if hits_zone:
                    self.cut.push_back(r)
                    continue
                for j in range(r_eff_ptr[r], r_eff_ptr[r + 1]):
                    e = r_eff[j]
                    if status[e] != BEFORE_GOAL_ZONE:
                        self._enter_before(e)

    cdef inline void _enter_before(self, int32_t f) noexcept:
        self.status[f] = BEFORE_GOAL_ZONE
        self.zone_facts.push_back(f)
        self.stack.push_back(f)

    cdef int64_t _apply_cut(self) noexcept:
        """Charge the cut's cheapest task operator to every task operator in
        the cut (each once); returns the landmark's cost."""
        cdef int32_t r, o
        cdef int64_t c = INT64_MAX
        self.cut_orig.clear()
        for r in self.cut:
            o = self.r_orig[r]
            if not self.in_cut[o]:
                self.in_cut[o] = 1
                self.cut_orig.push_back(o)
                if self.cost[o] < c:
                    c = self.cost[o]
        for o in self.cut_orig:
            self.in_cut[o] = 0
            self.cost[o] -= c
        return c

    cdef void _reset_zones(self) noexcept:
        cdef int32_t f
        for f in self.zone_facts:
            self.status[f] = REACHED
        self.zone_facts.clear()

    cdef double evaluate(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0:
        cdef double neg = negative_goal_value(state, self.goal_neg, self.goal_neg_bound)
        if neg == INFINITY:
            return INFINITY
        self.cost = self.base_cost
        self._first_exploration(state)
        if self.status[self.art_goal] == UNREACHED:
            return INFINITY
        # With conditional effects the shared costs can make the cuts sum to
        # less than h^max (an operator may be needed twice); both are
        # admissible, so keep the larger. Without them LM-cut >= h^max anyway.
        cdef int64_t hmax = self.hmax[self.art_goal]
        cdef int64_t h = 0
        while self.hmax[self.art_goal] != 0:
            self._mark_goal_plateau()
            self._find_cut(state)
            h += self._apply_cut()
            self._incremental_exploration()
            self._reset_zones()
        if hmax > h:
            h = hmax
        return <double>h if h > neg else neg

    def compute(self, fact_ids):
        """Evaluate from Python: fact_ids are the true facts.

        Returns (h, []) (LM-cut computes no preferred operators).
        """
        cdef vector[uint8_t] state = vector[uint8_t](self.num_facts, 0)
        for f in fact_ids:
            state[f] = 1
        return self.evaluate(state.data(), NULL), []

    def __call__(self, state):
        return self.compute(state)
