# distutils: language = c++
# Axiom evaluation: the derived facts of an unpacked state.
#
# GroundTask.axioms (planner.task.Axioms) are ground rules head :- body_pos,
# not body_neg, sorted by stratum. No operator adds or deletes a derived fact,
# so the state packer stores none of them (they are "constant" to it): a
# state's identity is its basic facts, and every unpacked state (after
# unpacking or applying an operator) gets its derived facts recomputed here,
# before the goal test, the heuristics and the successor generator read it.
#
# Per stratum the fixpoint is semi-naive, with a counter per rule: a rule's
# counter starts at the number of its positive body facts that are false;
# when a fact becomes true, only the rules of the stratum that have it in
# their positive body are touched (fact -> rules index), and a rule fires
# when its counter reaches zero. Negative bodies refer to basic facts or to
# lower strata only, so they are final when the stratum starts. Each derived
# fact becomes true at most once, so the work per state is linear in the
# total size of the rules.

from libc.stdint cimport int32_t, uint8_t
from libcpp.vector cimport vector

import numpy as _np


cdef void fill_vec(object arr, vector[int32_t]& out) except *:
    # Built once per task; this module cimports no other core part, so the
    # search can cimport it without a cycle through planner.core.task.
    out.clear()
    for value in _np.asarray(arr, dtype=_np.int64).ravel():
        out.push_back(<int32_t>value)


cdef void fill_csr(object csr, Py_ssize_t rows, vector[int32_t]& ptr, vector[int32_t]& idx) except *:
    if len(csr.ptr) != rows + 1:
        raise ValueError(f"CSR has {len(csr.ptr) - 1} rows, expected {rows}")
    fill_vec(csr.ptr, ptr)
    fill_vec(csr.idx, idx)


cdef class AxiomEvaluator:
    """Stratified, semi-naive evaluation of ground axioms on byte states."""

    def __init__(self, axioms, int num_facts):
        cdef int32_t a, i, f, n
        self.num_axioms = len(axioms)
        n = self.num_axioms
        fill_vec(axioms.head, self.head)
        fill_csr(axioms.body_pos, n, self.pos_ptr, self.pos)
        fill_csr(axioms.body_neg, n, self.neg_ptr, self.neg)
        fill_vec(axioms.derived, self.derived)
        strata = _np.asarray(axioms.stratum, dtype=_np.int64)
        if n and (_np.diff(strata) < 0).any():
            raise ValueError("axioms must be sorted by stratum")
        for arr in (axioms.head, axioms.body_pos.idx, axioms.body_neg.idx, axioms.derived):
            arr = _np.asarray(arr)
            if arr.size and (arr.min() < 0 or arr.max() >= num_facts):
                raise ValueError(f"axiom fact id out of range 0..{num_facts - 1}")
        starts = [0] + [int(k) for k in _np.flatnonzero(_np.diff(strata)) + 1] + [n]
        fill_vec(_np.array(starts if n else [0], dtype=_np.int32), self.layer_start)
        # fact -> axioms using it positively (CSR by counting)
        self.users_ptr.resize(num_facts + 1, 0)
        for i in range(<int32_t>self.pos.size()):
            self.users_ptr[self.pos[i] + 1] += 1
        for f in range(num_facts):
            self.users_ptr[f + 1] += self.users_ptr[f]
        self.users.resize(self.pos.size())
        cdef vector[int32_t] fill = self.users_ptr
        for a in range(n):
            for i in range(self.pos_ptr[a], self.pos_ptr[a + 1]):
                f = self.pos[i]
                self.users[fill[f]] = a
                fill[f] += 1
        self.counter.resize(n, 0)
        self.queue.reserve(self.derived.size())

    cdef void evaluate(self, uint8_t* s) noexcept:
        """Set s's derived facts to those its basic facts imply."""
        cdef int32_t k, a, i, f, h, lo, hi
        cdef size_t q
        for f in self.derived:
            s[f] = 0
        cdef bint blocked
        for k in range(<int32_t>self.layer_start.size() - 1):
            lo = self.layer_start[k]
            hi = self.layer_start[k + 1]
            self.queue.clear()
            # count first, fire after: a head set during the count would be
            # counted as true by later rules and then decremented again
            for a in range(lo, hi):
                blocked = False
                for i in range(self.neg_ptr[a], self.neg_ptr[a + 1]):
                    if s[self.neg[i]]:
                        blocked = True
                        break
                if blocked:
                    self.counter[a] = -1  # disabled: a negated fact is true
                    continue
                self.counter[a] = 0
                for i in range(self.pos_ptr[a], self.pos_ptr[a + 1]):
                    if not s[self.pos[i]]:
                        self.counter[a] += 1
            for a in range(lo, hi):
                if self.counter[a] == 0:
                    h = self.head[a]
                    if not s[h]:
                        s[h] = 1
                        self.queue.push_back(h)
            q = 0
            while q < self.queue.size():
                f = self.queue[q]
                q += 1
                for i in range(self.users_ptr[f], self.users_ptr[f + 1]):
                    a = self.users[i]
                    if a < lo or a >= hi or self.counter[a] <= 0:
                        continue
                    self.counter[a] -= 1
                    if self.counter[a] == 0:
                        h = self.head[a]
                        if not s[h]:
                            s[h] = 1
                            self.queue.push_back(h)

    def closure(self, state, int num_facts):
        """The derived closure of an iterable of fact ids (for tests)."""
        cdef vector[uint8_t] buf
        buf.resize(num_facts, 0)
        for f in state:
            buf[f] = 1
        self.evaluate(buf.data())
        return frozenset(i for i in range(num_facts) if buf[i])
