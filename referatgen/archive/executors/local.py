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
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.queues import SimpleQueue

from ..job import Job, JobResult, run_job

#: A meeting under way when a worker died this often fails instead of being retried.
MAX_CRASHES = 2
#: Seconds between looks at the stop flag while waiting for results.
POLL = 0.2
#: Jobs handed to the pool per worker at a time (one running, the rest queued).
IN_FLIGHT_PER_WORKER = 3

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
        from ... import _api  # noqa: F401

        if "pdf" in formats:
            import weasyprint  # noqa: F401

            from ...render import pdf  # noqa: F401
        if "html" in formats:
            from ...render import html  # noqa: F401
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
    """Jobs on `workers` processes; results as they finish.

    `stop()` is asked between waits (never from a signal handler, so no lock is ever
    interrupted half-taken): 0 go on, 1 finish the meetings under way and cancel the
    rest, 2 terminate the workers now.
    """

    def __init__(self, workers: int, formats: Sequence[str]) -> None:
        self.workers = max(1, workers)
        self.formats = tuple(formats)
        self._pool: ProcessPoolExecutor | None = None

    def _start(self, count: int) -> tuple[ProcessPoolExecutor, SimpleQueue[str]]:
        context = multiprocessing.get_context("spawn")
        started: SimpleQueue[str] = context.SimpleQueue()
        self._pool = ProcessPoolExecutor(
            max_workers=min(self.workers, count), mp_context=context,
            initializer=_init_worker, initargs=(self.formats, started, os.getpid()),
        )
        return self._pool, started

    def results(self, jobs: Sequence[Job], stop: Callable[[], int]) -> Iterator[JobResult]:
        pending = list(jobs)
        crashes: Counter[str] = Counter()
        stopping = False
        # Only a few jobs per worker are handed to the pool at a time: waiting then costs
        # the same for ten meetings or a hundred thousand, and a stop cancels little.
        limit = self.workers * IN_FLIGHT_PER_WORKER
        try:
            while pending and not stopping:
                pool, started = self._start(len(pending))
                queue = deque(pending)
                pending = []
                futures: dict[Future[JobResult], Job] = {}
                finished: set[str] = set()
                waiting: set[Future[JobResult]] = set()
                broken = False
                while queue or waiting:
                    while queue and len(waiting) < limit and not stopping:
                        job = queue.popleft()
                        future = pool.submit(_run, job)
                        futures[future] = job
                        waiting.add(future)
                    done, waiting = wait(waiting, timeout=POLL, return_when=FIRST_COMPLETED)
                    # shutdown(cancel_futures=True) cancels without notifying waiters:
                    # wait() would report those futures as pending forever.
                    waiting = {f for f in waiting if not f.cancelled()}
                    for future in done:
                        if future.cancelled():
                            continue
                        try:
                            result = future.result()
                        except BrokenProcessPool:
                            broken = True
                            continue
                        finished.add(futures[future].rel)
                        yield result
                    level = stop()
                    if level >= 2:
                        self.kill()
                        return
                    if level == 1 and not stopping:
                        stopping = True
                        queue.clear()
                        pool.shutdown(wait=False, cancel_futures=True)
                    if broken:
                        break
                if broken:
                    yield from self._after_crash(futures, started, finished, crashes, pending,
                                                 stopping)
                    pending.extend(queue)
                self._shutdown()
        finally:
            self._shutdown()

    def _after_crash(self, futures: dict[Future[JobResult], Job], started: SimpleQueue[str],
                     finished: set[str], crashes: Counter[str], pending: list[Job],
                     stopping: bool) -> Iterator[JobResult]:
        # Every unfinished future of a broken pool fails; only meetings that had started
        # (the dead worker's among them) count as suspects.
        suspects: set[str] = set()
        while not started.empty():
            suspects.add(started.get())
        for future, job in futures.items():
            if job.rel in finished or future.cancelled():
                continue
            if future.done() and future.exception() is None:
                yield future.result()
                continue
            if job.rel in suspects:
                crashes[job.rel] += 1
            if crashes[job.rel] >= MAX_CRASHES:
                yield crashed(job, "Arbejdsprocessen stoppede brat, mens mødet blev bygget "
                                   f"({crashes[job.rel]} gange), fx af for lidt hukommelse.")
            elif not stopping:
                pending.append(job)

    def kill(self) -> None:
        """Stop at once: workers are terminated; write_atomic leaves no half file behind."""
        for child in multiprocessing.active_children():
            child.terminate()
        self._shutdown()

    def _shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
