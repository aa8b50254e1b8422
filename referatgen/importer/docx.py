"""Word files (.docx) into blocks, through python-docx and the document's own XML.

Word says more than a PDF: heading styles give the levels, numbering gives the lists
and their numbers, tables are tables, footnotes sit in their own part. Headers and
footers are page furniture by construction: they are named in the report, not imported.
"""

from __future__ import annotations

import re
import statistics
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import ReferatgenError
from .blocks import ReadSource, Report, TextBlock, escape_inline, join_runs, plain_text
from .recognise import BULLET_GLYPHS, PAGE_STAMP

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_HEADING_NAME = re.compile(r"^(?:heading|overskrift)\s*(\d)$", re.I)
_TEXT_BULLET = re.compile(
    rf"^(?P<marker>[{''.join(BULLET_GLYPHS)}\-*]|\d{{1,3}}[.)]|[a-zA-Z][)])\s*\t\s*(?P<text>.*)$")
_FALSE = ("0", "false", "off", "none")
_FIXED_TEXT = {f"{W}tab": "\t", f"{W}noBreakHyphen": "-"}
_NOTE_CALLS = {f"{W}footnoteReference": "fn", f"{W}endnoteReference": "en"}
_IMAGES = (f"{W}drawing", f"{W}pict")
_JUSTIFY = {"right": "right", "end": "right", "center": "center"}


@dataclass
class _Run:
    text: str
    bold: bool
    italic: bool
    #: The paragraph style makes it bold (a heading's look, not emphasis).
    style_bold: bool
    size: float
    link: str = ""


#: The most a Word file may unpack to, and the most parts it may have: a real one is a
#: few megabytes; a "zip bomb" of 2 MB that unpacks to gigabytes is refused unopened.
MAX_UNPACKED = 256 * 1024 * 1024
MAX_PARTS = 5000


def _check_package(path: Path) -> None:
    """Refuse a package whose parts would unpack to more than MAX_UNPACKED. The declared
    sizes bound what is read: zipfile stops at a member's declared size."""
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReferatgenError(
            f"{path}: er ikke en Word-fil (.docx), der kan læses ({exc}). Gem den som "
            ".docx i Word, eller importér den som PDF.") from exc
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED or len(infos) > MAX_PARTS:
        raise ReferatgenError(
            f"{path}: Word-filen fylder {unpacked // (1024 * 1024)} MB udpakket i "
            f"{len(infos)} dele; mere end {MAX_UNPACKED // (1024 * 1024)} MB eller "
            f"{MAX_PARTS} dele importeres ikke. Gem den igen i Word uden store billeder, "
            "eller importér den som PDF.")


def read_docx(path: Path, report: Report) -> ReadSource:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    _check_package(path)
    try:
        document = docx.Document(str(path))
        blocks = _Reader(document, report).read()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReferatgenError(
            f"{path}: er ikke en Word-fil (.docx), der kan læses ({exc}). Gem den som "
            ".docx i Word, eller importér den som PDF.") from exc
    except etree.XMLSyntaxError as exc:
        # Malformed XML, an entity bomb (lxml stops its amplification), or nesting past
        # lxml's limit of 256 levels: the file is damaged or hostile, never a minute.
        raise ReferatgenError(
            f"{path}: Word-filens XML er ødelagt eller for dybt indlejret ({exc.msg}). "
            "Åbn og gem den i Word, eller importér den som PDF.") from exc
    if not blocks:
        raise ReferatgenError(f"{path}: Word-filen har ingen tekst.")
    return ReadSource(blocks, marked=True, levels=True)


