# distutils: language = c++
# Successor generator: finds the applicable operators of a state without
# scanning every operator.
#
# Each operator is filed under one of its positive preconditions, the one
# that is true least often; a state then only inspects the operators filed
# under its true facts (plus those with no positive precondition, which are
# always candidates) and checks their remaining preconditions. How often a
# fact is true is estimated by sampling short random walks from the initial
# state, which captures what mutex reasoning would tell us (holding(a) is
# rarely true, clear(b) often) without needing mutex groups.

from libc.string cimport memset
from libc.stdint cimport int32_t, int64_t, uint8_t, uint64_t
from libcpp.vector cimport vector

from planner.core.task cimport CompiledTask, compiled_task


cdef class SuccessorGenerator:
    """Applicable-operator lookup indexed by a rare precondition per operator."""

    def __init__(self, task, int samples=1000, uint64_t seed=1):
        """task: a GroundTask or its CompiledTask."""
        cdef CompiledTask t = compiled_task(task)
        self.t = t
        self.sampled_states = 0
        cdef vector[int32_t] first_key
        first_key.resize(t.num_ops, -1)
        cdef int32_t o
        for o in range(t.num_ops):
            if t.pre_pos_ptr[o + 1] > t.pre_pos_ptr[o]:
                first_key[o] = t.pre_pos[t.pre_pos_ptr[o]]
        self._build(first_key)
        freq = self._sample_frequencies(samples, seed)
        self._build(self._rarest_keys(freq))

    cdef vector[int32_t] _rarest_keys(self, vector[double]& freq) except *:
        """Per operator, the positive precondition with the lowest estimated
        frequency; ties go to the fact fewer operators need."""
        cdef CompiledTask t = self.t
        cdef vector[int32_t] users
        users.resize(t.num_facts, 0)
        cdef int32_t o, i, f, best
        for i in range(<int32_t>t.pre_pos.size()):
            users[t.pre_pos[i]] += 1
        cdef vector[int32_t] key
        key.resize(t.num_ops, -1)
        for o in range(t.num_ops):
            best = -1
            for i in range(t.pre_pos_ptr[o], t.pre_pos_ptr[o + 1]):
                f = t.pre_pos[i]
                if best < 0 or freq[f] < freq[best] or (
                        freq[f] == freq[best] and users[f] < users[best]):
                    best = f
            key[o] = best
        return key

    cdef void _build(self, vector[int32_t]& key) except *:
        cdef CompiledTask t = self.t
        cdef vector[int32_t] count
        count.resize(t.num_facts, 0)
        cdef int32_t o, f, k
        self.always.clear()
        for o in range(t.num_ops):
            if key[o] < 0:
                self.always.push_back(o)
            else:
                count[key[o]] += 1
        cdef vector[int32_t] slot
        slot.resize(t.num_facts, -1)
        self.keyed.clear()
        self.keyed_ptr.clear()
        self.keyed_ptr.push_back(0)
        for f in range(t.num_facts):
            if count[f]:
                slot[f] = self.keyed.size()
                self.keyed.push_back(f)
                self.keyed_ptr.push_back(self.keyed_ptr.back() + count[f])
        self.keyed_ops.clear()
        self.keyed_ops.resize(self.keyed_ptr.back(), 0)
        cdef vector[int32_t] fill
        fill.resize(self.keyed.size(), 0)
        for o in range(t.num_ops):
            if key[o] >= 0:
                k = slot[key[o]]
                self.keyed_ops[self.keyed_ptr[k] + fill[k]] = o
                fill[k] += 1
        # generate() lists applicable operators in this order: always, then keyed_ops
        self.rank.resize(t.num_ops, 0)
        for k in range(<int32_t>self.always.size()):
            self.rank[self.always[k]] = k
        for k in range(<int32_t>self.keyed_ops.size()):
            self.rank[self.keyed_ops[k]] = <int32_t>self.always.size() + k

    cdef vector[double] _sample_frequencies(self, int samples, uint64_t seed) except *:
        """Fraction of sampled states in which each fact is true.

        Random walks of up to 20 steps restart from the initial state; the
        work is capped so that sampling stays negligible on huge tasks.
        """
        cdef CompiledTask t = self.t
        cdef vector[double] freq
        freq.resize(t.num_facts, 0.0)
        cdef vector[uint8_t] cur, nxt
        cur.resize(t.num_facts, 0)
        nxt.resize(t.num_facts, 0)
        cdef vector[int32_t] app
        app.reserve(t.num_ops)
        cdef int32_t f, step = 0, n = 0
        cdef uint64_t rng = seed * 6364136223846793005ULL + 1442695040888963407ULL
        cdef int64_t work = 0, budget = 20000000
        for f in t.init:
            cur[f] = 1
        while n < samples and work < budget:
            for f in range(t.num_facts):
                if cur[f]:
                    freq[f] += 1.0
            n += 1
            self.generate(cur.data(), app)
            work += t.num_facts + app.size() + self.keyed.size()
            step += 1
            if app.size() == 0 or step >= 20:
                memset(cur.data(), 0, t.num_facts)
                for f in t.init:
                    cur[f] = 1
                step = 0
                continue
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL
            t.apply_unpacked(cur.data(), nxt.data(), app[(rng >> 33) % app.size()])
            cur.swap(nxt)
        self.sampled_states = n
        return freq

    cdef int generate(self, const uint8_t* s, vector[int32_t]& out) except -1:
        """out := the operators applicable in unpacked state s."""
        cdef CompiledTask t = self.t
        cdef int32_t k, j, o
        cdef int32_t nk = self.keyed.size()
        out.clear()
        for o in self.always:
            if t.applicable(s, o):
                out.push_back(o)
        for k in range(nk):
            if s[self.keyed[k]]:
                for j in range(self.keyed_ptr[k], self.keyed_ptr[k + 1]):
                    o = self.keyed_ops[j]
                    if t.applicable(s, o):
                        out.push_back(o)
        return 0

    def applicable_ops(self, state):
        """Sorted applicable operator ids for an iterable of true fact ids."""
        cdef vector[uint8_t] buf
        cdef vector[int32_t] out
        buf.resize(self.t.num_facts, 0)
        for f in state:
            buf[f] = 1
        self.generate(buf.data(), out)
        return sorted(out)

    def candidates_per_state(self, state):
        """How many operators a state makes the generator inspect (for tuning)."""
        n = self.always.size()
        for k in range(self.keyed.size()):
            if self.keyed[k] in state:
                n += self.keyed_ptr[k + 1] - self.keyed_ptr[k]
        return n
