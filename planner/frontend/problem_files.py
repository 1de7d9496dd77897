"""Finding the domain file for a problem, the way Fast Downward's driver does."""
from __future__ import annotations

from pathlib import Path

from planner.errors import ArgumentError


def domain_candidates(problem: Path) -> list[Path]:
    """FD's guesses, in order: domain.pddl, <stem>-domain.pddl,
    domain_<name>, domain-<name> beside the problem; then, beyond FD, a
    domain.pddl one or two folders up (the IPC layout DOMAIN/training/easy/pNN.pddl)."""
    folder, name = problem.parent, problem.name
    names = ["domain.pddl", f"{problem.stem}-domain.pddl", f"domain_{name}", f"domain-{name}"]
    ancestors = [folder.parent / "domain.pddl", folder.parent.parent / "domain.pddl"]
    return [folder / n for n in names] + ancestors


def resolve_domain(domain: str | Path | None, problem: str | Path) -> Path:
    """The domain file given, or the one guessed from the problem's folder."""
    if domain is not None:
        return Path(domain)
    problem_path = Path(problem)
    for candidate in domain_candidates(problem_path):
        if candidate.is_file() and candidate.resolve() != problem_path.resolve():
            return candidate
    raise ArgumentError(
        f"no domain file given and none found beside {problem_path} (looked for "
        "domain.pddl, <problem>-domain.pddl, domain_<problem>, domain-<problem>); "
        "pass DOMAIN PROBLEM")
