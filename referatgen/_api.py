"""The public functions behind `referatgen`'s API and its commands."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

from .check import CheckResult, check_file
from .diagnostics import Diagnostic, MeetingInvalid, ReferatgenError
from .options import BuildOptions
from .plan import Document, plan
from .render import FORMATS, Rendered, render

if TYPE_CHECKING:
    from ._pdf_worker import PdfWorker

__all__ = ["BuildOptions", "build", "check_file", "prepare", "render_all"]


def prepare(path: Path, options: BuildOptions = BuildOptions(),
            display: str | None = None) -> tuple[Document, list[Diagnostic]]:
    """Check a meeting file and plan the document; raise MeetingInvalid on errors."""
    result: CheckResult = check_file(path, display, options.stil)
    if not result.ok or result.meeting is None or result.style is None:
        raise MeetingInvalid([d for d in result.diagnostics if d.severity == "error"])
    return plan(result.meeting, result.style, options.document), result.diagnostics


def render_all(document: Document, formats: Iterable[str], options: BuildOptions,
               pdf_worker: PdfWorker | None = None) -> dict[str, Rendered]:
    """Every format rendered, before any is written: a DOCX that fails must not leave a
    new PDF beside the old DOCX. With a `pdf_worker` the PDF is laid out in its process
    while this one renders the other formats."""
    wanted = list(formats)
    pending = (pdf_worker.submit(document, options)
               if pdf_worker is not None and "pdf" in wanted else None)
    rendered: dict[str, Rendered] = {}
    for fmt in wanted:
        if fmt == "pdf" and pending is not None:
            continue
        rendered[fmt] = _nested_guard(fmt, functools.partial(render, document, fmt, options))
    if pending is not None:
        try:
            rendered["pdf"] = _nested_guard("pdf", pending.result)
        except BrokenProcessPool:
            # The worker died (killed, out of memory): the PDF is made here instead.
            rendered["pdf"] = _nested_guard("pdf", functools.partial(render, document, "pdf",
                                                                     options))
    return {fmt: rendered[fmt] for fmt in wanted}


def _nested_guard(fmt: str, make: Callable[[], Rendered]) -> Rendered:
    try:
        return make()
    except RecursionError:
        # Markdown nested hundreds deep (800 emphasis markers, say) is valid CommonMark
        # but more than a layout engine recurses through: the file's problem, said so.
        raise ReferatgenError(
            f"Teksten er indlejret for dybt til at blive tegnet som {fmt} (fx hundredvis "
            "af * eller > i træk). Forenkl den.") from None


def build(
    path: Path | str,
    formats: Iterable[str] = ("pdf", "docx"),
    output_dir: Path | str | None = None,
    options: BuildOptions = BuildOptions(),
) -> list[Path]:
    """Check, plan and render one meeting; write each format atomically. Returns the paths.

    Warnings (of the check and of the renderers) are not printed here; `build_with_warnings`
    returns them for a caller that shows them.
    """
    return build_with_warnings(path, formats, output_dir, options)[0]


def build_with_warnings(
    path: Path | str,
    formats: Iterable[str] = ("pdf", "docx"),
    output_dir: Path | str | None = None,
    options: BuildOptions = BuildOptions(),
    pdf_worker: PdfWorker | None = None,
) -> tuple[list[Path], list[Diagnostic]]:
    from .write import write_atomic

    path = Path(path)
    document, diagnostics = prepare(path, options)
    folder = Path(output_dir) if output_dir is not None else path.parent
    rendered = render_all(document, formats, options, pdf_worker)
    written: list[Path] = []
    for fmt, result in rendered.items():
        target = folder / document.output_name(fmt)
        write_atomic(target, result.data)
        written.append(target)
    warnings = [d for d in diagnostics if d.severity == "warning"]
    for result in rendered.values():
        warnings += result.warnings
    return written, warnings


def parse_formats(text: str) -> list[str]:
    formats = [f for f in re.split(r"[,\s]+", text.lower()) if f]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ReferatgenError(
            f"Ukendt format: {', '.join(unknown) or '(intet)'}. Vælg blandt {', '.join(FORMATS)}.")
    return list(dict.fromkeys(formats))
