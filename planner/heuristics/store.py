"""Finding a stored domain heuristic for `--heuristic auto`.

A stored heuristic is a file written by planner.heuristics.format.write_heuristic
(provenance header + JSON sidecar) under ``<root>/<domain name>/*.py``. It
matches a domain when its recorded ``domain_fingerprint`` equals the
domain's (planner.heuristics.format.domain_fingerprint: comments, case and
whitespace do not matter; any other change does). Roots are searched in
order:

1. the per-user data directory, ``platformdirs.user_data_dir("planner")/heuristics``
   (where results of `planner learn` may be installed);
2. the heuristics we ship: the repository's ``heuristics/`` folder, installed
   as the package ``planner.shipped_heuristics``.

Within a root the folder named after the domain is searched first, then the
others (a file may have been filed under another name). When several files
of one root match, the one with the best recorded training score (solved,
then agile, from the JSON record `planner learn` wrote beside the file, and
only while the file still has the digest recorded there) wins, then a
kernel form (planner.heuristics.kernel) that its sidecar records as selected
over the Python form it reproduces (equal values, faster:
heuristics/build_kernels.py), then the lexicographically smallest path.
Without Numba installed, kernel forms are passed over (the Python form it
was checked against stays beside it).
"""
from __future__ import annotations

from dataclasses import replace
import importlib.resources
import importlib.util
import json
import logging
from pathlib import Path
from typing import Sequence

import platformdirs

from planner.errors import LLMError
from planner.frontend.inputs import looks_like_pddl
from planner.heuristics.format import (check_domain, domain_fingerprint, domain_name, file_digest,
                                       kernel_form_path, read_provenance, recorded_rank, stored_code)
from planner.heuristics.kernel import KERNEL_CLASS_NAME
from planner.heuristics.loader import load_stored_heuristic, load_stored_portfolio
from planner.heuristics.untrusted import UntrustedHeuristic

log = logging.getLogger(__name__)

SHIPPED_PACKAGE = "planner.shipped_heuristics"


def user_heuristics_dir() -> Path:
    """platformdirs.user_data_dir("planner")/heuristics."""
    return Path(platformdirs.user_data_dir("planner", appauthor=False)) / "heuristics"


def shipped_heuristics_dir() -> Path:
    """The heuristics we ship: the repository's heuristics/ folder, installed as
    the package planner.shipped_heuristics (package data, found through
    importlib.resources so that wheels and editable installs agree)."""
    # resolved: a symlinked development layout names the same files by one path
    return Path(str(importlib.resources.files(SHIPPED_PACKAGE))).resolve()


def search_roots() -> list[Path]:
    """The folders searched, in order (existing ones only)."""
    roots = [user_heuristics_dir(), shipped_heuristics_dir()]
    out: list[Path] = []
    for root in roots:
        if root is not None and root.is_dir() and root not in out:
            out.append(root)
    return out


def _domain_text(domain: str | Path) -> str | None:
    if isinstance(domain, str) and looks_like_pddl(domain):
        return domain
    try:
        return Path(domain).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None


def _provenance(path: Path) -> dict | None:
    try:
        return read_provenance(path)
    except LLMError:
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
    text = _domain_text(domain)
    if text is None:
        return None
    fingerprint = domain_fingerprint(text)
    name = domain_name(text)
    for root in (search_roots() if roots is None else [Path(r) for r in roots]):
        if not root.is_dir():
            continue
        found: list[tuple[tuple[float, float, float], Path, str]] = []
        for path in _candidates(root, name):
            meta = _provenance(path)
            if not meta or meta.get("domain_fingerprint") != fingerprint:
                continue
            class_name = meta.get("class_name")
            if not isinstance(class_name, str) or not class_name:
                continue
            if class_name == KERNEL_CLASS_NAME and not numba_available():
                continue
            kernel = 1.0 if class_name == KERNEL_CLASS_NAME and _selected_kernel(path) else 0.0
            rank = (*recorded_rank(path), kernel)  # the sidecar's record, never the file's own text
            found.append((rank, path, class_name))
        if found:
            found.sort(key=lambda f: (-f[0][0], -f[0][1], -f[0][2], str(f[1])))
            return found[0][1], found[0][2]
    return None


def python_form_of(path: Path, class_name: str) -> tuple[Path, str]:
    """(path, class name) of the Python form of a stored heuristic: itself, or for
    a kernel form the Python form its sidecar names (what a trusted process may
    load; kernel forms are compiled only in the jailed child)."""
    if class_name != KERNEL_CLASS_NAME:
        return path, class_name
    record = json.loads(path.with_suffix(path.suffix + ".json").read_text(encoding="utf-8"))
    python_path = path.with_name(record["python_form"])
    python_meta = json.loads(python_path.with_suffix(".py.json").read_text(encoding="utf-8"))
    return python_path, python_meta["class_name"]


