# distutils: language = c++
# Heuristics written in Python, called from the compiled search.
#
# Per evaluation the search hands over the unpacked state; we copy it into a
# bytes object (so a StateView stays valid if the heuristic keeps it) and
# call the Python heuristic with a StateView over it. Membership tests by
# fact id, atom tuple or '(pred a b)' string are one dict lookup and a byte
# read. The result is a number, or (number, preferred operators) with
# operators given as ids or names.

from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING
from libc.math cimport isnan
from libc.stdint cimport int32_t, int64_t, uint8_t
from libcpp.vector cimport vector

from planner.core.evaluator cimport Evaluator

from planner.core.evaluator import evaluate_state

import operator as _operator

import numpy as _np


cdef class ViewContext:
    """Per-task lookup tables shared by every StateView of that task."""

    cdef readonly int num_facts
    cdef readonly tuple facts          # fact id -> atom tuple
    cdef readonly tuple fact_names     # fact id -> '(pred a b)'
    cdef readonly dict fact_index      # atom tuple -> fact id
    cdef readonly dict name_index      # '(pred a b)' -> fact id
    cdef readonly frozenset static_atoms
    cdef readonly frozenset static_names
    cdef readonly dict op_index        # operator name -> id
    cdef readonly int num_ops

    def __init__(self, task):
        self.num_facts = task.num_facts
        self.facts = tuple(task.facts)
        self.fact_names = tuple(task.fact_names)
        self.fact_index = dict(task.fact_index)
        self.name_index = {n: i for i, n in enumerate(self.fact_names)}
        static = task.lifted.static_atoms if task.lifted is not None else frozenset()
        self.static_atoms = frozenset(tuple(a) for a in static)
        self.static_names = frozenset("(" + " ".join(a) + ")" for a in self.static_atoms)
        self.op_index = {n: i for i, n in enumerate(task.operators)}
        self.num_ops = task.num_operators


cdef class StateView:
    """A read-only state: `x in state` for fact ids, atom tuples and
    '(pred a b)' strings (static atoms count as true), iteration over the
    true (non-static) atoms, `.ids()`, `.names()` and a numpy `.array`."""

    cdef readonly bytes data
    cdef const uint8_t* ptr
    cdef readonly ViewContext context

    @staticmethod
    cdef StateView wrap(ViewContext ctx, const uint8_t* state):
        cdef StateView v = StateView.__new__(StateView)
        v.context = ctx
        v.data = PyBytes_FromStringAndSize(<const char*>state, ctx.num_facts)
        v.ptr = <const uint8_t*>PyBytes_AS_STRING(v.data)
        return v

    @staticmethod
    def from_ids(ViewContext ctx, ids):
        """A view of the state whose true facts are `ids` (for tests, tools)."""
        cdef vector[uint8_t] buf
        buf.resize(ctx.num_facts, 0)
        for f in ids:
            if not 0 <= f < ctx.num_facts:
                raise ValueError(f"fact id {f} out of range")
            buf[f] = 1
        return StateView.wrap(ctx, buf.data())

    def __contains__(self, x):
        cdef Py_ssize_t f
        if type(x) is int:
            f = x
            return 0 <= f < self.context.num_facts and self.ptr[f] != 0
        if type(x) is tuple:
            fid = self.context.fact_index.get(x)
            if fid is None:
                return x in self.context.static_atoms
            return self.ptr[<Py_ssize_t>fid] != 0
        if type(x) is str:
            fid = self.context.name_index.get(x)
            if fid is None:
                return x in self.context.static_names
            return self.ptr[<Py_ssize_t>fid] != 0
        if isinstance(x, (tuple, list)):
            return self.__contains__(tuple(x))
        if hasattr(x, "__index__"):  # numpy integers and other int-likes
            return self.__contains__(_operator.index(x))
        return False

    def count(self, ids):
        """How many of the given fact ids are true: one C loop, for hot paths
        (pass an int32 numpy array, e.g. TaskView.goal_pos, for full speed)."""
        cdef const int32_t[::1] arr
        cdef Py_ssize_t i, n = 0, f
        cdef int nf = self.context.num_facts
        if isinstance(ids, _np.ndarray) and ids.dtype == _np.int32 and ids.flags.c_contiguous:
            arr = ids
            for i in range(arr.shape[0]):
                f = arr[i]
                if 0 <= f < nf and self.ptr[f]:
                    n += 1
            return n
        for x in ids:
            f = x
            if 0 <= f < nf and self.ptr[f]:
                n += 1
        return n

    def ids(self):
        """Ids of the true facts, ascending."""
        cdef Py_ssize_t i
        return [i for i in range(self.context.num_facts) if self.ptr[i]]

    def atoms(self):
        """The true (non-static) atoms as tuples."""
        cdef Py_ssize_t i
        facts = self.context.facts
        return [facts[i] for i in range(self.context.num_facts) if self.ptr[i]]

    def names(self):
        """frozenset of '(pred a b)' strings of the true (non-static) atoms."""
        cdef Py_ssize_t i
        names = self.context.fact_names
        return frozenset([names[i] for i in range(self.context.num_facts) if self.ptr[i]])

    @property
    def array(self):
        """Read-only numpy uint8 array, one entry per fact (1 = true)."""
        return _np.frombuffer(self.data, dtype=_np.uint8)

    def __iter__(self):
        return iter(self.atoms())

    def __len__(self):
        cdef Py_ssize_t i, n = 0
        for i in range(self.context.num_facts):
            n += self.ptr[i] != 0
        return n

    def __hash__(self):
        return hash(self.data)

    def __eq__(self, other):
        if not isinstance(other, StateView):
            return NotImplemented
        return self.data == (<StateView>other).data

    def __repr__(self):
        return "StateView{" + ", ".join(self.context.fact_names[i] for i in self.ids()) + "}"


