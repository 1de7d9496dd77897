from libc.stdint cimport int32_t, int64_t, uint8_t, uint64_t
from libcpp.unordered_map cimport unordered_map
from libcpp.vector cimport vector


cdef enum:
    NO_OP = -1  # Entry.op of an entry that is the state itself (eager search)
    BATCH = -2  # Entry.op <= BATCH: all successors of `state`, BATCH - op of them taken (lazy search)


cdef struct Entry:
    # An open-list entry stands for the state reached by applying `op` to the
    # registered state `state` (op == NO_OP: `state` itself). Eager search
    # pushes states it has generated; lazy search pushes (parent, operator)
    # and generates the state only when the entry is popped.
    double k1     # primary key: h (greedy) or g + w*h (A*-like)
    double k2     # tie-breaker: h for A*-like keys, 0 otherwise
    int64_t seq   # insertion counter: FIFO (or LIFO, negated) among ties
    int32_t state
    int32_t op


cdef struct Slot:
    # What a bucket stores: the entry without its keys (the bucket is k1).
    int32_t state
    int32_t op


cdef class AlternationOpenList:
    cdef vector[vector[Entry]] heaps
    cdef vector[vector[vector[Slot]]] buckets   # [list][h] -> records
    cdef vector[vector[size_t]] heads           # [list][h] -> first unread (FIFO)
    cdef vector[size_t] lowest                  # [list] -> no bucket below is non-empty
    cdef vector[size_t] count                   # [list] -> entries in buckets + heap
    cdef vector[int64_t] priority
    cdef vector[int64_t] stride                 # [list] -> priority added per pop
    cdef int64_t scale                          # lcm of the shares (boost is in these units)
    cdef vector[uint8_t] preferred_only         # [list] -> 0 regular, 1 preferred-only, 2 typed
    # the type-based exploration list (enable_types): records bucketed by type,
    # popped from a uniformly random non-empty type, a uniformly random record
    cdef readonly int typed                     # its list index, or -1
    cdef vector[vector[Slot]] tbuckets          # [type id] -> records
    cdef unordered_map[int64_t, int32_t] tindex # type key -> type id
    cdef vector[int32_t] tnonempty              # type ids with records
    cdef vector[int32_t] tpos                   # [type id] -> index in tnonempty, or -1
    cdef uint64_t rng
    cdef bint use_buckets
    cdef int64_t boost
    cdef int64_t counter
    cdef bint lifo
    cdef readonly int last_list                 # the list the last pop took from
    cdef bint last_heap                         # ... and from its heap (not a bucket)

    cdef void push(self, int i, double k1, double k2, int64_t seq, int32_t state,
                   int32_t op) except *
    cdef bint empty(self) noexcept
    cdef Entry pop(self) noexcept
    cdef Entry pop_from(self, int i) noexcept
    cdef void requeue(self, Entry e) except *
    cdef void unpop(self) noexcept
    cdef int choose(self) noexcept
    cdef void boost_preferred(self) noexcept
    cdef void push_typed(self, int64_t key, int32_t state, int32_t op) except *
    cdef Entry pop_typed(self) noexcept
    cdef uint64_t random(self) noexcept
    cdef int set_shares(self, vector[int] shares) except -1
    cdef size_t memory_bytes(self) noexcept
    cdef size_t size(self) noexcept

    cdef inline int64_t next_seq(self) noexcept:
        self.counter += 1
        return -self.counter if self.lifo else self.counter
