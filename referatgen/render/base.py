"""What every renderer shares: the result it returns, and how it words a warning.

Apart from the registry (`render/__init__.py`), so that the renderers import it without
importing their own package's face: no cycle between the registry and the renderers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

from ..diagnostics import Diagnostic

if TYPE_CHECKING:
    from ..plan import Text


@dataclass(frozen=True)
class Rendered:
    """One output file's bytes, and what the renderer has to say about them."""

    data: bytes
    warnings: tuple[Diagnostic, ...] = ()


def warning(source: str, message: str, rule: str,
            where: tuple[int, int] = (1, 1)) -> Diagnostic:
    """A renderer's warning about the meeting file; line 1 where no text position is known."""
    return Diagnostic(source, where[0], where[1], "warning", message, rule)


def image_position(text: Text, line_index: int, src: str) -> tuple[int, int]:
    """Where an image's destination is written: the check's own search (`Text.find`)."""
    where = text.find(unquote(src), line_index)
    return where.line, where.column
