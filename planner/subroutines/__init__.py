"""Subroutines: macro operators mined from our own validated plans.

A subroutine is a lifted macro (planner.subroutines.lifted) whose
precondition, effect and cost are computed by composing its steps
(planner.subroutines.compose). Grounded against a task, its instances are
extra operators of an augmented task (planner.subroutines.instances, a
MacroTask) that the search core searches, preferring macro successors; plans
are expanded back to primitive steps and validated before anyone sees them.

Layer: above planner.search (the fast path is a hook that
planner.search.solve calls; planner.subroutines.solve builds it and is what
`planner.solve`, the CLI and the unified-planning engine call), below
planner.bench, planner.llm and planner.cli. Modules: compose (ground
composition), lifted (the representation), instances (grounding, augmented
task, plan expansion), mining, library (disk cache, usage, retirement),
fastpath, solve, learn (mining + utility gate + writing a library; it calls
solve) and `python -m planner.subroutines learn|show`.
"""
from planner.subroutines.compose import Composite, CompositionError, compose
from planner.subroutines.instances import AugmentedTask, augment
from planner.subroutines.lifted import Subroutine, lift_window

__all__ = ["AugmentedTask", "Composite", "CompositionError", "Subroutine", "augment", "compose",
           "lift_window"]
