"""Word tables that fit the page, as the PDF's do (`_table_fit`).

Word breaks a word inside when its column is narrower than the word ("Regnska/b"), so
each column gets at least its widest word, measured with the font's own advances
(fontTools, the style's shipped faces), and numbers count as one word ("- 1,0").
What the page has left goes to the columns that would wrap. When the widest words do not
fit, the type steps down to 9, 8 and 7 pt (below the style's size), then the table gets
a landscape section of its own at the largest of those sizes that fits there; only past
that do words break.
"""

from __future__ import annotations

import copy
import functools
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ._docx_xml import Element, el, paragraph, val
from .base import number_runs

#: Cell margins (1.5 mm each side, the TableGrid style), a border, and room for rounding.
_CELL_EXTRA = 2 * 85 + 30
#: The smaller sizes tried, as in the PDF.
_SMALLER = (9.0, 8.0, 7.0)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class TableFonts:
    """The faces a table is set in; without files, an average width per character."""

    regular: Path | None = None
    bold: Path | None = None
    #: Average advance as a share of the size, for a font the style does not ship.
    char_width: float = 0.5


@dataclass(frozen=True)
class TableLayout:
    widths: list[int]
    size: float
    landscape: bool


@functools.cache
def _advances(path: Path) -> tuple[dict[int, int], int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        metrics = font["hmtx"].metrics
        cmap = font.getBestCmap()
        # unitsPerEm read from the raw table: decompiling `head` logs a note about the
        # shipped fonts' creation dates, and renderers never print.
        units = struct.unpack(">H", font.reader["head"][18:20])[0]
        return {code: metrics[name][0] for code, name in cmap.items()}, int(units)


def text_width(text: str, fonts: TableFonts, bold: bool, size: float) -> int:
    """Width of a text in twips at `size` points."""
    path = fonts.bold if bold else fonts.regular
    if path is None:
        return round(len(text) * fonts.char_width * (1.08 if bold else 1) * size * 20)
    advances, units = _advances(path)
    average = units // 2
    return round(sum(advances.get(ord(c), average) for c in text) * size * 20 / units)


def pieces(text: str) -> list[str]:
    """The runs of a cell's text that must stay on one line: words, and numbers whole."""
    out: list[str] = []
    for piece, number in number_runs(text):
        out += [piece] if number else piece.split()
    return out


def layout(cells: Sequence[Sequence[tuple[str, bool]]], fonts: TableFonts, size: float,
           room: tuple[int, int]) -> TableLayout:
    """Widths in twips and type size of a table whose cells are (text, bold) by row.

    `room` is the text width of a portrait and of a landscape page."""
    sizes = [size, *(s for s in _SMALLER if s < size)]
    for landscape, available in ((False, room[0]), (True, room[1])):
        for step in sizes:
            minimum, natural = _extent(cells, fonts, step)
            if sum(minimum) <= available:
                return TableLayout(_spread(minimum, natural, available), step, landscape)
    minimum, _ = _extent(cells, fonts, sizes[-1])
    # Past every step: words break, in proportion to their widths.
    widths = [max(1, w * room[1] // sum(minimum)) for w in minimum]
    return TableLayout(widths, sizes[-1], True)


def extent(cells: Sequence[Sequence[tuple[str, bool]]], fonts: TableFonts,
           size: float) -> list[int]:
    """Each column's least width in twips: its widest unbreakable run, margins included
    (what a layout engine cannot go below without breaking a word)."""
    return _extent(cells, fonts, size)[0]


def _extent(cells: Sequence[Sequence[tuple[str, bool]]], fonts: TableFonts,
            size: float) -> tuple[list[int], list[int]]:
    """Each column's widest unbreakable run and its longest text, cell margins included."""
    columns = max((len(row) for row in cells), default=1)
    minimum = [_CELL_EXTRA] * columns
    natural = [_CELL_EXTRA] * columns
    for row in cells:
        for column, (text, bold) in enumerate(row):
            words = [text_width(w, fonts, bold, size) for w in pieces(text)]
            minimum[column] = max([minimum[column], *(w + _CELL_EXTRA for w in words)])
            natural[column] = max(natural[column],
                                  text_width(" ".join(text.split()), fonts, bold, size)
                                  + _CELL_EXTRA)
    return minimum, natural


def _spread(minimum: list[int], natural: list[int], available: int) -> list[int]:
    """As a browser lays out an automatic table: every column its longest text if the
    page has room; else its widest word, and the room left to the columns that would
    wrap, in proportion to how much they would."""
    if sum(natural) <= available:
        return natural
    spare = available - sum(minimum)
    wants = [n - m for n, m in zip(natural, minimum, strict=True)]
    widths = [m + w * spare // max(1, sum(wants)) for m, w in zip(minimum, wants, strict=True)]
    widths[widths.index(max(widths))] += available - sum(widths)
    return widths


def set_size(cell: Element, size: float) -> None:
    """Type of a smaller step on every run of a cell (the styles hold the first size)."""
    for r in cell.iter(f"{_W}r"):
        rpr = r.find(f"{_W}rPr")
        if rpr is None:
            rpr = el("w:rPr")
            r.insert(0, rpr)
        rpr.append(val("w:sz", str(round(size * 2))))
        rpr.append(val("w:szCs", str(round(size * 2))))


def space_before(p: Element, twips: int) -> None:
    """Space above a paragraph that follows a table, as the PDF's margin below it."""
    ppr = p.find(f"{_W}pPr")
    if ppr is None:
        ppr = el("w:pPr")
        p.insert(0, ppr)
    spacing = ppr.find(f"{_W}spacing")
    if spacing is None:
        spacing = el("w:spacing")
        # pPr's children have a fixed order: spacing goes before indentation and the rest.
        later = {"ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
                 "textDirection", "textAlignment", "outlineLvl", "rPr", "sectPr"}
        following = next((c for c in ppr if c.tag.removeprefix(_W) in later), None)
        if following is None:
            ppr.append(spacing)
        else:
            following.addprevious(spacing)
    spacing.set(f"{_W}before", str(twips))


def landscape_sections(tables: Sequence[Element], end: Element) -> None:
    """Give each table a landscape section of its own; `end` is the body's last section
    properties (the document's own, with its headers, footers and front page)."""
    if not tables:
        return
    portrait = copy.deepcopy(end)
    # Only the section that holds the front page has a first page of its own.
    title_page = end.find(f"{_W}titlePg")
    if title_page is not None:
        end.remove(title_page)
    landscape = _turned(end)
    first = True
    for table in tables:
        before = table.getprevious()
        if before is None or before.tag != f"{_W}p":
            before = paragraph("Tabeltekst")
            table.addprevious(before)
        held = before.find(f"{_W}pPr/{_W}sectPr")
        if held is not None:
            # It closes the previous table's landscape section: this table joins it.
            held.getparent().remove(held)
        else:
            _end_section(before, portrait if first else copy.deepcopy(end))
            first = False
        after = paragraph("Tabeltekst")
        table.addnext(after)
        _end_section(after, copy.deepcopy(landscape))


def _turned(section: Element) -> Element:
    turned = copy.deepcopy(section)
    size = turned.find(f"{_W}pgSz")
    if size is not None:
        width, height = size.get(f"{_W}w"), size.get(f"{_W}h")
        size.set(f"{_W}w", str(height))
        size.set(f"{_W}h", str(width))
        size.set(f"{_W}orient", "landscape")
    return turned


def _end_section(p: Element, section: Element) -> None:
    """Make `p` the last paragraph of a section (Word keeps the properties in it)."""
    ppr = p.find(f"{_W}pPr")
    if ppr is None:
        ppr = el("w:pPr")
        p.insert(0, ppr)
    ppr.append(section)
