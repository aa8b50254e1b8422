"""Run archive jobs on a Dask distributed cluster (`--executor dask --scheduler ADDRESS`).

The job is the very function the local pool runs. Workers read the meetings and write
the outputs themselves, so the input and output folders must be on storage every worker
sees at the same paths; the parent only plans and keeps the manifest and the index.
Workers need referatgen installed (`pip install 'referatgen[dask]'`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ...diagnostics import ReferatgenError
from ..job import Job, JobResult, run_job
from .local import POLL, crashed


class DaskPool:
    def __init__(self, address: str, timeout: float = 15.0) -> None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise ReferatgenError(
                "--executor dask kræver Dask: installér referatgen[dask] "
                "(pip install 'referatgen[dask]').") from exc
        try:
            self.client = Client(  # type: ignore[no-untyped-call]
                address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ReferatgenError(
                f"Kan ikke forbinde til Dask-scheduleren {address}: {exc}. Tjek adressen "
                "(fx tcp://10.0.0.5:8786), og at scheduleren kører.") from exc
        self.address = address

    def results(self, jobs: Sequence[Job], stop: Callable[[], int]) -> Iterator[JobResult]:
        """Results as they finish; `stop()` as for the local pool (1: cancel what has
        not finished, keep what has; 2: the same, as the cluster cannot be forced)."""
        if not jobs:
            return
        try:
            yield from self._results(jobs, stop)
        finally:
            self.close()

    def _results(self, jobs: Sequence[Job], stop: Callable[[], int]) -> Iterator[JobResult]:
        from distributed import as_completed

        # pure=False: the same meeting built again is new work, not a cached result.
        futures: list[Any] = self.client.map(run_job, list(jobs), pure=False)
        by_key: dict[str, Job] = {f.key: job for f, job in zip(futures, jobs, strict=True)}
        pending: set[str] = set(by_key)
        ready: Any = as_completed(futures, loop=self.client.loop)  # type: ignore[no-untyped-call]
        while pending:
            batch: list[Any] = ready.next_batch(block=False)
            for future in batch:
                job = by_key[future.key]
                pending.discard(future.key)
                if future.cancelled():
                    continue
                try:
                    result: JobResult = future.result()
                except Exception as exc:  # KilledWorker, a lost connection: that meeting fails
                    result = crashed(job, f"Dask-jobbet fejlede: {type(exc).__name__}: {exc}")
                yield result
            if stop() and pending:
                # A running task cannot be stopped; its output is still written atomically.
                unfinished = [f for f in futures if f.key in pending]
                self.client.cancel(unfinished)  # type: ignore[no-untyped-call]
                return
            if not batch:
                time.sleep(POLL)

    def kill(self) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()  # type: ignore[no-untyped-call]
