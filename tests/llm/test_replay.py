"""planner.llm.replay: pools of recorded answers served over real HTTP (openai client)."""
from __future__ import annotations

from pathlib import Path

import pytest

from planner.llm.replay import ReplayServer, load_pool

REPO = Path(__file__).resolve().parents[2]
POOLS = REPO / "heuristics" / "pools"
DOMAINS = ("blocksworld", "childsnack", "ferry", "floortile", "miconic",
           "rovers", "satellite", "sokoban", "spanner", "transport")


def write_pool(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def ask(base_url: str, messages: list[dict[str, str]]) -> str:
    import openai

    client = openai.OpenAI(api_key="replay", base_url=base_url, max_retries=0, timeout=10)
    reply = client.chat.completions.create(model="m", messages=messages)
    return reply.choices[0].message.content


def test_pool_order_and_repairs(tmp_path: Path) -> None:
    pool = write_pool(tmp_path / "p", {"01-a.md": "answer A", "02-b.md": "answer B",
                                       "02-b.repair.md": "fixed B", "README.md": "ignored"})
    entries = load_pool(pool)
    assert [(e.name, e.repair) for e in entries] == [("01-a", None), ("02-b", "fixed B")]
    prompt = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
    with ReplayServer.from_pool(pool) as server:
        assert ask(server.base_url, prompt) == "answer A"
        # a repair conversation gets the recorded repair of the answer it contains,
        # without consuming the first-round order
        assert ask(server.base_url, prompt + [{"role": "assistant", "content": "answer B"},
                                              {"role": "user", "content": "fix it"}]) == "fixed B"
        # no recorded repair: the same answer again (an unfixed retry)
        assert ask(server.base_url, prompt + [{"role": "assistant", "content": "answer A"},
                                              {"role": "user", "content": "fix it"}]) == "answer A"
        assert ask(server.base_url, prompt) == "answer B"
        assert len(server.requests) == 4


@pytest.mark.parametrize("files, message", [
    ({"01-a.md": "x", "01-b.md": "y"}, "number 01 is also used"),
    ({"01-a.md": "x", "02-b.repair.md": "y"}, "repair of a recording that is not in the pool"),
    ({"notes.txt": "x"}, "not a pool recording"),
])
def test_bad_pools_are_refused_with_the_file_named(tmp_path: Path, files: dict[str, str],
                                                   message: str) -> None:
    pool = write_pool(tmp_path / "p", files)
    with pytest.raises(ValueError, match=message):
        load_pool(pool)


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_domain_has_a_pool_of_at_least_twelve(domain: str) -> None:
    entries = load_pool(POOLS / domain)
    assert len(entries) >= 12
    assert any(e.repair is not None for e in entries)
    assert all("```python" in e.content for e in entries)
