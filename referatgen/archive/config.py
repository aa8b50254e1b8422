"""What an archive run is asked to do, and what it reports back.

Plain frozen data, so the command line, a program using the API and the tests all
start a run the same way, and a finished run can be inspected before anything is printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..diagnostics import Diagnostic, ExitCode
from ..options import BuildOptions

ExecutorName = Literal["local", "dask"]

#: Exit code of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = ExitCode.INTERRUPTED


@dataclass(frozen=True)
class ArchiveConfig:
    """One archive run: which meetings, where to, how, and on what."""

    #: Folders, globs and files, as the user wrote them.
    inputs: tuple[str, ...]
    #: The output root: a mirror of the input tree, with index and manifest.
    output: Path
    formats: tuple[str, ...] = ("pdf", "docx")
    options: BuildOptions = field(default_factory=BuildOptions)
    #: Local worker processes; None: the cores this process may run on.
    jobs: int | None = None
    #: Build every meeting, also those the manifest says are up to date.
    force: bool = False
    #: Also list what was passed over and each meeting as it is found up to date.
    verbose: bool = False
    executor: ExecutorName = "local"
    #: The Dask scheduler's address (executor "dask" only).
    scheduler: str | None = None

    def __post_init__(self) -> None:
        # The command line words these for the user; here they guard API callers.
        if self.jobs is not None and self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {self.jobs}")
        if self.executor not in ("local", "dask"):
            raise ValueError(f"unknown executor {self.executor!r}")
        if (self.executor == "dask") != (self.scheduler is not None):
            raise ValueError("a scheduler address goes with executor 'dask', and only with it")
        if not self.formats:
            raise ValueError("no formats to build")


@dataclass(frozen=True)
class Failure:
    """A meeting that was not built, by the name the user knows it by, and why."""

    display: str
    messages: tuple[str, ...]


@dataclass(frozen=True)
class ArchiveSummary:
    """The outcome of a run, by meeting (display names), in the order results came in."""

    built: tuple[str, ...] = ()
    up_to_date: tuple[str, ...] = ()
    failed: tuple[Failure, ...] = ()
    #: Every distinct warning of the meetings built, first occurrence first.
    warnings: tuple[Diagnostic, ...] = ()
    #: Stopped by Ctrl-C or SIGTERM before every meeting was built.
    interrupted: bool = False
    #: A problem that stopped the whole run (a full disk, an unwritable manifest).
    fatal: str | None = None

    @property
    def total(self) -> int:
        return len(self.built) + len(self.up_to_date) + len(self.failed)

    @property
    def exit_code(self) -> int:
        if self.fatal is not None:
            return ExitCode.PROBLEMS
        if self.interrupted:
            return EXIT_INTERRUPTED
        return ExitCode.PROBLEMS if self.failed else ExitCode.OK
