# distutils: language = c++
# The search algorithms: one base class holding what every search shares
# (limits, statistics, evaluation, preferred operators, plan tracing,
# progress log, signal checks) and one subclass per way of searching, each
# defining initialize() and step(). STATUSES is the one table of the ways a
# search ends; the table of algorithm names is ALGORITHMS in planner/_core.pyx.
#
# Nothing in the loop allocates a Python object unless a Python heuristic is
# used: states live in the StateRegistry, open-list entries are structs, and
# the evaluator interface passes raw byte pointers.

from cpython.exc cimport PyErr_CheckSignals
from libc.math cimport INFINITY
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdio cimport FILE, fopen, fclose, fscanf
from libc.string cimport memcpy
from libcpp.algorithm cimport sort
from libcpp.vector cimport vector
from posix.resource cimport getrusage, rusage, RUSAGE_SELF
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC
from posix.unistd cimport sysconf, _SC_PAGESIZE

from planner.core.axioms cimport AxiomEvaluator
from planner.core.evaluator cimport Evaluator
from planner.core.openlist cimport AlternationOpenList, BATCH, Entry, NO_OP
from planner.core.registry cimport (ST_CLOSED, ST_DEAD, ST_NEW, ST_OPEN, StateInfo, StatePacker,
                                    StateRegistry)
from planner.core.successor cimport SuccessorGenerator
from planner.core.task cimport CompiledTask, compiled_task

import sys


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


STATUS_SOLVED = "solved"
STATUS_UNSOLVABLE = "unsolvable"
STATUS_INCOMPLETE = "incomplete"
STATUS_OUT_OF_TIME = "out_of_time"
STATUS_OUT_OF_MEMORY = "out_of_memory"

STATUSES = {
    # status -> (Fast Downward exit code, log line at the end of search)
    STATUS_SOLVED: (0, "Solution found!"),
    STATUS_UNSOLVABLE: (11, "Completely explored state space -- no solution!"),
    STATUS_INCOMPLETE: (12, "Search stopped without finding a solution (pruning was not safe)."),
    STATUS_OUT_OF_TIME: (23, "Time limit reached. Abort search."),
    STATUS_OUT_OF_MEMORY: (22, "Memory limit reached."),
}
"""The one table of the ways a search ends (planner.search.SearchStatus
mirrors its keys; a test keeps them equal)."""

cdef int MEMORY_CHECK_INTERVAL = 512
cdef double TICK_SECONDS = 0.002
"""How often the loop looks for signals (SIGINT, or a Python handler's
exception): PyErr_CheckSignals costs ~20 ns, so every 2 ms is free and a
Ctrl-C stops even a fast search within milliseconds."""
cdef double REPORT_SECONDS = 5.0
"""Seconds between periodic progress lines (expansions and rate)."""

VERBOSITY_QUIET = 0
VERBOSITY_PROGRESS = 1