def numba_available() -> bool:
    """Whether Numba is installed; found without importing it (this process never
    compiles a stored kernel: the jailed child does)."""
    return importlib.util.find_spec("numba") is not None


def _selected_kernel(path: Path) -> bool:
    """The sidecar records this kernel form as selected over its Python form, and
    the file still has the digest recorded there (kernel_form_problem)."""
    return kernel_form_problem(path) is None


def kernel_form_problem(kernel: Path, python_form: Path | None = None) -> str | None:
    """Why the kernel form at `kernel` must not stand in for its Python form, or
    None when it may: its sidecar (learn's record, never the file's own text)
    must still hold the file's digest, say form "kernel" and selected (equal
    values and faster on every task measured: planner.llm.translate), and when
    it records python_form_sha256, the Python form's code must still have that
    digest (a kernel translated from an earlier Python form is not this one's).
    python_form: the Python form to compare with (`planner plan`: DK); default
    the file the record names beside the kernel (`--heuristic auto`)."""
    try:
        record = json.loads(kernel.with_suffix(kernel.suffix + ".json").read_text(encoding="utf-8"))
        text = kernel.read_text(encoding="utf-8")
    except (OSError, ValueError) as err:
        return f"its record {kernel.name}.json is missing or unreadable ({type(err).__name__})"
    if not isinstance(record, dict) or record.get("file_sha256") != file_digest(text):
        return "the file changed after its record was written (digest differs)"
    if record.get("form") != "kernel":
        return "its record does not say it is a kernel form"
    if record.get("selected") is not True:
        return "not selected when it was checked (not faster than the Python form on every task)"
    expected = record.get("python_form_sha256")
    if expected is None:
        return None
    target = python_form if python_form is not None else kernel.with_name(str(record.get("python_form")))
    try:
        code = stored_code(target)
    except (OSError, LLMError):
        return f"its Python form {target.name} cannot be read"
    if file_digest(code) != expected:
        return (f"stale: translated from another version of the Python form (recorded "
                f"python_form_sha256 {str(expected)[:12]}..., {target.name} has {file_digest(code)[:12]}...)")
    return None


def learned_kernel_form(dk: str | Path, domain: str | Path) -> tuple[UntrustedHeuristic | None, str]:
    """For `planner plan`: (DK's kernel form as code for the jail, why) when
    `planner learn --kernel` wrote DK.kernel.py beside DK and it may stand in for
    DK's own heuristic under --heuristic auto's rules (kernel_form_problem, with
    DK as the Python form; learned for this domain; Numba installed; the static
    check passes), else (None, why not). Nothing of it is executed here."""
    kernel = kernel_form_path(dk)
    if not kernel.is_file():
        return None, f"no kernel form {kernel.name} beside DK"
    if not numba_available():
        return None, f"{kernel.name} not used: Numba is not installed"
    problem = kernel_form_problem(kernel, Path(dk))
    if problem is not None:
        return None, f"{kernel.name} not used: {problem}"
    try:
        check_domain(kernel, domain)
        class_name = read_provenance(kernel).get("class_name")
        if class_name != KERNEL_CLASS_NAME:
            return None, f"{kernel.name} not used: its header names class {class_name!r}, not a kernel program"
        source = load_stored_heuristic(kernel, KERNEL_CLASS_NAME)
    except Exception as err:  # noqa: BLE001 - a broken kernel form costs speed, never the run
        return None, f"{kernel.name} not used: {err}"
    return source, f"using {kernel.name} (selected, translated from this DK's heuristic)"


def auto_heuristic(domain: str | Path) -> tuple[list[UntrustedHeuristic], Path] | None:
    """For `--heuristic auto`: (heuristics, path) of the stored heuristic matching
    the domain (one, or several for a learned portfolio) as code for the jail,
    or None (use h^FF). A stored file that fails to load is skipped with a warning rather
    than failing the run."""
    found = find_stored_heuristic(domain)
    if found is None:
        return None
    path, class_name = found
    try:
        sources = load_stored_portfolio(path, class_name)
    except Exception as err:  # noqa: BLE001 - fall back to h^FF, but say why
        log.warning("ignoring stored heuristic %s: %s", path, err)
        return None
    if class_name == KERNEL_CLASS_NAME and len(sources) == 1:
        try:
            python_path, python_class = python_form_of(path, class_name)
            python = load_stored_portfolio(python_path, python_class)
        except Exception as err:  # noqa: BLE001 - the kernel form alone, then h^FF
            log.warning("stored heuristic %s: its Python form is not usable (%s)", path, err)
        else:
            if len(python) == 1:
                sources = [replace(sources[0], python_form=python[0])]
    return sources, path
