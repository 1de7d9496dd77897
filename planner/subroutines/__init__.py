"""Subroutines: macro operators mined from our own validated plans.

A subroutine is a lifted macro (planner.subroutines.lifted) whose
precondition, effect and cost are computed by composing its steps
(planner.subroutines.compose). Grounded against a task, its instances are
extra operators of an augmented task (planner.subroutines.instances) that the
unchanged search core searches; plans are expanded back to primitive steps and
validated before anyone sees them.
"""
from planner.subroutines.compose import Composite, CompositionError, compose
from planner.subroutines.instances import AugmentedTask, augment
from planner.subroutines.lifted import Subroutine, lift_window

__all__ = ["AugmentedTask", "Composite", "CompositionError", "Subroutine", "augment", "compose",
           "lift_window"]
