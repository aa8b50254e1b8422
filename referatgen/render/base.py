"""What every renderer shares: the result it returns, and how it words a warning.

Apart from the registry (`render/__init__.py`), so that the renderers import it without
importing their own package's face: no cycle between the registry and the renderers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from ..diagnostics import Diagnostic

if TYPE_CHECKING:
    from ..plan import Document, Text


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


#: A run a table cell must keep on one line: a word with a digit in it ("1.034.712,5",
#: "16-11-2020", "dec-19", "12,7 %"), with a sign and its space before it ("- 1,0").
#: Line breaking would allow a break after a hyphen or the sign's space; in a narrow
#: column that splits a number, which a reader then misreads.
_NUMBER = re.compile(r"(?<!\S)(?:[-+−–] )?[^\s\d]{0,12}\d\S*(?: ?%)?")
#: Longer runs are not numbers (a link, a file name): they may break as words do.
_NUMBER_MAX = 24


def number_runs(text: str) -> list[tuple[str, bool]]:
    """The text in pieces, each with whether it is a number to keep on one line."""
    pieces: list[tuple[str, bool]] = []
    start = 0
    for match in _NUMBER.finditer(text):
        if len(match.group()) > _NUMBER_MAX:
            continue
        if match.start() > start:
            pieces.append((text[start:match.start()], False))
        pieces.append((match.group(), True))
        start = match.end()
    if start < len(text):
        pieces.append((text[start:], False))
    return pieces


def inside(path: Path, roots: Sequence[Path]) -> bool:
    """Whether `path`, symlinks resolved, lies in one of the allowed folders."""
    resolved = path.resolve()
    return any(resolved.is_relative_to(root) for root in roots)


def stylesheet_paths(document: Document) -> list[Path]:
    """The style's stylesheets, parents' first, as files."""
    paths: list[Path] = []
    for name in document.style.css:
        path = document.style.file(name)
        if path is not None:
            paths.append(path)
    return paths
