"""Regenerate the committed example problems: `python -m planner.domains.examples`.

The table below is the record of how every domains/<name>/examples/pNN.pddl
was made (seed and sizes), so the files can be reproduced byte for byte;
tests/test_generators.py checks that they still are.  Sizes are small enough
for a quickstart run of `planner solve` to finish in seconds.
"""
from __future__ import annotations

from pathlib import Path

from . import DOMAIN_NAMES, DOMAINS_DIR, generate_problem

# domain -> sizes of p01, p02, p03; example pNN uses seed NN.
EXAMPLES: dict[str, list[dict]] = {
    "blocksworld": [{"blocks": 4}, {"blocks": 8}, {"blocks": 15}],
    "childsnack": [{"children": 3}, {"children": 5}, {"children": 8}],
    "ferry": [{"cars": 2, "locations": 3}, {"cars": 5, "locations": 6}, {"cars": 10, "locations": 10}],
    "floortile": [{"rows": 2, "columns": 2, "robots": 1}, {"rows": 3, "columns": 3, "robots": 2},
                  {"rows": 3, "columns": 4, "robots": 2}],
    "miconic": [{"passengers": 2, "floors": 4}, {"passengers": 5, "floors": 8},
                {"passengers": 10, "floors": 15}],
    "rovers": [{"rovers": 1, "waypoints": 4, "cameras": 1, "objectives": 1},
               {"rovers": 2, "waypoints": 6, "cameras": 2, "objectives": 3},
               {"rovers": 3, "waypoints": 10, "cameras": 3, "objectives": 6}],
    "satellite": [{"satellites": 1, "instruments": 1, "modes": 1, "directions": 3},
                  {"satellites": 3, "instruments": 5, "modes": 2, "directions": 6},
                  {"satellites": 6, "instruments": 10, "modes": 3, "directions": 10}],
    "sokoban": [{"size": 7, "boxes": 1}, {"size": 9, "boxes": 2}, {"size": 11, "boxes": 3}],
    "spanner": [{"spanners": 1, "nuts": 1, "locations": 3}, {"spanners": 4, "nuts": 2, "locations": 5},
                {"spanners": 8, "nuts": 5, "locations": 8}],
    "transport": [{"vehicles": 1, "packages": 2, "locations": 4, "capacity": 2},
                  {"vehicles": 2, "packages": 5, "locations": 8, "capacity": 2},
                  {"vehicles": 4, "packages": 10, "locations": 12, "capacity": 3}],
}


def example_path(domain: str, number: int) -> Path:
    return DOMAINS_DIR / domain / "examples" / f"p{number:02d}.pddl"


def example_texts() -> dict[Path, str]:
    """Every example file's path and its expected contents."""
    return {example_path(d, n): generate_problem(d, seed=n, **sizes)
            for d in DOMAIN_NAMES for n, sizes in enumerate(EXAMPLES[d], start=1)}


def main() -> None:
    for path, text in example_texts().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(path.relative_to(DOMAINS_DIR.parent))


if __name__ == "__main__":
    main()
