"""Test access to the replay endpoint (planner.llm.replay) and the recorded test responses.

The server itself is product code (heuristics/build.py learns the shipped
heuristics through it); this module adds the recordings under data/responses
that the tests replay.
"""
from __future__ import annotations

import threading
from pathlib import Path

from planner.llm.replay import Reply, ReplayServer, completion_body  # noqa: F401  (re-exported)

DATA = Path(__file__).parent / "data"
RESPONSES = DATA / "responses"


def recorded(name: str) -> str:
    """Assistant content of a recorded response (tests/llm/data/responses/NAME.md)."""
    return (RESPONSES / f"{name}.md").read_text(encoding="utf-8")


def recorded_names() -> list[str]:
    return sorted(p.stem for p in RESPONSES.glob("*.md"))


if __name__ == "__main__":  # manual use: serve all recordings in a loop
    import sys

    replies = [Reply(recorded(n)) for n in recorded_names()]
    with ReplayServer(replies) as srv:
        print(srv.base_url, flush=True)
        try:
            threading.Event().wait(float(sys.argv[1]) if len(sys.argv) > 1 else 3600)
        except KeyboardInterrupt:
            pass
