"""The meetings being previewed: each one's current look, kept fresh as files change."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from ..options import BuildOptions
from .builds import KINDS, Builder
from .preview import Good, Look, Message, look


@dataclass(frozen=True)
class State:
    #: Goes up by one whenever what the page shows changes.
    stamp: int
    messages: tuple[Message, ...]
    #: The last version without errors, shown under the messages.
    good: Good | None
    #: The stamp of `good`: the page loads its HTML again only when this changes.
    good_stamp: int


def meeting_id(rel: str) -> str:
    """A short, URL-safe name of a meeting, stable while its path is."""
    return hashlib.sha256(rel.encode("utf-8", "surrogateescape")).hexdigest()[:12]


class Live:
    """One meeting file: its current state, refreshed on change, and who is waiting on it."""

    def __init__(self, path: Path, rel: str, options: BuildOptions, builder: Builder,
                 prebuild: bool = True) -> None:
        self.path = path
        self.rel = rel
        self.id = meeting_id(rel)
        self.options = options
        self.builder = builder
        self.prebuild = prebuild
        self.state = State(0, (), None, 0)
        self._lock = asyncio.Lock()
        self._changed = asyncio.Event()

    async def changed(self) -> None:
        """Wait until the state changes."""
        await self._changed.wait()

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def relevant(self, paths: Iterable[Path]) -> bool:
        """Whether a change to these files can change what this meeting shows."""
        state = self.state
        if state.good is None or any(m.severity == "error" for m in state.messages):
            # A file with errors may be fixed by any new file (a bilag that was missing).
            return True
        watched = {self.path, *state.good.document.inputs}
        folders = [folder.resolve() for folder in state.good.style.folders]
        return any(p in watched or any(p.is_relative_to(f) for f in folders) for p in paths)

    async def refresh(self) -> None:
        async with self._lock:
            old = self.state
            seen: Look = await asyncio.to_thread(look, self.path, self.options, old.good)
            good, good_stamp = old.good, old.good_stamp
            if seen.good is not None and (good is None or seen.good.html != good.html
                                          or seen.good.key != good.key):
                good, good_stamp = seen.good, old.stamp + 1
            if good is old.good and seen.messages == old.messages and old.stamp:
                return  # saved unchanged (or an editor's swap file): nothing to redraw
            self.state = State(old.stamp + 1, seen.messages, good, good_stamp)
            self.notify()
        if self.prebuild and good is not None and good is not old.good:
            self._build_in_background(good)

    def _build_in_background(self, good: Good) -> None:
        loop = asyncio.get_running_loop()
        self.builder.supersede(good.key)
        for kind in KINDS:
            job = self.builder.request(good, kind)
            if kind == "pdf":
                # The table of contents gets its page numbers when the PDF is done.
                job.add_done_callback(lambda done: self._from_worker(loop, done))

    def _from_worker(self, loop: asyncio.AbstractEventLoop, job: Future[Path]) -> None:
        if job.cancelled():
            return
        # A RuntimeError: the server has stopped, and nobody is left to tell.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._pdf_done)

    def _pdf_done(self) -> None:
        old = self.state
        self.state = State(old.stamp + 1, old.messages, old.good, old.good_stamp)
        self.notify()

