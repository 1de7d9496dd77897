# The search algorithms: eager best-first search (GBFS, A*, weighted A*) and
# lazy GBFS / weighted A* in Fast Downward's style, with preferred operators,
# alternation open lists, and time and memory limits checked in the loop.
#
# Nothing in the loop allocates a Python object unless a Python heuristic is
# used: states live in the StateRegistry, open-list entries are structs, and
# the evaluator interface passes raw byte pointers.

from libc.stdio cimport FILE, fopen, fclose, fscanf
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC
from posix.resource cimport getrusage, rusage, RUSAGE_SELF
from posix.unistd cimport sysconf, _SC_PAGESIZE


cdef double _now() noexcept:
    cdef timespec ts
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return ts.tv_sec + ts.tv_nsec * 1e-9


cdef int64_t _current_rss_kb() noexcept:
    """Resident set size now (Linux /proc), else the peak from getrusage."""
    cdef FILE* fp = fopen(b"/proc/self/statm", b"r")
    cdef long size = 0, resident = 0
    cdef rusage ru
    if fp != NULL:
        if fscanf(fp, b"%ld %ld", &size, &resident) == 2:
            fclose(fp)
            return <int64_t>resident * (sysconf(_SC_PAGESIZE) // 1024)
        fclose(fp)
    getrusage(RUSAGE_SELF, &ru)
    return ru.ru_maxrss


def peak_memory_kb():
    """Peak resident memory of this process in KiB (what FD reports)."""
    cdef rusage ru
    getrusage(RUSAGE_SELF, &ru)
    return ru.ru_maxrss


cdef enum:
    MODE_GREEDY = 0   # key h
    MODE_WEIGHTED = 1  # key g + w*h, ties on h

STATUS_SOLVED = "solved"
STATUS_UNSOLVABLE = "unsolvable"
STATUS_INCOMPLETE = "incomplete"
STATUS_OUT_OF_TIME = "out_of_time"
STATUS_OUT_OF_MEMORY = "out_of_memory"

cdef int MEMORY_CHECK_INTERVAL = 512


cdef class SearchEngine:
    """One search run over one task; construct, call run() once."""

    cdef CompiledTask t
    cdef readonly StatePacker packer
    cdef readonly SuccessorGenerator succ
    cdef StateRegistry reg
    cdef AlternationOpenList open
    cdef list evals
    cdef int n_evals
    cdef vector[uint8_t] ev_pref
    cdef vector[int32_t] key_ev
    cdef int n_key
    cdef bint use_pref
    cdef bint lazy
    cdef int mode
    cdef double weight
    cdef bint reopen
    cdef double time_limit
    cdef double deadline
    cdef int64_t memory_limit_kb
    cdef bint pruned_unsafe
    cdef bint any_unsafe
    cdef readonly int64_t expansions, evaluations, evaluated, generated, dead_ends, reopened
    cdef readonly double search_time
    cdef readonly int32_t goal_state
    cdef vector[double] best_h
    cdef readonly list initial_h
    cdef vector[uint8_t] s_buf, c_buf, par_buf
    cdef vector[uint32_t] p_buf
    cdef vector[int32_t] app, pref
    cdef vector[uint8_t] is_pref
    cdef vector[double] hv
    cdef vector[double] state_h  # per state and key evaluator, when reopening needs it

    def __init__(self, task, str algorithm, list evaluators, list preferred=None,
                 double weight=1.0, boost=None, bint lifo=False, reopen=None,
                 double time_limit=INFINITY, double memory_limit_mb=INFINITY,
                 CompiledTask compiled=None, SuccessorGenerator successor=None,
                 bint use_mutexes=True):
        preferred = list(preferred or [])
        if algorithm not in ("gbfs", "lazy-gbfs", "astar", "wastar", "lazy-wastar"):
            raise ValueError(f"unknown search algorithm {algorithm!r}")
        if not evaluators:
            raise ValueError("a search needs at least one evaluator")
        for ev in evaluators + preferred:
            if not isinstance(ev, Evaluator):
                raise TypeError(f"{ev!r} is not a compiled Evaluator")
        self.t = compiled if compiled is not None else CompiledTask(task)
        self.packer = StatePacker(self.t, task.mutex_groups if use_mutexes else ())
        self.succ = successor if successor is not None else SuccessorGenerator(self.t)
        self.lazy = algorithm.startswith("lazy")
        self.mode = MODE_GREEDY if algorithm.endswith("gbfs") else MODE_WEIGHTED
        self.weight = 1.0 if algorithm == "astar" else weight
        if self.weight < 0:
            raise ValueError("weight must be non-negative")
        self.reopen = (self.mode == MODE_WEIGHTED) if reopen is None else bool(reopen)
        self.evals = []
        for ev in evaluators + preferred:
            if not any(ev is e for e in self.evals):
                self.evals.append(ev)
        self.n_evals = len(self.evals)
        self.any_unsafe = any(not (<Evaluator>e).is_safe for e in self.evals)
        for ev in evaluators:
            self.key_ev.push_back(next(i for i, e in enumerate(self.evals) if e is ev))
        self.n_key = len(evaluators)
        for e in self.evals:
            self.ev_pref.push_back(any(e is p for p in preferred))
        self.use_pref = len(preferred) > 0
        if boost is None:
            boost = 1000 if self.lazy else 0  # FD's lazy_greedy / eager_greedy defaults
        self.open = AlternationOpenList(self.n_key, self.n_key if self.use_pref else 0,
                                        boost, lifo, self.mode == MODE_GREEDY)
        self.reg = StateRegistry(self.packer.num_words)
        self.time_limit = time_limit
        self.memory_limit_kb = <int64_t>(memory_limit_mb * 1024) if memory_limit_mb < 1e15 else -1
        n = self.t.num_facts
        self.s_buf.resize(n, 0)
        self.c_buf.resize(n, 0)
        self.par_buf.resize(n, 0)
        self.p_buf.resize(self.packer.num_words, 0)
        self.app.reserve(self.t.num_ops)
        self.is_pref.resize(self.t.num_ops, 0)
        self.hv.resize(self.n_evals, 0.0)
        self.best_h.resize(self.n_key, INFINITY)
        self.initial_h = []
        self.goal_state = -1

    # -- helpers ---------------------------------------------------------------

    cdef int evaluate(self, const uint8_t* s, bint want_pref) except -1:
        """Fill hv with every evaluator's value; 1 = dead end (stops early)."""
        cdef int i
        cdef double h
        cdef Evaluator ev
        self.evaluated += 1
        for i in range(self.n_evals):
            ev = <Evaluator>self.evals[i]
            h = ev.evaluate(s, &self.pref if (want_pref and self.ev_pref[i]) else NULL)
            self.evaluations += 1
            if h == INFINITY:
                if not ev.is_safe:
                    self.pruned_unsafe = True
                return 1
            self.hv[i] = h
        return 0

    cdef int collect_preferred(self, const uint8_t* s) except -1:
        """Run only the preferred-operator evaluators, filling pref."""
        cdef int i
        cdef Evaluator ev
        self.pref.clear()
        for i in range(self.n_evals):
            if self.ev_pref[i]:
                ev = <Evaluator>self.evals[i]
                ev.evaluate(s, &self.pref)
                self.evaluations += 1
        return 0

    cdef void mark_preferred(self) noexcept:
        cdef int32_t o
        for o in self.pref:
            if 0 <= o < self.t.num_ops:
                self.is_pref[o] = 1

    cdef void clear_preferred(self) noexcept:
        cdef int32_t o
        for o in self.pref:
            if 0 <= o < self.t.num_ops:
                self.is_pref[o] = 0
        self.pref.clear()

    cdef bint progress(self) noexcept:
        """Record new best key-heuristic values; boost preferred lists on progress."""
        cdef bint improved = False
        cdef int j
        cdef double h
        for j in range(self.n_key):
            h = self.hv[self.key_ev[j]]
            if h < self.best_h[j]:
                self.best_h[j] = h
                improved = True
        if improved and self.use_pref:
            self.open.boost_preferred()
        return improved

    cdef int push(self, int32_t a, int32_t b, int64_t g, const double* hs, bint preferred) except -1:
        """Insert into every regular list, and the preferred lists if preferred."""
        cdef int j
        cdef double h, k1, k2
        cdef int64_t seq = self.open.next_seq()
        for j in range(self.n_key):
            h = hs[j]
            if self.mode == MODE_GREEDY:
                k1 = h
                k2 = 0.0
            else:
                k1 = g + self.weight * h
                k2 = h
            self.open.push(j, k1, k2, seq, a, b)
            if preferred:
                self.open.push(self.n_key + j, k1, k2, seq, a, b)
        return 0

    cdef void key_values(self, double* out) noexcept:
        cdef int j
        for j in range(self.n_key):
            out[j] = self.hv[self.key_ev[j]]

    cdef object check_limits(self, int64_t step):
        if _now() > self.deadline:
            return STATUS_OUT_OF_TIME
        if self.memory_limit_kb >= 0 and step % MEMORY_CHECK_INTERVAL == 0:
            if _current_rss_kb() > self.memory_limit_kb:
                return STATUS_OUT_OF_MEMORY
        return None

    cdef object exhausted(self):
        return STATUS_INCOMPLETE if self.pruned_unsafe else STATUS_UNSOLVABLE

    # -- entry point -------------------------------------------------------------

    def run(self):
        """Search; returns a dict with status, plan (operator ids) and statistics."""
        cdef double start = _now()
        self.deadline = start + self.time_limit
        try:
            status = self.run_lazy() if self.lazy else self.run_eager()
        except MemoryError:
            status = STATUS_OUT_OF_MEMORY
        self.search_time = _now() - start
        plan = None
        cost = None
        if status == STATUS_SOLVED:
            plan = self.reg.trace(self.goal_state)
            cost = sum(self.t.cost[o] for o in plan)
        return {"status": status, "plan": plan, "cost": cost, "statistics": self.statistics()}

    def statistics(self):
        reg_bytes = self.reg.memory_bytes()
        return {
            "expansions": self.expansions,
            "evaluations": self.evaluated,
            "heuristic_calls": self.evaluations,
            "generated": self.generated,
            "dead_ends": self.dead_ends,
            "reopened": self.reopened,
            "registered_states": self.reg.size,
            "initial_h": list(self.initial_h),
            "search_time": self.search_time,
            "registry_bytes": reg_bytes,
            "bytes_per_state": reg_bytes / self.reg.size if self.reg.size else 0.0,
            "open_list_bytes": self.open.memory_bytes(),
            "state_words": self.packer.num_words,
            "state_bits": self.packer.num_bits,
        }

    cdef int32_t register_initial(self) except -2:
        cdef int32_t f
        cdef bint is_new
        for f in self.t.init:
            self.s_buf[f] = 1
        self.packer.pack(self.s_buf.data(), self.p_buf.data())
        return self.reg.insert(self.p_buf.data(), &is_new)

    cdef void remember_h(self, int32_t sid, const double* hs) except *:
        cdef int j
        if self.reopen:
            if self.state_h.size() < <size_t>(sid + 1) * self.n_key:
                self.state_h.resize(<size_t>(sid + 1) * self.n_key)
            for j in range(self.n_key):
                self.state_h[<size_t>sid * self.n_key + j] = hs[j]

    # -- eager search ------------------------------------------------------------

    cdef object run_eager(self):
        cdef StateRegistry reg = self.reg
        cdef CompiledTask t = self.t
        cdef int32_t sid, cid, o
        cdef size_t k
        cdef bint is_new
        cdef int64_t g, new_g, step = 0
        cdef int nw = self.packer.num_words
        cdef Entry e
        cdef uint8_t st
        cdef StateInfo* info
        cdef vector[double] keys
        keys.resize(self.n_key, 0.0)

        sid = self.register_initial()
        if self.evaluate(self.s_buf.data(), False):
            self.initial_h = [INFINITY]
            return self.exhausted()
        self.key_values(keys.data())
        self.initial_h = [keys[j] for j in range(self.n_key)]
        self.progress()
        reg.status[sid] = ST_OPEN
        self.remember_h(sid, keys.data())
        self.push(sid, -1, 0, keys.data(), False)

        while True:
            if self.open.empty():
                return self.exhausted()
            e = self.open.pop()
            sid = e.a
            if reg.status[sid] != ST_OPEN:
                continue
            reg.status[sid] = ST_CLOSED
            self.packer.unpack(reg.state(sid), self.s_buf.data())
            if t.axioms is not None:
                t.axioms.evaluate(self.s_buf.data())
            if t.is_goal(self.s_buf.data()):
                self.goal_state = sid
                return STATUS_SOLVED
            step += 1
            limit = self.check_limits(step)
            if limit is not None:
                return limit
            if self.use_pref:
                # like FD: preferred operators come from re-evaluating the
                # expanded state, since storing them per open state costs memory
                self.collect_preferred(self.s_buf.data())
                self.mark_preferred()
            self.expansions += 1
            self.succ.generate(self.s_buf.data(), self.app)
            g = reg.info(sid).g
            for k in range(self.app.size()):
                o = self.app[k]
                self.generated += 1
                memcpy(self.p_buf.data(), reg.state(sid), nw * sizeof(uint32_t))
                self.packer.apply_packed(t, self.s_buf.data(), self.p_buf.data(), o)
                cid = reg.insert(self.p_buf.data(), &is_new)
                new_g = g + t.cost[o]
                if is_new:
                    t.apply_unpacked(self.s_buf.data(), self.c_buf.data(), o)
                    if self.evaluate(self.c_buf.data(), False):
                        reg.status[cid] = ST_DEAD
                        self.dead_ends += 1
                        continue
                    info = reg.info(cid)
                    info.g = new_g
                    info.parent = sid
                    info.op = o
                    reg.status[cid] = ST_OPEN
                    self.key_values(keys.data())
                    self.remember_h(cid, keys.data())
                    self.push(cid, -1, new_g, keys.data(), self.is_pref[o])
                    self.progress()
                    continue
                st = reg.status[cid]
                info = reg.info(cid)
                if st == ST_DEAD or new_g >= info.g:
                    continue
                info.g = new_g
                info.parent = sid
                info.op = o
                if self.reopen:
                    if st == ST_CLOSED:
                        self.reopened += 1
                    reg.status[cid] = ST_OPEN
                    self.push(cid, -1, new_g, &self.state_h[<size_t>cid * self.n_key],
                              self.is_pref[o])
            if self.use_pref:
                self.clear_preferred()

    # -- lazy search -------------------------------------------------------------

    cdef object run_lazy(self):
        cdef StateRegistry reg = self.reg
        cdef CompiledTask t = self.t
        cdef int32_t sid, parent = -1, o = -1, last_parent = -1
        cdef size_t k
        cdef bint is_new
        cdef int64_t g = 0, step = 0
        cdef int nw = self.packer.num_words
        cdef Entry e
        cdef uint8_t st
        cdef StateInfo* info
        cdef vector[double] keys
        keys.resize(self.n_key, 0.0)

        sid = self.register_initial()
        while True:
            # sid is a state reached by (parent, o) at cost g, accepted for evaluation
            info = reg.info(sid)
            info.g = g
            info.parent = parent
            info.op = o
            self.pref.clear()
            if self.evaluate(self.s_buf.data(), self.use_pref):
                reg.status[sid] = ST_DEAD
                self.dead_ends += 1
                if parent < 0:
                    self.initial_h = [INFINITY]
                self.clear_preferred()
            else:
                if reg.status[sid] == ST_CLOSED:
                    self.reopened += 1
                reg.status[sid] = ST_CLOSED
                self.key_values(keys.data())
                if parent < 0:
                    self.initial_h = [keys[j] for j in range(self.n_key)]
                if t.is_goal(self.s_buf.data()):
                    self.goal_state = sid
                    return STATUS_SOLVED
                self.progress()
                self.mark_preferred()
                self.succ.generate(self.s_buf.data(), self.app)
                for k in range(self.app.size()):
                    o = self.app[k]
                    self.push(sid, o, g + t.cost[o], keys.data(), self.is_pref[o])
                self.generated += self.app.size()
                self.expansions += 1
                self.clear_preferred()
            # fetch the next (parent, operator) pair whose state deserves evaluation
            while True:
                if self.open.empty():
                    return self.exhausted()
                step += 1
                limit = self.check_limits(step)
                if limit is not None:
                    return limit
                e = self.open.pop()
                parent = e.a
                o = e.b
                if t.has_conditional and parent != last_parent:
                    self.packer.unpack(reg.state(parent), self.par_buf.data())
                    if t.axioms is not None:
                        t.axioms.evaluate(self.par_buf.data())
                    last_parent = parent
                memcpy(self.p_buf.data(), reg.state(parent), nw * sizeof(uint32_t))
                self.packer.apply_packed(t, self.par_buf.data(), self.p_buf.data(), o)
                sid = reg.insert(self.p_buf.data(), &is_new)
                g = reg.info(parent).g + t.cost[o]
                if not is_new:
                    st = reg.status[sid]
                    if not (self.reopen and st != ST_DEAD and g < reg.info(sid).g):
                        continue
                self.packer.unpack(self.p_buf.data(), self.s_buf.data())
                if t.axioms is not None:
                    t.axioms.evaluate(self.s_buf.data())
                break
