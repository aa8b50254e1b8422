"""Stage 5: renderers, one per output format, in a plain registry.

Each renderer takes the planned document (never the meeting) and the build options and
returns the file's bytes with its warnings; writing is the next stage's job, and printing
the warnings the caller's (the command line, or the archive runner for its workers).
Modules are imported on first use, so building only a PDF never imports python-docx.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

from ..diagnostics import Diagnostic

if TYPE_CHECKING:
    from ..options import BuildOptions
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


Renderer = Callable[["Document", "BuildOptions"], Rendered]


def _pdf(document: Document, options: BuildOptions) -> Rendered:
    from .pdf import render_pdf

    return render_pdf(document, options.pdf)


def _docx(document: Document, options: BuildOptions) -> Rendered:
    from .docx import render_docx

    return render_docx(document, options.docx)


def _html(document: Document, options: BuildOptions) -> Rendered:
    from .html import render_html_file

    return render_html_file(document)


RENDERERS: dict[str, Renderer] = {"pdf": _pdf, "docx": _docx, "html": _html}
FORMATS: tuple[str, ...] = tuple(RENDERERS)


def render(document: Document, fmt: str, options: BuildOptions) -> Rendered:
    return RENDERERS[fmt](document, options)