cdef class Search:
    """One search run over one task; construct, call run() once.

    A subclass defines initialize() (register and handle the initial state)
    and step() (one expansion); both return None to go on or a status from
    STATUSES to stop. Everything else -- evaluation with alternation and
    preferred operators, limits, statistics, progress lines, signal checks,
    plan tracing -- is here.
    """

    def __init__(self, task, str algorithm, list evaluators, list preferred=None,
                 bint greedy=True, double weight=1.0, int64_t boost=0, bint lifo=False,
                 reopen=None, double time_limit=INFINITY, double memory_limit_mb=INFINITY,
                 CompiledTask compiled=None, SuccessorGenerator successor=None,
                 bint use_mutexes=True, int verbosity=VERBOSITY_QUIET, macro_first=None,
                 bint type_based=False, uint64_t seed=0, bint batch=True):
        """algorithm: the name it runs under (for logs); greedy: order by h
        alone, else by g + weight*h with ties on h. The ALGORITHMS table in
        planner._core supplies greedy, weight and boost per name.

        macro_first: for a task whose last len(macro_first) operators are
        macro operators (subroutine instances, planner.subroutines), the
        first primitive step of each. Their successors are preferred: in
        greedy and weighted searches they go to the preferred-only lists
        (which then exist even without a preferred-operator heuristic; with
        one, a macro is preferred when the heuristic marks it or its first
        step, Macro-FF's helpful macros), so lazy searches also evaluate them
        lazily, first; in A* (weight 1, not greedy) they only win ties on
        (g + h, h), which leaves A*'s order by g + h, and so its optimality
        with an admissible heuristic, unchanged (a macro's cost is the sum of
        its steps').

        type_based: in greedy searches, one more list in the alternation
        for type-based exploration (openlist.pyx): entries typed by (h, g)
        of the first heuristic, popped from a random type (seeded by
        `seed`). Ignored by A* and weighted searches.

        batch: lazy greedy searches push one batch entry per expanded state
        (LazySearch); False pushes one entry per successor (for tests: the
        same search, entry by entry)."""
        # The time limit counts from here: the set-up below (successor generator,
        # state packer) cannot be interrupted and took 4.4 s on a generated hard
        # floortile task (1.9 M operators); counted from run() it overran the
        # caller's deadline by as much.
        self.created_at = _now()
        preferred = list(preferred or [])
        if not evaluators:
            raise ValueError("a search needs at least one evaluator")
        for ev in evaluators + preferred:
            if not isinstance(ev, Evaluator):
                raise TypeError(f"{ev!r} is not a compiled Evaluator")
        self.algorithm = algorithm
        self.batch_allowed = batch
        self.t = compiled if compiled is not None else compiled_task(task)
        axioms = getattr(self.t.task, "axioms", None)
        self.axioms = AxiomEvaluator(axioms, self.t.num_facts) if axioms is not None and len(axioms) else None
        self.packer = StatePacker(self.t, task.mutex_groups if use_mutexes else ())
        self.succ = successor if successor is not None else SuccessorGenerator(self.t)
        self.greedy = greedy
        self.weight = weight
        if self.weight < 0:
            raise ValueError("weight must be non-negative")
        self.reopen = (not self.greedy) if reopen is None else bool(reopen)
        self.evals = []
        for ev in evaluators + preferred:
            if not any(ev is e for e in self.evals):
                self.evals.append(ev)
        self.n_evals = len(self.evals)
        for ev in evaluators:
            self.key_ev.push_back(next(i for i, e in enumerate(self.evals) if e is ev))
        self.n_key = len(evaluators)
        for e in self.evals:
            self.ev_pref.push_back(any(e is p for p in preferred))
        self.use_pref = len(preferred) > 0
        self.pref_from_heuristics = self.use_pref
        self.first_macro = self.t.num_ops
        self.macro_tiebreak = False
        if macro_first is not None and len(macro_first):
            self.first_macro = self.t.num_ops - len(macro_first)
            if self.first_macro < 0:
                raise ValueError("more macro operators than operators")
            for f in macro_first:
                if not 0 <= f < self.first_macro:
                    raise ValueError(f"macro first step {f} is not a primitive operator")
                self.macro_first.push_back(f)
            if not self.greedy and self.weight == 1.0:
                self.macro_tiebreak = True
            else:
                self.use_pref = True
        self.open = AlternationOpenList(self.n_key, self.n_key if self.use_pref else 0,
                                        boost, lifo, self.greedy)
        self.typed_on = type_based and self.greedy
        if self.typed_on:
            self.open.enable_types(seed)
        shares = [max(1, (<Evaluator>ev).shares) for ev in evaluators]
        if any(x != 1 for x in shares):  # weighted alternation (equal shares are FD's)
            self.open.set_shares(shares)
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
        self.keys.resize(self.n_key, 0.0)
        self.best_h.resize(self.n_key, INFINITY)
        self.initial_h = []
        self.goal_state = -1
        self.verbosity = verbosity
        self.report_f = not greedy and weight == 1.0  # FD reports f layers for A*
        self.last_f = -1.0

    # -- what each algorithm defines -------------------------------------------

    cdef object initialize(self):
        raise NotImplementedError

    cdef object step(self):
        raise NotImplementedError

    # -- evaluation --------------------------------------------------------------

    cdef int evaluate(self, const uint8_t* s, bint want_pref) except -1:
        """Fill hv with every evaluator's value; 1 = dead end (stops early)."""
        cdef int i
        cdef double h
        cdef Evaluator ev
        self.evaluated += 1
        for i in range(self.n_evals):
            ev = <Evaluator>self.evals[i]
            h = ev.evaluate(s, &self.pref if (want_pref and self.ev_pref[i]) else NULL)
            self.heuristic_calls += 1
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
                self.heuristic_calls += 1
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

    cdef int progress(self, int64_t g) except -1:
        """Record new best key-heuristic values (logging them); boost the
        preferred lists on progress, as FD does."""
        cdef bint improved = False
        cdef int j
        cdef double h
        for j in range(self.n_key):
            h = self.hv[self.key_ev[j]]
            if h < self.best_h[j]:
                self.best_h[j] = h
                improved = True
                if self.verbosity >= VERBOSITY_PROGRESS:
                    self._log(f"New best heuristic value for {self._key_name(j)}: {_fmt(h)}\n"
                              f"[g={g}, {self.evaluated} evaluated, {self.expansions} expanded, "
                              f"t={_now() - self.start_time:.3f}s, {peak_memory_kb()} KB]")
        if improved and self.use_pref:
            self.open.boost_preferred()
        return 0

    cdef int push(self, int32_t state, int32_t op, int64_t g, const double* hs,
                  bint preferred) except -1:
        """Insert into every regular list, and the preferred lists if preferred."""
        cdef int j
        cdef double h, k1, k2
        cdef int64_t seq = self.open.next_seq()
        for j in range(self.n_key):
            h = hs[j]
            if self.greedy:
                k1 = h
                k2 = 0.0
            else:
                k1 = g + self.weight * h
                k2 = h
            if preferred and self.macro_tiebreak:
                k2 -= 0.5  # before equal (g + h, h); the order by g + h is unchanged
            self.open.push(j, k1, k2, seq, state, op)
            if preferred and self.use_pref:
                self.open.push(self.n_key + j, k1, k2, seq, state, op)
        if self.typed_on:
            # type (h, g): h of the first heuristic in the high bits, g in the low
            self.open.push_typed((<int64_t>hs[0] << 32) ^ (g & 0xFFFFFFFF), state, op)
        return 0

    cdef void key_values(self, double* out) noexcept:
        cdef int j
        for j in range(self.n_key):
            out[j] = self.hv[self.key_ev[j]]

    cdef int set_initial_h(self, bint dead_end) except -1:
        """Record (and log, as FD does at search start) the initial values."""
        cdef int j
        if dead_end:
            self.initial_h = [INFINITY]
        else:
            self.initial_h = [self.keys[j] for j in range(self.n_key)]
        if self.verbosity >= VERBOSITY_PROGRESS:
            if dead_end:
                self._log("Initial state is a dead end.")
            else:
                for j in range(self.n_key):
                    self._log(f"Initial heuristic value for {self._key_name(j)}: "
                              f"{_fmt(self.keys[j])}")
        return 0

    # -- limits, signals, progress lines ----------------------------------------

    cdef object check_limits(self):
        """Called once per expansion: time, memory (every 512 calls), and
        every TICK_SECONDS signals and the periodic progress line."""
        cdef double now = _now()
        self.steps += 1
        if now > self.deadline:
            return STATUS_OUT_OF_TIME
        if self.memory_limit_kb >= 0 and self.steps % MEMORY_CHECK_INTERVAL == 0:
            if _current_rss_kb() > self.memory_limit_kb:
                return STATUS_OUT_OF_MEMORY
        if now >= self.next_tick:
            self.tick(now)
        return None

    cdef int tick(self, double now) except -1:
        self.next_tick = now + TICK_SECONDS
        try:
            PyErr_CheckSignals()
        except BaseException:
            self.interrupted = True
            raise
        if self.verbosity >= VERBOSITY_PROGRESS and now >= self.next_report:
            self.next_report = now + REPORT_SECONDS
            elapsed = now - self.start_time
            self._log(f"[t={elapsed:.1f}s] {self.expansions} expanded "
                      f"({self.expansions / max(elapsed, 1e-9):.0f}/s), {self.evaluated} evaluated, "
                      f"{self.generated} generated, {self.reg.size} registered, "
                      f"{peak_memory_kb()} KB")
        return 0

    cdef int report_f_layer(self, double f) except -1:
        """FD's "f = N" line whenever A* starts a new f layer."""
        if f > self.last_f:
            self.last_f = f
            if self.verbosity >= VERBOSITY_PROGRESS:
                self._log(f"f = {_fmt(f)} [{self.evaluated} evaluated, {self.expansions} expanded, "
                          f"t={_now() - self.start_time:.3f}s, {peak_memory_kb()} KB]")
        return 0

    def _log(self, str line):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def _key_name(self, int j):
        name = (<Evaluator>self.evals[self.key_ev[j]]).name
        return name if name else type(self.evals[self.key_ev[j]]).__name__

    cdef object exhausted(self):
        return STATUS_INCOMPLETE if self.pruned_unsafe else STATUS_UNSOLVABLE

    # -- shared steps -------------------------------------------------------------

    cdef int32_t register_initial(self) except -2:
        cdef int32_t f
        cdef bint is_new
        for f in self.t.init:
            self.s_buf[f] = 1
        self.derive(self.s_buf.data())
        self.packer.pack(self.s_buf.data(), self.p_buf.data())
        return self.reg.insert(self.p_buf.data(), &is_new)

    cdef void remember_h(self, int32_t sid, const double* hs) except *:
        cdef int j
        if self.reopen:
            if self.state_h.size() < <size_t>(sid + 1) * self.n_key:
                self.state_h.resize(<size_t>(sid + 1) * self.n_key)
            for j in range(self.n_key):
                self.state_h[<size_t>sid * self.n_key + j] = hs[j]

    # -- entry point ----------------------------------------------------------------

    def run(self):
        """Search; returns a dict with status, plan (operator ids) and statistics.

        A signal (Ctrl-C's KeyboardInterrupt, or whatever a Python signal
        handler raises) stops the search within TICK_SECONDS of an
        expansion: the exception propagates with the statistics so far in
        its `search_statistics` attribute (and a log line when verbose).
        """
        self.start_time = _now()
        self.deadline = self.created_at + self.time_limit
        self.next_tick = self.start_time + TICK_SECONDS
        self.next_report = self.start_time + REPORT_SECONDS
        try:
            status = self.initialize()
            while status is None:
                status = self.step()
        except MemoryError:
            status = STATUS_OUT_OF_MEMORY
        except BaseException as exc:
            if not self.interrupted:
                raise
            self.search_time = _now() - self.start_time
            stats = self.statistics()
            if self.verbosity >= VERBOSITY_PROGRESS:
                self._log(f"Search interrupted ({type(exc).__name__}) after "
                          f"{self.search_time:.2f}s: {self.expansions} expanded, "
                          f"{self.evaluated} evaluated, {self.generated} generated.")
            try:
                exc.search_statistics = stats
            except AttributeError:
                pass
            raise
        self.search_time = _now() - self.start_time
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
            "heuristic_calls": self.heuristic_calls,
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
            "interrupted": bool(self.interrupted),
        }


