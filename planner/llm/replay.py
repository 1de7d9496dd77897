"""A local OpenAI-compatible endpoint that replays recorded chat completions.

`planner learn` talks to LLM endpoints only through the openai client, so a
recording can be pushed through the real pipeline (HTTP, JSON, cache, static
check, sandboxed evaluation, repair, selection, storing) by serving it from
127.0.0.1. Two uses:

* tests script the replies (content, HTTP error status, delay) and count the
  requests;
* the shipped heuristics (heuristics/build.py) are learned from a *pool*: a
  folder of recorded answers to our synthesis prompt, `NN-name.md`, each
  optionally followed by `NN-name.repair.md`, the answer to the repair prompt
  that shows it its failure. First-round requests get the answers in file
  order (so with `--concurrency 1` sample i is file i); a repair request
  (a conversation containing an earlier answer) gets that answer's recorded
  repair, or, when none is recorded, the same answer again (an unfixed
  retry: it is evaluated again and fails again).
  A pool's `kernel/` subfolder holds the recorded answers to the kernel
  translation prompt (planner.llm.translate, `planner learn --kernel`) in
  the same format: translation requests (their first user message starts
  with planner.llm.prompt.TRANSLATION_HEADING) get those in file order, and
  their repairs work as above.

    python -m planner.llm.replay heuristics/pools/ferry [--seconds 3600]

prints the base URL (http://127.0.0.1:PORT/v1) and serves until stopped.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Mapping, Sequence

_POOL_FILE = re.compile(r"^(\d+)-[\w.-]+?(\.repair)?\.md$")


@dataclass
class Reply:
    """One scripted reply: assistant content, or an HTTP error status."""

    content: str | None = None
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    prompt_tokens: int = 1200
    completion_tokens: int = 400


@dataclass(frozen=True)
class PoolEntry:
    """One recorded answer (and its recorded repair, if any)."""

    name: str
    content: str
    repair: str | None = None


def load_pool(folder: str | Path) -> list[PoolEntry]:
    """The recordings in `folder`, in file-name order (NN-name.md [+ NN-name.repair.md]).

    Raises ValueError naming the file for anything that is not a recording,
    a repair without its answer, or two answers with the same number: a pool
    silently missing a file would learn from a different set of candidates.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder}: no such pool folder")
    answers: dict[str, Path] = {}
    repairs: dict[str, Path] = {}
    numbers: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "_")) or path.name.lower() == "readme.md" or path.is_dir():
            continue  # kernel/: the translation answers, load_pool(folder / "kernel")
        m = _POOL_FILE.match(path.name)
        if not m:
            raise ValueError(f"{path}: not a pool recording (expected NN-name.md or NN-name.repair.md)")
        stem = path.name[:-len(".repair.md")] if m.group(2) else path.name[:-len(".md")]
        if m.group(2):
            repairs[stem] = path
            continue
        if m.group(1) in numbers:
            raise ValueError(f"{path}: number {m.group(1)} is also used by {numbers[m.group(1)]}")
        numbers[m.group(1)] = path.name
        answers[stem] = path
    for stem, path in repairs.items():
        if stem not in answers:
            raise ValueError(f"{path}: repair of a recording that is not in the pool ({stem}.md)")
    return [PoolEntry(stem, answers[stem].read_text(encoding="utf-8"),
                      repairs[stem].read_text(encoding="utf-8") if stem in repairs else None)
            for stem in sorted(answers)]


def completion_body(reply: Reply, model: str, serial: int) -> dict[str, Any]:
    """A chat.completion object as OpenAI-compatible servers return it."""
    return {
        "id": f"chatcmpl-replay-{serial}",
        "object": "chat.completion",
        "created": 1_700_000_000 + serial,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": reply.content},
            "finish_reason": "stop",
            "logprobs": None,
        }],
        "usage": {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        },
    }


