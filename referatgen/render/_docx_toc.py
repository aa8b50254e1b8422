"""The table of contents: a real TOC field, and page numbers that are right before any update.

Word shows a TOC field's cached result until someone updates it, and LibreOffice prints
it as it is, so the cached numbers must be the real ones. They come from laying the
document out with LibreOffice (headless) and reading on which page each item's heading
lands, from the PDF's outline; without LibreOffice they are an estimate from the text's
length, and Word is asked to refresh them on open.
"""

from __future__ import annotations

import atexit
import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._docx_styles import Metrics, WordStyle, paragraph_metrics
from ._docx_xml import Element, el, field, paragraph, run
from ._fonts import fontconfig_file

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Built from the TC entries of type "p" that stand in the item headings, not from the
#: headings themselves: "Opdater felt" then lists the title alone, as the PDF and the
#: published minutes do, where a TOC of Heading 1 would list "Punkt N: Titel".
TOC_IDENTIFIER = "p"
TOC_INSTRUCTION = f"TOC \\f {TOC_IDENTIFIER} \\h \\z"
TIMEOUT = 180


def bookmark_name(number: int) -> str:
    # Derived from the number only: a bookmark name is visible in Word's dialog and must
    # not carry a closed item's title.
    return f"_Toc_punkt_{number}" if number >= 0 else f"_Toc_punkt_m{-number}"


def bookmarked(p: Element, name: str, bookmark_id: int) -> None:
    """Wrap the paragraph's runs in a bookmark, as Word does for TOC targets."""
    start = el("w:bookmarkStart", {"w:id": str(bookmark_id), "w:name": name})
    ppr = p.find(f"{_W}pPr")
    p.insert(1 if ppr is not None else 0, start)
    p.append(el("w:bookmarkEnd", {"w:id": str(bookmark_id)}))


def tc_field(text: str) -> list[Element]:
    """A TC entry: what Word's TOC lists for the heading it stands in, after an update.

    A field of code only (no result), so neither Word nor LibreOffice prints it."""
    runs = field(f'TC "{text.replace(chr(34), chr(39))}" \\f {TOC_IDENTIFIER} \\l 1', "")
    return [runs[0], runs[1], runs[4]]


def one_line(title: str, ws: WordStyle) -> str:
    """The title cut with an ellipsis where it would wrap, as the PDF's TOC cuts it:
    the line must leave room for the leader and the page number."""
    room = ws.text_width / 20 - 16 * 72 / 25.4  # points, less the leader's minimum
    per_line = int(room / (ws.size * paragraph_metrics(ws)["TOC1"].char_width))
    if len(title) <= per_line:
        return title
    return title[:max(1, per_line - 1)].rstrip() + "…"


def toc(entries: list[tuple[int, str]]) -> tuple[list[Element], dict[int, Element]]:
    """The heading and the TOC field, one hyperlinked entry per item.

    Returns the paragraphs and, per item number, the w:t holding its cached page number.
    """
    heading = paragraph("TOCHeading")
    heading.append(run("Indholdsfortegnelse"))
    begin = field(TOC_INSTRUCTION, "")[:3]
    end = el("w:r", children=[el("w:fldChar", {"w:fldCharType": "end"})])
    paragraphs = [heading]
    results: dict[int, Element] = {}
    if not entries:
        p = paragraph("TOC1")
        for r in (*begin, end):
            p.append(r)
        return [*paragraphs, p], results
    for index, (number, text) in enumerate(entries):
        p = paragraph("TOC1")
        if index == 0:
            for r in begin:
                p.append(r)
        name = bookmark_name(number)
        link = el("w:hyperlink", {"w:anchor": name, "w:history": "1"})
        link.append(run(text))
        link.append(el("w:r", children=[el("w:tab")]))
        # The dots stop a clear gap before the number, as in the PDF (Word's own update
        # of the field puts the number right after the dots again).
        link.append(run("\u00a0\u00a0"))
        page_ref = field(f"PAGEREF {name} \\h", "0")
        for r in page_ref:
            link.append(r)
        result = page_ref[3].find(f"{_W}t")
        assert result is not None
        results[number] = result
        p.append(link)
        if index == len(entries) - 1:
            p.append(end)
        paragraphs.append(p)
    return paragraphs, results


