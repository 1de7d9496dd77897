"""The stored-heuristic file format: the one place that reads and writes it.

A stored heuristic is the candidate's code under a comment header saying
where it came from (model, sample, prompt template and its sha256, the
domain's fingerprint, training scores); a JSON sidecar holds the same
provenance in full. Both are written atomically, so a learner killed
mid-write never leaves a truncated heuristic. The domain fingerprint (sha256
of the domain PDDL with comments, case and whitespace normalised) lets
`planner plan` refuse a heuristic learned for a different domain and lets
`--heuristic auto` find the heuristic stored for a domain.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Mapping, Sequence

from planner.errors import LLMError
from planner.util.atomic import atomic_write_json, atomic_write_text

HEADER_MARK = "# planner-heuristic:"
HEADER_LINES = 5
"""The provenance line is among a stored file's first HEADER_LINES lines."""

_DOMAIN_NAME = re.compile(r"\(\s*domain\s+([^\s()]+)", re.IGNORECASE)
def domain_name(domain_text: str) -> str:
    """The domain's name, lowercased ('unknown' if it has none)."""
    match = _DOMAIN_NAME.search(domain_text)
    return match.group(1).lower() if match else "unknown"


def domain_fingerprint(domain_text: str) -> str:
    """sha256 of the domain with comments dropped, lowercased and whitespace collapsed."""
    without_comments = "\n".join(line.split(";", 1)[0] for line in domain_text.splitlines())
    canonical = " ".join(re.sub(r"([()])", r" \1 ", without_comments.lower()).split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def default_path(domain_file: str | Path, root: str | Path = "heuristics") -> Path:
    """<root>/<domain name>/<fingerprint prefix>.py"""
    text = Path(domain_file).read_text(encoding="utf-8")
    return Path(root) / domain_name(text) / f"{domain_fingerprint(text)[:16]}.py"


def write_heuristic(path: str | Path, code: str, class_name: str,
                    provenance: Mapping[str, Any],
                    members: Sequence[Mapping[str, Any]] = ()) -> Path:
    """Write code with its provenance header, and PATH.json beside it; returns PATH.

    members: further heuristics of a portfolio ({"code", "class_name", ...}),
    kept in the header so DK stays one file (the IPC keeps only DK) and still
    loads as a plain heuristic file; `planner plan` and `--heuristic auto` run
    all of them in alternation.
    """
    path = Path(path)
    meta = {"class_name": class_name, **provenance}
    if members:
        meta["portfolio"] = [dict(m) for m in members]
    origin = meta.get("provenance") or "written by an LLM and selected by `planner learn`"
    header = "\n".join([
        f"# Heuristic {origin}; regenerate rather than edit.",
        f"{HEADER_MARK} {json.dumps(meta, sort_keys=True, default=str)}",
        "",
    ])
    text = header + code
    atomic_write_text(path, text)
    # The sidecar is learn's record: it alone ranks stored heuristics, and only
    # while the file still has the digest recorded here (planner.heuristics.store).
    atomic_write_json(path.with_suffix(path.suffix + ".json"), {**meta, "file_sha256": file_digest(text)})
    return path


def kernel_form_path(python_path: str | Path) -> Path:
    """Where the kernel form of a stored Python form goes: X.py -> X.kernel.py
    (DK -> DK.kernel.py); `planner learn --kernel` writes it, `planner plan` and
    `--heuristic auto` read it."""
    p = Path(python_path)
    stem = p.name[:-3] if p.name.endswith(".py") else p.name
    return p.with_name(stem + ".kernel.py")


def stored_code(path: str | Path) -> str:
    """A stored heuristic's code without the provenance header write_heuristic put
    above it (LLMError if the file has no such header)."""
    text = Path(path).read_text(encoding="utf-8")
    lines = text.split("\n")
    for i, line in enumerate(lines[:HEADER_LINES]):
        if line.startswith(HEADER_MARK):
            rest = lines[i + 1:]
            if rest and rest[0] == "":
                rest = rest[1:]
            return "\n".join(rest)
    raise LLMError("not a heuristic written by `planner learn` (no provenance header)", path=path)


def file_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def recorded_rank(path: str | Path) -> tuple[float, float]:
    """(solved, agile) from the sidecar learn wrote for this file, or (0, 0)
    when there is none or the file changed since (its digest differs): scores
    written inside a heuristic file's text are never believed."""
    path = Path(path)
    try:
        record = json.loads(path.with_suffix(path.suffix + ".json").read_text(encoding="utf-8"))
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return 0.0, 0.0
    if not isinstance(record, dict) or record.get("file_sha256") != file_digest(text):
        return 0.0, 0.0
    try:
        return float(record.get("solved") or 0), float(record.get("agile") or 0.0)
    except (TypeError, ValueError):
        return 0.0, 0.0


def read_provenance(path: str | Path) -> dict[str, Any]:
    """The provenance recorded in a heuristic file's header (LLMError if none)."""
    try:
        with open(path, encoding="utf-8") as src:
            for _ in range(HEADER_LINES):
                line = src.readline()
                if line.startswith(HEADER_MARK):
                    meta = json.loads(line[len(HEADER_MARK):])
                    if not isinstance(meta, dict):
                        raise ValueError("the provenance header is not a JSON object")
                    return meta
    except (OSError, ValueError) as err:
        raise LLMError(f"cannot read the heuristic's provenance: {err}", path=path) from err
    raise LLMError("not a heuristic written by `planner learn` (no provenance header)", path=path)


def add_to_provenance(path: str | Path, **entries: Any) -> Path:
    """Add entries to a stored heuristic's provenance header (and its JSON
    sidecar, with the new digest so that its training record stays believed),
    keeping the code: `planner learn --subroutines` puts the subroutine
    library here, so that DK stays the one file the IPC keeps."""
    path = Path(path)
    old_text = path.read_text(encoding="utf-8")
    lines = old_text.splitlines(keepends=True)
    for i, line in enumerate(lines[:HEADER_LINES]):
        if line.startswith(HEADER_MARK):
            meta = json.loads(line[len(HEADER_MARK):])
            meta.update(entries)
            lines[i] = f"{HEADER_MARK} {json.dumps(meta, sort_keys=True, default=str)}\n"
            break
    else:
        raise LLMError("not a heuristic written by `planner learn` (no provenance header)", path=path)
    text = "".join(lines)
    atomic_write_text(path, text)
    sidecar = path.with_suffix(path.suffix + ".json")
    try:
        record = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = None
    if isinstance(record, dict) and record.get("file_sha256") == file_digest(old_text):
        atomic_write_json(sidecar, {**record, **entries, "file_sha256": file_digest(text)})
    return path


def check_domain(path: str | Path, domain_file: str | Path) -> None:
    """Refuse a heuristic learned for another domain (different fingerprint)."""
    recorded = read_provenance(path).get("domain_fingerprint")
    actual = domain_fingerprint(Path(domain_file).read_text(encoding="utf-8"))
    if recorded != actual:
        raise LLMError(f"heuristic was learned for a different domain (fingerprint "
                       f"{str(recorded)[:12]}..., this domain {actual[:12]}...)", path=path)
