"""`referatgen build DIR_OR_GLOB... -o OUT`: regenerate a whole archive.

The parent finds the meeting files (discover), decides from the manifest's content
hashes which are out of date (books), hands those to long-lived workers, local
processes or Dask (executors), and keeps the books as results arrive: the manifest
after each finished meeting (at most once a second, always atomically), the index at
the end (index). A worker builds one meeting at a time (job).

    summary = run_archive(ArchiveConfig(("møder",), Path("arkiv"), formats=("pdf",)))
    print_summary(summary)
"""

from __future__ import annotations

from .config import EXIT_INTERRUPTED, ArchiveConfig, ArchiveSummary, Failure
from .report import print_summary
from .run import available_cores, run_archive

__all__ = [
    "EXIT_INTERRUPTED",
    "ArchiveConfig",
    "ArchiveSummary",
    "Failure",
    "available_cores",
    "print_summary",
    "run_archive",
]