# -- estimate ----------------------------------------------------------------------------

_EMU_PER_POINT = 12700


def estimate_pages(body: Element, ws: WordStyle) -> tuple[dict[str, int], int]:
    """Page of each bookmark and the page count, from a rough line count of the body."""
    metrics = paragraph_metrics(ws)
    height = ws.text_height / 20
    width = ws.text_width / 20
    page, y = 1, 0.0
    found: dict[str, int] = {}

    def advance(amount: float) -> None:
        nonlocal page, y
        y += amount
        while y > height:
            page += 1
            y -= height

    for child in body:
        tag = child.tag
        if tag == f"{_W}p":
            style = _style_of(child)
            m = metrics.get(style, metrics["Normal"])
            forced = child.find(f"{_W}pPr/{_W}pageBreakBefore") is not None
            if (m.page_break or forced) and y > 0:
                page, y = page + 1, 0.0
            for mark in child.iter(f"{_W}bookmarkStart"):
                found[mark.get(f"{_W}name", "")] = page
            indent = 18.0 if child.find(f"{_W}pPr/{_W}numPr") is not None else 0.0
            advance(_paragraph_height(child, m, width - indent))
        elif tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                tallest = 0.0
                for cell in row.iter(f"{_W}tc"):
                    cell_width = _cell_width(cell) - 8.5
                    tallest = max(tallest, sum(
                        _paragraph_height(p, metrics.get(_style_of(p), metrics["Tabeltekst"]),
                                          cell_width) for p in cell.iter(f"{_W}p")))
                advance(tallest + 5.7)
    return found, page


def _style_of(p: Element) -> str:
    style = p.find(f"{_W}pPr/{_W}pStyle")
    return style.get(f"{_W}val", "Normal") if style is not None else "Normal"


def _cell_width(cell: Element) -> float:
    width = cell.find(f"{_W}tcPr/{_W}tcW")
    return int(width.get(f"{_W}w", "1440")) / 20 if width is not None else 72.0


