"""On-disk cache of LLM responses, one JSON file per (request, sample index).

Keys are sha256 digests of a canonical JSON encoding of the request, so they
are the same in every process and on every machine (never Python's hash()),
and they include the sample index so that n samples of one prompt are n
distinct entries. Entries are written atomically (temporary file in the same
directory, fsync, rename) the moment a response arrives: a run killed midway
leaves only complete entries, and the next run resumes from them. Each
entry carries a sha256 digest of its content; one changed after it was
written is a miss (re-sampled, never replayed). The digest catches edits by
anything that does not recompute it; candidate code cannot write here at all
(it runs only in planner.jail).
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any, Mapping

import platformdirs

from planner.util.atomic import atomic_write_json
from planner.llm.errors import LLMError

CACHE_FORMAT = 1
log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """Per-user cache directory (never inside the installed package)."""
    return Path(platformdirs.user_cache_dir("planner", appauthor=False)) / "llm"


def request_key(
    model: str,
    messages: list[Mapping[str, str]],
    params: Mapping[str, Any],
    sample_index: int,
) -> str:
    """sha256 of the canonical request; stable across processes and Python versions."""
    canonical = json.dumps(
        {
            "format": CACHE_FORMAT,
            "model": model,
            "messages": [dict(m) for m in messages],
            "params": dict(params),
            "sample_index": int(sample_index),
        },
        sort_keys=True,
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def entry_digest(entry: Mapping[str, Any]) -> str:
    """sha256 of an entry's canonical JSON without its "digest" field."""
    body = {k: v for k, v in entry.items() if k != "digest"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


class ResponseCache:
    """Directory of cached responses, sharded by the first two hex digits of the key."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        package = Path(__file__).resolve().parents[1]
        if self.directory.resolve().is_relative_to(package):
            raise LLMError(f"the response cache must not live inside the installed package "
                           f"({package}); choose another --cache-dir", path=self.directory)

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored entry, or None if absent or unreadable (an unreadable entry
        is treated as a miss so one bad file never blocks a run)."""
        try:
            with open(self.path(key), encoding="utf-8") as src:
                entry = json.load(src)
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or "content" not in entry:
            return None
        if entry.get("digest") != entry_digest(entry):
            # Changed since this process family wrote it (or written by an older
            # version): a miss, so `learn --offline` never runs code it did not sample.
            log.warning("ignoring cache entry %s: its digest does not match its content", key[:12])
            return None
        return entry

    def put(self, key: str, entry: Mapping[str, Any]) -> None:
        record = {**entry, "key": key}
        record["digest"] = entry_digest(record)
        atomic_write_json(self.path(key), record)

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None
