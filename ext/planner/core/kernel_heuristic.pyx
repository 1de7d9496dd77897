# distutils: language = c++
# Heuristics compiled to machine code ("kernels", planner.heuristics.kernel):
# the search calls a C function pointer per state, with the GIL released and
# no Python object created per call.
#
# The pointer has one fixed signature whatever the heuristic's data:
#
#   double f(const uint8_t* state, int64_t n_facts,
#            void** arrays, int64_t* shapes,          # k arrays, 2 dims each
#            int32_t* preferred, int64_t capacity, int64_t* n_preferred)
#
# so any number of per-task arrays (from the program's prepare()) travels as a
# table of data pointers plus a table of shapes; the generated entry point
# (planner.heuristics.kernel.entry_source) rebuilds typed, bounds-checked
# arrays from them. It returns h >= 0 (INFINITY = dead end) or a negative
# number when the kernel raised (index out of bounds, division by zero...):
# then evaluate() raises, `failed` is set and a portfolio drops exactly this
# member. The preferred-operator buffer (one slot per operator) is always
# passed; the ids written there are read only when the search asks for them.
#
# Kernels are LLM-written code: an evaluator is only ever built inside the
# jailed child (planner.heuristics.untrusted.guarded_evaluator), which compiled
# the kernel itself; a kernel that corrupts memory or crashes kills that child
# only, and the trusted parent reports that heuristic's failure.

from libc.math cimport isnan
from libc.stdint cimport int32_t, int64_t, uint8_t
from libc.string cimport memcpy
from libcpp.vector cimport vector

from planner.core.evaluator cimport Evaluator

from planner.core.evaluator import evaluate_state

import numpy as _np

ctypedef double (*kernel_fn)(const uint8_t*, int64_t, void**, int64_t*,
                             int32_t*, int64_t, int64_t*) noexcept nogil

KERNEL_FAILED = -3.0
"""What the generated entry point returns when the kernel raised."""


cdef class KernelEvaluator(Evaluator):
    """Calls a compiled kernel (a C function pointer) per state.

    address: the kernel's entry point (an int, e.g. a numba cfunc's .address);
    arrays: its per-task arrays (C-contiguous numpy, 1 or 2 dimensions), kept
    alive here; keepalive: whatever owns the machine code, held as long as
    this evaluator. The state is copied into a private buffer first, so a
    kernel that writes to its state argument cannot change the search's state
    (a memcpy of num_facts bytes: ~50 ns for 2,000 facts).
    """

    cdef kernel_fn fn
    cdef readonly int num_facts
    cdef readonly int num_ops
    cdef readonly tuple arrays
    cdef readonly object keepalive
    cdef readonly int64_t calls
    cdef readonly bint failed
    cdef vector[void*] ptrs
    cdef vector[int64_t] shapes
    cdef vector[uint8_t] state_copy
    cdef vector[int32_t] pref_buf

    def __init__(self, size_t address, tuple arrays, int num_facts, int num_ops,
                 str name="kernel", bint provides_preferred=False, bint safe=False,
                 keepalive=None):
        if address == 0:
            raise ValueError("kernel address is NULL")
        self.fn = <kernel_fn><void*>address
        self.num_facts = num_facts
        self.num_ops = num_ops
        self.name = name
        self.provides_preferred = provides_preferred
        self.is_safe = safe
        self.keepalive = keepalive
        self.calls = 0
        self.failed = False
        kept = []
        for a in arrays:
            if not isinstance(a, _np.ndarray) or not a.flags.c_contiguous or a.ndim not in (1, 2):
                raise TypeError(f"kernel {name}: arrays must be C-contiguous 1-d or 2-d numpy arrays")
            kept.append(a)
            self.ptrs.push_back(<void*><size_t>a.ctypes.data)
            self.shapes.push_back(a.shape[0])
            self.shapes.push_back(a.shape[1] if a.ndim == 2 else 1)
        self.arrays = tuple(kept)
        if self.ptrs.size() == 0:  # data() of an empty vector may be NULL
            self.ptrs.push_back(NULL)
            self.shapes.push_back(0)
            self.shapes.push_back(0)
        self.state_copy.resize(num_facts if num_facts > 0 else 1, 0)
        self.pref_buf.resize(num_ops if num_ops > 0 else 1, 0)

    cdef double evaluate(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0:
        cdef int64_t n_pref = 0
        cdef int64_t i, o
        cdef double h
        self.calls += 1
        memcpy(self.state_copy.data(), state, self.num_facts)
        with nogil:
            h = self.fn(self.state_copy.data(), self.num_facts, self.ptrs.data(),
                        self.shapes.data(), self.pref_buf.data(),
                        <int64_t>self.pref_buf.size(), &n_pref)
        if isnan(h) or h < 0:
            self.failed = True
            if h == KERNEL_FAILED:
                raise RuntimeError(f"kernel {self.name} raised an error (e.g. index out of bounds, "
                                   "division by zero) on a state")
            raise ValueError(f"kernel {self.name} returned {h!r}; expected a non-negative number or inf")
        if preferred != NULL and n_pref > 0:
            if n_pref > <int64_t>self.pref_buf.size():
                self.failed = True
                raise ValueError(f"kernel {self.name} reported {n_pref} preferred operators, "
                                 f"more than its buffer holds")
            for i in range(n_pref):
                o = self.pref_buf[i]
                if o < 0 or o >= self.num_ops:
                    self.failed = True
                    raise ValueError(f"kernel {self.name}: preferred operator id {o} out of range")
                preferred.push_back(<int32_t>o)
        return h

    def __call__(self, state):
        """(h, sorted preferred ids) for an iterable of true fact ids (tests, tools)."""
        return evaluate_state(self, self.num_facts, state, True)

    def evaluate_bytes(self, const uint8_t[::1] state, bint want_preferred=True):
        """(h, preferred ids in the kernel's order) for a full 0/1 state array of
        num_facts entries: the differential check compares this with the Python form."""
        cdef vector[int32_t] pref
        if state.shape[0] != self.num_facts:
            raise ValueError(f"state has {state.shape[0]} entries, expected {self.num_facts}")
        cdef double h = self.evaluate(&state[0] if self.num_facts > 0 else self.state_copy.data(),
                                      &pref if want_preferred else NULL)
        return h, list(pref)
