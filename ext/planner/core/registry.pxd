# State storage: the bit packer and the state registry (see registry.pyx).

from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libcpp.vector cimport vector

from planner.core.task cimport CompiledTask


cdef enum:
    ST_NEW = 0       # registered, not yet reached by a path the search accepts
    ST_OPEN = 1
    ST_CLOSED = 2
    ST_DEAD = 3
    CHUNK_BITS = 14  # states per storage chunk = 2**CHUNK_BITS


cdef struct StateInfo:
    int64_t g
    int32_t parent
    int32_t op


cdef class StatePacker:
    cdef readonly int num_facts
    cdef readonly int num_words
    cdef readonly int num_bits
    # per fact: word (-1 = constant, not stored), shift, variable mask, value
    cdef vector[int32_t] f_word
    cdef vector[uint32_t] f_shift, f_mask, f_value
    cdef vector[int32_t] const_true
    # multi-valued variables (mutex groups): word, shift, mask, facts by value-1
    cdef vector[int32_t] v_word, v_shift, v_fact_ptr, v_facts
    cdef vector[uint32_t] v_mask
    # one-bit facts: per word the mask of one-bit positions, and bit -> fact
    cdef vector[uint32_t] bin_mask
    cdef vector[int32_t] bit_fact

    cdef void _place(self, int32_t f, int w, int shift, uint32_t mask, uint32_t value)
    cdef void pack(self, const uint8_t* s, uint32_t* out) noexcept
    cdef void unpack(self, const uint32_t* p, uint8_t* out) noexcept
    cdef void apply_packed(self, CompiledTask t, const uint8_t* parent, uint32_t* p,
                           int32_t op) noexcept

    cdef inline void set_fact(self, uint32_t* p, int32_t f) noexcept:
        cdef int32_t w = self.f_word[f]
        if w >= 0:
            p[w] = (p[w] & ~(self.f_mask[f] << self.f_shift[f])) | (self.f_value[f] << self.f_shift[f])

    cdef inline void clear_fact(self, uint32_t* p, int32_t f) noexcept:
        cdef int32_t w = self.f_word[f]
        if w >= 0 and ((p[w] >> self.f_shift[f]) & self.f_mask[f]) == self.f_value[f]:
            p[w] &= ~(self.f_mask[f] << self.f_shift[f])


cdef class StateRegistry:
    cdef readonly int num_words
    cdef vector[vector[uint32_t]] word_chunks
    cdef vector[vector[StateInfo]] info_chunks
    cdef vector[uint8_t] status
    cdef vector[uint64_t] slots
    cdef uint64_t mask
    cdef readonly int32_t size

    cdef int32_t insert(self, const uint32_t* p, bint* is_new) except -1
    cdef void _grow(self) except *
    cdef size_t memory_bytes(self) noexcept
    cdef list trace(self, int32_t sid)

    cdef inline const uint32_t* state(self, int32_t sid) noexcept:
        return self.word_chunks[sid >> CHUNK_BITS].data() + (
            <size_t>(sid & ((1 << CHUNK_BITS) - 1)) * self.num_words)

    cdef inline StateInfo* info(self, int32_t sid) noexcept:
        return &self.info_chunks[sid >> CHUNK_BITS][sid & ((1 << CHUNK_BITS) - 1)]
