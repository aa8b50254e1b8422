"""One run per output folder: a second run would delete the first one's temporary files."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from ..diagnostics import ReferatgenError

LOCK_NAME = ".referatgen.lock"


class OutputLock:
    """Creates the output folder and holds an advisory lock on it for the run."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.handle: IO[bytes] | None = None

    def __enter__(self) -> OutputLock:
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
