"""The lifted subroutine: typed parameters and steps that name action schemas
with argument indices into the parameters.

A subroutine stores no precondition or effect of its own: those are computed
by composing its steps' ground operators once it is grounded against a task
(planner.subroutines.compose), so nothing hand-written can disagree with the
steps. The step list in canonical form (parameters numbered by first
appearance) is the identity used to count occurrences, cache libraries and
remember rejected candidates.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

Step = tuple[str, tuple[int, ...]]
"""(action schema name, indices of the subroutine's parameters as its arguments)."""


@dataclass(frozen=True)
class Subroutine:
    steps: tuple[Step, ...]
    param_types: tuple[str, ...]
    """The declared type of each parameter (of the first step that uses it)."""
    stats: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Support, occurrences, gate measurements, usage counters: bookkeeping
    that is not part of the identity."""

    def __post_init__(self) -> None:
        if not 1 <= len(self.steps):
            raise ValueError("a subroutine has at least one step")
        used = sorted({i for _, args in self.steps for i in args})
        if used != list(range(len(self.param_types))):
            raise ValueError(f"parameters {used} do not match {len(self.param_types)} declared types")

    @property
    def arity(self) -> int:
        return len(self.param_types)

    @property
    def key(self) -> str:
        """A short stable id of the canonical step list."""
        text = json.dumps([[s, list(a)] for s, a in canonical_steps(self.steps)])
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    @property
    def name(self) -> str:
        """'pick-up+drive' with the key, for logs and macro operator names."""
        return "+".join(s for s, _ in self.steps) + "#" + self.key

    def describe(self) -> str:
        """'(pick-up ?0 ?1 ?2) (drive ?0 ?1 ?3)'."""
        return " ".join("(" + " ".join([s] + [f"?{i}" for i in a]) + ")" for s, a in self.steps)

    def to_json(self) -> dict[str, Any]:
        return {"steps": [[s, list(a)] for s, a in self.steps], "param_types": list(self.param_types),
                "stats": dict(self.stats)}

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> "Subroutine":
        steps = tuple((str(s), tuple(int(i) for i in a)) for s, a in data["steps"])
        return Subroutine(steps, tuple(str(t) for t in data["param_types"]), dict(data.get("stats", {})))

    def with_stats(self, **updates: Any) -> "Subroutine":
        return Subroutine(self.steps, self.param_types, {**self.stats, **updates})


def canonical_steps(steps: Sequence[Step]) -> tuple[Step, ...]:
    """Renumber parameters by first appearance, so that equal windows found
    with different object orders have one identity."""
    order: dict[int, int] = {}
    out = []
    for schema, args in steps:
        new = []
        for a in args:
            if a not in order:
                order[a] = len(order)
            new.append(order[a])
        out.append((schema, tuple(new)))
    return tuple(out)


def lift_window(ground: Sequence[tuple[str, tuple[str, ...]]],
                schema_types: Mapping[str, Sequence[str]] | None = None) -> Subroutine:
    """Lift ground steps [(schema, objects)] by parameter unification: equal
    objects become one parameter, distinct objects distinct parameters
    (numbered by first appearance). Types come from the schemas' declared
    parameter types when given, else 'object'."""
    params: dict[str, int] = {}
    types: list[str] = []
    steps = []
    for schema, objects in ground:
        declared = list(schema_types.get(schema, ())) if schema_types else []
        idx = []
        for pos, obj in enumerate(objects):
            if obj not in params:
                params[obj] = len(params)
                types.append(declared[pos] if pos < len(declared) else "object")
            idx.append(params[obj])
        steps.append((schema, tuple(idx)))
    return Subroutine(tuple(steps), tuple(types))


def schema_parameter_types(domain: Any) -> dict[str, tuple[str, ...]]:
    """Action schema name -> declared parameter types, from a parsed pddl Domain
    (an either-type is written 'either(a,b)')."""
    out: dict[str, tuple[str, ...]] = {}
    for action in domain.actions:
        types = []
        for var in action.parameters:
            tags = sorted(str(t) for t in getattr(var, "type_tags", ()) or ())
            types.append(tags[0] if len(tags) == 1 else ("either(" + ",".join(tags) + ")" if tags else "object"))
        out[str(action.name).lower()] = tuple(types)
    return out
