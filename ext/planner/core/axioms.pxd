# Stratified, semi-naive evaluation of ground axioms on unpacked states (see axioms.pyx).

from libc.stdint cimport int32_t, uint8_t
from libcpp.vector cimport vector


cdef class AxiomEvaluator:
    cdef readonly int num_axioms
    cdef vector[int32_t] head
    cdef vector[int32_t] pos_ptr, pos, neg_ptr, neg
    cdef vector[int32_t] layer_start        # axioms layer_start[k]..layer_start[k+1]
    cdef vector[int32_t] derived
    cdef vector[int32_t] users_ptr, users   # fact -> axioms with it in body_pos
    cdef vector[int32_t] counter
    cdef vector[int32_t] queue

    cdef void evaluate(self, uint8_t* s) noexcept
