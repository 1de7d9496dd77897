# distutils: language = c++
# Breadth-first search: expands states in the order they were first
# generated and tests the goal when a state is generated, so on unit-cost
# tasks its plan is a shortest one and it stops one layer earlier than A*
# with the blind heuristic. Evaluators only prune: a state they call a dead
# end is dropped (the base counts it), so `--heuristic blind` is plain BFS.
#
# Added as one file plus one row of ALGORITHMS in ext/planner/_core.pyx, to
# prove that recipe of ext/README.md.

from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t
from libc.string cimport memcpy
from libcpp.vector cimport vector

from planner.core.openlist cimport NO_OP
from planner.core.registry cimport ST_CLOSED, ST_DEAD, ST_OPEN, StateInfo, StateRegistry
from planner.core.search cimport Search
from planner.core.task cimport CompiledTask

from planner.core.search import STATUS_SOLVED


cdef class BreadthFirstSearch(Search):
    """FIFO expansion with duplicate detection and the goal test at generation."""

    cdef vector[int32_t] queue  # states in generation order
    cdef size_t head           # queue[head:] are not yet expanded

    cdef object initialize(self):
        cdef int32_t sid = self.register_initial()
        if self.evaluate(self.s_buf.data(), False):
            self.set_initial_h(True)
            return self.exhausted()
        self.key_values(self.keys.data())
        self.set_initial_h(False)
        self.progress(0)
        if self.t.is_goal(self.s_buf.data()):
            self.goal_state = sid
            return STATUS_SOLVED
        self.reg.status[sid] = ST_OPEN
        self.queue.push_back(sid)
        return None

    cdef object step(self):
        cdef StateRegistry reg = self.reg
        cdef CompiledTask t = self.t
        cdef int32_t sid, cid, o
        cdef size_t k
        cdef bint is_new
        cdef int nw = self.packer.num_words
        cdef StateInfo* info
        if self.head == self.queue.size():
            return self.exhausted()
        limit = self.check_limits()
        if limit is not None:
            return limit
        sid = self.queue[self.head]
        self.head += 1
        reg.status[sid] = ST_CLOSED
        self.packer.unpack(reg.state(sid), self.s_buf.data())
        self.derive(self.s_buf.data())
        self.expansions += 1
        self.succ.generate(self.s_buf.data(), self.app)
        for k in range(self.app.size()):
            o = self.app[k]
            self.generated += 1
            memcpy(self.p_buf.data(), reg.state(sid), nw * sizeof(uint32_t))
            self.packer.apply_packed(t, self.s_buf.data(), self.p_buf.data(), o)
            cid = reg.insert(self.p_buf.data(), &is_new)
            if not is_new:
                continue
            t.apply_unpacked(self.s_buf.data(), self.c_buf.data(), o)
            self.derive(self.c_buf.data())
            if self.evaluate(self.c_buf.data(), False):
                reg.status[cid] = ST_DEAD
                self.dead_ends += 1
                continue
            info = reg.info(cid)
            info.g = reg.info(sid).g + t.cost[o]
            info.parent = sid
            info.op = o
            self.progress(info.g)
            if t.is_goal(self.c_buf.data()):
                self.goal_state = cid
                return STATUS_SOLVED
            reg.status[cid] = ST_OPEN
            self.queue.push_back(cid)
        return None
