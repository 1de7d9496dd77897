# distutils: language = c++
# Open lists: binary heaps of plain structs, combined FD-style.
#
# An entry is ordered by (k1, k2, seq): GBFS uses k1 = h, A* uses
# k1 = g + w*h and k2 = h; seq is an insertion counter that gives FIFO
# order among ties (or LIFO when negated). What an entry stands for is in
# openlist.pxd (Entry).
#
# AlternationOpenList mirrors Fast Downward's alternation: one list per
# heuristic plus one preferred-only list per heuristic; each pop takes from
# the non-empty list with the lowest priority counter and increments it, and
# progress (a new best h) subtracts `boost` from the preferred lists'
# counters so that they are used for the next `boost` pops.
#
# Greedy lists order by h alone, and heuristics almost always return small
# integers, so (like FD) those lists are bucket queues: an 8-byte (state, op)
# record appended to bucket h, popped from the lowest non-empty bucket in
# FIFO (or LIFO) order, O(1) instead of a heap's O(log n) cache misses.
# Keys that are not small non-negative integers go to a heap beside the
# buckets, and pop takes whichever key is smaller.
#
# Type-based exploration (Xie, Mueller and Holte, AAAI 2014), enable_types():
# one more list in the alternation whose records are bucketed by a type (the
# search uses (h, g) of the first heuristic) and popped from a uniformly random
# non-empty type, a uniformly random record of it. Greedy search on a plateau or
# in a local minimum of h keeps expanding the newest states of the lowest h; the
# typed list also expands states of other (h, g) types. Opt-in: on generated
# medium sokoban (dev seeds 100-109, 30 s, the shipped kernel) it solved the
# same 5 of 10 tasks as plain lazy GBFS, with about twice the expansions on the
# easy ones (bench/examples/medium-coverage-dev/). With preferred operators and
# lazy search's boost of 1000 the typed list gets almost no turns.

from libc.stdint cimport int32_t, int64_t, uint8_t, uint64_t
from cython.operator cimport dereference as deref
from libcpp.unordered_map cimport unordered_map
from libcpp.vector cimport vector



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


cdef int64_t MAX_BUCKET = 1 << 20


