"""Ctrl-C and SIGTERM during an archive run: requests, never exceptions."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any


class StopSignals:
    """The first signal asks for an orderly stop (meetings under way finish and are kept),
    the second for an immediate one.

    The handler only counts. Raising KeyboardInterrupt from it could land inside a lock
    of concurrent.futures and hang the run; the executor asks between waits.
    """

    def __init__(self) -> None:
        self.count = 0
        self.seen = 0
        self._previous: dict[int, Any] = {}

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        self.count += 1

    def __enter__(self) -> StopSignals:
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                self._previous[signum] = signal.signal(signum, self._handler)
            except ValueError:  # not the main thread: leave signals alone
                break
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)

    def news(self) -> int:
        """How many signals have come in since the last call (0 most of the time)."""
        new = self.count - self.seen
        self.seen = self.count
        return new
