"""Stage 5: renderers, one per output format, in a plain registry.

Each renderer takes the planned document (never the meeting) and the build options and
returns the file's bytes with its warnings; writing is the next stage's job, and printing
the warnings the caller's (the command line, or the archive runner for its workers).
Modules are imported on first use, so building only a PDF never imports python-docx.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .base import Rendered

if TYPE_CHECKING:
    from ..options import BuildOptions
    from ..plan import Document

__all__ = ["FORMATS", "RENDERERS", "Rendered", "Renderer", "render"]


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
