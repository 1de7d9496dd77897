"""`planner learn` on blocksworld against the replay server, with every recorded candidate.

Reproduces the candidate table in the issue notes without a paid endpoint:
the recorded responses in tests/llm/data/responses (good, slow, partial and
adversarial ones) are served by planner.llm.replay on 127.0.0.1, and
the real pipeline (openai client, cache, static check, sandboxed probe and
evaluation, selection) runs on five blocksworld training tasks.

    python bench/learn_replay.py [--out DIR]     # from the repo root; ~1-2 min
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from planner.cli.learn import register as register_learn
from planner.llm.replay import Reply, ReplayServer

REPO = Path(__file__).resolve().parent.parent
# The recordings are data files read as text; nothing from tests/ is imported.
RESPONSES = REPO / "tests" / "llm" / "data" / "responses"

BLOCKSWORLD = REPO.parent / "shared" / "benchmarks" / "ipc2023-learning" / "blocksworld"


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("--out", default=str(REPO / "bench" / "results" / "learn-replay"))
    out = Path(cli.parse_args().out)
    training = sorted((BLOCKSWORLD / "training" / "easy").glob("p*.pddl"))
    tasks = [training[i] for i in (10, 30, 50, 70, 90)]
    names = sorted(p.stem for p in RESPONSES.glob("*.md"))
    os.environ.setdefault("OPENAI_API_KEY", "replay")
    with ReplayServer([Reply((RESPONSES / f"{n}.md").read_text(encoding="utf-8")) for n in names]) as server:
        parser = argparse.ArgumentParser(prog="planner")
        register_learn(parser.add_subparsers())
        args = parser.parse_args([
            "learn", str(out / "dk"), str(BLOCKSWORLD / "domain.pddl"), *map(str, tasks),
            "--model", "replay", "--base-url", server.base_url, "--samples", str(len(names)),
            "--concurrency", "2", "--time-limit", "30", "--memory-limit", "2048",
            "--cache-dir", str(out / "cache"), "--repair-rounds", "0", "--json",
            "--price-input", "3", "--price-output", "15"])
        return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
