"""Which isolation layers this host can build (for `planner doctor` and the refusal rule).

The check is done the only reliable way: build a jail around a function that
reports what it sees (its uid, pid, whether it can open a file for writing,
create a socket or fork), and read back which layers held.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

from planner.jail import layers as L
from planner.jail.runner import JailLimits, run_jailed

ALL_LAYERS = ("descriptors", "pid_namespace", "ipc_namespace", "net_namespace", "mount_namespace",
              "uts_namespace", "private_mounts", "chroot", "uid", "rlimits", "no_new_privs",
              "seccomp")


@dataclass
class HostReport:
    layers: dict[str, bool] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    probes: dict[str, Any] = field(default_factory=dict)
    """What the jailed probe saw: uid, pid, and which forbidden actions failed."""
    error: str = ""

    @property
    def missing(self) -> list[str]:
        return [name for name in L.REQUIRED if not self.layers.get(name)]

    @property
    def jail_ok(self) -> bool:
        return not self.error and not self.missing and all(
            self.probes.get(k) == "denied" for k in ("write", "socket", "fork"))

    def as_dict(self) -> dict[str, Any]:
        return {"jail_ok": self.jail_ok, "layers": self.layers, "notes": self.notes,
                "probes": self.probes, "missing": self.missing, "error": self.error}


def _probe() -> dict[str, Any]:
    seen: dict[str, Any] = {"uid": os.getuid(), "gid": os.getgid(), "pid": os.getpid()}
    for name, action in (("write", lambda: os.open("/jail-probe", os.O_WRONLY | os.O_CREAT, 0o600)),
                         ("socket", _socket), ("fork", os.fork)):
        try:
            action()
            seen[name] = "allowed"
        except OSError as err:
            seen[name] = "denied"
            seen[f"{name}_errno"] = L.errno_name(err.errno or 0)
    return seen


def _socket() -> None:
    import socket

    socket.socket(socket.AF_INET, socket.SOCK_STREAM)


_cached: HostReport | None = None
_lock = threading.Lock()


def check_host(refresh: bool = False) -> HostReport:
    """Build one jail on this host and report its layers (cached per process)."""
    global _cached
    with _lock:
        if _cached is not None and not refresh:
            return _cached
        report = HostReport()
        ok, why = L.seccomp_available()
        if not ok:
            report.notes["seccomp"] = why
        import socket  # noqa: F401 - imported before the chroot hides the standard library

        result = run_jailed(_probe, JailLimits(wall_seconds=10.0), allow_unjailed=True)
        held = result.layers.get("held", {}) if isinstance(result.layers, dict) else {}
        report.layers = {name: bool(held.get(name)) for name in ALL_LAYERS}
        report.notes.update(result.layers.get("notes", {}) if isinstance(result.layers, dict) else {})
        if result.ok and isinstance(result.value, dict):
            report.probes = result.value
        else:
            report.error = f"the probe child failed: {result.outcome}: {result.detail}"
        _cached = report
        return report
