"""Subroutine libraries on disk.

One JSON file per (domain, search configuration, heuristic configuration),
named by the canonical domain fingerprint and a hash of the configuration,
and carrying a format version: a library measured under one configuration
says nothing about another (the gate's verdict depends on the heuristic), and
an edited domain invalidates it. A file whose version, fingerprint or
configuration does not match, or that does not parse, is ignored (with a
warning) and the next `learn` rebuilds it.

Writes go through planner.atomic (readers see the old or the new file, never
half of one). Usage counters live in a sidecar `<library>.usage.json`
updated under an exclusive lock (fcntl) with a read-modify-write, so
concurrent solves add up instead of overwriting each other, and a library
shipped read-only can still be counted in the user's folder. A subroutine
that stops paying is retired: after at least RETIRE_AFTER fast paths in which
it was active, when it was never used in a plan or the fast path failed in
more than half of them. Retired subroutines are no longer loaded; the usage
file records when and why.

Location: $PLANNER_SUBROUTINES_DIR, else the per-user cache folder
(platformdirs), e.g. ~/.cache/planner/subroutines.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from planner.util.atomic import atomic_write_text
from planner.errors import ArgumentError
from planner.heuristics.format import domain_fingerprint  # the canonical one heuristics are stored by
from planner.subroutines.lifted import Subroutine

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
RETIRE_AFTER = 10
MAX_PER_DOMAIN = 5


def config_key(search: str, heuristic: Any) -> dict[str, str]:
    """The configuration a library was measured under (normalised spelling)."""
    h = heuristic if isinstance(heuristic, str) else getattr(heuristic, "__name__", type(heuristic).__name__)
    return {"search": str(search).strip().lower(), "heuristic": str(h).strip().lower()}


def library_dir() -> Path:
    env = os.environ.get("PLANNER_SUBROUTINES_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("planner")) / "subroutines"


def _domain_name(text: str) -> str:
    match = re.search(r"\(\s*domain\s+([^\s()]+)", text, re.IGNORECASE)
    return match.group(1).lower() if match else "unknown"


def library_path(domain_text: str, search: str, heuristic: Any, root: Path | None = None) -> Path:
    cfg = json.dumps(config_key(search, heuristic), sort_keys=True)
    cfg_hash = hashlib.sha256(f"{FORMAT_VERSION}:{cfg}".encode()).hexdigest()[:8]
    name = f"{_domain_name(domain_text)}-{domain_fingerprint(domain_text)[:16]}-{cfg_hash}.json"
    return (root or library_dir()) / name


@dataclass
class Library:
    domain_fingerprint: str
    config: dict[str, str]
    subroutines: list[Subroutine]
    """Active subroutines (at most MAX_PER_DOMAIN), best first."""
    rejected: list[dict[str, str]] = field(default_factory=list)
    """{"subroutine": describe(), "reason": ...}: candidates the miner or the
    gate turned down, so that a rebuild can report them."""
    meta: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT_VERSION, "domain_fingerprint": self.domain_fingerprint,
                "config": self.config, "subroutines": [s.to_json() for s in self.subroutines],
                "rejected": self.rejected, "meta": self.meta}

    def write(self, path: str | Path) -> Path:
        path = Path(path)
        atomic_write_text(path, json.dumps(self.to_json(), indent=1, sort_keys=True, default=str) + "\n")
        self.path = path
        return path


class LibraryError(ArgumentError):
    """A library file the user named cannot be used (the message says why)."""


def read_library(path: str | Path, domain_text: str | None = None,
                 config: Mapping[str, str] | None = None) -> Library:
    """Parse and check a library file; LibraryError names the file and problem."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise LibraryError(f"cannot read subroutine library: {err.strerror}", path=str(path)) from None
    except (ValueError, UnicodeDecodeError) as err:
        raise LibraryError(f"not a subroutine library (invalid JSON: {err})", path=str(path)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
        found = data.get("format") if isinstance(data, dict) else None
        raise LibraryError(f"subroutine library format {found!r}, expected {FORMAT_VERSION}",
                           path=str(path))
    if domain_text is not None and data.get("domain_fingerprint") != domain_fingerprint(domain_text):
        raise LibraryError("subroutine library is for another domain (fingerprint differs)",
                           path=str(path))
    if config is not None and data.get("config") != dict(config):
        raise LibraryError(f"subroutine library was measured with {data.get('config')}, "
                           f"not {dict(config)}", path=str(path))
    try:
        subs = [Subroutine.from_json(s) for s in data.get("subroutines", [])]
    except (KeyError, TypeError, ValueError) as err:
        raise LibraryError(f"malformed subroutine: {err}", path=str(path)) from None
    return Library(str(data.get("domain_fingerprint")), dict(data.get("config") or {}), subs,
                   list(data.get("rejected", [])), dict(data.get("meta", {})), path)


def find_library(domain_text: str, search: str, heuristic: Any, root: Path | None = None) -> Library | None:
    """The stored library for this domain and configuration; None when there
    is none or it is corrupt or stale (then logged: the next learn rebuilds it)."""
    path = library_path(domain_text, search, heuristic, root)
    if not path.is_file():
        return None
    try:
        return read_library(path, domain_text, config_key(search, heuristic))
    except LibraryError as err:
        log.warning("ignoring %s", err)
        return None


# --- usage counters and retirement ---------------------------------------

def usage_path(library: Path) -> Path:
    return library.with_name(library.name + ".usage.json")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def read_usage(library: Path) -> dict[str, dict[str, Any]]:
    """Subroutine key -> counters; {} when missing or corrupt."""
    try:
        data = json.loads(usage_path(library).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def record_usage(library: Path, subroutines: Sequence[Subroutine], info: Mapping[str, Any]) -> None:
    """Count one fast path run (its info from run_fast_path) for every active
    subroutine, and retire those that stop paying. Never raises for I/O: a
    read-only or full disk must not fail a solve."""
    try:
        with _locked(usage_path(library)):
            usage = read_usage(library)
            used = info.get("used") or {}
            for sub in subroutines:
                c = usage.setdefault(sub.key, {"name": sub.name, "fast_paths": 0, "fast_solved": 0,
                                               "plans_using": 0, "steps_used": 0})
                c["fast_paths"] += 1
                c["fast_solved"] += 1 if info.get("path") == "fast" else 0
                c["plans_using"] += 1 if used.get(sub.name) else 0
                c["steps_used"] += int(used.get(sub.name, 0))
                if "retired" not in c and c["fast_paths"] >= RETIRE_AFTER:
                    if c["plans_using"] == 0:
                        c["retired"] = {"at": time.time(), "reason": f"unused in {c['fast_paths']} fast paths"}
                    elif c["fast_solved"] * 2 < c["fast_paths"]:
                        c["retired"] = {"at": time.time(),
                                        "reason": f"fast path failed in {c['fast_paths'] - c['fast_solved']} "
                                                  f"of {c['fast_paths']}"}
            atomic_write_text(usage_path(library), json.dumps(usage, indent=1, sort_keys=True) + "\n")
    except OSError as err:
        log.warning("subroutines: cannot record usage in %s: %s", usage_path(library), err)


def active_subroutines(library: Library) -> list[Subroutine]:
    """The library's subroutines minus the retired ones."""
    if library.path is None:
        return list(library.subroutines)
    usage = read_usage(library.path)
    return [s for s in library.subroutines if "retired" not in usage.get(s.key, {})]


def resolve_subroutines(spec: Any, domain: str | Path, search: str, heuristic: Any,
                        ) -> tuple[list[Subroutine], Path | None]:
    """'off'/None/False -> none; 'auto' -> the stored library for this domain
    and configuration (none when absent); PATH -> that library (errors name
    the file); a Library or a sequence of Subroutine -> those."""
    if spec is None or spec is False:
        return [], None
    if isinstance(spec, Library):
        return active_subroutines(spec), spec.path
    if isinstance(spec, (list, tuple)):
        if not all(isinstance(s, Subroutine) for s in spec):
            raise ArgumentError("subroutines must be 'off', 'auto', a library file or Subroutine objects")
        return list(spec), None
    text_spec = str(spec).strip()
    if text_spec.lower() == "off" or not text_spec:
        return [], None
    domain_text = _domain_text(domain)
    if text_spec.lower() == "auto":
        lib = find_library(domain_text, search, heuristic)
        if lib is None:
            return [], None
        return active_subroutines(lib), lib.path
    path = Path(text_spec)
    if not path.is_file():
        raise ArgumentError("subroutine library not found", path=str(path))
    lib = read_library(path, domain_text)
    return active_subroutines(lib), lib.path


def _domain_text(domain: str | Path) -> str:
    if isinstance(domain, str) and "(" in domain and re.search(r"\(\s*define\b", domain, re.IGNORECASE):
        return domain
    return Path(domain).read_text(encoding="utf-8")
