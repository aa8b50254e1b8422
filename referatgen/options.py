"""What to make of a meeting: the options of one build, grouped by the stage that reads them.

This module imports nothing of referatgen's own, so every stage (plan, the renderers, the
archive runner, the commands) can take its options from here without an upward import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: What a document is: an agenda or minutes. The file's `type`, and `--som`.
Kind = Literal["referat", "dagsorden"]

#: WeasyPrint's PDF variant made by default.
DEFAULT_PDF_VARIANT = "pdf/a-3b"


@dataclass(frozen=True)
class DocumentOptions:
    """What the plan makes of the meeting; the same for every output format."""

    #: The internal version (closed items in full); the default is the public one.
    intern: bool = False
    #: Make a dagsorden or a referat whatever the file's own `type`.
    som: Kind | None = None


@dataclass(frozen=True)
class PdfOptions:
    #: WeasyPrint's PDF variant; None for a plain PDF.
    variant: str | None = DEFAULT_PDF_VARIANT


@dataclass(frozen=True)
class DocxOptions:
    #: Measure the table of contents' page numbers with LibreOffice when it is installed.
    libreoffice: bool = True


@dataclass(frozen=True)
class BuildOptions:
    """Everything `build` is told, for one meeting or an archive of them."""

    document: DocumentOptions = field(default_factory=DocumentOptions)
    pdf: PdfOptions = field(default_factory=PdfOptions)
    docx: DocxOptions = field(default_factory=DocxOptions)
    #: Another style than the file's own `stil` (a name or a folder).
    stil: str | None = None

    @classmethod
    def make(
        cls, *, intern: bool = False, som: Kind | None = None, stil: str | None = None,
        pdf_variant: str | None = DEFAULT_PDF_VARIANT, libreoffice: bool = True,
    ) -> BuildOptions:
        """The options by their command-line names, for callers that do not care about groups."""
        return cls(DocumentOptions(intern, som), PdfOptions(pdf_variant),
                   DocxOptions(libreoffice), stil)
