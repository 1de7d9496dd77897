"""Record a kernel program written by hand as an answer to the kernel translation prompt.

The kernel forms of the shipped heuristics come, like their Python forms, from
recorded answers pushed through the real `planner learn` (heuristics/README.md):
heuristics/pools/<domain>/kernel/NN-<name>.md is what the replay endpoint
(planner.llm.replay) serves for the translation request of `planner learn
--kernel-only`. This wraps a kernel program (a .py file with top-level
`prepare` and `h`) into such a recording: a line of provenance and the code in
one Python code block, as an endpoint would answer.

    python -m heuristics.record_kernel heuristics/_kernels/ferry.py          # domain from the file name
    python -m heuristics.record_kernel my_kernel.py --domain ferry --name faster-ferry
    python -m heuristics.build_kernels ferry                                 # then check and store it

The new recording gets the next free number, so it is the last answer served:
build_kernels requests one answer per recording and keeps the fastest whose
values equal the Python form's.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from planner.heuristics.kernel import is_kernel_program

HERE = Path(__file__).resolve().parent
POOLS = HERE / "pools"
PROVENANCE = "written by the project's developers, not sampled from an LLM endpoint"


def answer_text(code: str, domain: str) -> str:
    """The recorded answer: provenance prose, then exactly one code block."""
    fence = "```"
    while fence in code:
        fence += "`"
    return (f"Kernel form of the selected {domain} heuristic, {PROVENANCE}.\n\n"
            f"{fence}python\n{code.rstrip()}\n{fence}\n")


def record(source: Path, domain: str, name: str, pools: Path = POOLS) -> Path:
    """Write pools/<domain>/kernel/NN-<name>.md (NN: one more than the highest
    number there) and return its path."""
    code = source.read_text(encoding="utf-8")
    if not is_kernel_program(code):
        raise SystemExit(f"{source}: not a kernel program (top-level functions prepare(task) and h(state, ...))")
    if not (pools / domain).is_dir():
        raise SystemExit(f"{pools / domain}: no pool for domain {domain!r} (its Python form's recordings)")
    if not re.fullmatch(r"[\w.-]+", name):
        raise SystemExit(f"--name {name!r}: use letters, digits, '.', '_' or '-'")
    folder = pools / domain / "kernel"
    folder.mkdir(exist_ok=True)
    numbers = [int(m.group(1)) for p in folder.glob("*.md") if (m := re.match(r"(\d+)-", p.name))]
    path = folder / f"{max(numbers, default=0) + 1:02d}-{name}.md"
    path.write_text(answer_text(code, domain), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", type=Path, help="kernel program (.py)")
    ap.add_argument("--domain", help="domain (default: the file name without .py)")
    ap.add_argument("--name", default="kernel", help="recording name (default 'kernel')")
    ap.add_argument("--root", type=Path, default=HERE,
                    help="folder holding pools/ (default heuristics/)")
    args = ap.parse_args(argv)
    path = record(args.source, args.domain or args.source.stem, args.name, args.root / "pools")
    print(path.relative_to(HERE.parent) if path.is_relative_to(HERE.parent) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
