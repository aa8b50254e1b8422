"""The runner's screen: a progress bar on a terminal, one plain line per meeting otherwise."""

from __future__ import annotations

import sys
from typing import Any


class Progress:
    """A rich progress bar with counts and ETA on a terminal; one plain line per meeting
    otherwise (CI logs, pipes)."""

    def __init__(self, total: int, fresh: int) -> None:
        self.total = total
        self.fresh = fresh
        self.count = 0
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if sys.stderr.isatty():
            self._start_bar()
        else:
            already = f"; {self.fresh} er allerede opdateret" if self.fresh else ""
            print(f"Bygger {self.total} møder{already}.", flush=True)
        return self

    def _start_bar(self) -> None:
        # Imported here: a run in a pipe or a no-op rerun needs no rich.
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar

        self._bar = Bar(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("forløbet"), TimeElapsedColumn(),
            TextColumn("tilbage"), TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self._bar.start()
        already = f" ({self.fresh} er opdateret)" if self.fresh else ""
        self._task = self._bar.add_task(f"Bygger {self.total} møder{already}", total=self.total)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def note(self, text: str) -> None:
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=sys.stderr, flush=True)

    def advance(self, display: str, ok: bool) -> None:
        self.count += 1
        line = f"[{self.count}/{self.total}] {'bygget' if ok else 'FEJL  '} {display}"
        if self._bar is None:
            print(line, flush=True)
            return
        if not ok:
            self._bar.console.print(line, markup=False, highlight=False)
        self._bar.advance(self._task)
