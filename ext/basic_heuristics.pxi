# The two heuristics that need no relaxation: blind and goal count.


cdef class _TaskEvaluator(Evaluator):
    """An evaluator holding the goal of a GroundTask, callable from Python."""

    cdef vector[int32_t] goal_pos, goal_neg
    cdef readonly int num_facts

    def __init__(self, task):
        self.num_facts = task.num_facts
        _fill_vec(task.goal_pos, self.goal_pos)
        _fill_vec(task.goal_neg, self.goal_neg)
        self.provides_preferred = False
        self.is_safe = True

    cdef inline int unsatisfied_goals(self, const uint8_t* s) noexcept:
        cdef int n = 0
        cdef int32_t f
        for f in self.goal_pos:
            if not s[f]:
                n += 1
        for f in self.goal_neg:
            if s[f]:
                n += 1
        return n

    def __call__(self, state):
        return evaluate_state(self, self.num_facts, state, False)


cdef class Blind(_TaskEvaluator):
    """0 at goal states, the cheapest operator's cost elsewhere (admissible)."""

    cdef double min_cost

    def __init__(self, task):
        super().__init__(task)
        self.name = "blind"
        costs = _np.asarray(task.cost)
        self.min_cost = float(costs.min()) if costs.size else 0.0

    cdef double evaluate(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0:
        return 0.0 if self.unsatisfied_goals(state) == 0 else self.min_cost


cdef class GoalCount(_TaskEvaluator):
    """Number of goal facts not yet satisfied (not admissible in general)."""

    def __init__(self, task):
        super().__init__(task)
        self.name = "goalcount"

    cdef double evaluate(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0:
        return <double>self.unsatisfied_goals(state)


def evaluate_state(Evaluator evaluator, int num_facts, state, bint want_preferred=True):
    """Evaluate any compiled evaluator on an iterable of true fact ids.

    Returns (h, sorted preferred operator ids); h is math.inf for dead ends.
    Meant for tests and debugging: the search calls evaluate() directly.
    """
    cdef vector[uint8_t] buf
    cdef vector[int32_t] pref
    buf.resize(num_facts, 0)
    for f in state:
        if f < 0 or f >= num_facts:
            raise ValueError(f"fact id {f} out of range")
        buf[f] = 1
    cdef double h = evaluator.evaluate(buf.data(), &pref if want_preferred else NULL)
    return h, sorted(set(pref))
