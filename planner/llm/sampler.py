"""Sampling candidate heuristics from any OpenAI-compatible chat endpoint.

n samples of one prompt are n independent requests (sample index in the
cache key), sent concurrently up to a limit. Each request has an explicit
timeout and is retried with exponential backoff and jitter on transient
failures (timeouts, connection errors, 429, 5xx); errors the user must fix
(bad key, unknown model, bad request) stop the run at once with an
EndpointError. Every response is cached on disk the moment it arrives, so an
interrupted run resumes and a rerun costs nothing; offline mode reads only
the cache and fails clearly on a miss. Token usage and cost of every call go
to llm_usage.json.

Before its first real request a sampler sends one minimal request (the same
model and options, max_tokens 1): an endpoint that is down, a wrong URL, key or
model then stops the run with one EndpointError naming the URL and the cause,
instead of every sample failing after its retries (measured before this check:
108 s of silence against a closed port, then one "empty response" per sample).
A chat completion is used rather than GET /models because it checks exactly
what sampling needs (URL, key, model, options), and servers differ in whether
they list models or accept any name.
"""
from __future__ import annotations

import logging
import random
import socket
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from planner.llm.cache import ResponseCache, request_key
from planner.util.atomic import atomic_write_json
from planner.llm.errors import CacheMissError, EndpointError

log = logging.getLogger(__name__)

USAGE_FILE = "llm_usage.json"


@dataclass(frozen=True)
class SamplerConfig:
    """What to ask for and how hard to try.

    Only model, temperature, max_tokens and top_p change the response, so only
    they enter the cache key; limits and retry policy do not.
    """

    model: str
    n: int = 25
    temperature: float = 1.0
    max_tokens: int | None = 8192
    top_p: float | None = None
    concurrency: int = 4
    timeout: float = 600.0
    """Seconds for one HTTP request (connect + generate)."""
    max_retries: int = 5
    backoff: float = 2.0
    """First retry delay in seconds; doubles per attempt up to backoff_max."""
    backoff_max: float = 60.0
    base_url: str | None = None
    """None: the openai client reads OPENAI_BASE_URL (with /v1)."""
    api_key: str | None = None
    """None: the openai client reads OPENAI_API_KEY."""
    offline: bool = False
    price_input_per_mtok: float | None = None
    """USD per million prompt tokens, for the cost column (None: unknown)."""
    price_output_per_mtok: float | None = None
    check_endpoint: bool = True
    """Send one minimal request before the first real one (see the module doc)."""

    def request_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"temperature": self.temperature}
        if self.max_tokens is not None:
            params["max_tokens"] = self.max_tokens
        if self.top_p is not None:
            params["top_p"] = self.top_p
        return params

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        if self.price_input_per_mtok is None or self.price_output_per_mtok is None:
            return None
        return (
            prompt_tokens * self.price_input_per_mtok + completion_tokens * self.price_output_per_mtok
        ) / 1e6


@dataclass
class Sample:
    """One sampled response (content None when it failed after all retries)."""

    index: int
    key: str
    content: str | None
    cached: bool
    finish_reason: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    elapsed_s: float = 0.0
    attempts: int = 0
    error: str | None = None


@dataclass
class UsageLog:
    """Per-call token usage and cost, kept in llm_usage.json across runs.

    Cached hits are logged with cost 0 so that the file shows what each run
    really spent; tokens of a hit are those of the original call.
    """

    path: Path | None
    calls: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, path: str | Path | None) -> "UsageLog":
        log_ = cls(Path(path) if path is not None else None)
        if log_.path is not None and log_.path.exists():
            import json

            try:
                data = json.loads(log_.path.read_text(encoding="utf-8"))
                log_.calls = list(data.get("calls", []))
                log_.checks = list(data.get("endpoint_checks", []))
            except (OSError, ValueError, AttributeError):
                log.warning("ignoring unreadable usage log %s", log_.path)
        return log_

    def record(self, model: str, sample: Sample) -> None:
        entry = {k: v for k, v in asdict(sample).items() if k != "content"}
        entry.update(model=model, time=time.time())
        if sample.cached:
            entry["cost_usd"] = 0.0
        with self._lock:
            self.calls.append(entry)
            if self.path is not None:
                atomic_write_json(self.path, self._payload())

    def totals(self) -> dict[str, Any]:
        api = [c for c in self.calls if not c.get("cached")]
        costs = [c["cost_usd"] for c in api if c.get("cost_usd") is not None]
        return {
            "calls": len(self.calls),
            "api_calls": len(api),
            "cache_hits": len(self.calls) - len(api),
            "failed": sum(1 for c in self.calls if c.get("error")),
            "prompt_tokens": sum(int(c.get("prompt_tokens") or 0) for c in api),
            "completion_tokens": sum(int(c.get("completion_tokens") or 0) for c in api),
            "cost_usd": sum(costs) if costs else None,
            "cost_known_for": len(costs),
            "endpoint_checks": len(self.checks),
        }

    def record_check(self, model: str, prompt_tokens: int, completion_tokens: int,
                     cost_usd: float | None, elapsed_s: float) -> None:
        """The endpoint check's tokens (a few dozen), kept apart from the samples' calls."""
        with self._lock:
            self.checks.append({"model": model, "prompt_tokens": prompt_tokens,
                                "completion_tokens": completion_tokens, "cost_usd": cost_usd,
                                "elapsed_s": elapsed_s, "time": time.time()})
            if self.path is not None:
                atomic_write_json(self.path, self._payload())

    def _payload(self) -> dict[str, Any]:
        return {"calls": self.calls, "endpoint_checks": self.checks, "totals": self.totals()}


