"""Where archive jobs run: local worker processes (`local`) or a Dask cluster (`dask`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from ..job import Job, JobResult


class Executor(Protocol):
    def results(self, jobs: Sequence[Job], stop: Callable[[], int]) -> Iterator[JobResult]:
        """Results as jobs finish. `stop()` is asked between waits: 0 go on, 1 finish the
        meetings under way and cancel the rest, 2 stop now."""
        ...

    def kill(self) -> None: ...
