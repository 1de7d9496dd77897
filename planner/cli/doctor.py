"""`planner doctor`: which isolation layers the jail gets on this host.

LLM-written heuristics (`planner plan`, `planner solve --heuristic auto` or
FILE.py, `planner learn`) run only in a jailed child (planner.jail). This
command builds one jail around a probe and reports each layer: the per-job
uid, the PID, IPC, network, mount and UTS namespaces, the chroot, rlimits,
no_new_privs and seccomp, plus what the probe saw (file writes, sockets and
fork denied). Exit 0 when the jail is complete; 37 (FD's "driver
unsupported") when a required layer is missing: then the planner refuses to
run LLM-written code unless given --unsafe-no-jail.
"""
from __future__ import annotations

import argparse
import json
import sys

from planner.exitcodes import ExitCode


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="report which isolation layers the heuristic jail has here",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", action="store_true", help="print the report as one JSON object on stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planner.jail import check_host
    from planner.jail.host import ALL_LAYERS
    from planner.jail.layers import REQUIRED

    report = check_host()
    if args.json:
        print(json.dumps(report.as_dict(), sort_keys=True))
    else:
        out = sys.stdout
        print("Heuristic jail layers on this host:", file=out)
        for name in ALL_LAYERS:
            held = report.layers.get(name, False)
            need = "required" if name in REQUIRED else "extra"
            note = report.notes.get(name, "")
            print(f"  {name:16s} {'yes' if held else 'NO ':3s}  ({need}){'  ' + note if note else ''}",
                  file=out)
        for key in ("write", "socket", "fork"):
            if key in report.probes:
                err = report.probes.get(f"{key}_errno", "")
                print(f"  probe: {key:6s} {report.probes[key]}{' (' + err + ')' if err else ''}", file=out)
        if report.error:
            print(f"  {report.error}", file=out)
        if report.jail_ok:
            print("The jail is complete: LLM-written heuristics run inside it.", file=out)
        else:
            print("The jail cannot be built here (missing: "
                  f"{', '.join(report.missing) or 'a probe was not denied'}); LLM-written heuristics "
                  "are refused unless you pass --unsafe-no-jail and accept that they run with "
                  "your privileges.", file=out)
    return int(ExitCode.SUCCESS if report.jail_ok else ExitCode.DRIVER_UNSUPPORTED)
