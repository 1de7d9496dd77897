from libc.stdint cimport int32_t, int64_t
from libcpp.pair cimport pair


cdef extern from "cost_queue.h":
    cppclass CostQueue:
        void push(int64_t cost, int32_t item) nogil
        bint empty() nogil
        pair[int64_t, int32_t] pop() nogil
        void clear() nogil
