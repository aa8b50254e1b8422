"""Stage 5: renderers, one per output format, in a plain registry.

Each renderer takes the planned document and the build options and returns the file's
bytes; writing is the next stage's job. Modules are imported on first use, so building
only a PDF never imports python-docx.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._api import BuildOptions
    from ..plan import Document

Renderer = Callable[["Document", "BuildOptions"], bytes]


def _pdf(document: Document, options: BuildOptions) -> bytes:
    from .pdf import render_pdf

    return render_pdf(document, options)


def _docx(document: Document, options: BuildOptions) -> bytes:
    from .docx import render_docx

    return render_docx(document, options)


def _html(document: Document, options: BuildOptions) -> bytes:
    from .html import render_html_file

    return render_html_file(document)


RENDERERS: dict[str, Renderer] = {"pdf": _pdf, "docx": _docx, "html": _html}