class Sampler:
    """Draws config.n samples of a prompt, using and filling the response cache."""

    def __init__(
        self,
        config: SamplerConfig,
        cache: ResponseCache | None = None,
        usage_path: str | Path | None = None,
        client: Any = None,
        sleep: Callable[[float], None] = time.sleep,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        """notify receives one line per event worth telling the user now (the
        endpoint check's outcome); the CLI prints them to stderr."""
        self.config = config
        self.cache = cache if cache is not None else ResponseCache()
        self.usage = UsageLog.open(
            usage_path if usage_path is not None else self.cache.directory / USAGE_FILE
        )
        self._client = client
        self._sleep = sleep
        self._notify = notify
        self._checked = not config.check_endpoint

    def keys(self, messages: Sequence[Mapping[str, str]], n: int | None = None) -> list[str]:
        n = self.config.n if n is None else n
        params = self.config.request_params()
        return [request_key(self.config.model, list(messages), params, i) for i in range(n)]

    def sample(self, messages: Sequence[Mapping[str, str]], n: int | None = None) -> list[Sample]:
        """All n samples in index order; cached ones are not requested again."""
        n = self.config.n if n is None else n
        return self.sample_batch([(messages, i) for i in range(n)])

    def sample_batch(self, requests: Sequence[tuple[Sequence[Mapping[str, str]], int]]) -> list[Sample]:
        """One sample per (messages, sample index), in order, sharing the concurrency
        limit: the repair loop sends one follow-up per failed candidate at once."""
        params = self.config.request_params()
        keys = [request_key(self.config.model, list(m), params, i) for m, i in requests]
        results: dict[int, Sample] = {}
        missing = []
        for pos, ((_, index), key) in enumerate(zip(requests, keys)):
            entry = self.cache.get(key)
            if entry is None:
                missing.append(pos)
            else:
                results[pos] = self._from_cache(index, key, entry)
                self.usage.record(self.config.model, results[pos])
        if missing and self.config.offline:
            raise CacheMissError(
                f"offline mode: {len(missing)} of {len(keys)} responses are not cached "
                f"(first missing: sample {requests[missing[0]][1]}, key {keys[missing[0]][:16]}...) "
                f"in {self.cache.directory}; run once online or point --cache-dir at a filled cache"
            )
        if missing:
            todo = [(requests[p][0], requests[p][1], keys[p]) for p in missing]
            for pos, sample in zip(missing, self._request_all(todo)):
                results[pos] = sample
        return [results[p] for p in range(len(keys))]

    def check_endpoint(self) -> None:
        """One minimal request (max_tokens 1, the configured model and options).

        Raises EndpointError, one line naming the URL and the cause, when the
        endpoint is unreachable (connection refused, unknown host), does not
        answer within the request timeout, refuses the key, model or options
        (HTTP 400/401/403/404/422), or keeps failing with 5xx after the
        retries. A 429 passes: the server knows the key and the model, and
        sampling backs off per request. Done once per sampler, before the
        first real request (a run answered from the cache sends nothing).
        """
        import openai

        client = self._get_client()
        params = {**self.config.request_params(), "max_tokens": 1}
        start = time.monotonic()
        for attempt in range(1, self.config.max_retries + 2):
            try:
                response = client.chat.completions.create(
                    model=self.config.model, messages=[dict(m) for m in CHECK_MESSAGES], **params)
                break
            except openai.RateLimitError:
                response = None
                break
            except openai.InternalServerError as err:  # 5xx: the server may be starting up
                if attempt > self.config.max_retries:
                    raise EndpointError(self._endpoint_problem(err)) from None
                delay = self._delay(attempt, err)
                self._say(f"LLM endpoint {self.endpoint_url()}: {describe_error(err)}; "
                          f"retrying in {delay:.0f} s")
                self._sleep(delay)
            except (openai.APIConnectionError, openai.APIStatusError) as err:
                raise EndpointError(self._endpoint_problem(err)) from None
        elapsed = time.monotonic() - start
        usage = getattr(response, "usage", None)
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        self.usage.record_check(self.config.model, prompt_tokens, completion_tokens,
                                self.config.cost(prompt_tokens, completion_tokens), elapsed)
        self._checked = True
        self._say(f"LLM endpoint {self.endpoint_url()} answers for model {self.config.model!r} "
                  f"({elapsed:.1f} s{', rate-limited' if response is None else ''})")

    def endpoint_url(self) -> str:
        """The base URL requests go to (the client resolves OPENAI_BASE_URL and its default)."""
        client = self._client
        url = str(getattr(client, "base_url", "") or self.config.base_url or "OPENAI_BASE_URL")
        return url.rstrip("/")

    def _endpoint_problem(self, err: Exception) -> str:
        import openai

        url, model = self.endpoint_url(), self.config.model
        cause = describe_error(err)
        if isinstance(err, openai.APITimeoutError):
            return (f"the LLM endpoint {url} did not answer within {self.config.timeout:g} s "
                    f"(--request-timeout); is the server overloaded or the URL wrong?")
        if isinstance(err, openai.APIConnectionError):
            return (f"cannot reach the LLM endpoint {url}: {cause}; is the server running and "
                    f"the URL right? (--base-url or OPENAI_BASE_URL)")
        status = getattr(err, "status_code", None)
        hint = {
            401: "the API key was refused; check OPENAI_API_KEY",
            403: f"the key may not use model {model!r}; check OPENAI_API_KEY and --model",
            404: f"no model {model!r} there, or a wrong URL: the URL ends in /v1 "
                 f"(e.g. http://localhost:8000/v1) and --model names a served model",
        }.get(status or 0, f"check --model {model!r} and the request options "
                            f"(--temperature, --max-tokens)" if status in (400, 422) else
                           "the server keeps failing; try again later")
        return f"the LLM endpoint {url} refused a minimal request for model {model!r}: {cause}; {hint}"

    def _say(self, line: str) -> None:
        log.info("%s", line)
        if self._notify is not None:
            self._notify(line)

    def _request_all(
        self, todo: list[tuple[Sequence[Mapping[str, str]], int, str]]
    ) -> list[Sample]:
        client = self._get_client()
        if not self._checked:
            self.check_endpoint()
        workers = max(1, min(self.config.concurrency, len(todo)))
        stop = threading.Event()  # set on a fatal error: queued requests are not sent
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="llm-sample") as pool:
            futures: list[Future[Sample]] = [
                pool.submit(self._request_one, client, messages, index, key, stop)
                for messages, index, key in todo
            ]
            done, pending = wait(futures, return_when=FIRST_EXCEPTION)
            for future in pending:
                future.cancel()
            for future in futures:
                if future.done() and not future.cancelled() and future.exception() is not None:
                    raise future.exception()  # type: ignore[misc]
            return [f.result() for f in futures]

    def _request_one(
        self, client: Any, messages: Sequence[Mapping[str, str]], index: int, key: str,
        stop: threading.Event,
    ) -> Sample:
        import openai

        params = self.config.request_params()
        start = time.monotonic()
        last_error = ""
        for attempt in range(1, self.config.max_retries + 2):
            if stop.is_set():
                return Sample(index, key, None, cached=False, attempts=attempt - 1,
                              error="cancelled after a fatal endpoint error")
            try:
                response = client.chat.completions.create(
                    model=self.config.model, messages=[dict(m) for m in messages], **params
                )
                sample, entry = self._received(index, key, messages, response, attempt, start)
                # usage first: a run killed between the two writes has paid for
                # the call, and a cached reply would later be logged as a free hit
                self.usage.record(self.config.model, sample)
                self.cache.put(key, entry)
                return sample
            except _fatal_errors(openai) as err:
                stop.set()
                raise EndpointError(_explain(err, self.config, self.endpoint_url())) from err
            except _transient_errors(openai) as err:
                last_error = describe_error(err)
                delay = self._delay(attempt, err)
            except _MalformedResponse as err:
                last_error = str(err)
                delay = self._delay(attempt, None)
            if attempt <= self.config.max_retries:
                log.info("sample %d attempt %d failed (%s); retrying in %.1fs",
                         index, attempt, last_error, delay)
                self._sleep(delay)
        sample = Sample(index, key, None, cached=False, attempts=self.config.max_retries + 1,
                        elapsed_s=time.monotonic() - start, error=last_error)
        self.usage.record(self.config.model, sample)
        return sample

    def _received(self, index, key, messages, response, attempt, start) -> tuple[Sample, dict[str, Any]]:
        """The sample of a reply and the cache entry to store for it."""
        choices = getattr(response, "choices", None) or []
        content = choices[0].message.content if choices else None
        if not isinstance(content, str):
            raise _MalformedResponse("response without message content")
        usage = getattr(response, "usage", None)
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        elapsed = time.monotonic() - start
        entry = {
            "model": self.config.model,
            "request": {"messages": [dict(m) for m in messages],
                        "params": self.config.request_params(), "sample_index": index},
            "content": content,
            "finish_reason": choices[0].finish_reason,
            "response_model": getattr(response, "model", None),
            "response_id": getattr(response, "id", None),
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "cost_usd": self.config.cost(prompt_tokens, completion_tokens),
            "elapsed_s": elapsed,
            "attempts": attempt,
            "created_at": time.time(),
        }
        return Sample(index, key, content, cached=False, finish_reason=entry["finish_reason"],
                      prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                      cost_usd=entry["cost_usd"], elapsed_s=elapsed, attempts=attempt), entry

    @staticmethod
    def _from_cache(index: int, key: str, entry: Mapping[str, Any]) -> Sample:
        return Sample(index, key, entry["content"], cached=True,
                      finish_reason=entry.get("finish_reason"),
                      prompt_tokens=int(entry.get("prompt_tokens") or 0),
                      completion_tokens=int(entry.get("completion_tokens") or 0),
                      cost_usd=0.0, elapsed_s=0.0, attempts=0)

    def _delay(self, attempt: int, err: Exception | None) -> float:
        retry_after = _retry_after(err)
        if retry_after is not None:
            return min(self.config.backoff_max, retry_after)
        base = min(self.config.backoff_max, self.config.backoff * 2 ** (attempt - 1))
        return base * random.uniform(0.5, 1.0)

    def _get_client(self) -> Any:
        if self._client is None:
            import openai

            try:
                self._client = openai.OpenAI(
                    api_key=self.config.api_key, base_url=self.config.base_url,
                    timeout=self.config.timeout, max_retries=0,
                )
            except openai.OpenAIError as err:
                raise EndpointError(
                    f"cannot create the LLM client: {err} (set OPENAI_API_KEY and "
                    "OPENAI_BASE_URL, e.g. http://localhost:8000/v1 for a local server)"
                ) from err
        return self._client


