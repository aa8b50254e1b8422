"""`referatgen build DIR_OR_GLOB... -o OUT`: regenerate a whole archive.

The parent finds the meeting files, decides from the manifest's content hashes which
are out of date, hands those to long-lived workers (local processes, or Dask), and
keeps the books as results arrive: the manifest after each finished meeting (at most
once a second, always atomically), the index at the end. It never imports the
rendering engine. One bad meeting is one failure in the summary, never the end of the
run; Ctrl-C or SIGTERM lets the meetings under way finish, keeps them, and stops.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any, Protocol

from .._api import BuildOptions, parse_formats
from ..diagnostics import ReferatgenError
from ..styles import is_path_spec
from .discover import Discovery, Found, discover
from .index import order_files, record_with_files, sort_meetings, write_index
from .job import Job, JobResult
from .manifest import (
    MANIFEST_NAME,
    Entry,
    Hasher,
    Manifest,
    ManifestError,
    OutputState,
    code_fingerprint,
    deps_digest,
    options_key,
    output_current,
    refresh,
    temp_files,
)

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
LOCK_NAME = ".referatgen.lock"
#: The manifest is saved at most this often while results arrive (and always at the end).
SAVE_INTERVAL = 1.0


class Executor(Protocol):
    def results(self, jobs: Sequence[Job], stop: Callable[[], int]) -> Iterator[JobResult]: ...
    def kill(self) -> None: ...


def available_cores() -> int:
    """The cores this process may run on (its affinity mask), not the host's count."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def run_batch(args: argparse.Namespace) -> int:
    try:
        formats = parse_formats(args.format)
    except ReferatgenError as exc:
        print(f"referatgen: {exc}", file=sys.stderr)
        return EXIT_USAGE  # a wrong option, as in the single-file build
    problem = _usage_problem(args)
    if problem is not None:
        print(f"referatgen build: fejl: {problem}", file=sys.stderr)
        return EXIT_USAGE
    out = Path(args.output)
    discovery = discover(args.files, out)
    verbose = bool(getattr(args, "verbose", False))
    if verbose:
        for path, why in discovery.skipped:
            print(f"passer over: {path} ({why})")
    with _Lock(out):
        return _Run(args, formats, out, discovery, verbose).run()


def _usage_problem(args: argparse.Namespace) -> str | None:
    if args.output is None:
        return ("-o MAPPE mangler. En arkivkørsel (mapper, mønstre, --jobs eller --force) "
                "skriver et spejl af mappetræet med indeks og manifest i én mappe, fx "
                "'referatgen build møder -o arkiv' (eller '-o møder' for at lægge filerne "
                "ved siden af mødefilerne).")
    if args.jobs is not None and args.jobs < 1:
        return "--jobs skal være mindst 1."
    executor = getattr(args, "executor", "local")
    if executor == "dask" and not getattr(args, "scheduler", None):
        return "--executor dask kræver --scheduler ADRESSE, fx tcp://10.0.0.5:8786."
    if executor != "dask" and getattr(args, "scheduler", None):
        return "--scheduler bruges kun sammen med --executor dask."
    return None


def build_options(args: argparse.Namespace) -> BuildOptions:
    from ..commands.build import options_from

    options = options_from(args)
    if options.stil is not None and is_path_spec(options.stil):
        # Workers (on Dask: other machines) must find the style wherever they run.
        options = dataclasses.replace(options, stil=str(Path(options.stil).resolve()))
    return options


