from libc.stdint cimport int32_t, uint8_t, uint64_t
from libcpp.vector cimport vector

from planner.core.task cimport CompiledTask


cdef class SuccessorGenerator:
    cdef CompiledTask t
    cdef vector[int32_t] always        # operators without positive preconditions
    cdef vector[int32_t] keyed         # facts that have operators filed under them
    cdef vector[int32_t] keyed_ptr     # keyed[k] -> ops[keyed_ptr[k]:keyed_ptr[k+1]]
    cdef vector[int32_t] keyed_ops
    cdef vector[int32_t] rank          # operator -> its place in generate()'s order
    cdef readonly int sampled_states

    cdef vector[int32_t] _rarest_keys(self, vector[double]& freq) except *
    cdef void _build(self, vector[int32_t]& key) except *
    cdef vector[double] _sample_frequencies(self, int samples, uint64_t seed) except *
    cdef int generate(self, const uint8_t* s, vector[int32_t]& out) except -1