class _MalformedResponse(Exception):
    """The endpoint answered 200 but without usable content; worth a retry."""


def _fatal_errors(openai: Any) -> tuple[type[BaseException], ...]:
    return (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError,
            openai.BadRequestError, openai.UnprocessableEntityError)


def _transient_errors(openai: Any) -> tuple[type[BaseException], ...]:
    # APITimeoutError is a subclass of APIConnectionError; APIStatusError covers
    # 429, 5xx and other statuses not listed as fatal.
    return (openai.APIConnectionError, openai.APIStatusError, openai.APIResponseValidationError)


CHECK_MESSAGES = ({"role": "user", "content": "Reply with OK."},)
"""The endpoint check's conversation (answered with at most one token)."""


def describe_error(err: BaseException) -> str:
    """What went wrong, in one line: the HTTP status and the server's own
    message, or the innermost cause of a connection error (the openai client
    says only "Connection error." and keeps "[Errno 111] Connection refused"
    or "Name or service not known" in the chain)."""
    status = getattr(err, "status_code", None)
    if status is not None:
        body = getattr(err, "body", None)
        message = body.get("message") if isinstance(body, dict) else None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            message = body["error"].get("message")
        return f"HTTP {status} {type(err).__name__}" + (f" ({message})" if message else "")
    inner: BaseException = err
    seen = {id(err)}
    while True:
        nxt = inner.__cause__ or inner.__context__
        if nxt is None or id(nxt) in seen:
            break
        seen.add(id(nxt))
        inner = nxt
    if inner is err:
        return f"{type(err).__name__}: {err}"
    text = str(inner) or type(inner).__name__
    if isinstance(inner, ConnectionRefusedError):
        return f"connection refused ({text})"
    if isinstance(inner, socket.gaierror):
        return f"unknown host ({text})"
    return f"{type(err).__name__}: {type(inner).__name__}: {text}"


def _explain(err: Exception, config: SamplerConfig, where: str) -> str:
    return (f"the LLM endpoint {where} refused the request for model {config.model!r}: "
            f"{describe_error(err)}")


def _retry_after(err: Exception | None) -> float | None:
    response = getattr(err, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    value = headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
