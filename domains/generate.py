"""Common front end: `python -m domains.generate DOMAIN [--preset P] [--seed S] [size flags] -o FILE`.

Also runnable as `python domains/generate.py ...` from the repository root.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `import domains` work
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domains import DOMAIN_NAMES, load  # noqa: E402
from domains.cli import add_options, run  # noqa: E402


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
    parser = argparse.ArgumentParser(prog=f"python -m domains.generate {known.domain}")
    add_options(parser, module)
    run(module, parser.parse_args(rest))


if __name__ == "__main__":
    main()
