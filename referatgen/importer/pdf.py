"""Published PDFs into blocks, through pdfplumber: characters with their fonts and places.

Headings are told by size and weight, and by the structure tags when the PDF is tagged
(referatgen's and FirstAgenda's are); lists by their markers and indents; tables by their
ruled cells. Page furniture (running headers, "Side N af M") is dropped and named;
paragraphs, list items and tables that a page break split are joined again.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import ReferatgenError
from .blocks import (
    ReadSource,
    Report,
    TextBlock,
    escape_inline,
    hyphen_join,
    join_runs,
    plain_text,
    remove_footnote_call,
)
from .recognise import (
    FRONT_LABEL,
    OPEN_CLOSED_MARK,
    OTHER_LABEL,
    PAGE_STAMP,
    RECORD_LINE,
    SAGSNR_LINE,
    TOC_LINE,
    heading_key,
    is_item_heading_text,
)
from .text import numeric_column

Char = dict[str, Any]
Box = tuple[float, float, float, float]
Run = tuple[str, bool, bool]

_MARKER = re.compile(r"^(?:[•◦▪‣·–\-○■□\uf0b7\uf0a7§]|\d{1,3}[.)]|[a-zA-Z][)])$")
_TERMINAL = re.compile(r"[.!?:;]$")
_HEADING_TAG = re.compile(r"^H([1-6])$")


@dataclass
class _Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    bold: bool
    italic: bool
    #: Inline Markdown of the line; parts that stand apart (columns) are joined by a tab.
    text: str
    #: A list marker printed at the start and the text after it, when the line has one.
    marker: str = ""
    rest: str = ""
    text_x0: float = 0.0
    #: Heading level from the PDF's structure tags; 0 for none.
    heading: int = 0
    calls: list[str] = field(default_factory=list)
    #: Where each part after the first starts (a value beside its label).
    columns: list[float] = field(default_factory=list)
    #: The text without the bold that the whole line has (a heading's own weight).
    bare: str = ""

    @property
    def plain(self) -> str:
        return plain_text(self.text.replace("\t", " "))


@dataclass
class _Table:
    page: int
    top: float
    bottom: float
    block: TextBlock


def read_pdf(path: Path, report: Report) -> ReadSource:
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            reader = _Reader(report)
            for number, page in enumerate(pdf.pages, start=1):
                reader.page(page, number)
            blocks = reader.finish()
    except ReferatgenError:
        raise
    except Exception as exc:
        # pdfminer reports a damaged or encrypted file through many exception types.
        # pdfplumber wraps pdfminer's exception: the inner one names the cause.
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        name = type(inner).__name__
        if "Password" in name or "Encrypt" in name:
            raise ReferatgenError(
                f"{path}: PDF'en er beskyttet med adgangskode. Gem en kopi uden adgangskode, "
                "og importér den.") from exc
        if type(exc).__module__.split(".")[0] in ("pdfminer", "pdfplumber"):
            raise ReferatgenError(
                f"{path}: PDF'en kan ikke læses ({inner or name}). Er filen beskadiget?") from exc
        raise
    if not blocks:
        raise ReferatgenError(
            f"{path}: PDF'en har ingen tekst, der kan læses. Er den scannet? Så skal den "
            "først gennem tekstgenkendelse (OCR).")
    if reader.images:
        report.dropped.append(f"billeder: {reader.images} (kun teksten importeres)")
    for page_number, count in sorted(reader.glyphs.lost.items()):
        report.warnings.append(
            f"Side {page_number}: {count} tegn kunne ikke læses (fonten har hverken Unicode-tabel "
            "eller tegnnavne) og er udeladt; ret teksten efter originalen.")
    if reader.glyphs.found:
        report.notes.append(f"{reader.glyphs.found} tegn uden Unicode-tabel er læst ud fra "
                            "fontens tegnnavne.")
    if reader.turned:
        report.dropped.append(f"lodret eller skrå tekst: {reader.turned} tegn (fx margennoter)")
    return ReadSource(blocks, marked=True, levels=reader.tagged_headings)


class _Reader:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.lines: list[_Line] = []
        self.tables: list[_Table] = []
        self.notes: dict[str, str] = {}
        self.heights: dict[int, float] = {}
        self.tagged_headings = False
        self.images = 0
        #: Characters set on their side or at an angle (margin notes, stamps): not read.
        self.turned = 0
        self.glyphs = _Glyphs()

    # -- one page ------------------------------------------------------------------------

    def page(self, page: Any, number: int) -> None:
        self.heights[number] = float(page.height)
        self.images += len(page.images)
        levels = self._tag_levels(page)
        chars = [c for c in page.chars if c.get("upright", True) and c["text"] not in "\n\r"]
        chars = self.glyphs.recover(page, number, chars)
        self.turned += sum(1 for c in page.chars if not c.get("upright", True)
                           and str(c["text"]).strip())
        links = [((float(h["x0"]), float(h["top"]), float(h["x1"]), float(h["bottom"])),
                  str(h["uri"])) for h in page.hyperlinks if h.get("uri")]
        for char in chars:
            for box, uri in links:
                if _in_box(char, box):
                    char["link"] = uri
                    break
        boxes: list[Box] = []
        for box, table in self._tables(page, number, chars):
            boxes.append(box)
            self.tables.append(table)
        free = [c for c in chars if not any(_in_box(c, box) for box in boxes)]
        for group in _cluster_lines(free):
            line = _make_line(group, number, levels)
            if line is not None:
                self.lines.append(line)

    def _tag_levels(self, page: Any) -> dict[int, int]:
        """Marked-content id -> heading level, from the structure tree of a tagged PDF."""
        try:
            tree = page.structure_tree
        except Exception:  # a broken structure tree only costs us the hint
            return {}
        levels: dict[int, int] = {}

        def walk(element: dict[str, Any], level: int) -> None:
            match = _HEADING_TAG.match(str(element.get("type", "")))
            here = int(match.group(1)) if match else level
            for mcid in element.get("mcids") or []:
                levels[int(mcid)] = here
            for child in element.get("children") or []:
                walk(child, here)

        for element in tree or []:
            walk(element, 0)
        if any(levels.values()):
            self.tagged_headings = True
        return levels

    def _tables(self, page: Any, number: int, chars: list[Char]) -> list[tuple[Box, _Table]]:
        try:
            found = page.find_tables()
        except Exception:  # a page whose rules cannot be read has no ruled tables
            return []
        out: list[tuple[Box, _Table]] = []
        for table in found:
            ruled = _ruled_table(table, number, chars)
            if ruled is not None:
                out.append(ruled)
        return out

    # -- the document --------------------------------------------------------------------

    def finish(self) -> list[TextBlock]:
        if not self.lines and not self.tables:
            return []
        body = _body_size(self.lines)
        self._drop_furniture(body)
        self._footnotes(body)
        return self._blocks(self._merge_tables(), body)

    def _drop_furniture(self, body: float) -> None:
        """Running headers and footers, by where they stand: the same text (numbers aside)
        at the same height at the top or foot of many pages; page stamps in the margins.
        Text that merely repeats (a case history's "Dato: ..." records) is not furniture."""
        edges = self._page_edges()
        pages_of: dict[tuple[str, int], set[int]] = {}
        for line in self.lines:
            if id(line) in edges or self._in_margin_band(line):
                pages_of.setdefault(_position_key(line), set()).add(line.page)
        # A header on every page but the front page is on at least half of them.
        wanted = max(2, -(-(len(self.heights) - 1) // 2))
        kept: list[_Line] = []
        dropped: Counter[str] = Counter()
        #: The first text of each kind of furniture, named in the report.
        shown: dict[str, str] = {}
        for line in self.lines:
            plain = line.plain
            edge = id(line) in edges or self._in_margin_band(line)
            if edge and line.size <= body * 1.05:
                # "4 of 7" at the left and "Side 4" at the right print as one line.
                stamp = self._in_margin_band(line) and all(
                    PAGE_STAMP.match(p) or re.fullmatch(r"\d{1,4}", p)
                    for p in (plain_text(part) for part in line.text.split("\t")))
                pages = len(pages_of.get(_position_key(line), ()))
                header = pages >= 2 and self._in_margin_band(line) and _looks_like_header(plain)
                structure = _own_line(plain) or is_item_heading_text(plain)
                if stamp or ((pages >= wanted or header) and not structure):
                    name = "sidetal" if stamp else shown.setdefault(_furniture_key(plain), plain)
                    dropped[name] += 1
                    continue
            kept.append(line)
        for text, count in dropped.items():
            if text == "sidetal":
                self.report.dropped.append(f"sidetal ('Side N af M' o.l.) på {count} sider")
            else:
                self.report.dropped.append(f"sidehoved/sidefod '{text}' på {count} sider")
        self.lines = kept

    def _page_edges(self) -> set[int]:
        """The first two and last two lines of each page: where furniture prints."""
        by_page: dict[int, list[_Line]] = {}
        for line in self.lines:
            by_page.setdefault(line.page, []).append(line)
        edges: set[int] = set()
        for lines in by_page.values():
            ordered = sorted(lines, key=lambda line: line.top)
            edges |= {id(line) for line in ordered[:2] + ordered[-2:]}
        return edges

    def _in_margin_band(self, line: _Line) -> bool:
        height = self.heights[line.page]
        return line.top < height * 0.085 or line.bottom > height * 0.915

    def _footnotes(self, body: float) -> None:
        """Notes at a page's foot: small type after the page's last line of body text."""
        by_page: dict[int, list[_Line]] = {}
        for line in self.lines:
            by_page.setdefault(line.page, []).append(line)
        kept: list[_Line] = []
        for page in sorted(by_page):
            lines = by_page[page]
            calls = {c for line in lines for c in line.calls}
            calls |= {c for t in self.tables if t.page == page for r in t.block.rows
                      for cell in r for c in re.findall(r"\[\^([^\]]+)\]", cell)}
            last_body = max((i for i, line in enumerate(lines) if line.size >= body * 0.95),
                            default=-1)
            current: str | None = None
            for index, line in enumerate(lines):
                small = index > last_body and line.size < body * 0.92
                match = re.match(r"^(\d{1,3})[.)]?\s+(\S.*)$", line.text)
                label = f"{page}-{match.group(1)}" if match else ""
                if small and match and label in calls:
                    current = label
                    self.notes[label] = match.group(2)
                    continue
                if small and current is not None:
                    self.notes[current] += " " + line.text
                    continue
                current = None
                kept.append(line)
        self.lines = kept

    def _merge_tables(self) -> list[_Line | _Table]:
        items: list[_Line | _Table] = [*self.lines, *self.tables]
        items.sort(key=lambda i: (i.page, i.top))
        merged: list[_Line | _Table] = []
        for item in items:
            previous = merged[-1] if merged else None
            if isinstance(item, _Table) and isinstance(previous, _Table) \
                    and item.page == previous.page + 1 and _same_columns(previous, item):
                rows = item.block.rows
                if previous.block.header and rows and rows[0] == previous.block.rows[0]:
                    rows = rows[1:]  # the header row the next page repeats
                previous.block.rows += rows
                previous.page, previous.bottom = item.page, item.bottom
                continue
            merged.append(item)
        return merged

    def _blocks(self, items: list[_Line | _Table], body: float) -> list[TextBlock]:
        leading = _leading(self.lines, body)
        blocks: list[TextBlock] = []
        current: TextBlock | None = None
        last: _Line | None = None
        markers: list[float] = []  # x of the markers of the open lists, outermost first

        def close() -> None:
            nonlocal current
            if current is not None:
                blocks.append(current)
            current = None

        for item in items:
            if isinstance(item, _Table):
                close()
                last = None
                markers.clear()
                block = item.block
                block.page_start = not blocks or _page_of(blocks[-1]) != item.page
                blocks.append(block)
                continue
            line = item
            is_item = bool(line.marker) and not line.heading and not (
                line.bold and line.size > body + 0.4)
            new_page = last is None or line.page != last.page
            if is_item or current is None or self._starts_block(line, last, current, leading):
                close()
                if is_item:
                    while markers and line.x0 < markers[-1] - 3:
                        markers.pop()
                    if not markers or line.x0 > markers[-1] + 3:
                        markers.append(line.x0)
                    current = _item_block(line, len(markers) - 1)
                else:
                    markers.clear()
                    current = TextBlock("text", text=_own(line).replace("\t", " "),
                                        lines=[_own(line)], bold=line.bold, italic=line.italic,
                                        size=line.size, level=line.heading,
                                        where=f"side {line.page}")
                current.page_start = new_page
            else:
                assert current is not None
                current.text = _join(current.text, _own(line).replace("\t", " "))
                current.lines.append(_own(line))
            last = line
        close()
        for block in blocks:
            self._attach_notes(block)
        return _join_pages(blocks)

    def _starts_block(self, line: _Line, last: _Line | None, current: TextBlock,
                      leading: float) -> bool:
        if last is None or line.page != last.page:
            return True  # joined again later if the page break cut a paragraph
        if abs(line.size - last.size) > 0.4 or line.bold != last.bold \
                or line.heading != last.heading:
            return True
        if RECORD_LINE.match(line.plain) and RECORD_LINE.match(last.plain):
            return True  # records one a line ("Udvalg: ...", "Dato: ...") stay lines
        if _own_line(line.plain) or _own_line(last.plain):
            return True  # a case number, an "Åben" mark or a section's name stands alone
        gap = line.top - last.top
        if gap < 0 or gap > leading * max(line.size, 1.0) / 10.0 * 1.3:
            return True
        if current.kind == "item":
            return abs(line.x0 - current.indent) > 4.0
        if "\t" in line.text and FRONT_LABEL.match(line.plain):
            return True
        if last.columns and abs(line.x0 - last.columns[0]) < 3 and "\t" not in line.text:
            return False  # a value that wraps under itself, beside its label
        if TOC_LINE.match(plain_text(last.text.replace("\t", " ..... "))):
            return True
        return abs(line.x0 - last.x0) > 6.0

    def _attach_notes(self, block: TextBlock) -> None:
        texts = [block.text] if block.kind != "table" else [c for r in block.rows for c in r]
        for text in texts:
            for label in re.findall(r"\[\^([^\]]+)\]", text):
                if label in self.notes:
                    if all(label != known for known, _ in block.notes):
                        block.notes.append((label, self.notes[label]))
                else:
                    self.report.drop("fodnotemærke uden fodnotetekst", f"[{label}]",
                                     block.where)
                    remove_footnote_call(block, label)


_CID = re.compile(r"^\(cid:(\d+)\)$")


@dataclass
class _Glyphs:
    """Characters that pdfminer gives as "(cid:N)": the font has no Unicode map. The
    font program embedded in the PDF still names its glyphs ("oslash", "uni2010"); a
    glyph without a name is left out and counted per page for the report."""

    maps: dict[str, dict[int, str]] = field(default_factory=dict)
    lost: Counter[int] = field(default_factory=Counter)
    found: int = 0

    def recover(self, page: Any, number: int, chars: list[Char]) -> list[Char]:
        if not any(_CID.match(str(c["text"])) for c in chars):
            return chars
        out: list[Char] = []
        for char in chars:
            match = _CID.match(str(char["text"]))
            if match is None:
                out.append(char)
                continue
            text = self._map(page, str(char.get("fontname", ""))).get(int(match.group(1)))
            if text:
                char["text"] = text
                self.found += 1
                out.append(char)
            else:
                self.lost[number] += 1
        return out

    def _map(self, page: Any, fontname: str) -> dict[int, str]:
        if fontname not in self.maps:
            self.maps[fontname] = {}
            for font in _fonts(page):
                if _name(font.get("BaseFont")) == fontname:
                    self.maps[fontname] = _glyph_map(font)
                    break
        return self.maps[fontname]


def _fonts(page: Any) -> list[dict[str, Any]]:
    from pdfminer.pdftypes import resolve1

    resources = resolve1(getattr(page.page_obj, "resources", {}) or {})
    fonts = resolve1(resources.get("Font", {})) or {}
    return [f for f in (resolve1(v) for v in fonts.values()) if isinstance(f, dict)]


def _name(value: Any) -> str:
    return str(getattr(value, "name", value or ""))


def _glyph_map(font: dict[str, Any]) -> dict[int, str]:
    """cid -> text through the embedded font's glyph names (Adobe Glyph List)."""
    from fontTools.agl import toUnicode
    from pdfminer.pdftypes import resolve1

    descendants = resolve1(font.get("DescendantFonts")) or []
    cid_font = resolve1(descendants[0]) if descendants else font
    descriptor = resolve1(cid_font.get("FontDescriptor")) or {}
    program = next((resolve1(descriptor[k]) for k in ("FontFile2", "FontFile3", "FontFile")
                    if k in descriptor), None)
    if program is None:
        return {}
    try:
        names = _glyph_order(program.get_data())
    except Exception:  # a font program we cannot parse only costs the recovery
        return {}
    to_gid = resolve1(cid_font.get("CIDToGIDMap"))
    gids = to_gid.get_data() if hasattr(to_gid, "get_data") else None
    out: dict[int, str] = {}
    count = len(gids) // 2 if gids else len(names)
    for cid in range(count):
        gid = int.from_bytes(gids[2 * cid: 2 * cid + 2], "big") if gids else cid
        text = toUnicode(names[gid]) if gid < len(names) else ""
        if text and not names[gid].startswith("glyph"):
            out[cid] = text
    return out


def _glyph_order(data: bytes) -> list[str]:
    import io

    from fontTools.ttLib import TTFont

    if data[:4] in (b"\x00\x01\x00\x00", b"true", b"OTTO"):
        return list(TTFont(io.BytesIO(data)).getGlyphOrder())
    from fontTools.cffLib import CFFFontSet

    cff = CFFFontSet()
    cff.decompile(io.BytesIO(data), None)
    return list(cff[cff.fontNames[0]].getGlyphOrder())


def _own_line(plain: str) -> bool:
    return len(plain) < 120 and (SAGSNR_LINE.match(plain) is not None
                                 or OPEN_CLOSED_MARK.match(plain) is not None
                                 or heading_key(plain) is not None)


def _own(line: _Line) -> str:
    """A bold line is a heading or a bold paragraph: its weight is the block's, not inline."""
    return line.bare if line.bold else line.text


def _item_block(line: _Line, depth: int) -> TextBlock:
    marker = line.marker
    if not (marker[0].isdigit() or marker[0].isalpha()):
        marker = "-"
    elif marker[0].isalpha():
        marker = marker[0] + ")"
    return TextBlock("item", text=line.rest, lines=[line.rest], marker=marker, depth=depth,
                     indent=line.text_x0, where=f"side {line.page}", bold=line.bold,
                     italic=line.italic, size=line.size)


def _page_of(block: TextBlock) -> int:
    match = re.match(r"side (\d+)", block.where)
    return int(match.group(1)) if match else 0


@dataclass
class _CellText:
    text: str
    #: Every line of the cell is bold.
    bold: bool
    #: The cell has text; an empty cell has no say in whether its row is bold.
    filled: bool
    align: str


def _ruled_table(table: Any, number: int, chars: list[Char]) -> tuple[Box, _Table] | None:
    """A table pdfplumber found by its rules, with the box its text is to be taken from."""
    rows = [row.cells for row in table.rows]
    if not rows or max(len(r) for r in rows) < 2:
        return None
    cells = [[_cell_text(cell, number, chars) for cell in row] for row in rows]
    grid = [[cell.text for cell in row] for row in cells]
    if not any(c.strip() for r in grid for c in r):
        return None
    bold_rows = [_bold_row(row) for row in cells]
    # Bold is the header row's own look; elsewhere a bold cell is emphasis.
    for index, row_bold in enumerate(bold_rows):
        if index > 0 or not row_bold:
            grid[index] = [_bold_cell(cell.text, cell.bold) for cell in cells[index]]
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    header = bold_rows[0] or not any(c.strip() for c in grid[0])
    aligns = [[cell.align for cell in row] for row in cells]
    body = aligns[1:] if header else aligns
    data = grid[1:] if header else grid
    align = [_column_align(body, data, column) for column in range(width)]
    block = TextBlock("table", rows=grid, header=header, align=align, where=f"side {number}")
    x0, top, x1, bottom = (float(v) for v in table.bbox)
    return (x0 - 1, top - 1, x1 + 1, bottom + 1), _Table(number, top, bottom, block)


def _cell_text(cell: Box | None, number: int, chars: list[Char]) -> _CellText:
    if cell is None:
        return _CellText("", bold=False, filled=False, align="")
    inside = [c for c in chars if _in_box(c, cell)]
    lines = [line for g in _cluster_lines(inside)
             if (line := _make_line(g, number, {}, cell=True)) is not None]
    all_bold = bool(lines) and all(line.bold for line in lines)
    text = ""
    for line in lines:
        part = (line.bare if all_bold else line.text).replace("\t", " ")
        text = _join(text, part) if text else part
    return _CellText(text, bold=all_bold, filled=bool(lines), align=_alignment(inside, cell))


def _bold_row(row: list[_CellText]) -> bool:
    bolds = [cell.bold for cell in row if cell.filled]
    return bool(bolds) and all(bolds)


def _column_align(aligns: list[list[str]], rows: list[list[str]], column: int) -> str:
    votes = [r[column] for r in aligns if column < len(r) and r[column] != "?"]
    if votes:
        return Counter(votes).most_common(1)[0][0]
    # Cells that fill the column say nothing; numbers stand to the right.
    return "right" if numeric_column([r[column] for r in rows]) else ""


def _in_box(char: Char, box: Box) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return bool(x0 <= cx <= x1 and top <= cy <= bottom)


def _bold_cell(text: str, bold: bool) -> str:
    return f"**{text}**" if bold and text.strip() else text


def _alignment(chars: list[Char], box: Box) -> str:
    """How a cell's text sits: 'right', 'center', '' (left), or '?' when it fills the cell."""
    letters = [c for c in chars if c["text"].strip()]
    if not letters:
        return "?"
    left = float(min(c["x0"] for c in letters)) - box[0]
    right = box[2] - float(max(c["x1"] for c in letters))
    if left - right > 3:
        return "right"
    if right - left > 3:
        return ""
    # About as much room on both sides: centred when there is room, else no telling.
    return "center" if left > 8 else "?"


def _same_columns(first: _Table, second: _Table) -> bool:
    a, b = first.block.rows, second.block.rows
    return bool(a and b) and max(len(r) for r in a) == max(len(r) for r in b)


def _cluster_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into printed lines; a raised footnote call joins its line."""
    ordered = sorted(chars, key=lambda c: (float(c["bottom"]), float(c["x0"])))
    lines: list[list[Char]] = []
    refs: list[Char] = []
    for char in ordered:
        size = float(char["size"]) or 10.0
        for index in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            ref = refs[index]
            overlap = min(float(ref["bottom"]), float(char["bottom"])) - max(
                float(ref["top"]), float(char["top"]))
            if overlap > 0.5 * min(size, float(ref["size"]) or 10.0):
                lines[index].append(char)
                if float(char["size"]) > float(ref["size"]) and char["text"].strip():
                    refs[index] = char
                break
        else:
            lines.append([char])
            refs.append(char)
    for line in lines:
        line.sort(key=lambda c: float(c["x0"]))
    lines.sort(key=lambda g: float(min(c["top"] for c in g)))
    return lines


def _is_bold(char: Char) -> bool:
    name = str(char.get("fontname", "")).lower()
    return any(w in name for w in ("bold", "black", "heavy", "semibold", "demi")) \
        or name.endswith(",b")


def _is_italic(char: Char) -> bool:
    name = str(char.get("fontname", "")).lower()
    return "italic" in name or "oblique" in name or name.endswith(",i")


def _make_line(chars: list[Char], page: int, levels: dict[int, int],
               cell: bool = False) -> _Line | None:
    letters = [c for c in chars if str(c["text"]).strip()]
    if not letters:
        return None
    size = statistics.median(float(c["size"]) for c in letters)
    base = max(float(c["bottom"]) for c in letters)
    calls = {id(c) for c in letters if float(c["size"]) < size * 0.8
             and str(c["text"]).isdigit() and float(c["bottom"]) < base - 1.0}
    parts = _LineParts(page, size, calls, cell)
    for char in chars:
        parts.add(char)
    parts.flush_call()
    words = [c for c in letters if str(c["text"]).isalnum() and id(c) not in calls]
    bold = bool(words) and all(_is_bold(c) for c in words)
    italic = bool(words) and all(_is_italic(c) for c in words)
    mcids = Counter(levels.get(int(c["mcid"]), 0) for c in letters if c.get("mcid") is not None)
    heading = mcids.most_common(1)[0][0] if mcids else 0
    # Headings of the fifth and sixth level are set in italics by most house styles: there
    # the slant is the heading's look, not the author's emphasis.
    own_italic = italic and heading >= 5
    line = _Line(page, float(min(c["top"] for c in letters)), base, float(letters[0]["x0"]),
                 float(max(c["x1"] for c in letters)), size, bold, italic, parts.text(),
                 heading=heading, calls=parts.labels, columns=parts.columns,
                 bare=parts.text(bold, own_italic))
    if not cell:
        _find_marker(line, [c for c in letters if id(c) not in calls])
    return line


class _LineParts:
    """A line's characters as runs: parts split where a wide gap stands between them
    (columns, except in a table cell), superscript digits as footnote calls."""

    def __init__(self, page: int, size: float, calls: set[int], cell: bool) -> None:
        self.page = page
        self.size = size
        self.calls = calls
        self.cell = cell
        self.segments: list[list[tuple[str, bool, bool, str]]] = [[]]
        self.columns: list[float] = []
        self.labels: list[str] = []
        self.digits = ""
        self.previous: Char | None = None

    def add(self, char: Char) -> None:
        text = str(char["text"])
        if id(char) in self.calls:
            self.digits += text
            self.previous = char
            return
        self.flush_call()
        link = str(char.get("link", ""))
        if self.previous is not None and text.strip():
            self._gap(self.previous, char, link)
        if not text.strip():
            text = " "
        self.segments[-1].append((escape_inline(text), _is_bold(char), _is_italic(char), link))
        self.previous = char

    def _gap(self, previous: Char, char: Char, link: str) -> None:
        gap = float(char["x0"]) - float(previous["x1"])
        char_size = float(char["size"]) or self.size
        if gap > char_size * 2.0 and not self.cell:
            self.segments.append([])
            self.columns.append(float(char["x0"]))
        elif gap > char_size * 0.18 and str(previous["text"]).strip():
            self.segments[-1].append((" ", False, False, link))

    def flush_call(self) -> None:
        if self.digits:
            label = f"{self.page}-{self.digits}"
            self.labels.append(label)
            self.segments[-1].append((f"[^{label}]", False, False, ""))
            self.digits = ""

    def text(self, drop_bold: bool = False, drop_italic: bool = False) -> str:
        """The parts as inline Markdown, joined by tabs."""
        rendered = (_render(seg, drop_bold, drop_italic).strip() for seg in self.segments)
        return "\t".join(p for p in rendered if p)


def _render(runs: list[tuple[str, bool, bool, str]], drop_bold: bool = False,
            drop_italic: bool = False) -> str:
    """Inline Markdown of a line's runs: emphasis, and links where the PDF has them."""
    out: list[str] = []
    group: list[Run] = []
    uri = ""
    for text, bold, italic, link in [*runs, ("", False, False, "\0")]:
        if link != uri:
            if group:
                inner = join_runs(_squash(group))
                if uri:
                    stripped = inner.strip()
                    lead = inner[: len(inner) - len(inner.lstrip())]
                    trail = inner[len(inner.rstrip()):]
                    inner = f"{lead}[{stripped}]({uri}){trail}" if stripped else inner
                out.append(inner)
            group, uri = [], link
        group.append((text, bold and not drop_bold, italic and not drop_italic))
    return "".join(out)


def _squash(runs: list[Run]) -> list[Run]:
    out: list[Run] = []
    for run in runs:
        if run[0] == " " and out and out[-1][0].endswith(" "):
            continue
        out.append(run)
    return out


def _find_marker(line: _Line, letters: list[Char]) -> None:
    """A list item: a bullet or number, then a gap, then the text."""
    marker = ""
    for index, char in enumerate(letters[:4]):
        marker += str(char["text"])
        if index + 1 >= len(letters):
            return
        gap = float(letters[index + 1]["x0"]) - float(char["x1"])
        if gap > float(char["size"]) * 0.18:
            if _MARKER.match(marker):
                line.marker = marker
                line.text_x0 = float(letters[index + 1]["x0"])
                # The marker may sit inside the emphasis of a wholly italic line.
                line.rest = re.sub(
                    r"^(?P<em>\*{0,3})\s*(?:\\?[-•◦▪‣·–○■□\uf0b7\uf0a7§]|\d{1,3}\\?[.)]"
                    r"|[a-zA-Z]\\?[)])\s*", r"\g<em>", line.text.replace("\t", " "), count=1)
            return


def _join(text: str, more: str) -> str:
    joined_word = hyphen_join(text, more)
    if joined_word is not None:
        return joined_word  # "kommu-" + "nen", "Høje-" + "Taastrup"
    if text.endswith("/") and more[:1].isalnum():
        return text + more  # "udvalg/" + "udvalgsformænd"
    joined = f"{text} {more}"
    # Emphasis or a link that ran over the line break is one run again.
    seam = len(text)
    head, tail = joined[:seam], joined[seam:]
    for mark in ("***", "**", "*"):
        if head.endswith(mark) and tail.startswith(" " + mark) and not head.endswith("\\" + mark):
            return head[: -len(mark)] + " " + tail[1 + len(mark):]
    link = re.search(r"\]\(([^)\s]+)\)$", head)
    if link and tail.startswith(" ["):
        nxt = re.match(r" \[([^\]]*)\]\(([^)\s]+)\)", tail)
        if nxt and nxt.group(2) == link.group(1):
            return head[: link.start()] + " " + nxt.group(1) + f"]({link.group(1)})" + \
                tail[nxt.end():]
    return joined


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).lower()


def _position_key(line: _Line) -> tuple[str, int]:
    """A line's text, numbers aside, and its height on the page to about 3 pt."""
    return _furniture_key(line.plain), round(line.top / 3)


def _looks_like_header(text: str) -> bool:
    """A running header's words: a date, 'Referat', 'Dagsorden', 'Side'; not a field."""
    return bool(re.search(r"\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\breferat\b|\bdagsorden\b"
                          r"|\bside\b", text, re.I)) and not OTHER_LABEL.match(text)


def _body_size(lines: list[_Line]) -> float:
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.size * 2) / 2] += len(line.plain)
    return weights.most_common(1)[0][0] if weights else 10.0


