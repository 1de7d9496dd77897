"""A real OpenAI-compatible HTTP server that replays recorded chat completions.

It listens on 127.0.0.1 with an OS-chosen port in a background thread, so the
sampler's openai-client path (HTTP, JSON, status codes, Retry-After) runs for
real without network access. Responses are served in request order from a
list; a response may instead be a failure (HTTP status with a JSON error
body) or carry a delay, to exercise retries, timeouts and interrupted runs.
Every request body is recorded so tests can count what a run really asked.

The sampler's endpoint check (a request with max_tokens 1, sent once before
the first real request) is answered by `check` (default: a 200 "OK") and
recorded in `checks`, apart from the scripted replies and `requests`, so a
script lists only what the samples get. A `check` with an error status makes
the server refuse the check as a real endpoint would.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
RESPONSES = DATA / "responses"


@dataclass
class Reply:
    """One scripted reply: assistant content, or an HTTP error status."""

    content: str | None = None
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    prompt_tokens: int = 1200
    completion_tokens: int = 400


def recorded(name: str) -> str:
    """Assistant content of a recorded response (tests/llm/data/responses/NAME.md)."""
    return (RESPONSES / f"{name}.md").read_text(encoding="utf-8")


def recorded_names() -> list[str]:
    return sorted(p.stem for p in RESPONSES.glob("*.md"))


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
    """Serve `replies` in order; when they run out, repeat the last one (or 500 if none)."""

    def __init__(self, replies: list[Reply], check: Reply | None = None) -> None:
        self.replies = list(replies)
        self.check = check if check is not None else Reply("OK", prompt_tokens=12, completion_tokens=1)
        self.requests: list[dict[str, Any]] = []
        self.checks: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

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
            if body.get("max_tokens") == 1:
                self.checks.append(body)
                return -len(self.checks), self.check
            serial = len(self.requests)
            self.requests.append(body)
            if serial < len(self.replies):
                return serial, self.replies[serial]
            return serial, self.replies[-1] if self.replies else Reply(status=500)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self._send(404, {"error": {"message": f"no route {self.path}",
                                                      "type": "invalid_request_error"}})
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
                    pass  # the client gave up (timeout test)

        return Handler


if __name__ == "__main__":  # manual use: serve all recordings in a loop
    import sys

    replies = [Reply(recorded(n)) for n in recorded_names()]
    with ReplayServer(replies) as srv:
        print(srv.base_url, flush=True)
        try:
            threading.Event().wait(float(sys.argv[1]) if len(sys.argv) > 1 else 3600)
        except KeyboardInterrupt:
            pass
