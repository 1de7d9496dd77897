"""Test helper shared by the subroutine tests (not a test module)."""
from __future__ import annotations

from planner.subroutines.compose import compose
from planner.subroutines.instances import AugmentedTask, Instance, _extend


def augment_all_pairs(task) -> AugmentedTask:
    """Every composable pair of operators as a macro: the most a macro set can change."""
    comps, instances = [], []
    for a in range(task.num_operators):
        for b in range(task.num_operators):
            try:
                c = compose(task, [a, b])
            except Exception:
                continue
            if c.has_effect:
                comps.append(c)
                instances.append(Instance(0, (a, b), f"(m{a}-{b})"))
    return AugmentedTask(_extend(task, comps, [i.name for i in instances]), task, (), instances)
