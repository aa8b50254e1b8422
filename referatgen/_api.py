"""The public functions behind `referatgen`'s API and its commands."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .check import CheckResult, check_file
from .diagnostics import Diagnostic, MeetingInvalid
from .model import MeetingType
from .plan import Document, Options, plan

__all__ = ["BuildOptions", "build", "check_file", "output_name", "prepare"]

FORMATS = ("pdf", "docx", "html")


@dataclass(frozen=True)
class BuildOptions(Options):
    """Options of `build`, beyond those that shape the document itself."""

    #: Another style than the file's own `stil` (a name or a folder).
    stil: str | None = None
    #: WeasyPrint's PDF variant (pdf/a-3b by default); None for a plain PDF.
    pdf_variant: str | None = "pdf/a-3b"
    #: Measure the DOCX table of contents with LibreOffice when it is installed.
    libreoffice: bool = True


def prepare(path: Path, options: BuildOptions = BuildOptions(),
            display: str | None = None) -> tuple[Document, list[Diagnostic]]:
    """Check a meeting file and plan the document; raise MeetingInvalid on errors."""
    result: CheckResult = check_file(path, display, options.stil)
    if not result.ok or result.meeting is None or result.style is None:
        raise MeetingInvalid([d for d in result.diagnostics if d.severity == "error"])
    style = result.style
    return plan(result.meeting, style, options), result.diagnostics


def output_name(path: Path, fmt: str, file_type: MeetingType, options: Options) -> str:
    stem = path.stem
    if options.som and options.som != file_type:
        stem += f"-{options.som}"
    if options.intern:
        stem += "-intern"
    return f"{stem}.{fmt}"


def render(document: Document, fmt: str, options: BuildOptions) -> bytes:
    from .render import RENDERERS

    return RENDERERS[fmt](document, options)


def build(
    path: Path | str,
    formats: Iterable[str] = ("pdf", "docx"),
    output_dir: Path | str | None = None,
    options: BuildOptions = BuildOptions(),
) -> list[Path]:
    """Check, plan and render one meeting; write each format atomically. Returns the paths."""
    from .write import write_atomic

    path = Path(path)
    document, _warnings = prepare(path, options)
    folder = Path(output_dir) if output_dir is not None else path.parent
    # Every format is rendered before any is written: a DOCX that fails must not leave
    # a new PDF beside the old DOCX.
    rendered = [(fmt, render(document, fmt, options)) for fmt in formats]
    written: list[Path] = []
    for fmt, data in rendered:
        target = folder / output_name(path, fmt, document.meeting.type, options)
        write_atomic(target, data)
        written.append(target)
    return written


def parse_formats(text: str) -> list[str]:
    formats = [f for f in re.split(r"[,\s]+", text.lower()) if f]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        from .diagnostics import ReferatgenError

        raise ReferatgenError(
            f"Ukendt format: {', '.join(unknown) or '(intet)'}. Vælg blandt {', '.join(FORMATS)}.")
    return list(dict.fromkeys(formats))
