# The search algorithms as classes over one base (see search.pyx).

from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t
from libcpp.vector cimport vector

from planner.core.axioms cimport AxiomEvaluator
from planner.core.openlist cimport AlternationOpenList, Entry
from planner.core.registry cimport StatePacker, StateRegistry
from planner.core.successor cimport SuccessorGenerator
from planner.core.task cimport CompiledTask


cdef class Search:
    # task and search machinery
    cdef CompiledTask t
    cdef AxiomEvaluator axioms        # None without derived predicates

    cdef inline void derive(self, uint8_t* s) noexcept:
        """Recompute s's derived facts from its basic facts (every unpacked state)."""
        if self.axioms is not None:
            self.axioms.evaluate(s)
    cdef readonly StatePacker packer
    cdef readonly SuccessorGenerator succ
    cdef StateRegistry reg
    cdef AlternationOpenList open
    cdef readonly str algorithm
    # evaluators: evals[i] is called once per state; key_ev[j] orders list j
    cdef list evals
    cdef int n_evals
    cdef vector[uint8_t] ev_pref       # evals[i] gives preferred operators
    cdef vector[int32_t] key_ev
    cdef int n_key
    cdef bint use_pref
    # macro operators (subroutine instances) are ids >= first_macro; macro_first[o - first_macro]
    # is the macro's first primitive step (see Search.__init__ and preferred_op)
    cdef int32_t first_macro
    cdef vector[int32_t] macro_first
    cdef bint pref_from_heuristics     # some evaluator gives preferred operators
    cdef bint macro_tiebreak           # A*: macros win ties on (f, h) instead of a preferred list
    cdef bint greedy                   # key h; else g + weight*h, ties on h
    cdef double weight
    cdef bint reopen
    cdef bint typed_on                 # type-based exploration list (greedy searches)
    cdef bint batch_allowed            # lazy greedy search may push batch entries (LazySearch)
    cdef bint pruned_unsafe            # an unsafe evaluator called a state a dead end
    # limits
    cdef double time_limit, start_time, deadline, created_at
    cdef int64_t memory_limit_kb
    cdef int64_t steps
    # statistics
    cdef readonly int64_t expansions, evaluated, heuristic_calls, generated, dead_ends, reopened
    cdef readonly double search_time
    cdef readonly int32_t goal_state
    cdef readonly list initial_h
    cdef vector[double] best_h
    # progress log and signals
    cdef readonly int verbosity
    cdef double next_tick, next_report
    cdef double last_f
    cdef bint report_f
    cdef readonly bint interrupted
    # scratch
    cdef vector[uint8_t] s_buf, c_buf, par_buf
    cdef vector[uint32_t] p_buf
    cdef vector[int32_t] app, pref
    cdef vector[uint8_t] is_pref
    cdef vector[double] hv, keys
    cdef vector[double] state_h  # per state and key evaluator, when reopening needs it

    # what each algorithm defines
    cdef object initialize(self)
    cdef object step(self)

    # the common machinery
    cdef int evaluate(self, const uint8_t* s, bint want_pref) except -1
    cdef int collect_preferred(self, const uint8_t* s) except -1
    cdef void mark_preferred(self) noexcept
    cdef void clear_preferred(self) noexcept

    cdef inline bint preferred_op(self, int32_t o) noexcept:
        """Is the successor by o preferred: the heuristic marked it, or o is
        a macro whose first step the heuristic marked (every macro when no
        evaluator gives preferred operators)."""
        if self.is_pref[o]:
            return True
        if o < self.first_macro:
            return False
        if not self.pref_from_heuristics:
            return True
        return self.is_pref[self.macro_first[o - self.first_macro]] != 0
    cdef int progress(self, int64_t g) except -1
    cdef int push(self, int32_t state, int32_t op, int64_t g, const double* hs,
                  bint preferred) except -1
    cdef void key_values(self, double* out) noexcept
    cdef object check_limits(self)
    cdef int tick(self, double now) except -1
    cdef int report_f_layer(self, double f) except -1
    cdef object exhausted(self)
    cdef int32_t register_initial(self) except -2
    cdef void remember_h(self, int32_t sid, const double* hs) except *
    cdef int set_initial_h(self, bint dead_end) except -1


cdef class EagerSearch(Search):
    pass


cdef class LazySearch(Search):
    cdef int32_t current, parent, last_parent
    cdef int32_t op
    cdef int64_t g
    # batch entries (see LazySearch): on, and per regular list the parent whose
    # applicable operators batch_ops holds
    cdef bint batch
    cdef vector[int32_t] batch_parent
    cdef vector[vector[int32_t]] batch_ops
    cdef vector[int64_t] pref_sorted
    cdef vector[uint8_t] b_buf
    cdef int expand_current(self) except -1
    cdef int push_batch(self, int32_t state, const double* hs) except -1
    cdef int push_preferred_only(self, int32_t state, int32_t op, const double* hs) except -1
    cdef vector[int32_t]* successors_of(self, int list_index, int32_t parent) except NULL
