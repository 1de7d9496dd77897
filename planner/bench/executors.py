"""Where runs execute: a small interface with a local and a Dask implementation.

An executor takes a picklable function and one item and returns a handle
whose `.result()` blocks; `map_unordered` yields (item, result) pairs as
runs finish, which is what lets the orchestrator record each result at
once. Anything that evaluates many independent jobs (benchmark runs, the
learning pipeline's candidate evaluations) can take an `Executor` and run
unchanged on one machine or a cluster.

Local: a pool of `jobs` threads, each supervising one run process at a time
(the run itself is a separate process group; threads only wait, so no
interpreter is forked and Ctrl-C can kill every live run).
Dask: `distributed.Client(address)`; workers need this checkout (or the
package) importable and the task files at the same paths. Start them with
one thread each (`dask worker tcp://HOST:PORT --nthreads 1`) so runs do not
share a core.
"""
from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Callable, Iterable, Iterator, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Handle(Protocol[R]):
    def result(self) -> R: ...


class Executor(Protocol):
    """submit run -> result; map_unordered yields results as they finish."""

    def submit(self, fn: Callable[[T], R], item: T) -> Handle[R]: ...

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]: ...

    def describe(self) -> str: ...

    def close(self) -> None: ...


class LocalExecutor:
    """Up to `jobs` runs at once on this machine."""

    def __init__(self, jobs: int = 1) -> None:
        self.jobs = max(1, int(jobs))
        self._pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="bench-run")

    def submit(self, fn: Callable[[T], R], item: T) -> Future:
        return self._pool.submit(fn, item)

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        pending: dict[Future, Any] = {self._pool.submit(fn, item): item for item in items}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield pending.pop(future), future.result()
        finally:
            for future in pending:
                future.cancel()
            if pending:  # interrupted: queued runs never start, live runs are killed
                from planner.bench.runner import kill_all

                kill_all()

    def describe(self) -> str:
        return f"local ({self.jobs} parallel run{'s' if self.jobs > 1 else ''})"

    def close(self) -> None:
        """Drop queued runs, kill live ones (none unless interrupted), wait for the threads."""
        from planner.bench.runner import kill_all

        self._pool.shutdown(wait=False, cancel_futures=True)
        kill_all()
        self._pool.shutdown(wait=True)

    def __enter__(self) -> "LocalExecutor":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class DaskExecutor:
    """Runs on a Dask distributed cluster (scheduler address or an existing Client)."""

    def __init__(self, scheduler: Any) -> None:
        from distributed import Client

        self._own = isinstance(scheduler, str)
        self.client = Client(scheduler) if self._own else scheduler
        self.address = self.client.scheduler.address

    def submit(self, fn: Callable[[T], R], item: T) -> Any:
        return self.client.submit(fn, item, pure=False)

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        from distributed import as_completed

        futures = {}
        for item in items:
            futures[self.client.submit(fn, item, pure=False)] = item
        remaining = set(futures)
        try:
            for future in as_completed(list(futures)):
                remaining.discard(future)
                yield futures[future], future.result()
        finally:
            if remaining:
                self.client.cancel(list(remaining))

    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def describe(self) -> str:
        return f"dask {self.address} ({self.workers()} workers)"

    def close(self) -> None:
        if self._own:
            self.client.close()

    def __enter__(self) -> "DaskExecutor":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def make_executor(jobs: int = 1, scheduler: str | None = None) -> LocalExecutor | DaskExecutor:
    return DaskExecutor(scheduler) if scheduler else LocalExecutor(jobs)