def _fmt(double x):
    return str(int(x)) if x == <double><int64_t>x else str(x)


cdef class EagerSearch(Search):
    """Eager best-first search (GBFS, A*, weighted A*): a state is evaluated
    when generated; preferred operators come from re-evaluating the expanded
    state (storing them per open state would cost memory), as in FD."""

    cdef object initialize(self):
        cdef int32_t sid = self.register_initial()
        if self.evaluate(self.s_buf.data(), False):
            self.set_initial_h(True)
            return self.exhausted()
        self.key_values(self.keys.data())
        self.set_initial_h(False)
        self.progress(0)
        self.reg.status[sid] = ST_OPEN
        self.remember_h(sid, self.keys.data())
        self.push(sid, NO_OP, 0, self.keys.data(), False)
        return None

    cdef object step(self):
        cdef StateRegistry reg = self.reg
        cdef CompiledTask t = self.t
        cdef int32_t sid, cid, o
        cdef size_t k
        cdef bint is_new
        cdef int64_t g, new_g
        cdef int nw = self.packer.num_words
        cdef Entry e
        cdef uint8_t st
        cdef StateInfo* info
        while True:
            if self.open.empty():
                return self.exhausted()
            e = self.open.pop()
            sid = e.state
            if reg.status[sid] == ST_OPEN:
                break
        reg.status[sid] = ST_CLOSED
        self.packer.unpack(reg.state(sid), self.s_buf.data())
        self.derive(self.s_buf.data())
        if t.is_goal(self.s_buf.data()):
            self.goal_state = sid
            return STATUS_SOLVED
        limit = self.check_limits()
        if limit is not None:
            return limit
        if self.report_f:
            self.report_f_layer(e.k1)
        if self.use_pref:
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
                self.derive(self.c_buf.data())
                if self.evaluate(self.c_buf.data(), False):
                    reg.status[cid] = ST_DEAD
                    self.dead_ends += 1
                    continue
                info = reg.info(cid)
                info.g = new_g
                info.parent = sid
                info.op = o
                reg.status[cid] = ST_OPEN
                self.key_values(self.keys.data())
                self.remember_h(cid, self.keys.data())
                self.push(cid, NO_OP, new_g, self.keys.data(), self.preferred_op(o))
                self.progress(new_g)
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
                self.push(cid, NO_OP, new_g, &self.state_h[<size_t>cid * self.n_key],
                          self.preferred_op(o))
        if self.use_pref:
            self.clear_preferred()
        return None


