"""Reading PDFs back in tests: text per page, TOC numbers, outline, every stream."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pypdf

TOC_LINE = re.compile(r"^(?P<title>.+?)\s*\.{3,}\s*(?P<page>\d+)\s*$")


def pages_text(path: Path) -> list[str]:
    """Text per page in reading order on the page (top to bottom, left to right), as a
    person reads it, whatever order the PDF draws it in."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def heading_pages(texts: list[str]) -> dict[int, int]:
    """Item number -> 1-based page where its 'Punkt N:' heading is printed."""
    found: dict[int, int] = {}
    for index, text in enumerate(texts):
        for match in re.finditer(r"^Punkt (\d+):", text, re.M):
            found.setdefault(int(match.group(1)), index + 1)
    return found


def toc_entries(texts: list[str]) -> list[tuple[str, int]]:
    """(title, page) of each TOC line, read from the page that holds the TOC."""
    toc_page = next(t for t in texts if "Indholdsfortegnelse" in t.splitlines())
    lines = toc_page.splitlines()
    entries: list[tuple[str, int]] = []
    pending = ""
    for line in lines[lines.index("Indholdsfortegnelse") + 1:]:
        match = TOC_LINE.match((pending + " " + line).strip() if pending else line.strip())
        if match:
            entries.append((match.group("title").strip(), int(match.group("page"))))
            pending = ""
        elif line.strip() and not line.startswith("Side "):
            pending = (pending + " " + line.strip()).strip()
    return entries


def outline(path: Path) -> list[tuple[str, int]]:
    reader = pypdf.PdfReader(path)
    out: list[tuple[str, int]] = []
    for entry in reader.outline:
        assert not isinstance(entry, list), "the outline must be flat: one entry per item"
        page = reader.get_destination_page_number(entry)
        out.append((str(entry.title), page + 1))
    return out


def all_decoded_bytes(path: Path) -> bytes:
    """Every stream decoded plus every string of the file: what a leak search must cover."""
    chunks: list[bytes] = [path.read_bytes()]
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    chunks.append(obj.read_bytes())
                except pikepdf.PdfError:
                    continue
            elif isinstance(obj, pikepdf.String):
                chunks.append(bytes(obj))
            elif isinstance(obj, pikepdf.Dictionary):
                for value in obj.values():
                    if isinstance(value, pikepdf.String):
                        chunks.append(bytes(value))
                        chunks.append(str(value).encode("utf-8", "replace"))
    return b"\n".join(chunks)
