"""Finding a stored domain heuristic for `--heuristic auto`.

A stored heuristic is a file written by planner.llm.store.write_heuristic
(provenance header + JSON sidecar) under ``<root>/<domain name>/*.py``. It
matches a domain when its recorded ``domain_fingerprint`` equals the
domain's (planner.llm.store.domain_fingerprint: comments, case and
whitespace do not matter; any other change does). Roots are searched in
order:

1. the per-user data directory, ``platformdirs.user_data_dir("planner")/heuristics``
   (where results of `planner learn` may be installed);
2. the ``heuristics/`` folder shipped with the repository, next to the
   ``planner/`` package. A non-editable install has no such folder: then
   only the user directory is searched.

Within a root the folder named after the domain is searched first, then the
others (a file may have been filed under another name). When several files
of one root match, the one with the best recorded training score (solved,
then agile) wins, then the lexicographically smallest path.
"""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Sequence

from planner.untrusted import UntrustedHeuristic

log = logging.getLogger(__name__)

HEADER_MARK = "# planner-heuristic:"
_DOMAIN_NAME = re.compile(r"\(\s*domain\s+([^\s()]+)", re.IGNORECASE)


def user_heuristics_dir() -> Path | None:
    """platformdirs.user_data_dir("planner")/heuristics, or None if platformdirs is missing."""
    try:
        import platformdirs
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return Path(platformdirs.user_data_dir("planner", appauthor=False)) / "heuristics"


def shipped_heuristics_dir() -> Path | None:
    """The repository's heuristics/ folder (beside planner/), or None when the
    package is installed without it."""
    package = Path(__file__).resolve().parent
    folder = package.parent / "heuristics"
    return folder if folder.is_dir() else None


def search_roots() -> list[Path]:
    """The folders searched, in order (existing ones only)."""
    roots = [user_heuristics_dir(), shipped_heuristics_dir()]
    out: list[Path] = []
    for root in roots:
        if root is not None and root.is_dir() and root not in out:
            out.append(root)
    return out


def _domain_text(domain: str | Path) -> str | None:
    if isinstance(domain, str) and "(" in domain and re.search(r"\(\s*define\b", domain, re.IGNORECASE):
        return domain
    try:
        return Path(domain).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None


def _provenance(path: Path) -> dict | None:
    try:
        with open(path, encoding="utf-8") as src:
            for _ in range(5):
                line = src.readline()
                if line.startswith(HEADER_MARK):
                    meta = json.loads(line[len(HEADER_MARK):])
                    return meta if isinstance(meta, dict) else None
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return None


def _candidates(root: Path, domain_name: str) -> list[Path]:
    named = root / domain_name
    files = sorted(named.glob("*.py")) if named.is_dir() else []
    try:
        others = sorted(p for p in root.glob("*/*.py") if p.parent != named)
    except OSError:
        others = []
    return files + others


def find_stored_heuristic(domain: str | Path,
                          roots: Sequence[str | Path] | None = None) -> tuple[Path, str] | None:
    """(path, class name) of a stored heuristic for this domain (a path or PDDL
    text), or None. roots overrides the search order (default search_roots())."""
    from planner.llm.store import domain_fingerprint

    text = _domain_text(domain)
    if text is None:
        return None
    fingerprint = domain_fingerprint(text)
    match = _DOMAIN_NAME.search(text)
    name = match.group(1).lower() if match else "unknown"
    for root in (search_roots() if roots is None else [Path(r) for r in roots]):
        if not root.is_dir():
            continue
        found: list[tuple[tuple[float, float], Path, str]] = []
        for path in _candidates(root, name):
            meta = _provenance(path)
            if not meta or meta.get("domain_fingerprint") != fingerprint:
                continue
            class_name = meta.get("class_name")
            if not isinstance(class_name, str) or not class_name:
                continue
            rank = (float(meta.get("solved") or 0), float(meta.get("agile") or 0.0))
            found.append((rank, path, class_name))
        if found:
            found.sort(key=lambda f: (-f[0][0], -f[0][1], str(f[1])))
            return found[0][1], found[0][2]
    return None


def load_stored_heuristic(path: str | Path, class_name: str) -> UntrustedHeuristic:
    """The heuristic in a stored file, after the static safety check (the user
    directory may hold LLM-written code), as code for the jail (never imported
    here); with its Cython-compiled form when `planner learn --compile` built
    one for exactly this source."""
    return _load_checked(path, Path(path).read_text(encoding="utf-8"), class_name, "stored heuristic")


def load_stored_portfolio(path: str | Path, class_name: str) -> list[UntrustedHeuristic]:
    """The heuristics of a stored file: its own, then the portfolio members
    recorded in its provenance (planner.llm.store), each after the same safety
    check, as code for the jail."""
    from planner.errors import ArgumentError

    classes = [load_stored_heuristic(path, class_name)]
    for member in (_provenance(Path(path)) or {}).get("portfolio") or []:
        code, name = member.get("code"), member.get("class_name")
        if not isinstance(code, str) or not isinstance(name, str):
            raise ArgumentError("portfolio member without code or class name", path=str(path))
        what = f"portfolio member (sample {member.get('sample_index')})"
        classes.append(_load_checked(path, code, name, what))
    return classes


def _load_checked(path: str | Path, code: str, class_name: str, what: str) -> UntrustedHeuristic:
    from planner.errors import ArgumentError
    from planner.llm.compile import extension_path
    from planner.llm.static_check import check

    result = check(code)
    if not result.ok:
        raise ArgumentError(f"{what} fails the safety check: {result.reason}", path=str(path))
    compiled = extension_path(path, result.code)  # named by the code's sha256: only this source
    label = class_name
    return UntrustedHeuristic(result.code, class_name, label, str(path), kind="candidate",
                              compiled=str(compiled) if compiled.exists() else None)


def auto_heuristic(domain: str | Path) -> tuple[list[UntrustedHeuristic], Path] | None:
    """For `--heuristic auto`: (heuristics, path) of the stored heuristic matching
    the domain (one, or several for a learned portfolio), or None (use h^FF). A stored file that fails to load is skipped with a warning rather
    than failing the run."""
    found = find_stored_heuristic(domain)
    if found is None:
        return None
    path, class_name = found
    try:
        return load_stored_portfolio(path, class_name), path
    except Exception as err:  # noqa: BLE001 - fall back to h^FF, but say why
        log.warning("ignoring stored heuristic %s: %s", path, err)
        return None
