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

from ...diagnostics import ReferatgenError
from ..job import Job, JobResult, run_job

#: A meeting under way when a worker died this often fails instead of being retried.
MAX_CRASHES = 2
#: Seconds between looks at the stop flag while waiting for results.
POLL = 0.2
#: Jobs handed to the pool per worker at a time (one running, the rest queued).
IN_FLIGHT_PER_WORKER = 3

_started: SimpleQueue[str] | None = None
#: What a worker puts on the `started` queue when it cannot start, before its reason.
_INIT_FAILED = "\0"


def _init_worker(formats: tuple[str, ...], started: SimpleQueue[str], parent: int) -> None:
    global _started
    _started = started
    try:
        # Ctrl-C reaches the whole process group; the parent decides: running meetings
        # finish (and are kept), the rest is cancelled.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _watch_parent(parent)
        _import_engine(formats)
    except BaseException as exc:
        # The pool only learns that the worker died; the parent must be able to say why.
        started.put(f"{_INIT_FAILED}{type(exc).__name__}: {exc}")
        raise


def _import_engine(formats: tuple[str, ...]) -> None:
    # The engine, imported once per worker rather than once per meeting.
    try:
        from ... import _api  # noqa: F401

        if "pdf" in formats:
            from ...render import pdf

            pdf.engine()
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


def cannot_start(reason: str) -> ReferatgenError:
    return ReferatgenError(
        f"Arbejdsprocesserne kunne ikke starte: {reason}. Tjek, at der er hukommelse og "
        "plads i /tmp nok, og at referatgen er installeret helt (prøv 'referatgen build' "
        "med én fil).")


class _Round:
    """One process pool, fed a few jobs at a time, until it finishes them or breaks."""

    def __init__(self, pool: ProcessPoolExecutor, started: SimpleQueue[str], jobs: list[Job],
                 limit: int) -> None:
        self.pool = pool
        self.started = started
        self.queue = deque(jobs)
        self.limit = limit
        self.futures: dict[Future[JobResult], Job] = {}
        self.waiting: set[Future[JobResult]] = set()
        self.finished: set[str] = set()
        self.broken = False

    def feed(self) -> None:
        while self.queue and len(self.waiting) < self.limit:
            job = self.queue.popleft()
            future = self.pool.submit(_run, job)
            self.futures[future] = job
            self.waiting.add(future)

    def collect(self) -> Iterator[JobResult]:
        """Results that came in during one short wait."""
        done, waiting = wait(self.waiting, timeout=POLL, return_when=FIRST_COMPLETED)
        # shutdown(cancel_futures=True) cancels without notifying waiters: wait() would
        # report those futures as pending forever.
        self.waiting = {f for f in waiting if not f.cancelled()}
        for future in done:
            if future.cancelled():
                continue
            try:
                result = future.result()
            except BrokenProcessPool:
                self.broken = True
                continue
            self.finished.add(self.futures[future].rel)
            yield result

    def cancel(self) -> None:
        self.queue.clear()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def suspects(self) -> set[str]:
        """Meetings a worker had begun; raises when no worker ever got going."""
        begun: set[str] = set()
        while not self.started.empty():
            begun.add(self.started.get())
        failed = sorted(m[len(_INIT_FAILED):] for m in begun if m.startswith(_INIT_FAILED))
        if failed:
            raise cannot_start(failed[0])
        if not begun and not self.finished:
            raise cannot_start("de stoppede, før de byggede noget (se meddelelserne ovenfor)")
        return begun


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
        self._crashes: Counter[str] = Counter()

    def _start(self, jobs: list[Job]) -> _Round:
        try:
            context = multiprocessing.get_context("spawn")
            started: SimpleQueue[str] = context.SimpleQueue()
            self._pool = ProcessPoolExecutor(
                max_workers=min(self.workers, len(jobs)), mp_context=context,
                initializer=_init_worker, initargs=(self.formats, started, os.getpid()),
            )
        except (OSError, ValueError, NotImplementedError) as exc:  # no semaphores, no fds
            raise cannot_start(f"{type(exc).__name__}: {exc}") from exc
        # Only a few jobs per worker are handed to the pool at a time: waiting then costs
        # the same for ten meetings or a hundred thousand, and a stop cancels little.
        return _Round(self._pool, started, jobs, self.workers * IN_FLIGHT_PER_WORKER)

    def results(self, jobs: Sequence[Job], stop: Callable[[], int]) -> Iterator[JobResult]:
        pending = list(jobs)
        stopping = False
        try:
            while pending and not stopping:
                round_ = self._start(pending)
                while (round_.queue or round_.waiting) and not round_.broken:
                    if not stopping:
                        round_.feed()
                    yield from round_.collect()
                    level = stop()
                    if level >= 2:
                        self.kill()
                        return
                    if level == 1 and not stopping:
                        stopping = True
                        round_.cancel()
                pending = []
                if round_.broken:
                    yield from self._after_crash(round_, pending, stopping)
                    pending.extend(round_.queue)
                self._shutdown()
        finally:
            self._shutdown()

    def _after_crash(self, round_: _Round, pending: list[Job],
                     stopping: bool) -> Iterator[JobResult]:
        # Every unfinished future of a broken pool fails; only meetings that had started
        # (the dead worker's among them) count as suspects.
        suspects = round_.suspects()
        for future, job in round_.futures.items():
            if job.rel in round_.finished or future.cancelled():
                continue
            if future.done() and future.exception() is None:
                yield future.result()
                continue
            if job.rel in suspects:
                self._crashes[job.rel] += 1
            if self._crashes[job.rel] >= MAX_CRASHES:
                yield crashed(job, "Arbejdsprocessen stoppede brat, mens mødet blev bygget "
                                   f"({self._crashes[job.rel]} gange), fx af for lidt hukommelse.")
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
