"""The run loop: plan from the books, hand stale meetings to an executor, enter each result.

The parent never imports the rendering engine. One bad meeting is one failure in the
summary, never the end of the run; Ctrl-C or SIGTERM lets the meetings under way
finish, keeps them, and stops.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, ReferatgenError
from ..options import BuildOptions
from ..styles import is_path_spec
from .books import Books, make_job
from .config import ArchiveConfig, ArchiveSummary, Failure
from .discover import Discovery, discover
from .executors import Executor
from .job import Job, JobResult
from .lock import OutputLock
from .manifest import Hasher
from .progress import Progress
from .signals import StopSignals


def available_cores() -> int:
    """The cores this process may run on (its affinity mask), not the host's count."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def run_archive(config: ArchiveConfig) -> ArchiveSummary:
    """Build every out-of-date meeting of `config.inputs` into `config.output`.

    Prints progress as it goes; the summary is returned, for `report.print_summary`.
    ReferatgenError when the output folder cannot be used at all.
    """
    discovery = discover(config.inputs, config.output)
    for path, why in discovery.notes:
        print(f"referatgen: passer over {path}: {why}.", file=sys.stderr)
    if config.verbose:
        for path, why in discovery.skipped:
            print(f"passer over: {path} ({why})")
    with OutputLock(config.output):
        return _Run(config, discovery).run()


def make_executor(config: ArchiveConfig, count: int) -> Executor:
    """The executor for `count` jobs."""
    if config.executor == "dask":
        from .executors.dask import DaskPool

        return DaskPool(str(config.scheduler))
    from .executors.local import LocalPool

    workers = config.jobs if config.jobs is not None else available_cores()
    return LocalPool(min(workers, count), config.formats)


def portable(options: BuildOptions) -> BuildOptions:
    """Workers (on Dask: other machines) must find a style folder wherever they run."""
    if options.stil is not None and is_path_spec(options.stil):
        return dataclasses.replace(options, stil=str(Path(options.stil).resolve()))
    return options


@dataclass
class _Tally:
    built: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    #: An ordered set: the same warning from many workers is kept once.
    warnings: dict[Diagnostic, None] = field(default_factory=dict)
    interrupted: bool = False
    fatal: str | None = None

    def stop_for(self, message: str) -> None:
        """The first fatal problem is the one reported."""
        if self.fatal is None:
            self.fatal = message

    def summary(self) -> ArchiveSummary:
        return ArchiveSummary(tuple(self.built), tuple(self.up_to_date), tuple(self.failed),
                              tuple(self.warnings), self.interrupted, self.fatal)


class _Run:
    def __init__(self, config: ArchiveConfig, discovery: Discovery) -> None:
        self.config = config
        self.options = portable(config.options)
        self.out = config.output.resolve()
        self.discovery = discovery
        self.tally = _Tally()
        self.display = {m.rel.as_posix(): m.display for m in discovery.meetings}
        self.sources: dict[str, str] = {}
        self.books = Books(self.out, self.options, config.verbose)

    def run(self) -> ArchiveSummary:
        self.books.clean_temp_files()
        for display, message in self.discovery.problems:
            self.tally.failed.append(Failure(display, (f"{display}: {message}",)))
        jobs = self._plan()
        # From here on a signal is a request: the books are always written at the end.
        with StopSignals() as signals:
            if jobs:
                self._execute(jobs, signals)
            try:
                if self.config.executor != "dask":
                    self.books.clean_temp_files()
                self.books.finish(self.display)
            except ReferatgenError as exc:
                self.tally.stop_for(str(exc))
        return self.tally.summary()

    def _plan(self) -> list[Job]:
        hasher = Hasher()
        formats = self.config.formats
        sized: list[tuple[int, Job]] = []
        for found in self.discovery.meetings:
            stale = list(formats) if self.config.force else self.books.stale(found, formats,
                                                                             hasher)
            if not stale:
                self.tally.up_to_date.append(found.display)
                if self.config.verbose:
                    print(f"opdateret: {found.display}")
                continue
            try:
                size = found.path.stat().st_size
            except OSError:
                size = 0
            sized.append((size, make_job(found, self.out, stale, self.options)))
        # Largest first: the long ones start early and the last minutes stay busy.
        sized.sort(key=lambda pair: (-pair[0], pair[1].rel))
        self.sources = {job.rel: job.source for _size, job in sized}
        return [job for _size, job in sized]

    def _execute(self, jobs: list[Job], signals: StopSignals) -> None:
        try:
            executor = make_executor(self.config, len(jobs))
        except ReferatgenError as exc:  # no Dask scheduler there: nothing was built
            self.tally.stop_for(str(exc))
            return
        processed = 0
        with Progress(len(jobs), len(self.tally.up_to_date)) as progress:
            def stop() -> int:
                return self._stop_level(signals, progress)

            try:
                for result in executor.results(jobs, stop):
                    processed += 1
                    self._record(result, progress)
            except ReferatgenError as exc:  # workers that cannot start: keep what is done
                executor.kill()
                self.tally.stop_for(str(exc))
            except BaseException:
                executor.kill()
                raise
        if processed == len(jobs):
            self.tally.interrupted = False  # the signal came as the last meeting finished

    def _stop_level(self, signals: StopSignals, progress: Progress) -> int:
        if signals.news():
            self.tally.interrupted = True
            progress.note("Afbryder: de møder, der er i gang, gøres færdige (Ctrl-C igen "
                          "stopper straks) ..." if signals.count == 1 else "Stopper straks ...")
        if signals.count:
            return min(signals.count, 2)
        return 1 if self.tally.fatal is not None else 0

    def _record(self, result: JobResult, progress: Progress) -> None:
        display = self.display.get(result.rel, result.rel)
        self.tally.warnings.update(dict.fromkeys(result.warnings))
        if result.ok:
            self.tally.built.append(display)
            try:
                self.books.record(result, self.sources.get(result.rel, ""))
            except ReferatgenError as exc:
                self.tally.stop_for(str(exc))
        else:
            self.tally.failed.append(Failure(display, tuple(result.errors or ["ukendt fejl"])))
            if result.fatal is not None:
                self.tally.stop_for(result.fatal)
        progress.advance(display, result.ok)
