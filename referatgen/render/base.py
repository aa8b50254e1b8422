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
    """Where an image's destination is written, from the line of its block on.

    The same search as the check's, so a renderer's warning and a check finding about one
    image point at the same place.
    """
    written = unquote(src)
    lines = text.markdown.splitlines()
    for index in range(line_index, len(lines)):
        column = lines[index].find(written)
        if column >= 0:
            where = text.position(index, column)
            return where.line, where.column
    where = text.position(line_index, 0)
    return where.line, where.column
