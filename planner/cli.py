"""The `planner` command: one sub-command per module in planner.commands.

Each command module defines `register(subparsers)` and `run(args) -> int`.
User mistakes (PlannerError) become one line on stderr and Fast Downward's
exit code; only real bugs show a traceback (exit 35, driver critical error).
"""
from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from typing import Sequence

from planner import __version__
from planner.errors import PlannerError
from planner.exitcodes import ExitCode

COMMANDS = ("solve", "validate", "ground", "learn", "plan", "bench", "doctor")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planner",
        description="Classical planning with LLM-written heuristics and a compiled search core.",
    )
    parser.add_argument("--version", action="version", version=f"planner {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"planner.commands.{name}")
        module.register(sub)
    return parser


class _ArgumentParserExit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2; map to FD's driver input error
        code = exc.code if isinstance(exc.code, int) else 1
        return int(ExitCode.DRIVER_INPUT_ERROR) if code == 2 else code
    try:
        return int(args.run(args))
    except PlannerError as err:
        print(f"planner: error: {err}", file=sys.stderr)
        return int(err.exit_code)
    except KeyboardInterrupt:
        print("planner: interrupted", file=sys.stderr)
        return 130
    except RecursionError:
        print("planner: error: input nested too deeply", file=sys.stderr)
        return int(ExitCode.TRANSLATE_INPUT_ERROR)
    except MemoryError:
        print("planner: error: out of memory", file=sys.stderr)
        return int(ExitCode.SEARCH_OUT_OF_MEMORY)
    except Exception:  # a bug in the planner, not a user mistake
        traceback.print_exc()
        return int(ExitCode.DRIVER_CRITICAL_ERROR)


def entry_point() -> None:
    sys.exit(main())
