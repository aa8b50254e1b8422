"""Stage 6: write outputs so that a failed or interrupted build never leaves half a file.

Data goes to a hidden temporary file in the target folder, is flushed to disk, then
renamed over the target: readers see the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .diagnostics import ReferatgenError


def write_atomic(target: Path, data: bytes) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise ReferatgenError(f"Kan ikke skrive i {target.parent}: {exc.strerror}.") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise ReferatgenError(f"Kan ikke skrive {target}: {exc.strerror}.") from exc
        raise
