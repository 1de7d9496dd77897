# The compiled task: the GroundTask's integer arrays as C++ vectors, built
# once per task and shared by the search and every compiled heuristic
# (compiled_task() caches it on the GroundTask).

from libc.math cimport INFINITY
from libc.stdint cimport int32_t, int64_t, uint8_t
from libcpp.vector cimport vector


cdef class CompiledTask:
    cdef readonly int num_facts
    cdef readonly int num_ops
    cdef readonly bint has_conditional
    # operator -> positive / negative preconditions, adds, deletes (CSR)
    cdef vector[int32_t] pre_pos_ptr, pre_pos
    cdef vector[int32_t] pre_neg_ptr, pre_neg
    cdef vector[int32_t] add_ptr, add
    cdef vector[int32_t] del_ptr, dele
    cdef vector[int64_t] cost
    cdef vector[int32_t] init, goal_pos, goal_neg
    # conditional effects: op -> effect ids; effect -> condition / add / delete
    cdef vector[int32_t] ce_ops_ptr, ce_ops
    cdef vector[int32_t] ce_pos_ptr, ce_pos, ce_neg_ptr, ce_neg
    cdef vector[int32_t] ce_add_ptr, ce_add, ce_del_ptr, ce_del
    cdef readonly object task

    cdef void apply_unpacked(self, const uint8_t* parent, uint8_t* child, int32_t op) noexcept
    cdef int64_t min_cost(self) noexcept
    cdef void negative_goal_bounds(self, vector[int64_t]& bound) noexcept

    # The hot tests are inline here so that other modules inline them too
    # (a cross-module call would go through the vtable).

    cdef inline bint applicable(self, const uint8_t* s, int32_t op) noexcept:
        cdef int32_t i
        for i in range(self.pre_pos_ptr[op], self.pre_pos_ptr[op + 1]):
            if not s[self.pre_pos[i]]:
                return False
        for i in range(self.pre_neg_ptr[op], self.pre_neg_ptr[op + 1]):
            if s[self.pre_neg[i]]:
                return False
        return True

    cdef inline bint effect_fires(self, const uint8_t* s, int32_t e) noexcept:
        cdef int32_t i
        for i in range(self.ce_pos_ptr[e], self.ce_pos_ptr[e + 1]):
            if not s[self.ce_pos[i]]:
                return False
        for i in range(self.ce_neg_ptr[e], self.ce_neg_ptr[e + 1]):
            if s[self.ce_neg[i]]:
                return False
        return True

    cdef inline bint is_goal(self, const uint8_t* s) noexcept:
        cdef int32_t f
        for f in self.goal_pos:
            if not s[f]:
                return False
        for f in self.goal_neg:
            if s[f]:
                return False
        return True


cpdef CompiledTask compiled_task(object task)

cdef void fill_vec(object arr, vector[int32_t]& out) except *
cdef void fill_vec64(object arr, vector[int64_t]& out) except *
cdef void fill_csr(object csr, Py_ssize_t rows, vector[int32_t]& ptr, vector[int32_t]& idx) except *
cdef void csr_transpose(const vector[int32_t]& ptr, const vector[int32_t]& idx, int32_t ncols,
                        vector[int32_t]& out_ptr, vector[int32_t]& out_idx) noexcept


cdef inline void add_unique(vector[int32_t]& out, vector[int32_t]& stamp, int32_t tag,
                            const vector[int32_t]& src, int32_t lo, int32_t hi) noexcept:
    """Append src[lo:hi] to out, skipping facts already stamped with tag
    (the relaxation heuristics collect each operator's distinct facts so)."""
    cdef int32_t k, f
    for k in range(lo, hi):
        f = src[k]
        if stamp[f] != tag:
            stamp[f] = tag
            out.push_back(f)


cdef inline double negative_goal_value(const uint8_t* state, const vector[int32_t]& goal_neg,
                                       const vector[int64_t]& bound) noexcept:
    """Max over violated negative goals of their cheapest deleter's cost
    (INFINITY when a violated one has no deleter); see negative_goal_bounds."""
    cdef double h = 0.0
    cdef size_t k
    for k in range(goal_neg.size()):
        if state[goal_neg[k]]:
            if bound[k] < 0:
                return INFINITY
            if bound[k] > h:
                h = <double>bound[k]
    return h