cdef class LazySearch(Search):
    """Lazy search in FD's style (lazy_greedy, lazy_wastar): the open list
    holds (parent, operator) entries, and a state is generated and evaluated
    only when its entry is popped; successors inherit the parent's values.

    Batch entries (greedy searches without macro operators or type-based
    exploration): all successors of a parent have the parent's key, so the
    regular lists get one entry per expanded state, (parent, BATCH), instead
    of one per successor; popping it takes the parent's next successor (its
    applicable operators enumerated again, once per parent and list) and puts
    the entry back at the front of its bucket while successors remain. The
    order of states is the same as with per-successor entries, but an
    expansion costs no enumeration of the successors and 8 bytes of open list
    instead of 8 per successor (a generated hard childsnack task has 6 M
    successors per state: 48 MB per expansion). The preferred-only lists
    still get one entry per preferred successor: the heuristic's preferred
    operators that are applicable, in the successor generator's order.
    `generated` counts the successor states generated from popped entries
    (and the initial state) in this mode, as Fast Downward's lazy search does,
    not the entries pushed."""

    cdef object initialize(self):
        self.batch = (self.batch_allowed and self.greedy and not self.typed_on
                      and self.first_macro == self.t.num_ops)
        if self.batch:
            self.batch_parent.resize(self.n_key, -1)
            self.batch_ops.resize(self.n_key)
            self.b_buf.resize(self.t.num_facts, 0)
            self.generated += 1
        self.current = self.register_initial()
        self.parent = -1
        self.op = NO_OP
        self.g = 0
        self.last_parent = -1
        return STATUS_SOLVED if self.expand_current() else None

    cdef int push_batch(self, int32_t state, const double* hs) except -1:
        """One entry for all successors of state in every regular list (greedy keys)."""
        cdef int j
        cdef int64_t seq = self.open.next_seq()
        for j in range(self.n_key):
            self.open.push(j, hs[j], 0.0, seq, state, BATCH)
        return 0

    cdef int push_preferred_only(self, int32_t state, int32_t op, const double* hs) except -1:
        cdef int j
        cdef int64_t seq = self.open.next_seq()
        for j in range(self.n_key):
            self.open.push(self.n_key + j, hs[j], 0.0, seq, state, op)
        return 0

    cdef vector[int32_t]* successors_of(self, int list_index, int32_t parent) except NULL:
        """The applicable operators of parent, in generate() order, cached per list."""
        cdef vector[int32_t]* ops = &self.batch_ops[list_index]
        if self.batch_parent[list_index] != parent:
            self.packer.unpack(self.reg.state(parent), self.b_buf.data())
            self.derive(self.b_buf.data())
            self.succ.generate(self.b_buf.data(), ops[0])
            self.batch_parent[list_index] = parent
        return ops

    cdef int expand_current(self) except -1:
        """Evaluate the state `current` (in s_buf), reached from `parent` by
        `op` at cost `g`, and expand it; 1 if it is a goal."""
        cdef StateRegistry reg = self.reg
        cdef CompiledTask t = self.t
        cdef int32_t sid = self.current, o
        cdef size_t k
        cdef StateInfo* info = reg.info(sid)
        info.g = self.g
        info.parent = self.parent
        info.op = self.op
        self.pref.clear()
        if self.evaluate(self.s_buf.data(), self.use_pref):
            reg.status[sid] = ST_DEAD
            self.dead_ends += 1
            if self.parent < 0:
                self.set_initial_h(True)
            self.clear_preferred()
            return 0
        if reg.status[sid] == ST_CLOSED:
            self.reopened += 1
        reg.status[sid] = ST_CLOSED
        self.key_values(self.keys.data())
        if self.parent < 0:
            self.set_initial_h(False)
        if t.is_goal(self.s_buf.data()):
            self.goal_state = sid
            return 1
        self.progress(self.g)
        self.mark_preferred()
        if self.batch:
            self.push_batch(sid, self.keys.data())
            if self.use_pref:
                # the applicable preferred operators, each once, in generate() order
                self.pref_sorted.clear()
                for o in self.pref:
                    if 0 <= o < t.num_ops and self.is_pref[o] == 1 and t.applicable(self.s_buf.data(), o):
                        self.is_pref[o] = 2
                        self.pref_sorted.push_back((<int64_t>self.succ.rank[o] << 32) | o)
                sort(self.pref_sorted.begin(), self.pref_sorted.end())
                for k in range(self.pref_sorted.size()):
                    self.push_preferred_only(sid, <int32_t>(self.pref_sorted[k] & 0xFFFFFFFF),
                                             self.keys.data())
        else:
            self.succ.generate(self.s_buf.data(), self.app)
            for k in range(self.app.size()):
                o = self.app[k]
                self.push(sid, o, self.g + t.cost[o], self.keys.data(), self.preferred_op(o))
            self.generated += self.app.size()
        self.expansions += 1
        self.clear_preferred()
        return 0

    cdef object step(self):
        """Fetch the next (parent, operator) entry whose state deserves
        evaluation, then evaluate and expand that state."""
        cdef StateRegistry reg = self.reg
        cdef CompiledTask t = self.t
        cdef int32_t sid
        cdef bint is_new
        cdef int nw = self.packer.num_words
        cdef Entry e
        cdef uint8_t st
        cdef vector[int32_t]* ops
        cdef int64_t c, n
        while True:
            if self.open.empty():
                return self.exhausted()
            limit = self.check_limits()
            if limit is not None:
                return limit
            e = self.open.pop()
            self.parent = e.state
            if e.op <= BATCH:
                c = BATCH - e.op  # successors taken so far
                ops = self.successors_of(self.open.last_list, e.state)
                n = <int64_t>ops.size()
                if c >= n:  # no successors at all
                    self.open.unpop()
                    continue
                self.op = ops[0][n - 1 - c] if self.open.lifo else ops[0][c]
                if c + 1 < n:
                    e.op = <int32_t>(BATCH - (c + 1))
                    self.open.requeue(e)
            else:
                self.op = e.op
            if t.has_conditional and self.parent != self.last_parent:
                self.packer.unpack(reg.state(self.parent), self.par_buf.data())
                self.derive(self.par_buf.data())
                self.last_parent = self.parent
            memcpy(self.p_buf.data(), reg.state(self.parent), nw * sizeof(uint32_t))
            self.packer.apply_packed(t, self.par_buf.data(), self.p_buf.data(), self.op)
            if self.batch:
                self.generated += 1
            sid = reg.insert(self.p_buf.data(), &is_new)
            self.g = reg.info(self.parent).g + t.cost[self.op]
            if not is_new:
                st = reg.status[sid]
                if not (self.reopen and st != ST_DEAD and self.g < reg.info(sid).g):
                    continue
            self.packer.unpack(self.p_buf.data(), self.s_buf.data())
            self.derive(self.s_buf.data())
            break
        self.current = sid
        return STATUS_SOLVED if self.expand_current() else None
