"""The PDF rendered in a second process, started before the meeting is read.

A secretary's `referatgen build møde.yaml` spends half a second importing WeasyPrint
before any layout, and then renders the PDF and the Word document one after the other.
On a machine with two cores neither has to wait: the command line starts this worker
first, the worker imports WeasyPrint while this process reads, checks and plans the
meeting and makes its HTML, then lays out the PDF while this process renders the Word
document (a quarter less time for the two, measured on the examples).
The worker runs the same renderer as everything else, so the bytes are the same. It is
forked where the system can and this process has no other thread, else spawned (a fresh
interpreter, as on Windows). One worker serves every file of a command; if it dies, the
PDF is made in this process instead. The archive runner has its own workers and does
not use this one.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .options import BuildOptions
    from .plan import Document
    from .render import Rendered


def _warm(parent: int) -> None:
    """Import what a PDF needs, while the parent reads the meeting. Ctrl-C is the
    parent's to handle (it stops the worker): the worker printing its own traceback for
    it would be noise to the secretary who pressed it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_outlive_not, args=(parent,), daemon=True).start()
    import pikepdf  # noqa: F401  (the repair's, imported now rather than after the layout)

    from . import plan  # noqa: F401  (what the document arrives as)
    from .render import pdf

    pdf.engine()


def _orphaned(parent: int) -> bool:
    return os.getppid() != parent


def _outlive_not(parent: int) -> None:
    """A forked worker shares its queue's pipes with the parent, so a parent killed
    outright (kill -9, a closed terminal) never reaches it as end of file: it would
    wait for work for ever. It looks for its parent instead, and goes with it."""
    while not _orphaned(parent):
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


#: How often the worker looks for its parent.
_WATCH_SECONDS = 0.5


def _render_pdf(document: Document, options: BuildOptions,
                first: tuple[str, list[Diagnostic]]) -> Rendered:
    from .render.pdf import render_pdf

    return render_pdf(document, options.pdf, first)


class PdfWorker:
    """One process that renders PDFs for this command; `submit` returns at once."""

    def __init__(self) -> None:
        # fork where there is one and this process has no other thread (the command
        # line's case): the child starts at once, with nothing to import again but
        # WeasyPrint. spawn elsewhere (Windows; a host program with threads, whose locks
        # a fork could copy held).
        methods = multiprocessing.get_all_start_methods()
        single = threading.active_count() == 1
        context = multiprocessing.get_context("fork" if "fork" in methods and single
                                              else "spawn")
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context,
                                         initializer=_warm, initargs=(os.getpid(),))
        # The pool starts its process on the first submission: this one, so the import
        # runs now, beside the parent's own work.
        self._pool.submit(os.getpid)

    def submit(self, document: Document, options: BuildOptions) -> Future[Rendered]:
        """The PDF of `document`; its HTML is made here, while the worker still imports."""
        from .render.html import html_with_warnings

        first = html_with_warnings(document, "print")
        return self._pool.submit(_render_pdf, document, options, first)

    def close(self, *, interrupted: bool = False) -> None:
        """Let the worker go; after Ctrl-C or an error, stop it rather than wait for a
        layout nobody will read."""
        if interrupted:
            # The pool has no public way to stop a running task; its processes are known.
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
        self._pool.shutdown(wait=not interrupted, cancel_futures=True)


def wanted(formats: list[str], files: int) -> bool:
    """A worker pays where a PDF is built and the machine has a second core. The
    environment turns it off (REFERATGEN_PDF_WORKER=0)."""
    if os.environ.get("REFERATGEN_PDF_WORKER", "1") == "0":
        return False
    return "pdf" in formats and files > 0 and _cores() > 1


def _cores() -> int:
    """The cores this process may run on (a container's limit, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