cdef class PythonEvaluator(Evaluator):
    """Wraps a Python callable taking a StateView as a compiled Evaluator."""

    cdef readonly object function
    cdef readonly ViewContext context
    cdef readonly int64_t calls
    cdef readonly bint failed
    """True once the function raised or returned an invalid value: a portfolio
    search (planner.search.solve) drops exactly this member and goes on with the others."""

    def __init__(self, function, task, str name="python", bint provides_preferred=True,
                 bint safe=False, ViewContext context=None):
        if not callable(function):
            raise TypeError(f"heuristic {function!r} is not callable")
        self.function = function
        self.context = context if context is not None else ViewContext(task)
        self.name = name
        self.provides_preferred = provides_preferred
        self.is_safe = safe
        self.calls = 0
        self.failed = False

    cdef double evaluate(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0:
        try:
            return self.evaluate_unguarded(state, preferred)
        except Exception:
            self.failed = True
            raise

    cdef double evaluate_unguarded(self, const uint8_t* state, vector[int32_t]* preferred) except? -2.0:
        self.calls += 1
        result = self.function(StateView.wrap(self.context, state))
        if type(result) is int or type(result) is float:
            return self.check_value(result)
        if type(result) is tuple or type(result) is list:
            if len(result) != 2:
                raise TypeError(f"heuristic {self.name} returned a sequence of length "
                                f"{len(result)}; expected h or (h, preferred)")
            if preferred != NULL and result[1] is not None:
                self.add_preferred(result[1], preferred)
            return self.check_value(result[0])
        if result is None:
            raise TypeError(f"heuristic {self.name} returned None; expected a number")
        return self.check_value(result)

    cdef double check_value(self, value) except? -2.0:
        cdef double h
        try:
            h = value
        except TypeError:
            raise TypeError(f"heuristic {self.name} returned {value!r}; expected a number") from None
        if isnan(h) or h < 0:
            raise ValueError(f"heuristic {self.name} returned {value!r}; "
                             "expected a non-negative number or math.inf")
        return h

    cdef int add_preferred(self, ops, vector[int32_t]* out) except -1:
        cdef int64_t o
        op_index = self.context.op_index
        for item in ops:
            if isinstance(item, str):
                oid = op_index.get(item)
                if oid is None:
                    raise ValueError(f"heuristic {self.name}: unknown preferred operator {item!r}")
                out.push_back(oid)
            else:
                o = item
                if not 0 <= o < self.context.num_ops:
                    raise ValueError(f"heuristic {self.name}: operator id {o} out of range")
                out.push_back(o)
        return 0

    def __call__(self, state):
        return evaluate_state(self, self.context.num_facts, state, True)