def _leading(lines: list[_Line], body: float) -> float:
    """Line pitch of body text within a paragraph, scaled to 10 pt type."""
    pitches = []
    for first, second in itertools.pairwise(lines):
        if first.page == second.page and abs(first.size - body) < 0.6 \
                and abs(second.size - body) < 0.6:
            pitch = second.top - first.top
            if 0 < pitch < body * 2:
                pitches.append(round(pitch, 1))
    pitch = Counter(pitches).most_common(1)[0][0] if pitches else body * 1.25
    return pitch * 10.0 / body


def _join_pages(blocks: list[TextBlock]) -> list[TextBlock]:
    """A paragraph or list item that a page break cut in two becomes one again."""
    out: list[TextBlock] = []
    for block in blocks:
        previous = out[-1] if out else None
        if previous is not None and block.page_start and block.kind == "text" \
                and previous.kind in ("text", "item") and not block.bold and not previous.bold \
                and not block.level and not previous.level and _continues(previous, block):
            previous.text = _join(previous.text, block.text)
            previous.lines += block.lines
            previous.notes += block.notes
            continue
        out.append(block)
    return out


def _continues(previous: TextBlock, block: TextBlock) -> bool:
    last = plain_text(previous.lines[-1]) if previous.lines else previous.plain
    first = block.plain
    if not first or (previous.kind == "text" and abs(previous.size - block.size) > 0.4):
        return False
    if first[0].islower():
        return True
    return not _TERMINAL.search(last) and len(last) > 40 and not TOC_LINE.match(last)