def _paragraph_height(p: Element, m: Metrics, width: float) -> float:
    per_line = max(1, int(max(width, 36) / (m.size * m.char_width)))
    lines = sum(_wrapped_lines(segment, per_line) for segment in _text_with_breaks(p))
    pictures = sum(int(e.get("cy", "0")) for e in p.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"))
    return m.before + lines * m.line + m.after + pictures / _EMU_PER_POINT


def _text_with_breaks(p: Element) -> list[str]:
    segments = [""]
    for node in p.iter(f"{_W}t", f"{_W}br", f"{_W}tab"):
        if node.tag == f"{_W}br":
            segments.append("")
        elif node.tag == f"{_W}tab":
            segments[-1] += "    "
        else:
            segments[-1] += node.text or ""
    return segments


def _wrapped_lines(text: str, per_line: int) -> int:
    """Lines of a greedy word wrap, as Word and LibreOffice break ragged-right text."""
    lines, used = 1, 0
    for word in text.split():
        length = len(word)
        if used and used + 1 + length <= per_line:
            used += 1 + length
            continue
        if used:
            lines += 1
        lines += (length - 1) // per_line
        used = (length - 1) % per_line + 1
    return lines


# -- LibreOffice -----------------------------------------------------------------------


class MeasureError(Exception):
    """LibreOffice could not lay the document out; the reason, in Danish."""


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


_lock = threading.Lock()
_profiles: dict[int, Path] = {}


def _profile_dir() -> Path:
    # One profile per process: two LibreOffice instances on one profile fail, and a new
    # profile for every file would cost a profile set-up (seconds) each time. Keyed by
    # pid, so a forked child never shares its parent's.
    pid = os.getpid()
    if pid not in _profiles:
        _profiles[pid] = Path(tempfile.mkdtemp(prefix=f"referatgen-lo-{pid}-"))
        atexit.register(_remove_profile, pid)
    return _profiles[pid]


def _remove_profile(pid: int) -> None:
    # atexit handlers are inherited by forked children: only the owner removes it.
    if pid == os.getpid() and pid in _profiles:
        shutil.rmtree(_profiles.pop(pid), ignore_errors=True)


@dataclass(frozen=True)
class Layout:
    """Where LibreOffice put things: item number -> page of its heading; the page count."""

    headings: dict[int, int]
    pages: int


def measure(soffice: str, data: bytes, font_folders: tuple[Path, ...] = ()) -> Layout:
    """The layout LibreOffice gives the .docx `data` when it prints it, with the style's
    shipped fonts (`font_folders`) added to the system's."""
    with _lock, tempfile.TemporaryDirectory(prefix="referatgen-docx-") as folder:
        source = Path(folder) / "referat.docx"
        source.write_bytes(data)
        env = dict(os.environ)
        if font_folders:
            env["FONTCONFIG_FILE"] = str(fontconfig_file(font_folders, Path(folder) / "fonts.conf"))
        command = [soffice, f"-env:UserInstallation={_profile_dir().as_uri()}", "--headless",
                   "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", folder, str(source)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   start_new_session=True, env=env)
        try:
            _out, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            # soffice starts soffice.bin in its own session: end that whole group, which
            # holds only what we started.
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
            process.communicate()
            raise MeasureError(f"LibreOffice svarede ikke inden for {TIMEOUT} sekunder") from None
        pdf = source.with_suffix(".pdf")
        if not pdf.is_file():
            detail = err.decode("utf-8", "replace").strip().splitlines()
            raise MeasureError("LibreOffice kunne ikke lave en PDF"
                               + (f" ({detail[-1]})" if detail else ""))
        return heading_pages(pdf)


_PUNKT = re.compile(r"\s*Punkt\s+(-?\d+):")


def heading_pages(pdf: Path | bytes) -> Layout:
    """Item number -> page from the top level of the PDF's outline (the Heading 1s): of
    LibreOffice's PDF of the DOCX, or of our own PDF (serve's table of contents)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    with (io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf.open("rb")) as handle:
        document = PDFDocument(PDFParser(handle))
        pages = {page.pageid: number
                 for number, page in enumerate(PDFPage.create_pages(document), 1)}
        found: dict[int, int] = {}
        for title, dest, action in top_level_outline(document):
            match = _PUNKT.match(title)
            if match is None:
                continue
            target: Any = dest
            if target is None and action is not None:
                target = resolve1(action).get("D")
            target = resolve1(target)
            if isinstance(target, bytes | str):
                target = resolve1(document.get_dest(target))
            if isinstance(target, dict):
                target = resolve1(target.get("D"))
            if not isinstance(target, list) or not target:
                continue
            page = pages.get(getattr(target[0], "objid", None))
            if page is not None:
                found.setdefault(int(match[1]), page)
        return Layout(found, len(pages))


def top_level_outline(document: Any) -> list[tuple[str, Any, Any]]:
    """(title, destination, action) of each top-level outline entry, in order.

    Walked along the entries' /Next links in a loop: pdfminer's own get_outlines()
    recurses once per entry, and a meeting of a thousand items ran out of stack there."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    outlines = resolve1(document.catalog.get("Outlines"))
    entry = resolve1(outlines.get("First")) if isinstance(outlines, dict) else None
    if entry is None:
        raise MeasureError("PDF'en fra LibreOffice har ingen disposition")
    out: list[tuple[str, Any, Any]] = []
    seen: set[int] = set()
    while isinstance(entry, dict) and id(entry) not in seen:
        seen.add(id(entry))  # a looping /Next chain ends here, not in a hang
        title = resolve1(entry.get("Title"))
        text = decode_text(title) if isinstance(title, bytes) else str(title or "")
        out.append((text, entry.get("Dest"), entry.get("A")))
        entry = resolve1(entry.get("Next"))
    return out