cdef class AlternationOpenList:
    """Several lists (bucket queues or heaps), popped in FD's alternation order."""

    def __init__(self, int num_regular, int num_preferred, int64_t boost, bint lifo=False,
                 bint use_buckets=False):
        cdef int i, n = num_regular + num_preferred
        self.heaps.resize(n)
        self.buckets.resize(n)
        self.heads.resize(n)
        self.lowest.resize(n, 0)
        self.count.resize(n, 0)
        self.priority.resize(n, 0)
        self.stride.resize(n, 1)
        self.preferred_only.resize(n, 0)
        for i in range(num_regular, n):
            self.preferred_only[i] = 1
        self.use_buckets = use_buckets
        self.boost = boost
        self.scale = 1
        self.counter = 0
        self.lifo = lifo
        self.typed = -1
        self.rng = 0x9E3779B97F4A7C15

    def enable_types(self, uint64_t seed=0):
        """Add the type-based exploration list (see the module comment); call
        before set_shares and the first push. The seed fixes the random choices
        (the same seed, the same search)."""
        if self.typed >= 0:
            return
        cdef int n = <int>self.count.size()
        self.typed = n
        self.heaps.resize(n + 1)
        self.buckets.resize(n + 1)
        self.heads.resize(n + 1)
        self.lowest.push_back(0)
        self.count.push_back(0)
        self.priority.push_back(0)
        self.stride.push_back(self.scale)
        self.preferred_only.push_back(2)
        self.rng = 0x9E3779B97F4A7C15 ^ (seed * 0xBF58476D1CE4E5B9)
        if self.rng == 0:
            self.rng = 1

    cdef uint64_t random(self) noexcept:
        # xorshift64*: a fixed sequence per seed, so searches are reproducible
        self.rng ^= self.rng >> 12
        self.rng ^= self.rng << 25
        self.rng ^= self.rng >> 27
        return self.rng * <uint64_t>0x2545F4914F6CDD1D

    cdef void push_typed(self, int64_t key, int32_t state, int32_t op) except *:
        cdef Slot r
        cdef int32_t t
        cdef unordered_map[int64_t, int32_t].iterator it = self.tindex.find(key)
        if it == self.tindex.end():
            t = <int32_t>self.tbuckets.size()
            self.tindex[key] = t
            self.tbuckets.resize(t + 1)
            self.tpos.push_back(-1)
        else:
            t = deref(it).second
        r.state = state
        r.op = op
        self.tbuckets[t].push_back(r)
        if self.tpos[t] < 0:
            self.tpos[t] = <int32_t>self.tnonempty.size()
            self.tnonempty.push_back(t)
        self.count[self.typed] += 1

    cdef Entry pop_typed(self) noexcept:
        cdef Entry e
        cdef size_t k = self.random() % self.tnonempty.size()
        cdef int32_t t = self.tnonempty[k], last
        cdef vector[Slot]* v = &self.tbuckets[t]
        cdef size_t i = self.random() % v.size()
        cdef Slot r = v[0][i]
        v[0][i] = v.back()
        v.pop_back()
        if v.empty():
            last = self.tnonempty.back()
            self.tnonempty[k] = last
            self.tpos[last] = <int32_t>k
            self.tnonempty.pop_back()
            self.tpos[t] = -1
            v.shrink_to_fit()  # give an emptied type's memory back
        e.k1 = 0.0
        e.k2 = 0.0
        e.seq = 0
        e.state = r.state
        e.op = r.op
        return e

    cdef void push(self, int i, double k1, double k2, int64_t seq, int32_t state,
                   int32_t op) except *:
        cdef Entry e
        cdef Slot r
        cdef int64_t key = <int64_t>k1
        if self.use_buckets and k1 == <double>key and 0 <= key < MAX_BUCKET:
            if <size_t>key >= self.buckets[i].size():
                self.buckets[i].resize(key + 1)
                self.heads[i].resize(key + 1, 0)
            r.state = state
            r.op = op
            self.buckets[i][key].push_back(r)
            if <size_t>key < self.lowest[i]:
                self.lowest[i] = key
        else:
            e.k1 = k1
            e.k2 = k2
            e.seq = seq
            e.state = state
            e.op = op
            _heap_push(self.heaps[i], e)
        self.count[i] += 1

    cdef bint empty(self) noexcept:
        cdef size_t i
        for i in range(self.count.size()):
            if self.count[i]:
                return False
        return True

    cdef Entry pop(self) noexcept:
        """Remove the next entry; the caller checks empty() first."""
        cdef int best = self.choose()
        self.priority[best] += self.stride[best]
        self.count[best] -= 1
        self.last_list = best
        self.last_heap = False
        return self.pop_from(best)

    cdef void requeue(self, Entry e) except *:
        """Put e back where the last pop took it from, to be popped first
        among entries of its key again (a batch entry with the rest of its
        successors: they come out exactly where the per-successor entries
        would have). e keeps the keys and seq pop returned."""
        cdef int i = self.last_list
        cdef Slot r
        cdef size_t key
        cdef vector[Slot]* v
        cdef size_t* head
        self.count[i] += 1
        if self.last_heap or i == self.typed:
            _heap_push(self.heaps[i], e)
            return
        key = <size_t>e.k1
        r.state = e.state
        r.op = e.op
        v = &self.buckets[i][key]
        head = &self.heads[i][key]
        if self.lifo:
            v.push_back(r)
        elif head[0] > 0:
            head[0] -= 1
            v[0][head[0]] = r
        else:
            v.insert(v.begin(), r)
        if key < self.lowest[i]:
            self.lowest[i] = key

    cdef void unpop(self) noexcept:
        """Take back the last pop's turn in the alternation (a batch entry
        that turned out to hold no successor: as if it had never been pushed)."""
        self.priority[self.last_list] -= self.stride[self.last_list]

    cdef int choose(self) noexcept:
        """The non-empty list with the lowest priority (the first on ties)."""
        cdef int best = -1
        cdef int i
        for i in range(<int>self.count.size()):
            if self.count[i] and (best < 0 or self.priority[i] < self.priority[best]):
                best = i
        return best

    def schedule(self, int pops, shares=None):
        """The lists the next `pops` pops come from while every list stays
        non-empty, after set_shares(shares) if given (no entries are touched:
        for tests and for logging a portfolio's turn order)."""
        cdef vector[int64_t] saved_priority = self.priority
        cdef vector[size_t] saved_count = self.count
        cdef int i, best
        if shares is not None:
            self.set_shares(list(shares))
        order = []
        for i in range(<int>self.count.size()):
            self.count[i] = 1
        for i in range(pops):
            best = self.choose()
            self.priority[best] += self.stride[best]
            order.append(best)
        self.priority = saved_priority
        self.count = saved_count
        return order

    cdef Entry pop_from(self, int i) noexcept:
        if i == self.typed:
            return self.pop_typed()
        cdef vector[vector[Slot]]* bk = &self.buckets[i]
        cdef size_t key = self.lowest[i]
        cdef size_t nb = bk.size()
        while key < nb and self.heads[i][key] >= bk[0][key].size():
            key += 1
        self.lowest[i] = key
        cdef Entry e
        if key >= nb or (self.heaps[i].size() and self.heaps[i][0].k1 < <double>key):
            self.last_heap = True
            return _heap_pop(self.heaps[i])
        cdef vector[Slot]* v = &bk[0][key]
        cdef Slot r
        cdef size_t* head = &self.heads[i][key]
        if self.lifo:
            r = v.back()
            v.pop_back()
        else:
            r = v[0][head[0]]
            head[0] += 1
            if head[0] == v.size():
                v.clear()
                head[0] = 0
            elif head[0] >= 4096 and head[0] * 2 >= v.size():
                # drop the consumed prefix but one slot, where requeue can put an entry back
                v.erase(v.begin(), v.begin() + (head[0] - 1))
                head[0] = 1
        e.k1 = <double>key
        e.k2 = 0.0
        e.seq = 0
        e.state = r.state
        e.op = r.op
        return e

    cdef int set_shares(self, vector[int] shares) except -1:
        """Weighted alternation: regular list i (and its preferred list) gets
        shares[i] pops per round instead of one (stride scheduling: each pop
        adds lcm/shares[i] to the list's priority, the lowest priority pops
        next). The preferred-operator boost is scaled by the same lcm, so a
        boost still means `boost` pops of the boosted lists. Call before the
        first push."""
        cdef int n_regular = <int>shares.size()
        cdef int i, j
        cdef int64_t lcm = 1, a, b
        cdef int regular_lists = 0
        for j in range(<int>self.count.size()):
            regular_lists += self.preferred_only[j] == 0
        if n_regular != regular_lists:
            raise ValueError(f"{n_regular} shares for {regular_lists} regular open lists")
        for i in range(n_regular):
            if shares[i] < 1 or shares[i] > 64:
                raise ValueError(f"shares must be 1..64, got {shares[i]}")
            a, b = lcm, shares[i]
            while b:
                a, b = b, a % b
            lcm = lcm // a * shares[i]
        for j in range(<int>self.count.size()):
            # the typed list takes one turn per round, as an equal member
            self.stride[j] = lcm if j == self.typed else lcm // shares[j % n_regular]
        self.boost = self.boost // self.scale * lcm
        self.scale = lcm
        return 0

    cdef void boost_preferred(self) noexcept:
        cdef size_t i
        for i in range(self.count.size()):
            if self.preferred_only[i] == 1:
                self.priority[i] -= self.boost

    cdef size_t memory_bytes(self) noexcept:
        cdef size_t total = 0, i, k
        for i in range(self.heaps.size()):
            total += self.heaps[i].capacity() * sizeof(Entry)
            total += self.heads[i].capacity() * sizeof(size_t)
            for k in range(self.buckets[i].size()):
                total += self.buckets[i][k].capacity() * sizeof(Slot) + sizeof(vector[Slot])
        for k in range(self.tbuckets.size()):
            total += self.tbuckets[k].capacity() * sizeof(Slot) + sizeof(vector[Slot])
        total += self.tindex.size() * 32 + (self.tnonempty.capacity() + self.tpos.capacity()) * 4
        return total

    cdef size_t size(self) noexcept:
        cdef size_t total = 0, i
        for i in range(self.count.size()):
            total += self.count[i]
        return total
