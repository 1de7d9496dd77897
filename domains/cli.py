"""Command line for the generators, built from each module's PARAMS.

Every size parameter becomes a --flag (underscores become dashes), so the
per-domain entry points and the common `python -m planner.domains.generate DOMAIN`
front end accept exactly the same options.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import ModuleType

from . import PRESET_NAMES, generate_problem


def add_options(parser: argparse.ArgumentParser, module: ModuleType) -> None:
    """--seed, --preset, -o and one flag per size parameter."""
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--preset", choices=PRESET_NAMES, help="IPC-2023-like size class")
    parser.add_argument("-o", "--output", help="output file (default: stdout)")
    for name, default in module.PARAMS.items():
        kind = float if isinstance(default, float) else int
        parser.add_argument(
            "--" + name.replace("_", "-"), dest=name, type=kind, default=None,
            help=f"default {default if default is not None else 'derived'}",
        )


def run(module: ModuleType, args: argparse.Namespace) -> None:
    """Generate and write one problem as the parsed arguments ask."""
    overrides = {name: getattr(args, name) for name in module.PARAMS}
    text = generate_problem(module.DOMAIN_KEY, args.seed, args.preset, **overrides)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)


def domain_main(module: ModuleType, argv: list[str] | None = None) -> None:
    """Entry point of `python -m planner.domains.<name>.generate`."""
    parser = argparse.ArgumentParser(
        prog=f"python -m planner.domains.{module.DOMAIN_KEY}.generate",
        description=(module.__doc__ or "").strip().splitlines()[0],
    )
    add_options(parser, module)
    run(module, parser.parse_args(argv))
