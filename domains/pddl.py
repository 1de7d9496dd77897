"""A tiny PDDL problem writer shared by all instance generators.

Generators build a `Problem` of plain strings and tuples; writing is
centralised here so that every domain gets the same deterministic layout
(object order, fact order and whitespace are exactly what the generator
produced), which is what makes "same seed -> same bytes" easy to guarantee.
"""
from __future__ import annotations

from dataclasses import dataclass, field

Fact = tuple[str, ...]


@dataclass
class Problem:
    """A PDDL problem: typed object groups, initial facts and a conjunctive goal."""

    name: str
    domain: str
    objects: list[tuple[list[str], str | None]] = field(default_factory=list)
    init: list[Fact] = field(default_factory=list)
    goal: list[Fact] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def add_objects(self, names: list[str], type_name: str | None = None) -> list[str]:
        """Declare objects (returned for chaining into fact construction)."""
        self.objects.append((list(names), type_name))
        return names

    def to_pddl(self) -> str:
        """Render as PDDL text; one fact per line so big files stay diffable."""
        lines = [";; " + c if c else ";;" for c in self.comments]
        if lines:
            lines.append("")
        lines.append(f"(define (problem {self.name})")
        lines.append(f" (:domain {self.domain})")
        lines.append(" (:objects")
        for names, type_name in self.objects:
            if names:
                suffix = f" - {type_name}" if type_name else ""
                lines.append("    " + " ".join(names) + suffix)
        lines.append(" )")
        lines.append(" (:init")
        lines.extend("    " + fact_str(f) for f in self.init)
        lines.append(" )")
        lines.append(" (:goal (and")
        lines.extend("    " + fact_str(f) for f in self.goal)
        lines.append(" ))")
        lines.append(")")
        return "\n".join(lines) + "\n"


def fact_str(fact: Fact) -> str:
    """('on', 'b1', 'b2') -> '(on b1 b2)'."""
    return "(" + " ".join(fact) + ")"


def numbered(prefix: str, count: int, start: int = 1) -> list[str]:
    """Object names prefix1..prefixN, the naming scheme the IPC tasks use."""
    return [f"{prefix}{i}" for i in range(start, start + count)]
