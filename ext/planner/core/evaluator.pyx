# distutils: language = c++
# The evaluator base class (see evaluator.pxd) and Python-side helpers that
# evaluate any compiled evaluator without a search.

from libc.stdint cimport int32_t, uint8_t
from libcpp.vector cimport vector

import numpy as _np


cdef class Evaluator:
    """Base class of every heuristic the compiled search can call.

    shares: how many turns its open lists get per round of a portfolio's
    alternation (1 = FD's equal shares; planner.search.solve sets it from
    'NAME*N' specs)."""

    def __cinit__(self, *args, **kwargs):
        self.shares = 1

    cdef double evaluate(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0:
        return 0.0

    def __call__(self, state):
        """Evaluate from Python: state is an iterable of true fact ids.

        Returns (h, preferred operator ids); for tests and debugging.
        """
        raise NotImplementedError


def evaluate_state(Evaluator evaluator, int num_facts, state, bint want_preferred=True):
    """Evaluate any compiled evaluator on an iterable of true fact ids.

    Returns (h, sorted preferred operator ids); h is math.inf for dead ends.
    Meant for tests and debugging: the search calls evaluate() directly.
    """
    cdef vector[uint8_t] buf
    cdef vector[int32_t] pref
    buf.resize(num_facts, 0)
    for f in state:
        if f < 0 or f >= num_facts:
            raise ValueError(f"fact id {f} out of range")
        buf[f] = 1
    cdef double h = evaluator.evaluate(buf.data(), &pref if want_preferred else NULL)
    return h, sorted(set(pref))


def evaluate_states(Evaluator h, const uint8_t[:, ::1] states, int repeats=1, bint preferred=False):
    """Evaluate h on every row of a (num_states x num_facts) 0/1 matrix,
    `repeats` times, entirely in compiled code; returns the last round's
    values. For throughput benchmarks without per-call Python overhead."""
    cdef Py_ssize_t i, n = states.shape[0]
    cdef int rep
    cdef vector[int32_t] pref
    cdef vector[int32_t]* pref_ptr = &pref if preferred else NULL
    values = _np.empty(n, dtype=_np.float64)
    cdef double[::1] out = values
    for rep in range(repeats):
        for i in range(n):
            pref.clear()
            out[i] = h.evaluate(&states[i, 0], pref_ptr)
    return values
