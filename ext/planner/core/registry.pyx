# distutils: language = c++
# State storage: the bit packer and the state registry.
#
# Search works on two state forms. The *unpacked* form is one byte per fact
# (what heuristics read and what the successor generator tests). The *packed*
# form is a fixed number of 32-bit words per state and is what the registry
# stores: facts that never change take no bits at all, each mutex group
# becomes one variable of ceil(log2(|group|+1)) bits (value 0 = no fact of
# the group true), and every other fact is one bit. Variables never straddle
# a word, so reading or writing one is a shift and a mask.
#
# The registry keeps all packed states in one contiguous vector, an
# open-addressing hash index over them, and per-state search data (g, parent,
# creating operator, status) in parallel arrays, so a stored state costs
# words*4 + ~30 bytes and no Python object.

from libc.string cimport memcmp, memset
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libcpp.vector cimport vector

from planner.core.task cimport CompiledTask

import numpy as _np


cdef inline int _bits_for(int n) noexcept:
    """Bits needed for values 0..n."""
    cdef int b = 0
    while (1 << b) <= n:
        b += 1
    return b


cdef extern from *:
    int _ctz32 "__builtin_ctz"(unsigned int x) noexcept nogil


cdef class StatePacker:
    """Maps unpacked states (byte per fact) to packed words and back."""

    def __init__(self, CompiledTask t, mutex_groups=()):
        cdef int n = t.num_facts
        self.num_facts = n
        # Marked through a typed view: numpy item assignment from here went
        # through Python's mapping protocol once per add and delete entry
        # (0.37 CPU s per construction on generated hard satellite, 5.7 M
        # operators).
        changing = _np.zeros(n, dtype=bool)
        cdef uint8_t[::1] mark = changing.view(_np.uint8)
        cdef int32_t f
        for f in t.add:
            mark[f] = 1
        for f in t.dele:
            mark[f] = 1
        for f in t.ce_add:
            mark[f] = 1
        for f in t.ce_del:
            mark[f] = 1
        init = set(int(x) for x in t.init)
        groups = self._usable_groups(mutex_groups, changing, init)
        grouped = set(x for g in groups for x in g)
        # variables as (bits, kind, payload); first-fit decreasing into words
        variables = [(_bits_for(len(g)), 0, g) for g in groups]
        variables += [(1, 1, x) for x in range(n) if changing[x] and x not in grouped]
        variables.sort(key=lambda v: -v[0])
        free = []  # bits used per word
        placement = []
        for bits, kind, payload in variables:
            for w in range(len(free)):
                if free[w] + bits <= 32:
                    break
            else:
                free.append(0)
                w = len(free) - 1
            placement.append((w, free[w], bits, kind, payload))
            free[w] += bits
        self.num_words = max(1, len(free))
        self.num_bits = sum(free)
        self.f_word.resize(n, -1)
        self.f_shift.resize(n, 0)
        self.f_mask.resize(n, 0)
        self.f_value.resize(n, 0)
        self.bin_mask.resize(self.num_words, 0)
        self.bit_fact.resize(self.num_words * 32, -1)
        self.v_fact_ptr.push_back(0)
        for w, shift, bits, kind, payload in placement:
            if kind == 1:
                self._place(payload, w, shift, 1, 1)
                self.bin_mask[w] |= (1u << shift)
                self.bit_fact[w * 32 + shift] = payload
            else:
                mask = (1 << bits) - 1
                self.v_word.push_back(w)
                self.v_shift.push_back(shift)
                self.v_mask.push_back(mask)
                for k, x in enumerate(payload):
                    self._place(x, w, shift, mask, k + 1)
                    self.v_facts.push_back(x)
                self.v_fact_ptr.push_back(self.v_facts.size())
        for x in range(n):
            if not changing[x] and x in init:
                self.const_true.push_back(x)

    @staticmethod
    def _usable_groups(mutex_groups, changing, init):
        """Disjoint groups of changing facts with at most one true initially.

        Overlapping groups are made disjoint greedily, largest group first
        (a fact joins the first group that takes it); groups of fewer than
        two facts gain nothing and become plain bits. A group violated by the initial state is not a mutex group
        and is ignored rather than trusted.
        """
        taken = set()
        result = []
        for g in sorted(mutex_groups, key=len, reverse=True):
            # `seen` beside the list: a membership test on the list made this
            # quadratic in the group's size (15.6 s of a search's start on a hard
            # floortile task, 1.9 M operators, 4,314 groups; the packing is unchanged)
            members = []
            seen = set()
            for x in g:
                x = int(x)
                if changing[x] and x not in taken and x not in seen:
                    members.append(x)
                    seen.add(x)
            if len(members) < 2 or sum(1 for x in members if x in init) > 1:
                continue
            taken.update(members)
            result.append(tuple(members))
        return result

    cdef void _place(self, int32_t f, int w, int shift, uint32_t mask, uint32_t value):
        self.f_word[f] = w
        self.f_shift[f] = shift
        self.f_mask[f] = mask
        self.f_value[f] = value

    cdef void pack(self, const uint8_t* s, uint32_t* out) noexcept:
        cdef int32_t f, w
        memset(out, 0, self.num_words * sizeof(uint32_t))
        for f in range(self.num_facts):
            w = self.f_word[f]
            if w >= 0 and s[f]:
                out[w] = (out[w] & ~(self.f_mask[f] << self.f_shift[f])) | (
                    self.f_value[f] << self.f_shift[f])

    cdef void unpack(self, const uint32_t* p, uint8_t* out) noexcept:
        cdef int32_t w, v, f
        cdef uint32_t bits, val
        memset(out, 0, self.num_facts)
        for f in self.const_true:
            out[f] = 1
        for v in range(<int32_t>self.v_word.size()):
            val = (p[self.v_word[v]] >> self.v_shift[v]) & self.v_mask[v]
            if val:
                out[self.v_facts[self.v_fact_ptr[v] + val - 1]] = 1
        for w in range(self.num_words):
            bits = p[w] & self.bin_mask[w]
            while bits:
                out[self.bit_fact[w * 32 + _ctz32(bits)]] = 1
                bits &= bits - 1

    cdef void apply_packed(self, CompiledTask t, const uint8_t* parent, uint32_t* p,
                           int32_t op) noexcept:
        """Apply op's effects in place to packed words p (a copy of the parent's).

        Effect conditions are tested on the unpacked parent; deletes go first
        so that adds win.
        """
        cdef int32_t i, j, e
        for i in range(t.del_ptr[op], t.del_ptr[op + 1]):
            self.clear_fact(p, t.dele[i])
        if t.has_conditional:
            for j in range(t.ce_ops_ptr[op], t.ce_ops_ptr[op + 1]):
                e = t.ce_ops[j]
                if t.effect_fires(parent, e):
                    for i in range(t.ce_del_ptr[e], t.ce_del_ptr[e + 1]):
                        self.clear_fact(p, t.ce_del[i])
            for j in range(t.ce_ops_ptr[op], t.ce_ops_ptr[op + 1]):
                e = t.ce_ops[j]
                if t.effect_fires(parent, e):
                    for i in range(t.ce_add_ptr[e], t.ce_add_ptr[e + 1]):
                        self.set_fact(p, t.ce_add[i])
        for i in range(t.add_ptr[op], t.add_ptr[op + 1]):
            self.set_fact(p, t.add[i])

    def roundtrip(self, state):
        """Pack then unpack an iterable of fact ids (for tests)."""
        cdef vector[uint8_t] buf
        cdef vector[uint32_t] words
        buf.resize(self.num_facts, 0)
        words.resize(self.num_words, 0)
        for f in state:
            buf[f] = 1
        self.pack(buf.data(), words.data())
        self.unpack(words.data(), buf.data())
        return frozenset(i for i in range(self.num_facts) if buf[i])