class _Lock:
    """One run per output folder: a second run would delete the first one's temp files."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.handle: IO[bytes] | None = None

    def __enter__(self) -> _Lock:
        out = self.out
        if out.exists() and not out.is_dir():
            raise ReferatgenError(f"Uddatamappen {out} er en fil, ikke en mappe. Vælg en "
                                  "anden mappe med -o.")
        try:
            out.mkdir(parents=True, exist_ok=True)
            self.handle = (out / LOCK_NAME).open("ab")
        except OSError as exc:
            raise ReferatgenError(
                f"Kan ikke skrive i uddatamappen {out}: {exc.strerror}. Vælg en anden mappe "
                "med -o, eller få rettigheder til at skrive i den.") from exc
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; one run at a time is the user's job
            return self
        try:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            self.handle.close()
            raise ReferatgenError(
                f"En anden referatgen-kørsel bygger i {out} lige nu. Vent, til den er "
                "færdig, og prøv igen.") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()


class _StopSignals:
    """Ctrl-C and SIGTERM during the build: the first asks for an orderly stop (meetings
    under way finish and are kept), the second for an immediate one.

    The handler only counts. Raising KeyboardInterrupt from it could land inside a lock
    of concurrent.futures and hang the run; the executor asks `level()` between waits.
    """

    def __init__(self) -> None:
        self.count = 0
        self.seen = 0
        self._previous: dict[int, Any] = {}

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        self.count += 1

    def __enter__(self) -> _StopSignals:
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                self._previous[signum] = signal.signal(signum, self._handler)
            except ValueError:  # not the main thread: leave signals alone
                break
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)


@dataclass
class _Failure:
    display: str
    messages: list[str]


@dataclass
class _Tally:
    built: list[str] = field(default_factory=list)
    fresh: list[str] = field(default_factory=list)
    failed: list[_Failure] = field(default_factory=list)
    warnings: int = 0
    interrupted: bool = False
    fatal: str | None = None


class _Run:
    def __init__(self, args: argparse.Namespace, formats: list[str], out: Path,
                 discovery: Discovery, verbose: bool) -> None:
        self.args = args
        self.formats = formats
        self.out = out.resolve()
        self.discovery = discovery
        self.verbose = verbose
        self.options = build_options(args)
        self.tally = _Tally()
        self.last_save = 0.0
        self.by_rel: dict[str, Found] = {m.rel.as_posix(): m for m in discovery.meetings}

    # -- the run -------------------------------------------------------------------------

    def run(self) -> int:
        self._clean_temp_files()
        self.manifest = self._load_manifest()
        self.key = options_key({
            **dataclasses.asdict(self.options),
            "code": code_fingerprint(),
            "style_path": os.environ.get("REFERATGEN_STYLE_PATH", ""),
        })
        for display, message in self.discovery.problems:
            self.tally.failed.append(_Failure(display, [f"{display}: {message}"]))
        jobs = self._plan()
        # From here on a signal is a request: the books are always written at the end.
        with _StopSignals() as signals:
            if jobs:
                self._execute(jobs, signals)
            try:
                self._finish()
            except ReferatgenError as exc:
                self.tally.fatal = self.tally.fatal or str(exc)
        return self._summary()

    def _clean_temp_files(self) -> None:
        # Only stale ones can exist: the lock keeps other runs out of this folder, and
        # this run's local workers have stopped when it is called again at the end (a
        # worker that died, or was stopped, leaves its temporary file behind). Dask tasks
        # cancelled while running may still be writing, so theirs wait for the next run.
        removed = 0
        for path in temp_files(self.out):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
        if removed and self.verbose:
            print(f"fjernede {removed} efterladte midlertidige filer (.*.tmp)")

    def _load_manifest(self) -> Manifest:
        try:
            return Manifest.load(self.out)
        except ManifestError as exc:
            print(f"referatgen: advarsel: {exc}; alle møder bygges igen.", file=sys.stderr)
            return Manifest(self.out / MANIFEST_NAME)

    def _plan(self) -> list[Job]:
        hasher = Hasher()
        force = bool(getattr(self.args, "force", False))
        jobs: list[tuple[int, Job]] = []
        for found in self.discovery.meetings:
            rel = found.rel.as_posix()
            source = str(found.path.resolve())
            entry = self.manifest.meetings.get(rel)
            stale: list[str] = list(self.formats)
            if not force and entry is not None and entry.source == source:
                states = refresh(entry.deps, hasher)
                digest = deps_digest(states)
                stale = [fmt for fmt in self.formats
                         if not output_current(entry.outputs.get(fmt), self.key, digest,
                                               self.out)]
                if not stale:
                    entry.deps = states  # newer stats: the next run need not re-read
                    self.tally.fresh.append(found.display)
                    if self.verbose:
                        print(f"opdateret: {found.display}")
                    continue
            job = Job(source, rel, found.display, str(self.out), tuple(stale), self.options)
            try:
                size = found.path.stat().st_size
            except OSError:
                size = 0
            jobs.append((size, job))
        # Largest first: the long ones start early and the last minutes stay busy.
        jobs.sort(key=lambda pair: (-pair[0], pair[1].rel))
        return [job for _size, job in jobs]

    def _executor(self, jobs: Sequence[Job]) -> Executor:
        if getattr(self.args, "executor", "local") == "dask":
            from .executors.dask import DaskPool

            return DaskPool(str(self.args.scheduler))
        from .executors.local import LocalPool

        workers = self.args.jobs if self.args.jobs is not None else available_cores()
        return LocalPool(min(workers, len(jobs)), self.formats)

    def _execute(self, jobs: Sequence[Job], signals: _StopSignals) -> None:
        executor = self._executor(jobs)
        progress = _Progress(len(jobs), len(self.tally.fresh))
        with progress:
            def stop() -> int:
                if signals.count > signals.seen:
                    signals.seen = signals.count
                    self.tally.interrupted = True
                    progress.note(
                        "Afbryder: de møder, der er i gang, gøres færdige (Ctrl-C igen stopper "
                        "straks) ..." if signals.count == 1 else "Stopper straks ...")
                if signals.count:
                    return min(signals.count, 2)
                return 1 if self.tally.fatal is not None else 0

            processed = 0
            try:
                for result in executor.results(jobs, stop):
                    processed += 1
                    self._record(result, progress)
            except BaseException:
                executor.kill()
                raise
        if processed == len(jobs):
            self.tally.interrupted = False  # the signal came as the last meeting finished

    def _record(self, result: JobResult, progress: _Progress) -> None:
        found = self.by_rel.get(result.rel)
        display = found.display if found is not None else result.rel
        if result.ok:
            self.tally.built.append(display)
            self.tally.warnings += len(result.warnings)
            self._update_entry(result)
        else:
            self.tally.failed.append(_Failure(display, result.errors or ["ukendt fejl"]))
            if result.fatal is not None and self.tally.fatal is None:
                self.tally.fatal = result.fatal
        progress.advance(display, result, self.verbose)
        now = time.monotonic()
        if result.ok and now - self.last_save >= SAVE_INTERVAL:
            try:
                self.manifest.save()
            except ReferatgenError as exc:
                self.tally.fatal = self.tally.fatal or f"Manifestet kan ikke gemmes: {exc}"
            self.last_save = now

    def _update_entry(self, result: JobResult) -> None:
        found = self.by_rel.get(result.rel)
        source = str(found.path.resolve()) if found is not None else ""
        entry = self.manifest.meetings.get(result.rel)
        if entry is None or entry.source != source:
            entry = Entry(source)
        # Outputs made from other inputs or options are stale: not kept, not indexed.
        entry.outputs = {fmt: state for fmt, state in entry.outputs.items()
                         if state.deps == result.digest and state.key == self.key}
        for written in result.outputs:
            entry.outputs[written.fmt] = OutputState(
                written.file, self.key, result.digest, written.sha256, written.size,
                written.mtime_ns)
        entry.deps = result.deps
        entry.index = result.index
        self.manifest.meetings[result.rel] = entry

    def _finish(self) -> None:
        if getattr(self.args, "executor", "local") != "dask":
            self._clean_temp_files()
        records: list[dict[str, Any]] = []
        for rel, entry in list(self.manifest.meetings.items()):
            if rel not in self.by_rel and not Path(entry.source).is_file():
                # The meeting file is gone; its old outputs stay, but not in the books.
                del self.manifest.meetings[rel]
                continue
            files = order_files(state.file for state in entry.outputs.values()
                                if (self.out / state.file).is_file())
            if files and entry.index:
                records.append(record_with_files(entry.index, files))
        data = self.manifest.to_bytes()
        try:
            unchanged = self.manifest.path.read_bytes() == data
        except OSError:
            unchanged = False
        if not unchanged:
            self.manifest.save()
        write_index(self.out, sort_meetings(records))

    # -- the report ----------------------------------------------------------------------

    def _summary(self) -> int:
        tally = self.tally
        if tally.failed:
            print(f"\nFejl i {len(tally.failed)} {'fil' if len(tally.failed) == 1 else 'filer'}:",
                  file=sys.stderr)
            for failure in tally.failed:
                print(f"  {failure.display}", file=sys.stderr)
                for message in failure.messages:
                    for line in message.splitlines():
                        print(f"    {line}", file=sys.stderr)
        total = len(tally.built) + len(tally.fresh) + len(tally.failed)
        warned = ""
        if tally.warnings and not self.verbose:
            warned = f" {tally.warnings} advarsler (se dem med --verbose)."
        print(f"Færdig: {total} møder. bygget: {len(tally.built)}, allerede opdateret: "
              f"{len(tally.fresh)}, fejlede: {len(tally.failed)}.{warned}")
        if tally.fatal is not None:
            print(f"referatgen: {tally.fatal}\nKørslen blev stoppet. Ret problemet, og kør "
                  "kommandoen igen: det færdige er gemt.", file=sys.stderr)
            return 1
        if tally.interrupted:
            print("referatgen: afbrudt. Det færdige er gemt; kør kommandoen igen for resten.",
                  file=sys.stderr)
            return EXIT_INTERRUPTED
        return 1 if tally.failed else 0


class _Progress:
    """A rich progress bar with counts and ETA on a terminal; one plain line per meeting
    otherwise (CI logs, pipes)."""

    def __init__(self, total: int, fresh: int) -> None:
        self.total = total
        self.fresh = fresh
        self.count = 0
        self.tty = sys.stderr.isatty()
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        if self.tty:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("forløbet"), TimeElapsedColumn(),
                TextColumn("tilbage"), TimeRemainingColumn(),
                console=Console(stderr=True),
            )
            self._progress.start()
            already = f" ({self.fresh} er opdateret)" if self.fresh else ""
            self._task = self._progress.add_task(f"Bygger {self.total} møder{already}",
                                                 total=self.total)
        else:
            already = f"; {self.fresh} er allerede opdateret" if self.fresh else ""
            print(f"Bygger {self.total} møder{already}.", flush=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def note(self, text: str) -> None:
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=sys.stderr, flush=True)

    def advance(self, display: str, result: JobResult, verbose: bool) -> None:
        self.count += 1
        status = "bygget" if result.ok else "FEJL  "
        lines = [f"[{self.count}/{self.total}] {status} {display}"]
        if verbose:
            lines += [f"    {w}" for w in result.warnings]
        if self._progress is not None:
            if not result.ok or verbose:
                for line in lines:
                    self._progress.console.print(line, markup=False, highlight=False)
            self._progress.advance(self._task)
        else:
            print("\n".join(lines), flush=True)
