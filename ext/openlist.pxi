# Open lists: binary heaps of plain structs, combined FD-style.
#
# An entry is ordered by (k1, k2, seq): GBFS uses k1 = h, A* uses
# k1 = g + w*h and k2 = h; seq is an insertion counter that gives FIFO
# order among ties (or LIFO when negated). Eager searches store the state id
# in `a`; lazy searches store (parent id, operator) in (a, b) and generate
# the state only when it is popped.
#
# AlternationOpenList mirrors Fast Downward's alternation: one heap per
# heuristic plus one preferred-only heap per heuristic; each pop takes from
# the non-empty heap with the lowest priority counter and increments it, and
# progress (a new best h) subtracts `boost` from the preferred heaps'
# counters so that they are used for the next `boost` pops.

cdef struct Entry:
    double k1
    double k2
    int64_t seq
    int32_t a
    int32_t b


cdef inline bint _less(const Entry& x, const Entry& y) noexcept:
    if x.k1 != y.k1:
        return x.k1 < y.k1
    if x.k2 != y.k2:
        return x.k2 < y.k2
    return x.seq < y.seq


cdef void _heap_push(vector[Entry]& heap, Entry e) except *:
    heap.push_back(e)
    cdef size_t i = heap.size() - 1, parent
    while i > 0:
        parent = (i - 1) >> 1
        if not _less(e, heap[parent]):
            break
        heap[i] = heap[parent]
        i = parent
    heap[i] = e


cdef Entry _heap_pop(vector[Entry]& heap) noexcept:
    cdef Entry top = heap[0]
    cdef Entry last = heap.back()
    heap.pop_back()
    cdef size_t n = heap.size(), i = 0, child
    if n == 0:
        return top
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and _less(heap[child + 1], heap[child]):
            child += 1
        if not _less(heap[child], last):
            break
        heap[i] = heap[child]
        i = child
    heap[i] = last
    return top


cdef class AlternationOpenList:
    """Several heaps, popped in FD's alternation order."""

    cdef vector[vector[Entry]] heaps
    cdef vector[int64_t] priority
    cdef vector[uint8_t] preferred_only
    cdef int64_t boost
    cdef int64_t counter
    cdef bint lifo

    def __init__(self, int num_regular, int num_preferred, int64_t boost, bint lifo=False):
        cdef int i
        self.heaps.resize(num_regular + num_preferred)
        self.priority.resize(num_regular + num_preferred, 0)
        self.preferred_only.resize(num_regular + num_preferred, 0)
        for i in range(num_regular, num_regular + num_preferred):
            self.preferred_only[i] = 1
        self.boost = boost
        self.counter = 0
        self.lifo = lifo

    cdef inline int64_t next_seq(self) noexcept:
        self.counter += 1
        return -self.counter if self.lifo else self.counter

    cdef void push(self, int i, double k1, double k2, int64_t seq, int32_t a,
                   int32_t b) except *:
        cdef Entry e
        e.k1 = k1
        e.k2 = k2
        e.seq = seq
        e.a = a
        e.b = b
        _heap_push(self.heaps[i], e)

    cdef bint empty(self) noexcept:
        cdef size_t i
        for i in range(self.heaps.size()):
            if self.heaps[i].size():
                return False
        return True

    cdef Entry pop(self) noexcept:
        """Remove the next entry; the caller checks empty() first."""
        cdef int best = -1
        cdef int i
        for i in range(<int>self.heaps.size()):
            if self.heaps[i].size() and (best < 0 or self.priority[i] < self.priority[best]):
                best = i
        self.priority[best] += 1
        return _heap_pop(self.heaps[best])

    cdef void boost_preferred(self) noexcept:
        cdef size_t i
        for i in range(self.heaps.size()):
            if self.preferred_only[i]:
                self.priority[i] -= self.boost

    cdef size_t memory_bytes(self) noexcept:
        cdef size_t total = 0, i
        for i in range(self.heaps.size()):
            total += self.heaps[i].capacity() * sizeof(Entry)
        return total

    cdef size_t size(self) noexcept:
        cdef size_t total = 0, i
        for i in range(self.heaps.size()):
            total += self.heaps[i].size()
        return total
