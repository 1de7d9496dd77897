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
(platformdirs), e.g. ~/.cache/planner/subroutines. `auto` looks there
first, then at the libraries we ship beside the domain heuristics
(heuristics/<domain>/<fingerprint>-<configuration>.subroutines.json, package
planner.shipped_heuristics); `planner learn --subroutines` puts the library
in the DK file's header, where `planner plan` reads it. Libraries we ship and
those inside DK files are counted (and retired) in the user's folder
(usage_anchor), never in the installed package.
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


def _key(domain_text: str, search: str, heuristic: Any) -> str:
    cfg = json.dumps(config_key(search, heuristic), sort_keys=True)
    cfg_hash = hashlib.sha256(f"{FORMAT_VERSION}:{cfg}".encode()).hexdigest()[:8]
    return f"{domain_fingerprint(domain_text)[:16]}-{cfg_hash}"


def library_path(domain_text: str, search: str, heuristic: Any, root: Path | None = None) -> Path:
    name = f"{_domain_name(domain_text)}-{_key(domain_text, search, heuristic)}.json"
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
    return library_from_json(data, path, domain_text, config)


def library_from_json(data: Any, path: Path, domain_text: str | None = None,
                      config: Mapping[str, str] | None = None, *, embedded: bool = False) -> Library:
    """A library from its JSON form (a file's content, or the "subroutines"
    entry of a DK file's header when embedded: then `path` is the DK file, only
    named in messages, and the library has no file of its own)."""
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
                   list(data.get("rejected", [])), dict(data.get("meta", {})), None if embedded else path)


def shipped_library_path(domain_text: str, search: str, heuristic: Any) -> Path | None:
    """Where a library we ship for this domain and configuration sits: beside
    the domain's shipped heuristic (heuristics/<domain>/, the package
    planner.shipped_heuristics), named by fingerprint and configuration."""
    try:
        from planner.heuristics.store import shipped_heuristics_dir

        root = shipped_heuristics_dir()
    except (ImportError, ModuleNotFoundError, TypeError):  # no shipped package in this install
        return None
    return root / _domain_name(domain_text) / (_key(domain_text, search, heuristic) + SHIPPED_SUFFIX)


def ship_library(library: Library, domain_text: str, root: str | Path) -> Path:
    """Write `library` where `auto` finds it when `root` is the shipped
    heuristics folder (the repository's heuristics/): beside the domain's
    heuristic, named by fingerprint and the library's own configuration."""
    if library.domain_fingerprint != domain_fingerprint(domain_text):
        raise LibraryError("subroutine library is for another domain (fingerprint differs)",
                           path=str(library.path or "<library>"))
    search, heuristic = library.config.get("search", ""), library.config.get("heuristic", "")
    target = Path(root) / _domain_name(domain_text) / (_key(domain_text, search, heuristic) + SHIPPED_SUFFIX)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = library.to_json()
    data["meta"] = {k: v for k, v in data["meta"].items()
                    if k not in ("domain", "mining_tasks", "heldout_tasks")} | {
        "mining_tasks": [Path(str(t)).name for t in library.meta.get("mining_tasks", [])],
        "heldout_tasks": [Path(str(t)).name for t in library.meta.get("heldout_tasks", [])]}
    atomic_write_text(target, json.dumps(data, indent=1, sort_keys=True, default=str) + "\n")
    return target


SHIPPED_SUFFIX = ".subroutines.json"
"""Shipped libraries end so (package data `*/*.subroutines.json`)."""


def usage_anchor(library: Library) -> Path:
    """The path whose `.usage.json` sidecar counts this library's use: the
    library file itself when it is a file of the user's, else (a library we
    ship, or one inside a DK file) a file in the user's library folder named
    by the library's content, so counters never go into the installed package."""
    if library.path is not None and not _is_shipped(library.path):
        return library.path
    ident = json.dumps([library.domain_fingerprint, library.config, [s.key for s in library.subroutines]],
                       sort_keys=True, default=str)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:16]
    return library_dir() / "counted" / f"{library.config.get('heuristic', 'x')}-{digest}.json"


def _is_shipped(path: Path) -> bool:
    try:
        from planner.heuristics.store import shipped_heuristics_dir

        return Path(path).resolve().is_relative_to(shipped_heuristics_dir().resolve())
    except (ImportError, ModuleNotFoundError, TypeError, OSError):
        return False


def library_from_dk(dk: str | Path, domain_text: str | None = None) -> Library | None:
    """The library `planner learn --subroutines` put in DK's header, or None
    (none there). LibraryError when it is there but unusable."""
    from planner.errors import LLMError
    from planner.heuristics.format import read_provenance

    try:
        meta = read_provenance(dk)
    except LLMError:
        return None
    data = meta.get("subroutines")
    if data is None:
        return None
    return library_from_json(data, Path(dk), domain_text, embedded=True)


def find_library(domain_text: str, search: str, heuristic: Any, root: Path | None = None) -> Library | None:
    """The stored library for this domain and configuration: the user's (in
    `root`, default library_dir()), else, without a root, the one we ship
    beside the domain's heuristic; None when there is none or it is corrupt or
    stale (then logged: the next learn rebuilds it)."""
    paths = [library_path(domain_text, search, heuristic, root)]
    if root is None:
        shipped = shipped_library_path(domain_text, search, heuristic)
        if shipped is not None:
            paths.append(shipped)
    for path in paths:
        if not path.is_file():
            continue
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
    usage = read_usage(usage_anchor(library))
    return [s for s in library.subroutines if "retired" not in usage.get(s.key, {})]


def resolve_subroutines(spec: Any, domain: str | Path, search: str, heuristic: Any,
                        ) -> tuple[list[Subroutine], Path | None]:
    """'off'/None/False -> none; 'auto' -> the stored library for this domain
    and configuration (none when absent); PATH -> that library (errors name
    the file); a Library or a sequence of Subroutine -> those."""
    if spec is None or spec is False:
        return [], None
    if isinstance(spec, Library):
        return active_subroutines(spec), usage_anchor(spec)
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
        return active_subroutines(lib), usage_anchor(lib)
    path = Path(text_spec)
    if not path.is_file():
        raise ArgumentError("subroutine library not found", path=str(path))
    lib = read_library(path, domain_text)
    return active_subroutines(lib), usage_anchor(lib)


def _domain_text(domain: str | Path) -> str:
    if isinstance(domain, str) and "(" in domain and re.search(r"\(\s*define\b", domain, re.IGNORECASE):
        return domain
    return Path(domain).read_text(encoding="utf-8")