cdef inline uint64_t _hash_words(const uint32_t* p, int n) noexcept:
    cdef uint64_t h = 0x9E3779B97F4A7C15ULL ^ <uint64_t>n
    cdef int i
    for i in range(n):
        h ^= p[i]
        h *= 0xFF51AFD7ED558CCDULL
        h ^= h >> 32
    h ^= h >> 33
    h *= 0xC4CEB9FE1A85EC53ULL
    h ^= h >> 33
    return h


cdef class StateRegistry:
    """All packed states seen, a hash index over them, and per-state data.

    States and their (g, parent, operator) records live in fixed-size chunks
    rather than one growing vector, so growth never copies them and no
    memory sits idle in doubled capacity. Slots hold
    (32-bit hash << 32) | (id + 1), 0 = empty: probing rarely touches the
    words of a non-matching state, and growing the index never rereads a
    state (the home slot is the hash's low bits).
    """

    def __init__(self, int num_words):
        self.num_words = num_words
        self.slots.resize(1024, 0)
        self.mask = 1023
        self.size = 0

    cdef int32_t insert(self, const uint32_t* p, bint* is_new) except -1:
        """Id of the state with words p, adding it (with blank data) if unseen."""
        cdef uint64_t tag = _hash_words(p, self.num_words) >> 32
        cdef uint64_t i = tag & self.mask
        cdef uint64_t slot
        cdef int32_t sid
        while True:
            slot = self.slots[i]
            if slot == 0:
                break
            if (slot >> 32) == tag:
                sid = <int32_t>(slot & 0xFFFFFFFFULL) - 1
                if memcmp(self.state(sid), p, self.num_words * sizeof(uint32_t)) == 0:
                    is_new[0] = False
                    return sid
            i = (i + 1) & self.mask
        if self.size >= 2147483600:
            raise MemoryError("state registry full")
        sid = self.size
        if (sid & ((1 << CHUNK_BITS) - 1)) == 0:
            self.word_chunks.push_back(vector[uint32_t]())
            self.word_chunks.back().reserve(<size_t>self.num_words << CHUNK_BITS)
            self.info_chunks.push_back(vector[StateInfo]())
            self.info_chunks.back().reserve(1 << CHUNK_BITS)
        self.word_chunks.back().insert(self.word_chunks.back().end(), p, p + self.num_words)
        cdef StateInfo blank
        blank.g = 0
        blank.parent = -1
        blank.op = -1
        self.info_chunks.back().push_back(blank)
        self.status.push_back(ST_NEW)
        self.size += 1
        self.slots[i] = (tag << 32) | <uint64_t>(sid + 1)
        if <uint64_t>self.size * 10 > (self.mask + 1) * 7:
            self._grow()
        is_new[0] = True
        return sid

    cdef void _grow(self) except *:
        cdef vector[uint64_t] old
        old.swap(self.slots)
        cdef uint64_t cap = (self.mask + 1) * 2
        self.slots.resize(cap, 0)
        self.mask = cap - 1
        cdef uint64_t slot, i
        for slot in old:
            if slot:
                i = (slot >> 32) & self.mask  # the tag is the hash: no state is reread
                while self.slots[i]:
                    i = (i + 1) & self.mask
                self.slots[i] = slot

    cdef size_t memory_bytes(self) noexcept:
        return (self.word_chunks.size() * (<size_t>self.num_words << CHUNK_BITS) * sizeof(uint32_t)
                + self.info_chunks.size() * (<size_t>1 << CHUNK_BITS) * sizeof(StateInfo)
                + self.slots.capacity() * sizeof(uint64_t) + self.status.capacity())

    cdef list trace(self, int32_t sid):
        """Operator ids on the parent chain from the initial state to sid."""
        plan = []
        while self.info(sid).parent >= 0:
            plan.append(self.info(sid).op)
            sid = self.info(sid).parent
        plan.reverse()
        return plan
