# distutils: language = c++
# The compiled task (see task.pxd) and the array helpers every part shares.

from libc.string cimport memcpy
from libc.stdint cimport int32_t, int64_t, uint8_t
from libcpp.vector cimport vector

import numpy as _np

_CACHE_ATTRIBUTE = "_planner_core_compiled_task"


cpdef CompiledTask compiled_task(object task):
    """The CompiledTask of a GroundTask, built once and cached on the task.

    The search and every compiled heuristic of a run read the same copy
    (before, each relaxation heuristic built its own arrays). A CompiledTask
    passed in is returned as is.
    """
    if isinstance(task, CompiledTask):
        return <CompiledTask>task
    cache = getattr(task, "__dict__", None)
    if cache is not None:
        found = cache.get(_CACHE_ATTRIBUTE)
        if found is not None and (<CompiledTask>found).task is task:
            return <CompiledTask>found
    compiled = CompiledTask(task)
    if cache is not None:
        cache[_CACHE_ATTRIBUTE] = compiled  # frozen dataclasses allow writing __dict__
    return compiled


cdef class CompiledTask:
    """The GroundTask's CSR arrays copied into C++ vectors for the search loop
    and the heuristics."""

    def __init__(self, task):
        self.task = task
        self.num_facts = task.num_facts
        self.num_ops = task.num_operators
        fill_csr(task.pre_pos, self.num_ops, self.pre_pos_ptr, self.pre_pos)
        fill_csr(task.pre_neg, self.num_ops, self.pre_neg_ptr, self.pre_neg)
        fill_csr(task.add, self.num_ops, self.add_ptr, self.add)
        fill_csr(task.delete, self.num_ops, self.del_ptr, self.dele)
        fill_vec64(task.cost, self.cost)
        if len(task.cost) != self.num_ops:
            raise ValueError("task.cost must have one entry per operator")
        fill_vec(task.init, self.init)
        fill_vec(task.goal_pos, self.goal_pos)
        fill_vec(task.goal_neg, self.goal_neg)
        ce = task.conditional
        self.has_conditional = ce is not None and len(ce.cond_pos) > 0
        if self.has_conditional:
            fill_csr(ce.ops, self.num_ops, self.ce_ops_ptr, self.ce_ops)
            n_eff = len(ce.cond_pos)
            fill_csr(ce.cond_pos, n_eff, self.ce_pos_ptr, self.ce_pos)
            fill_csr(ce.cond_neg, n_eff, self.ce_neg_ptr, self.ce_neg)
            fill_csr(ce.add, n_eff, self.ce_add_ptr, self.ce_add)
            fill_csr(ce.delete, n_eff, self.ce_del_ptr, self.ce_del)
        self._check_ids(task)

    def _check_ids(self, task):
        """Reject out-of-range ids here rather than crash in the search loop."""
        arrays = [task.pre_pos.idx, task.pre_neg.idx, task.add.idx, task.delete.idx,
                  task.init, task.goal_pos, task.goal_neg]
        ce = task.conditional
        if self.has_conditional:
            arrays += [ce.cond_pos.idx, ce.cond_neg.idx, ce.add.idx, ce.delete.idx]
            effects = _np.asarray(ce.ops.idx)
            if effects.size and (effects.min() < 0 or effects.max() >= len(ce.cond_pos)):
                raise ValueError("conditional effect id out of range")
        for arr in arrays:
            arr = _np.asarray(arr)
            if arr.size and (arr.min() < 0 or arr.max() >= self.num_facts):
                raise ValueError(f"fact id out of range 0..{self.num_facts - 1}")

    cdef void apply_unpacked(self, const uint8_t* parent, uint8_t* child, int32_t op) noexcept:
        """child := successor of parent under op (child may not alias parent).

        Deletes are applied before adds so that adds win, as in PDDL; effect
        conditions are read from the parent.
        """
        cdef int32_t i, j, e
        memcpy(child, parent, self.num_facts)
        for i in range(self.del_ptr[op], self.del_ptr[op + 1]):
            child[self.dele[i]] = 0
        if self.has_conditional:
            for j in range(self.ce_ops_ptr[op], self.ce_ops_ptr[op + 1]):
                e = self.ce_ops[j]
                if self.effect_fires(parent, e):
                    for i in range(self.ce_del_ptr[e], self.ce_del_ptr[e + 1]):
                        child[self.ce_del[i]] = 0
            for j in range(self.ce_ops_ptr[op], self.ce_ops_ptr[op + 1]):
                e = self.ce_ops[j]
                if self.effect_fires(parent, e):
                    for i in range(self.ce_add_ptr[e], self.ce_add_ptr[e + 1]):
                        child[self.ce_add[i]] = 1
        for i in range(self.add_ptr[op], self.add_ptr[op + 1]):
            child[self.add[i]] = 1

    cdef int64_t min_cost(self) noexcept:
        cdef int64_t best = 0
        cdef int32_t o
        for o in range(self.num_ops):
            if o == 0 or self.cost[o] < best:
                best = self.cost[o]
        return best

    cdef void negative_goal_bounds(self, vector[int64_t]& bound) noexcept:
        """Per negative goal, the cheapest operator able to delete it (-1 if
        none): a lower bound on reaching the goal from a state violating it."""
        cdef vector[int64_t] cheapest = vector[int64_t](self.num_facts, -1)
        cdef int32_t o, k, e, j
        for o in range(self.num_ops):
            for k in range(self.del_ptr[o], self.del_ptr[o + 1]):
                _min_cost(cheapest, self.dele[k], self.cost[o])
            if self.has_conditional:
                for j in range(self.ce_ops_ptr[o], self.ce_ops_ptr[o + 1]):
                    e = self.ce_ops[j]
                    for k in range(self.ce_del_ptr[e], self.ce_del_ptr[e + 1]):
                        _min_cost(cheapest, self.ce_del[k], self.cost[o])
        bound.clear()
        for k in range(<int32_t>self.goal_neg.size()):
            bound.push_back(cheapest[self.goal_neg[k]])


cdef inline void _min_cost(vector[int64_t]& cheapest, int32_t f, int64_t c) noexcept:
    if cheapest[f] < 0 or c < cheapest[f]:
        cheapest[f] = c


cdef void fill_vec(object arr, vector[int32_t]& out) except *:
    """out := arr as int32 (hand-built tasks in tests may use other dtypes)."""
    cdef int32_t[::1] view = _np.ascontiguousarray(arr, dtype=_np.int32)
    cdef Py_ssize_t i
    out.resize(view.shape[0])
    for i in range(view.shape[0]):
        out[i] = view[i]


cdef void fill_vec64(object arr, vector[int64_t]& out) except *:
    cdef int64_t[::1] view = _np.ascontiguousarray(arr, dtype=_np.int64)
    cdef Py_ssize_t i
    out.resize(view.shape[0])
    for i in range(view.shape[0]):
        out[i] = view[i]


cdef void fill_csr(object csr, Py_ssize_t rows, vector[int32_t]& ptr,
                   vector[int32_t]& idx) except *:
    if len(csr.ptr) != rows + 1:
        raise ValueError(f"CSR has {len(csr.ptr) - 1} rows, expected {rows}")
    fill_vec(csr.ptr, ptr)
    fill_vec(csr.idx, idx)
    if ptr[0] != 0 or <size_t>ptr[rows] != idx.size():
        raise ValueError("malformed CSR arrays")


cdef void csr_transpose(const vector[int32_t]& ptr, const vector[int32_t]& idx,
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