class _Reader:
    def __init__(self, document: Any, report: Report) -> None:
        self.document = document
        self.report = report
        self.styles: dict[str, Any] = {}
        for style in document.styles:
            try:
                self.styles[style.style_id] = style
            except (AttributeError, KeyError):
                continue
        self.numbering = _Numbering(document)
        self.links = {rel.rId: rel.target_ref for rel in document.part.rels.values()
                      if rel.is_external}
        self.footnotes = self._notes("footnotes")
        self.endnotes = self._notes("endnotes")
        self.images = 0
        self.counter = 0
        self.tables = _Tables(self._styled_runs)

    # -- document ------------------------------------------------------------------------

    def read(self) -> list[TextBlock]:
        blocks: list[TextBlock] = []
        body = self.document.element.body
        for element in _body_elements(body):
            self.counter += 1
            if element.tag == f"{W}p":
                block = self._paragraph(element)
                if block is not None:
                    blocks.append(block)
                # Text boxes anchored in the paragraph: their text follows it.
                for box in element.iter(f"{W}txbxContent"):
                    if any(str(a.tag).endswith("}Fallback") for a in box.iterancestors()):
                        continue  # the same box again, for programs without DrawingML
                    for para in box.iter(f"{W}p"):
                        inner = self._paragraph(para)
                        if inner is not None:
                            blocks.append(inner)
                            self.report.notes.append(
                                f"Tekst fra en tekstboks ({inner.where}) står efter afsnittet, "
                                "den var forankret i.")
            elif element.tag == f"{W}tbl":
                table = self._table(element)
                if table is not None:
                    blocks.append(table)
        for block in blocks:
            self._attach_notes(block)
        self._furniture()
        if self.images:
            self.report.dropped.append(f"billeder: {self.images} (kun teksten importeres)")
        return blocks

    def _attach_notes(self, block: TextBlock) -> None:
        texts = [block.text] if block.kind != "table" else [c for r in block.rows for c in r]
        for text in texts:
            for label in re.findall(r"\[\^((?:fn|en)-?\d+)\]", text):
                notes = self.footnotes if label.startswith("fn") else self.endnotes
                note = notes.get(label[2:])
                if note:
                    block.notes.append((label, note))
                    continue
                self.report.drop("fodnotemærke uden fodnotetekst", f"[{label}]", block.where)
                call = f"[^{label}]"
                if block.kind == "table":
                    block.rows = [[c.replace(call, "") for c in r] for r in block.rows]
                else:
                    block.text = block.text.replace(call, "")

    def _furniture(self) -> None:
        seen: set[str] = set()
        for section in self.document.sections:
            for part in (section.header, section.footer, section.first_page_header,
                         section.first_page_footer):
                try:
                    if part.is_linked_to_previous:
                        continue
                    text = " ".join(p.text for p in part.paragraphs).strip()
                except (AttributeError, KeyError, ValueError):
                    continue
                text = " ".join(text.split())
                if text and text not in seen:
                    seen.add(text)
                    self.report.dropped.append(f"sidehoved/sidefod i Word '{text}'")

    def _notes(self, kind: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for rel in self.document.part.rels.values():
            if rel.is_external or not rel.reltype.endswith(f"/{kind}"):
                continue
            from docx.oxml import parse_xml

            root = parse_xml(rel.target_part.blob)
            tag = "footnote" if kind == "footnotes" else "endnote"
            for note in root.iter(f"{W}{tag}"):
                if note.get(f"{W}type") in ("separator", "continuationSeparator",
                                            "continuationNotice"):
                    continue
                texts = []
                for para in note.iter(f"{W}p"):
                    runs = self._runs(para, {})
                    texts.append(join_runs([(r.text, r.bold, r.italic) for r in runs]).strip())
                out[str(note.get(f"{W}id"))] = " ".join(t for t in texts if t)
        return out

    # -- paragraphs ----------------------------------------------------------------------

    def _paragraph(self, element: Any) -> TextBlock | None:
        props = element.find(f"{W}pPr")
        style_id = _val(props, "pStyle") if props is not None else None
        style = self.styles.get(style_id or "") or self.styles.get("Normal")
        name = str(getattr(style, "name", "") or "")
        runs = self._runs(element, self._style_run_props(style))
        where = f"afsnit {self.counter}"
        letters = [r for r in runs if r.text.strip()]
        if not letters:
            return None
        level = self._level(props, style, name)
        words = [r for r in letters if any(ch.isalnum() for ch in r.text)]
        bold = bool(words) and all(r.bold or r.style_bold for r in words)
        italic = bool(words) and all(r.italic for r in words)
        size = statistics.median(r.size for r in letters) if letters else 0.0
        text = _inline(runs, drop_bold=bold)
        plain = plain_text(text)
        if PAGE_STAMP.match(plain):
            self.report.drop("sidetal", plain, where)
            return None
        if name.lower().startswith(("toc", "indholdsfortegnelse")) and "heading" not in \
                name.lower() and "overskrift" not in name.lower():
            line = text.replace("\t", " ..... ")
            return TextBlock("text", text=line, lines=[line], where=where, size=size)
        number = self.numbering.marker(props, style, self.styles)
        if number is not None and level > 0 and number[0][0].isdigit():
            # Word numbers the heading itself ("1." before "Godkendelse af dagsorden"):
            # the number is part of what the page shows.
            text = f"{number[0]} {text.strip()}"
        if number is not None and level == 0:
            marker, depth = number
            nested = re.search(r"\s([2-9])$", name)
            if depth == 0 and nested and name.lower().startswith(("list", "liste")):
                depth = int(nested.group(1)) - 1  # "List Bullet 2": the second level
            return TextBlock("item", text=text.strip(), lines=[text.strip()], marker=marker,
                             depth=depth, where=where, size=size)
        bullet = _TEXT_BULLET.match(text)
        if bullet and level == 0:
            marker = bullet.group("marker")
            if not (marker[0].isdigit() or marker[0].isalpha()):
                marker = "-"
            elif marker[0].isalpha():
                marker = marker[0] + ")"
            return TextBlock("item", text=bullet.group("text").strip(),
                             lines=[bullet.group("text").strip()], marker=marker, where=where,
                             size=size)
        if "\t" in text and level == 0:
            lines = [text]
            text = re.sub(r"\s*\t\s*", " ", text)
            return TextBlock("text", text=text.strip(), lines=lines, bold=bold, italic=italic,
                             size=size, where=where)
        return TextBlock("text", text=text.strip(), lines=[text.strip()], level=level,
                         bold=bold or level > 0, italic=italic, size=size, where=where)

    def _level(self, props: Any, style: Any, name: str) -> int:
        if name.lower() in ("title", "titel"):
            return 1
        if name.lower() in ("toc heading", "overskrift til indholdsfortegnelse"):
            return 1
        match = _HEADING_NAME.match(name)
        if match:
            return int(match.group(1))
        outline = _val(props, "outlineLvl") if props is not None else None
        current = style
        while outline is None and current is not None:
            element = getattr(current, "element", None)
            ppr = element.find(f"{W}pPr") if element is not None else None
            outline = _val(ppr, "outlineLvl") if ppr is not None else None
            current = getattr(current, "base_style", None)
        if outline is not None and outline.isdigit() and int(outline) < 9:
            return int(outline) + 1
        return 0

    def _style_run_props(self, style: Any) -> dict[str, Any]:
        """Bold, italic and size a paragraph style gives its runs."""
        bold = italic = None
        size: float | None = None
        current = style
        while current is not None:
            font = getattr(current, "font", None)
            if font is not None:
                if bold is None and font.bold is not None:
                    bold = bool(font.bold)
                if italic is None and font.italic is not None:
                    italic = bool(font.italic)
                if size is None and font.size is not None:
                    size = float(font.size.pt)
            current = getattr(current, "base_style", None)
        return {"bold": bool(bold), "italic": bool(italic), "size": size or 11.0}

    def _styled_runs(self, paragraph: Any) -> list[_Run]:
        """The runs of a paragraph, read against its paragraph style (or Normal)."""
        style = (self.styles.get(_val(paragraph.find(f"{W}pPr"), "pStyle") or "")
                 or self.styles.get("Normal"))
        return self._runs(paragraph, self._style_run_props(style))

    def _runs(self, paragraph: Any, base: dict[str, Any]) -> list[_Run]:
        runs: list[_Run] = []
        for run, link in _iter_runs(paragraph, self.links):
            props = run.find(f"{W}rPr")
            bold, italic, size = self._run_props(props, base)
            for child in run:
                if child.tag in _IMAGES:
                    self.images += 1
                    continue
                text = _child_text(child)
                if text:
                    # What the paragraph style gives (a heading's weight and slant) is the
                    # style's look; only what the run adds is emphasis.
                    runs.append(_Run(text, bold and not base.get("bold"),
                                     italic and not base.get("italic"),
                                     bool(base.get("bold")) or bold, size, link))
        return runs

    def _run_props(self, props: Any, base: dict[str, Any]) -> tuple[bool, bool, float]:
        bold = bool(base.get("bold"))
        italic = bool(base.get("italic"))
        size = float(base.get("size") or 11.0)
        if props is None:
            return bold, italic, size
        style_id = _val(props, "rStyle")
        if style_id and style_id in self.styles:
            font = getattr(self.styles[style_id], "font", None)
            if font is not None:
                bold = bool(font.bold) if font.bold is not None else bold
                italic = bool(font.italic) if font.italic is not None else italic
        bold = _toggle(props, "b", bold)
        italic = _toggle(props, "i", italic)
        sz = _val(props, "sz")
        if sz and sz.isdigit():
            size = int(sz) / 2
        return bold, italic, size

    def _table(self, element: Any) -> TextBlock | None:
        return self.tables.read(element, f"afsnit {self.counter}")


@dataclass
class _Cell:
    text: str
    bold: bool
    #: "?" for an empty cell: it has no say in its column's alignment.
    align: str
    span: int


@dataclass
class _Row:
    cells: list[str]
    bold: bool
    align: list[str]


class _Tables:
    """Word tables as table blocks: spans and merged cells, a header row (marked to repeat,
    bold or empty) and each column's alignment by a vote of its cells."""

    def __init__(self, styled_runs: Callable[[Any], list[_Run]]) -> None:
        self.styled_runs = styled_runs

    def read(self, element: Any, where: str) -> TextBlock | None:
        row_elements = element.findall(f"{W}tr")
        rows = [self._row(row) for row in row_elements]
        if not rows or not any(c.strip() for r in rows for c in r.cells):
            return None
        width = max(len(r.cells) for r in rows)
        grid = [r.cells + [""] * (width - len(r.cells)) for r in rows]
        header = (_repeats_as_header(row_elements[0]) or rows[0].bold
                  or not any(c.strip() for c in grid[0]))
        if header:
            grid[0] = [plain_bold(c) for c in grid[0]]
        body = [r.align for r in (rows[1:] if header else rows)]
        align = [_column_align(body, column) for column in range(width)]
        return TextBlock("table", rows=grid, header=header, align=align, where=where)

    def _row(self, row: Any) -> _Row:
        cells: list[str] = []
        bolds: list[bool] = []
        align: list[str] = []
        for element in row.findall(f"{W}tc"):
            cell = self._cell(element)
            # A cell spanning columns fills the columns it covers with empty cells.
            cells += [cell.text] + [""] * (cell.span - 1)
            align += [cell.align] + ["?"] * (cell.span - 1)
            bolds.append(cell.bold)
        return _Row(cells, all(bolds) and any(c.strip() for c in cells), align)

    def _cell(self, element: Any) -> _Cell:
        span, merged = _span(element.find(f"{W}tcPr"))
        texts: list[str] = []
        bold = True
        align = ""
        for para in element.iter(f"{W}p"):
            runs = self.styled_runs(para)
            words = [r for r in runs if any(ch.isalnum() for ch in r.text)]
            if words:
                bold = bold and all(r.bold or r.style_bold for r in words)
            texts.append(_inline(runs))
            align = _JUSTIFY.get(_val(para.find(f"{W}pPr"), "jc") or "", align)
        text = " ".join(t.strip().replace("\t", " ") for t in texts if t.strip())
        if merged:
            text = ""
        return _Cell(text, bold if text else True, align if text else "?", span)


def _span(tcpr: Any) -> tuple[int, bool]:
    """How many grid columns a cell spans, and whether it continues a vertical merge."""
    if tcpr is None:
        return 1, False
    grid_span = _val(tcpr, "gridSpan")
    span = int(grid_span) if grid_span and grid_span.isdigit() else 1
    vmerge = tcpr.find(f"{W}vMerge")
    merged = vmerge is not None and (vmerge.get(f"{W}val") or "continue") == "continue"
    return span, merged


def _repeats_as_header(row: Any) -> bool:
    trpr = row.find(f"{W}trPr")
    return trpr is not None and trpr.find(f"{W}tblHeader") is not None


def _column_align(rows: list[list[str]], column: int) -> str:
    votes = [r[column] for r in rows if column < len(r) and r[column] != "?"]
    return Counter(votes).most_common(1)[0][0] if votes else ""


def _child_text(child: Any) -> str:
    """What one child element of a run prints; "" for one that prints nothing."""
    tag = child.tag
    if tag == f"{W}t":
        return escape_inline(child.text or "")
    if tag in _FIXED_TEXT:
        return _FIXED_TEXT[tag]
    if tag in (f"{W}br", f"{W}cr"):
        return "" if child.get(f"{W}type") == "page" else " "
    if tag == f"{W}sym":
        try:
            return chr(int(child.get(f"{W}char") or "", 16))
        except ValueError:
            return ""
    if tag in _NOTE_CALLS:
        return f"[^{_NOTE_CALLS[tag]}{child.get(f'{W}id')}]"
    return ""


class _Numbering:
    """List numbers as Word prints them: per list and level, with restarts."""

    def __init__(self, document: Any) -> None:
        self.formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.starts: dict[tuple[str, int], int] = {}
        self.counters: dict[tuple[str, int], int] = {}
        try:
            root = document.part.numbering_part.element
        except (AttributeError, KeyError, NotImplementedError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.findall(f"{W}abstractNum"):
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in node.findall(f"{W}lvl"):
                ilvl = int(lvl.get(f"{W}ilvl") or 0)
                fmt = _val(lvl, "numFmt") or "decimal"
                text = _val(lvl, "lvlText") or ""
                start = _val(lvl, "start")
                levels[ilvl] = (fmt, text, int(start) if start and start.isdigit() else 1)
            abstract[str(node.get(f"{W}abstractNumId"))] = levels
        for num in root.findall(f"{W}num"):
            num_id = str(num.get(f"{W}numId"))
            ref = _val(num, "abstractNumId")
            for ilvl, spec in abstract.get(ref or "", {}).items():
                self.formats[(num_id, ilvl)] = spec
            for override in num.findall(f"{W}lvlOverride"):
                ilvl = int(override.get(f"{W}ilvl") or 0)
                start = _val(override, "startOverride")
                if start and start.isdigit():
                    self.starts[(num_id, ilvl)] = int(start)

    def marker(self, props: Any, style: Any, styles: dict[str, Any]) -> tuple[str, int] | None:
        num_id, ilvl = self._num_pr(props, style)
        if num_id is None or num_id == "0":
            return None
        fmt, text, start = self.formats.get((num_id, ilvl), ("bullet", "•", 1))
        key = (num_id, ilvl)
        # A deeper level restarts when a shallower one moves on.
        for other in [k for k in self.counters if k[0] == num_id and k[1] > ilvl]:
            del self.counters[other]
        value = self.counters.get(key, self.starts.get(key, start) - 1) + 1
        self.counters[key] = value
        if fmt == "bullet" or fmt == "none":
            return "-", ilvl
        if fmt in ("lowerLetter", "upperLetter"):
            letter = chr(ord("a" if fmt == "lowerLetter" else "A") + (value - 1) % 26)
            return f"{letter})", ilvl
        delimiter = ")" if text.endswith(")") else "."
        return f"{value}{delimiter}", ilvl

    def _num_pr(self, props: Any, style: Any) -> tuple[str | None, int]:
        num_id: str | None = None
        ilvl = 0
        sources = [props] if props is not None else []
        current = style
        while current is not None:
            element = getattr(current, "element", None)
            if element is not None and element.find(f"{W}pPr") is not None:
                sources.append(element.find(f"{W}pPr"))
            current = getattr(current, "base_style", None)
        for source in sources:
            numpr = source.find(f"{W}numPr")
            if numpr is None:
                continue
            if num_id is None:
                num_id = _val(numpr, "numId")
            level = _val(numpr, "ilvl")
            if level is not None and level.isdigit():
                ilvl = int(level)
                break
        return num_id, ilvl


def plain_bold(text: str) -> str:
    stripped = text.strip()
    if stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4:
        return stripped[2:-2]
    return text


def _toggle(props: Any, tag: str, inherited: bool) -> bool:
    """<w:b/> is on, <w:b w:val="0"/> is off, no element keeps what the style says."""
    element = props.find(f"{W}{tag}")
    if element is None:
        return inherited
    return (element.get(f"{W}val") or "true").lower() not in _FALSE


def _val(element: Any, tag: str) -> str | None:
    if element is None:
        return None
    child = element.find(f"{W}{tag}")
    if child is None:
        return None
    value = child.get(f"{W}val")
    return str(value) if value is not None else None


def _body_elements(body: Any) -> list[Any]:
    """Paragraphs and tables in reading order, including those inside content controls."""
    out: list[Any] = []
    for child in body:
        if child.tag in (f"{W}p", f"{W}tbl"):
            out.append(child)
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                out += _body_elements(content)
    return out


def _iter_runs(paragraph: Any, links: dict[str, str]) -> list[tuple[Any, str]]:
    out: list[tuple[Any, str]] = []

    def walk(element: Any, link: str) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{W}r":
                out.append((child, link))
            elif tag == f"{W}hyperlink":
                target = links.get(child.get(f"{R}id") or "", "")
                walk(child, target)
            elif tag in (f"{W}ins", f"{W}smartTag", f"{W}fldSimple", f"{W}customXml",
                         f"{W}sdt", f"{W}sdtContent", f"{W}moveTo"):
                walk(child, link)

    walk(paragraph, "")
    return out


def _inline(runs: list[_Run], drop_bold: bool = False) -> str:
    out: list[str] = []
    group: list[tuple[str, bool, bool]] = []
    link = ""
    for run in [*runs, _Run("", False, False, False, 0.0, "\0")]:
        if run.link != link:
            if group:
                inner = join_runs(group)
                if link:
                    inner = f"[{inner.strip()}]({link})" if inner.strip() else inner
                out.append(inner)
            group, link = [], run.link
        group.append((run.text, run.bold and not drop_bold, run.italic))
    return "".join(out)
