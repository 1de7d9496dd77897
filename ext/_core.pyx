# distutils: language = c++
# The compiled search core: one extension module, planner._core, assembled
# from the .pxi parts below so that they share cdef classes directly.

include "evaluator.pxi"
include "axioms.pxi"
include "registry.pxi"
include "successor.pxi"
include "openlist.pxi"
include "basic_heuristics.pxi"
include "python_heuristic.pxi"
include "relaxation.pxi"
include "lmcut.pxi"
include "search.pxi"
