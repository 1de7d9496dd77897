"""`python -m planner.subroutines learn DOMAIN ...` builds a library;
`python -m planner.subroutines show LIBRARY` prints one;
`python -m planner.subroutines ship LIBRARY DOMAIN` copies one beside the
shipped domain heuristics (heuristics/<domain>/), where `--subroutines auto`
finds it when the user has none of their own.

learn: with training tasks given (`learn DOMAIN T1 T2 ...`, as `planner
learn` takes them) the last quarter (at least one) is held out for the gate
and the rest mined; else --mine and --heldout name them, or, with neither,
the easy training folder next to the domain is used (up to 12 tasks from its
middle mined, its 4 last held out). Writes the library where `planner solve
--subroutines auto` finds it (or to --output).
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from planner.errors import PlannerError


def _default_split(domain: Path, n_mine: int, n_heldout: int) -> tuple[list[Path], list[Path]]:
    folder = domain.parent / "training" / "easy"
    tasks = sorted(folder.glob("p*.pddl"))
    if not tasks:
        raise PlannerError(f"no training tasks in {folder}; give --mine and --heldout", path=str(folder))
    # Mining wants plans with structure, the gate wants tasks that take long
    # enough to measure: mine on the middle of the folder, gate on its end.
    heldout = tasks[-n_heldout:]
    rest = tasks[: len(tasks) - n_heldout]
    step = max(1, len(rest) // (2 * n_mine))
    mining = rest[len(rest) // 2 :: step][:n_mine] or rest[:n_mine]
    return mining, heldout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m planner.subroutines", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("learn", help="mine, gate and write a subroutine library")
    p.add_argument("domain", type=Path)
    p.add_argument("tasks", nargs="*", type=Path, help="training tasks (split into mined and held out)")
    p.add_argument("--mine", nargs="*", type=Path, default=None, help="training tasks to mine")
    p.add_argument("--heldout", nargs="*", type=Path, default=None, help="training tasks for the gate")
    p.add_argument("--search", default="lazy-gbfs")
    p.add_argument("--heuristic", default="auto",
                   help="as planner solve --heuristic; the library is keyed by it (default auto, solve's default)")
    p.add_argument("--time-limit", type=float, default=20.0, help="seconds per solve (default 20)")
    p.add_argument("--output", type=Path, default=None, help="library file (default: the per-user cache)")
    s = sub.add_parser("show", help="print a library")
    s.add_argument("library", type=Path)
    sh = sub.add_parser("ship", help="copy a library beside the shipped domain heuristics")
    sh.add_argument("library", type=Path)
    sh.add_argument("domain", type=Path)
    sh.add_argument("--to", type=Path, default=Path("heuristics"),
                    help="the shipped heuristics folder (default heuristics/, the package "
                         "planner.shipped_heuristics)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        if args.command == "show":
            from planner.subroutines.library import read_library, read_usage, usage_anchor

            lib = read_library(args.library)
            print(json.dumps({**lib.to_json(), "usage": read_usage(usage_anchor(lib))}, indent=1, default=str))
            return 0
        if args.command == "ship":
            from planner.subroutines.library import read_library, ship_library

            text = args.domain.read_text(encoding="utf-8")
            lib = read_library(args.library, text)
            if not lib.subroutines:
                raise PlannerError("the library keeps no subroutine: nothing to ship", path=str(args.library))
            print(ship_library(lib, text, args.to))
            return 0
        from planner.subroutines.learn import learn_library

        if args.tasks:
            held = max(1, len(args.tasks) // 4) if len(args.tasks) > 1 else 0
            mining, heldout = list(args.tasks[:len(args.tasks) - held]), list(args.tasks[len(args.tasks) - held:])
        elif args.mine is None or args.heldout is None:
            mining, heldout = _default_split(args.domain, 12, 4)
        else:
            mining, heldout = [], []
        for path in [args.domain, *mining, *heldout, *(args.mine or []), *(args.heldout or [])]:
            if not path.is_file():
                raise PlannerError("file not found", path=str(path))
        report = learn_library(args.domain, args.mine if args.mine is not None else mining,
                               args.heldout if args.heldout is not None else heldout,
                               search=args.search, heuristic=args.heuristic, time_limit=args.time_limit,
                               output=args.output, progress=lambda m: print(m, file=sys.stderr))
        print(json.dumps({"library": str(report.path), "kept": [s.describe() for s in report.library.subroutines],
                          "time": round(report.time, 1)}))
        return 0
    except PlannerError as err:
        print(f"planner: error: {err}", file=sys.stderr)
        return int(err.exit_code)


if __name__ == "__main__":
    sys.exit(main())
