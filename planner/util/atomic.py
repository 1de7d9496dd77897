"""Writing a file so that readers see the old content or the whole new one.

Plans, domain-knowledge files, caches and benchmark results are read by
other processes (validators, the IPC's plan collector, resumed runs) while a
writer may be killed at any moment; a temporary file in the same folder,
fsynced and renamed over the target, never leaves a truncated file behind.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def atomic_write_text(path: str | Path, text: str, make_parents: bool = True) -> None:
    """Replace `path` with `text` atomically (permissions as a plain open would give).
    Without make_parents, a missing folder is an OSError (a plan file's folder
    is the user's to create)."""
    target = Path(path)
    if make_parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_json(path: str | Path, data: Any) -> None:
    """Write JSON so that readers see either the old file or the complete new one."""
    atomic_write_text(path, json.dumps(data, indent=1, sort_keys=True))
