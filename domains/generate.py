"""Common front end: `python -m planner.domains.generate DOMAIN [--preset P] [--seed S] [size flags] -o FILE`.

(`python -m planner.domains.generate ...` from the repository root runs the same code.)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import DOMAIN_NAMES, load
from .cli import add_options, run


def main(argv: list[str] | None = None) -> None:
    """Pick the domain from the first argument, then parse its own flags."""
    argv = sys.argv[1:] if argv is None else argv
    first = argparse.ArgumentParser(add_help=False)
    first.add_argument("domain", nargs="?", choices=DOMAIN_NAMES)
    known, rest = first.parse_known_args(argv)
    if known.domain is None:
        first.print_usage()
        print("domains: " + ", ".join(DOMAIN_NAMES))
        sys.exit(2)
    module = load(known.domain)
    parser = argparse.ArgumentParser(prog=f"python -m planner.domains.generate {known.domain}")
    add_options(parser, module)
    run(module, parser.parse_args(rest))


if __name__ == "__main__":
    main()