class ReplayServer:
    """Serve `replies` in order on 127.0.0.1 (OS-chosen port unless given);
    when they run out, repeat the last one (or 500 if none).

    repairs maps an earlier answer's content to the reply for a conversation
    that contains it (the repair round); with repairs given, a conversation
    whose answer has no recorded repair gets that answer back unchanged, and
    such requests never consume the ordered replies.
    """

    def __init__(self, replies: Sequence[Reply], repairs: Mapping[str, str] | None = None,
                 port: int = 0, check: Reply | None = None,
                 translations: Sequence[Reply] = ()) -> None:
        self.replies = list(replies)
        self.translations = list(translations)
        """Replies to kernel translation requests, in order (then the last again)."""
        self._translation = 0
        self.repairs = dict(repairs) if repairs is not None else None
        self.check = check if check is not None else Reply("OK", prompt_tokens=12, completion_tokens=1)
        """The answer to the sampler's endpoint check (a request with max_tokens 1,
        sent once before the first real request); an error status refuses it."""
        self.requests: list[dict[str, Any]] = []
        self.checks: list[dict[str, Any]] = []
        self._first_round = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @classmethod
    def from_pool(cls, folder: str | Path, port: int = 0) -> "ReplayServer":
        pool = load_pool(folder)
        kernel_folder = Path(folder) / "kernel"
        kernels = load_pool(kernel_folder) if kernel_folder.is_dir() else []
        repairs = {e.content: e.repair for e in pool + kernels if e.repair is not None}
        return cls([Reply(e.content) for e in pool], repairs, port,
                    translations=[Reply(e.content) for e in kernels])

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> "ReplayServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _next(self, body: dict[str, Any]) -> tuple[int, Reply]:
        with self._lock:
            if body.get("max_tokens") == 1:  # the endpoint check: apart from the replies
                self.checks.append(body)
                return -len(self.checks), self.check
            serial = len(self.requests)
            self.requests.append(body)
            if self.repairs is not None:
                earlier = [m.get("content") for m in body.get("messages") or []
                           if isinstance(m, dict) and m.get("role") == "assistant"]
                if earlier:
                    answer = earlier[-1] or ""
                    return serial, Reply(self.repairs.get(answer, answer))
            if _is_translation(body):
                index = self._translation
                self._translation += 1
                if index < len(self.translations):
                    return serial, self.translations[index]
                return serial, self.translations[-1] if self.translations else Reply(status=500)
            index = self._first_round
            self._first_round += 1
            if index < len(self.replies):
                return serial, self.replies[index]
            return serial, self.replies[-1] if self.replies else Reply(status=500)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # no access log on stderr
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    return self._send(400, {"error": {"message": "body is not JSON",
                                                      "type": "invalid_request_error"}})
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                serial, reply = server._next(body)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status != 200:
                    error = {"error": {"message": reply.content or f"scripted status {reply.status}",
                                       "type": "server_error", "code": reply.status}}
                    return self._send(reply.status, error, reply.headers)
                self._send(200, completion_body(reply, body.get("model", "replay"), serial))

            def _send(self, status: int, payload: dict[str, Any],
                      headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout)

        return Handler


def _is_translation(body: dict[str, Any]) -> bool:
    """A kernel translation request (planner.llm.prompt.build_translation_prompt)."""
    from planner.llm.prompt import TRANSLATION_HEADING

    users = [m.get("content") for m in body.get("messages") or []
             if isinstance(m, dict) and m.get("role") == "user"]
    return bool(users) and isinstance(users[0], str) and users[0].startswith(TRANSLATION_HEADING)


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="python -m planner.llm.replay", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    cli.add_argument("pool", help="pool folder of NN-name.md recordings")
    cli.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free one)")
    cli.add_argument("--seconds", type=float, default=3600.0, help="serve this long (default 3600)")
    args = cli.parse_args(argv)
    try:
        server = ReplayServer.from_pool(args.pool, args.port)
    except (ValueError, OSError) as err:
        print(f"replay: error: {err}", file=sys.stderr)
        return 2
    with server:
        print(server.base_url, flush=True)
        try:
            threading.Event().wait(args.seconds)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
