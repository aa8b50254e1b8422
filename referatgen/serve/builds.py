"""PDF, Word and the agenda of the current version, built in the background.

One worker thread builds them one at a time, newest version first: a save cancels the
builds of older versions that have not started. Results are cached by content key in
the user's cache folder, so an unchanged meeting is served at once, also after a restart.
The PDF's item pages are kept beside it for the preview's table of contents.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from ..options import BuildOptions
from ..plan import PlannedItem, plan
from ..render import render
from ..write import write_atomic
from .preview import Good


@dataclass(frozen=True)
class Kind:
    """A download: its format, and the version of the meeting it shows."""

    fmt: str
    som: str | None
    label: str


KINDS: dict[str, Kind] = {
    "pdf": Kind("pdf", None, "PDF"),
    "docx": Kind("docx", None, "Word"),
    "dagsorden": Kind("pdf", "dagsorden", "Dagsorden"),
}

#: Cached files built this long ago are removed when serve starts.
_KEEP_SECONDS = 14 * 24 * 3600


class Builder:
    def __init__(self, cache: Path, options: BuildOptions) -> None:
        self.cache = cache
        # The cache holds internal versions too: this user's alone.
        cache.mkdir(parents=True, exist_ok=True)
        os.chmod(cache, 0o700)
        self.options = options
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="referatgen-build")
        self._jobs: dict[Path, Future[Path]] = {}
        self._lock = threading.Lock()

    def target(self, good: Good, kind: str) -> Path:
        return self.cache / f"{good.key}-{kind}.{KINDS[kind].fmt}"

    def ready(self, good: Good, kind: str) -> Path | None:
        target = self.target(good, kind)
        return target if target.is_file() else None

    def pages(self, good: Good) -> dict[str, int] | None:
        """Each item's page in the PDF, once the PDF of this version is built."""
        try:
            data = json.loads(_pages_file(self.target(good, "pdf")).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def request(self, good: Good, kind: str) -> Future[Path]:
        target = self.target(good, kind)
        with self._lock:
            job = self._jobs.get(target)
            if job is not None and not job.cancelled():
                return job
            if target.is_file() and (kind != "pdf" or _pages_file(target).is_file()):
                done: Future[Path] = Future()
                done.set_result(target)
                return done
            job = self._pool.submit(self._build, good, kind, target)
            self._jobs[target] = job
            return job

    def supersede(self, key: str) -> None:
        """Cancel the waiting builds of other versions: only the newest is worth making."""
        with self._lock:
            for target, job in list(self._jobs.items()):
                if job.done() or (not target.name.startswith(key) and job.cancel()):
                    del self._jobs[target]

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _build(self, good: Good, kind: str, target: Path) -> Path:
        spec = KINDS[kind]
        document = good.document
        if spec.som is not None and document.kind != spec.som:
            options = replace(self.options.document, som="dagsorden")
            document = plan(good.meeting, good.style, options)
        data = render(document, spec.fmt, self.options).data
        if kind == "pdf":
            pages = item_pages(data, document.items)
            # The pages first: a PDF in the cache means its pages are there too.
            write_atomic(_pages_file(target), json.dumps(pages).encode("utf-8"))
        write_atomic(target, data)
        # An internal version holds closed items: readable by this user only.
        os.chmod(target, 0o600)
        return target


def _pages_file(pdf: Path) -> Path:
    return pdf.with_suffix(".pages.json")


def item_pages(pdf: bytes, items: Sequence[PlannedItem]) -> dict[str, int]:
    """The page each item starts on, from the PDF's bookmarks; {} when any is missing."""
    from ..render._docx_toc import MeasureError, heading_pages

    try:
        found = heading_pages(pdf).headings
    except MeasureError:
        return {}
    pages = {item.anchor: found.get(item.number, 0) for item in items}
    return {} if 0 in pages.values() else pages



def prune(cache: Path) -> None:
    """Forget cached files built over two weeks ago (the cache is ours to keep small)."""
    limit = time.time() - _KEEP_SECONDS
    try:
        entries = list(cache.iterdir())
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_file() and entry.stat().st_mtime < limit:
                entry.unlink()
        except OSError:
            continue
