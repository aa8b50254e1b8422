"""Run archive jobs on a Dask distributed cluster (`--executor dask --scheduler ADDRESS`).

The job is the very function the local pool runs. Workers read the meetings and write
the outputs themselves, so the input and output folders must be on storage every worker
sees at the same paths; the parent only plans and keeps the manifest and the index.
Workers need referatgen installed (`pip install 'referatgen[dask]'`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .batch_job import Job, JobResult, run_job
from .batch_pool import crashed
from .diagnostics import ReferatgenError


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
        self._futures: dict[Any, Job] = {}
        self._yielded: set[str] = set()

    def results(self, jobs: Sequence[Job]) -> Iterator[JobResult]:
        from distributed import as_completed

        if not jobs:
            return
        # pure=False: the same meeting built again is new work, not a cached result.
        futures = self.client.map(run_job, list(jobs), pure=False)
        self._futures = dict(zip(futures, jobs, strict=True))
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            job = self._futures[future]
            try:
                result: JobResult = future.result()
            except Exception as exc:  # KilledWorker, a lost connection, ...: that meeting fails
                result = crashed(job, f"Dask-jobbet fejlede: {type(exc).__name__}: {exc}")
            self._yielded.add(job.rel)
            yield result

    def interrupt(self) -> Iterator[JobResult]:
        """Cancel what is not done; results already finished are still returned."""
        waiting = [f for f, job in self._futures.items() if job.rel not in self._yielded]
        done = [f for f in waiting if f.done()]
        self.client.cancel(  # type: ignore[no-untyped-call]
            [f for f in waiting if not f.done()])
        for future in done:
            job = self._futures[future]
            try:
                result: JobResult = future.result()
            except Exception:  # nothing to keep from a failed job
                continue
            self._yielded.add(job.rel)
            yield result

    def kill(self) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()  # type: ignore[no-untyped-call]

    def describe(self) -> dict[str, Any]:
        return {"executor": "dask", "scheduler": self.address}
