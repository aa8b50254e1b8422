"""Run archive jobs on long-lived local worker processes.

Each worker imports the rendering engine once (in its initializer) and then builds
meeting after meeting; the parent only plans, hashes and keeps the books. Workers are
started with `spawn`: they inherit no threads or locks from the parent (the progress
bar runs a thread), and behave the same on Linux, macOS and Windows.

A worker that dies (killed, out of memory) breaks the pool. The jobs it did not finish
go to a fresh pool; a meeting that was being built each time a worker died twice fails
on its own instead of taking the archive down with it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.queues import SimpleQueue
from typing import Any

from .batch_job import Job, JobResult, run_job

#: A meeting under way when a worker died this often fails instead of being retried.
MAX_CRASHES = 2

_started: SimpleQueue[str] | None = None


def _init_worker(formats: tuple[str, ...], started: SimpleQueue[str], parent: int) -> None:
    global _started
    _started = started
    # Ctrl-C reaches the whole process group; the parent decides: running meetings
    # finish (and are kept), the rest is cancelled.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _watch_parent(parent)
    # The engine, imported once per worker rather than once per meeting.
    try:
        from . import _api  # noqa: F401

        if "pdf" in formats:
            import weasyprint  # noqa: F401

            from .render import pdf  # noqa: F401
        if "html" in formats:
            from .render import html  # noqa: F401
        if "docx" in formats:
            import docx  # noqa: F401
    except ImportError:
        pass  # the job reports it, with the meeting's name


def _watch_parent(parent: int) -> None:
    # A parent killed with SIGKILL cannot stop its workers; they would wait forever
    # for work. Reparenting shows the parent is gone.
    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="referatgen-parent-watch", daemon=True).start()


def _run(job: Job) -> JobResult:
    if _started is not None:
        _started.put(job.rel)
    return run_job(job)


def crashed(job: Job, message: str) -> JobResult:
    return JobResult(job.rel, ok=False, errors=[message])


class LocalPool:
    """Jobs on `workers` processes; results as they finish."""

    def __init__(self, workers: int, formats: Sequence[str]) -> None:
        self.workers = max(1, workers)
        self.formats = tuple(formats)
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[Future[JobResult], Job] = {}
        self._yielded: set[str] = set()
        self.worker_pids: set[int] = set()

    def _start(self, jobs: Sequence[Job]) -> SimpleQueue[str]:
        context = multiprocessing.get_context("spawn")
        started: SimpleQueue[str] = context.SimpleQueue()
        self._pool = ProcessPoolExecutor(
            max_workers=min(self.workers, len(jobs)), mp_context=context,
            initializer=_init_worker, initargs=(self.formats, started, os.getpid()),
        )
        self._futures = {self._pool.submit(_run, job): job for job in jobs}
        return started

    def results(self, jobs: Sequence[Job]) -> Iterator[JobResult]:
        pending = list(jobs)
        crashes: Counter[str] = Counter()
        while pending:
            started = self._start(pending)
            pending = []
            broken = False
            for future in as_completed(self._futures):
                job = self._futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken = True
                    break
                self._yielded.add(job.rel)
                self.worker_pids.add(result.pid)
                yield result
            if not broken:
                self._shutdown()
                continue
            # Every unfinished future of a broken pool fails; only the meetings that had
            # started (the dead worker's among them) count as suspects.
            suspects: set[str] = set()
            while not started.empty():
                suspects.add(started.get())
            self._shutdown()
            for future, job in self._futures.items():
                if job.rel in self._yielded:
                    continue
                if future.done() and not future.cancelled() and future.exception() is None:
                    self._yielded.add(job.rel)
                    yield future.result()
                    continue
                if job.rel in suspects:
                    crashes[job.rel] += 1
                if crashes[job.rel] >= MAX_CRASHES:
                    self._yielded.add(job.rel)
                    yield crashed(job, "Arbejdsprocessen stoppede brat, mens mødet blev bygget "
                                       f"({crashes[job.rel]} gange), fx af for lidt hukommelse.")
                else:
                    pending.append(job)

    def interrupt(self) -> Iterator[JobResult]:
        """Cancel what has not started; let running meetings finish and return them."""
        pool = self._pool
        if pool is None:
            return
        pool.shutdown(wait=False, cancel_futures=True)
        running = [f for f, job in self._futures.items()
                   if job.rel not in self._yielded and not f.cancelled()]
        wait(running)
        for future in running:
            job = self._futures[future]
            if future.cancelled() or future.exception() is not None:
                continue
            self._yielded.add(job.rel)
            yield future.result()
        self._shutdown()

    def kill(self) -> None:
        """Stop at once: workers are terminated; write_atomic leaves no half file behind."""
        for child in multiprocessing.active_children():
            child.terminate()
        self._shutdown()

    def close(self) -> None:
        self._shutdown()

    def _shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def describe(self) -> dict[str, Any]:
        return {"executor": "local", "workers": self.workers}
