# The one interface between the search algorithms and heuristics.
#
# A search hands a heuristic the state unpacked into one byte per fact
# (1 = true) and, when it wants preferred operators, a vector to append
# operator ids to. The heuristic returns its estimate as a double:
# 0 only at goals for goal-aware heuristics, INFINITY for a proven dead end.
# A heuristic written in Python may raise; evaluate() then returns -2.0 with
# the Python error set, and the search propagates it.

from libc.stdint cimport int32_t, uint8_t
from libcpp.vector cimport vector


cdef class Evaluator:
    cdef public str name
    cdef public bint provides_preferred
    cdef public bint is_safe  # INFINITY means a real dead end
    cdef public int shares    # turns per alternation round when it orders an open list (>= 1)

    cdef double evaluate(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0
