"""DOCX: the planned document as a Word file a secretary can keep editing.

The layout follows the PDF: front page (title and the meeting's label/value rows),
"Indholdsfortegnelse" as a real TOC field, then one item per page. Every paragraph has
a named style from the house style, lists are Word lists, notes are Word footnotes.
The plan has already removed what a public version must not show; this module renders
only what the Document holds, so nothing else can reach any part of the package.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import docx
from docx.document import Document as WordDocument
from docx.oxml.shape import CT_Inline
from docx.parts.story import StoryPart
from docx.shared import Emu

from ..plan import Document, PlannedBilag, PlannedBlock, PlannedItem
from ..vocabulary import INTERNAL_MARK
from ._docx_markdown import MarkdownWriter
from ._docx_package import Footnotes, Numbering, base_package, rezip, set_update_fields
from ._docx_styles import CM, WordStyle, paragraph_metrics, word_style
from ._docx_tables import TableFonts, landscape_sections
from ._docx_toc import (
    MeasureError,
    bookmark_name,
    bookmarked,
    estimate_pages,
    find_soffice,
    measure,
    one_line,
    tc_field,
    toc,
)
from ._docx_xml import Element, el, field, paragraph, run, sub, val
from ._fonts import face, font_folders
from .base import Rendered, warning

if TYPE_CHECKING:
    from ..options import DocxOptions

#: LibreOffice passes before giving up on page numbers that keep moving.
MAX_ROUNDS = 3
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RASTER = (".png", ".jpg", ".jpeg", ".gif", ".bmp")


_GUESS = ("sidetallene i DOCX-filens indholdsfortegnelse er et skøn; Word opdaterer dem, "
          "når filen åbnes.")


def render_docx(document: Document, options: DocxOptions) -> Rendered:
    built = _Built(document)
    data, reason = _with_page_numbers(built, options)
    warnings = list(built.markdown.warnings)
    if reason is not None:
        warnings.append(warning(document.source_name, f"{reason}: {_GUESS}", "docx-toc-estimate"))
    return Rendered(data, tuple(warnings))


def _with_page_numbers(built: _Built, options: DocxOptions) -> tuple[bytes, str | None]:
    """The package with measured TOC numbers; or with estimated ones, and the reason why."""
    numbers, count = built.estimate()
    if not options.libreoffice:
        reason = "LibreOffice-opmåling fravalgt (--no-libreoffice)"
        return built.package(numbers, count, exact=False), reason
    soffice = find_soffice()
    if soffice is None:
        reason = "LibreOffice (soffice) er ikke installeret"
        return built.package(numbers, count, exact=False), reason
    for _round in range(MAX_ROUNDS):
        data = built.package(numbers, count, exact=True)
        try:
            layout = measure(soffice, data, font_folders(built.document.style))
        except MeasureError as exc:
            return built.package(numbers, count, exact=False), str(exc)
        missing = [n for n in numbers if n not in layout.headings]
        if missing:
            reason = f"LibreOffice fandt ikke overskriften til punkt {missing[0]}"
            return built.package(numbers, count, exact=False), reason
        measured = {n: layout.headings[n] for n in numbers}
        if measured == numbers:
            # The page count in the footer is a field both Word and LibreOffice compute
            # as they print; its cached value cannot move a heading.
            if layout.pages == count:
                return data, None
            return built.package(numbers, layout.pages, exact=True), None
        # A longer TOC can push every item on by a page: measure again with the new numbers.
        numbers, count = measured, layout.pages
    reason = f"sidetallene faldt ikke på plads efter {MAX_ROUNDS} opmålinger"
    return built.package(numbers, count, exact=False), reason


class _Built:
    """The Word document of one planned document, with its TOC numbers still open."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.ws: WordStyle = word_style(document.style)
        self.word: WordDocument = docx.Document(
            io.BytesIO(base_package(self.ws, document.kommune)))
        part = self.word.part
        self.body: Element = self.word.element.body
        self.end: Element = self.body.find(f"{_W}sectPr")
        self.footnotes = Footnotes(part.package)
        self.numbering = Numbering(part.numbering_part.element)
        self.markdown = MarkdownWriter(
            part=part, numbering=self.numbering, footnotes=self.footnotes,
            folder=document.folder, roots=document.allowed_roots,
            text_width=self.ws.text_width, text_height=self.ws.text_height,
            anchors={item.anchor: bookmark_name(item.number) for item in document.items},
            source_name=document.source_name,
            table_fonts=_table_fonts(document, self.ws), table_size=self.ws.table_size,
            landscape_width=self.ws.landscape_width,
        )
        self.bookmarks = 0
        self.results: dict[int, Element] = {}
        self.page_counts: list[Element] = []
        self.break_before_next = False
        self._front_page()
        self._contents()
        for item in document.items:
            self._item(item)
        last = self.end.getprevious()
        if last is None or last.tag != f"{_W}p":
            # Word wants the body to end with a paragraph before the section properties.
            self.add(paragraph(None))
        self._header_footer()
        self._properties()
        landscape_sections(self.markdown.landscape_tables, self.end)
        self.footnotes.attach(part, self.word.settings.element)

    def add(self, element: Element) -> None:
        if self.break_before_next and element.tag != f"{_W}p":
            # A block that opens with a table (a section whose heading a style left
            # empty): Word has no page break before a table, so a paragraph carries it.
            self.break_before_next = False
            carrier = paragraph(None)
            carrier.append(el("w:r", children=[el("w:br", {"w:type": "page"})]))
            self.end.addprevious(carrier)
        if self.break_before_next:
            # A style's `sideskift`: the next paragraph starts the page, so no empty
            # paragraph holds a page break where a paragraph follows.
            self.break_before_next = False
            properties = element.find(f"{_W}pPr")
            if properties is None:
                properties = el("w:pPr")
                element.insert(0, properties)
            style = properties.find(f"{_W}pStyle")
            properties.insert(0 if style is None else 1, el("w:pageBreakBefore"))
        self.end.addprevious(element)

    # -- content --------------------------------------------------------------------------

    def _front_page(self) -> None:
        document = self.document
        if self.ws.show_kommune and document.kommune:
            self.add(_text_paragraph(document.kommune, "Kommune"))
        self.add(_text_paragraph(document.title, "Title"))
        label_width = round(self.ws.label_width * CM)
        widths = (label_width, self.ws.text_width - label_width)
        table = el("w:tbl", children=[
            el("w:tblPr", children=[
                el("w:tblW", {"w:w": str(self.ws.text_width), "w:type": "dxa"}),
                el("w:tblLayout", {"w:type": "fixed"}),
                el("w:tblCellMar", children=[el("w:left", {"w:w": "0", "w:type": "dxa"}),
                                             el("w:right", {"w:w": "113", "w:type": "dxa"})]),
                el("w:tblLook", {"w:val": "0000", "w:firstRow": "0", "w:lastRow": "0",
                                 "w:firstColumn": "0", "w:lastColumn": "0",
                                 "w:noHBand": "1", "w:noVBand": "1"}),
            ]),
            el("w:tblGrid", children=[el("w:gridCol", {"w:w": str(w)}) for w in widths]),
        ])
        for label, value in document.front:
            tr = sub(table, "w:tr")
            for text, style, width in ((label, "ForsideEtiket", widths[0]),
                                       (value, "ForsideVaerdi", widths[1])):
                tc = sub(tr, "w:tc")
                tc.append(el("w:tcPr", children=[
                    el("w:tcW", {"w:w": str(width), "w:type": "dxa"})]))
                tc.append(_text_paragraph(text, style))
        if document.front:
            self.add(table)

    def _contents(self) -> None:
        self.toc_titles = {i.number: one_line(i.title, self.ws) for i in self.document.items}
        paragraphs, self.results = toc(list(self.toc_titles.items()))
        for p in paragraphs:
            self.add(p)

    def _item(self, item: PlannedItem) -> None:
        heading = _text_paragraph(item.heading, "Heading1")
        self.bookmarks += 1
        bookmarked(heading, bookmark_name(item.number), self.bookmarks)
        for r in tc_field(self.toc_titles[item.number]):
            heading.append(r)
        self.add(heading)
        if item.sagsnr:
            self.add(_text_paragraph(item.sagsnr, "Sagsnummer"))
        if item.closed_mark:
            self.add(_text_paragraph(item.closed_mark, "Bemaerkning"))
        for block in item.blocks:
            self._block(block, 2)

    def _block(self, block: PlannedBlock, level: int) -> None:
        if block.heading:
            self.add(_text_paragraph(block.heading, f"Heading{min(level, 6)}"))
        if block.kind == "group":
            for child in block.children:
                self._block(child, level + 1)
        elif block.kind in ("text", "decision") and block.text is not None:
            self.markdown.write(block.text, self.add, min(level + 1, 6))
        elif block.kind == "note" and block.note:
            self.add(_text_paragraph(block.note, "Bemaerkning"))
        elif block.kind == "title" and block.note:
            self.add(_text_paragraph(block.note, "Punkttitel"))
        elif block.kind == "pagebreak":
            self.break_before_next = True
        elif block.kind == "bilag":
            self._bilag(block.bilag)

    def _bilag(self, entries: tuple[PlannedBilag, ...]) -> None:
        num_id = self.numbering.new_list(False, 0)
        for bilag in entries:
            p = paragraph("ListBullet", [el("w:numPr", children=[
                val("w:ilvl", "0"), val("w:numId", str(num_id))])])
            p.append(run(bilag.title, [val("w:rStyle", "LukketBilag")] if bilag.closed else []))
            self.add(p)

    # -- header, footer, properties ---------------------------------------------------------

    def _header_footer(self) -> None:
        section = self.word.sections[0]
        section.different_first_page_header_footer = True
        logo = self._logo()
        running = self.document.running_header
        # The front page has no running header (as in the PDF); the logo is larger there.
        headers = ((section.first_page_header, "", 1.2, 1001),
                   (section.header, running, 0.8, 1002))
        for header, text, logo_cm, shape_id in headers:
            element = header.part.element
            for child in list(element):
                element.remove(child)
            p = paragraph("Header")
            if logo is not None:
                p.append(self._picture(header.part, logo, logo_cm, shape_id))
                if text:
                    p.append(run("  "))
            if text:
                p.append(run(text))
            if self.document.intern:
                # On every page, the first too: a printed page must say it is internal.
                p.append(el("w:r", children=[el("w:tab")]))
                p.append(run(INTERNAL_MARK, [val("w:rStyle", "InternMarkering")]))
            element.append(p)
        for footer in (section.first_page_footer, section.footer):
            element = footer.part.element
            for child in list(element):
                element.remove(child)
            p = paragraph("Footer")
            p.append(run("Side "))
            for r in field("PAGE", "1"):
                p.append(r)
            p.append(run(" af "))
            total = field("NUMPAGES", "1")
            result = total[3].find(f"{_W}t")
            assert result is not None
            self.page_counts.append(result)
            for r in total:
                p.append(r)
            element.append(p)

    def _picture(self, part: StoryPart, path: Path, height_cm: float, shape_id: int) -> Element:
        r_id, image = part.get_or_add_image(str(path))
        height = round(height_cm * 360000)
        width = round(int(image.width) * height / int(image.height)) if image.height else height
        # Header drawings get ids of their own, clear of the body's 1, 2, ...
        inline = CT_Inline.new_pic_inline(shape_id, r_id, image.filename, Emu(width),
                                          Emu(height))
        inline.docPr.set("descr", f"Logo {self.document.kommune or ''}".strip())
        return el("w:r", children=[el("w:drawing", children=[inline])])

    def _logo(self) -> Path | None:
        """A raster logo for Word: `docx: logo`, or the style's logo, or its PNG twin."""
        style = self.document.style
        names = [self.ws.logo] if self.ws.logo else []
        if style.logo:
            names += [style.logo, str(Path(style.logo).with_suffix(".png"))]
        for name in names:
            if name and Path(name).suffix.lower() in _RASTER:
                path = style.file(name)
                if path is not None:
                    return path
        return None

    def _properties(self) -> None:
        document = self.document
        properties = self.word.core_properties
        properties.title = document.title
        properties.subject = document.organ
        properties.author = document.kommune or ""
        properties.last_modified_by = document.kommune or ""
        properties.language = "da-DK"
        properties.category = document.kind
        properties.identifier = document.identifier
        properties.revision = 1
        if document.intern:
            properties.content_status = "Intern"
        # Core properties are UTC ("...Z"); the plan's `created` is Danish local time.
        when = _as_utc(self.when)
        properties.created = when
        properties.modified = when

    @property
    def when(self) -> dt.datetime:
        # The meeting's start from the plan, never the clock: same input, same bytes.
        return self.document.created

    # -- TOC numbers and the package ------------------------------------------------------------

    def estimate(self) -> tuple[dict[int, int], int]:
        """Estimated page of each item, and the page count."""
        found, pages = estimate_pages(self.body, self.ws)
        return {item.number: found.get(bookmark_name(item.number), 1)
                for item in self.document.items}, pages

    def package(self, numbers: dict[int, int], pages: int, *, exact: bool) -> bytes:
        for number, result in self.results.items():
            result.text = str(numbers.get(number, 1))
        for result in self.page_counts:
            result.text = str(pages)
        set_update_fields(self.word.settings.element, not exact)
        buffer = io.BytesIO()
        self.word.save(buffer)
        return rezip(buffer.getvalue(), self.when)


def _table_fonts(document: Document, ws: WordStyle) -> TableFonts:
    """The shipped faces of the font Word sets tables in, to measure their words."""
    # Renderers never print: fontTools finds the shipped fonts' creation dates "very low".
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    family = next((f for f in document.style.fonts if ws.font in (f.word, f.name)), None)
    upright = {face(path)[0]: path for path in family.files
               if not face(path)[1]} if family else {}
    # A font the style does not ship: the average width, with room for wide letters.
    average = paragraph_metrics(ws)["Tabeltekst"].char_width * 1.15
    return TableFonts(upright.get(400), upright.get(700), average)


def _text_paragraph(text: str, style: str) -> Element:
    p = paragraph(style)
    p.append(run(text))
    return p


def _as_utc(local: dt.datetime) -> dt.datetime:
    try:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo("Europe/Copenhagen")
    except (ImportError, KeyError, OSError):  # no time zone data: keep the wall time
        return local
    aware = local.replace(tzinfo=zone).astimezone(dt.UTC)
    return aware.replace(tzinfo=None)
