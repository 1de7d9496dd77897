"""The `planner` command: one sub-command per module in planner.cli.

Each command module defines `register(subparsers)` and `run(args) -> int`.
User mistakes (PlannerError) become one line on stderr and Fast Downward's
exit code; only real bugs show a traceback (exit 35, driver critical error).
"""
from __future__ import annotations

import argparse
import importlib
import json
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
        module = importlib.import_module(f"planner.cli.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # name the sub-command's usage, not the top level's
            _subparser(parser, args.command).error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exc:  # argparse: usage errors exit 2; map to FD's driver input error
        code = exc.code if isinstance(exc.code, int) else 1
        if code == 2:
            return _failed("--json" in argv, ExitCode.DRIVER_INPUT_ERROR, "usage error (see above)")
        return code
    wants_json = bool(getattr(args, "json", False))
    try:
        return int(args.run(args))
    except PlannerError as err:
        print(f"planner: error: {err}", file=sys.stderr)
        return _failed(wants_json, err.exit_code, str(err))
    except KeyboardInterrupt:
        print("planner: interrupted", file=sys.stderr)
        return _failed(wants_json, EXIT_INTERRUPTED, "interrupted", status="interrupted")
    except RecursionError:
        print("planner: error: input nested too deeply", file=sys.stderr)
        return _failed(wants_json, ExitCode.TRANSLATE_INPUT_ERROR, "input nested too deeply")
    except MemoryError:
        print("planner: error: out of memory", file=sys.stderr)
        return _failed(wants_json, ExitCode.SEARCH_OUT_OF_MEMORY, "out of memory", status="out_of_memory")
    except Exception as err:  # a bug in the planner, not a user mistake
        traceback.print_exc()
        return _failed(wants_json, ExitCode.DRIVER_CRITICAL_ERROR, f"internal error: {type(err).__name__}")


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    for action in parser._subparsers._group_actions:  # noqa: SLF001 - argparse keeps them here
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return action.choices[command]
    return parser


EXIT_INTERRUPTED = 130
"""128 + SIGINT, what a shell reports for a process stopped by Ctrl-C."""


def _failed(wants_json: bool, code: int, message: str, status: str = "error") -> int:
    """The exit code; with --json also one summary object on stdout, so that
    scripts reading stdout get an answer on every exit path."""
    if wants_json:
        print(json.dumps({"status": status, "exit_code": int(code), "error": message}), flush=True)
    return int(code)


def entry_point() -> None:
    sys.exit(main())
