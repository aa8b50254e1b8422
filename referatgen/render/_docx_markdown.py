"""Markdown (the shared markdown-it dialect) into Word paragraphs, lists, tables, notes.

Each Markdown list becomes its own Word list (w:num) that starts at the list's first
number, so "3." after a paragraph stays 3 and a new list never continues the last one.
Footnotes become real Word footnotes; images are taken only from the allowed folders.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from docx.image.exceptions import UnrecognizedImageError
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml.shape import CT_Inline
from docx.parts.story import StoryPart
from docx.shared import Emu
from markdown_it.token import Token

from ..commonmark import parse, split_footnotes
from ..model import Text
from ._docx_package import Footnotes, Numbering, list_indent
from ._docx_xml import Element, el, paragraph, run, sub, val

Sink = Callable[[Element], None]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

EMU_PER_TWIP = 635
#: Pictures never take more of the page height than this, so a tall scan stays on one page.
_MAX_IMAGE_HEIGHT = 0.6


@dataclass
class _List:
    num_id: int
    level: int
    ordered: bool
    item_has_paragraph: bool = False


@dataclass
class _Format:
    bold: int = 0
    italic: int = 0
    strike: int = 0

    def props(self, style: str | None = None) -> list[Element]:
        out: list[Element] = []
        if style:
            out.append(val("w:rStyle", style))
        if self.bold:
            out += [el("w:b"), el("w:bCs")]
        if self.italic:
            out += [el("w:i"), el("w:iCs")]
        if self.strike:
            out.append(el("w:strike"))
        return out


@dataclass
class MarkdownWriter:
    """Writes Markdown texts of one document; shared counters keep ids unique."""

    part: StoryPart
    numbering: Numbering
    footnotes: Footnotes
    folder: Path
    roots: Sequence[Path]
    #: Width and height of the text area in twips.
    text_width: int
    text_height: int
    #: Bookmark names of the items, for links like [punkt 3](#punkt-3).
    anchors: dict[str, str] = field(default_factory=dict)
    shape_id: int = 0
    _docs: int = 0

    def write(self, text: Text, sink: Sink, heading_base: int) -> None:
        """Append the text's blocks through `sink`; `###` becomes Heading `heading_base`."""
        if text.is_dash:
            # "-" alone means "nothing to add"; as Markdown it would be an empty list.
            sink(_plain("-"))
            return
        self._docs += 1
        env: dict[str, object] = {"docId": f"d{self._docs}"}
        tokens = parse(text.markdown, env)
        main, notes = split_footnotes(tokens)
        _Blocks(self, self.part, sink, heading_base, notes, in_note=False).run(main)

    # -- pieces the block writer asks for ------------------------------------------------

    def image(self, token: Token, part: Part, in_note: bool) -> Element:
        src = str(token.attrs.get("src", ""))
        alt = "".join(c.content for c in token.children or [])
        target = self._local_file(src)
        if target is None:
            _warn(f"billedet '{src}' bruges ikke: det ligger ikke i mødets mappe.")
            return run(f"[{alt}]", [el("w:i")])
        if in_note or not isinstance(part, StoryPart):
            return run(f"[{alt}]")
        try:
            r_id, image = part.get_or_add_image(str(target))
        except (UnrecognizedImageError, OSError, ValueError):
            _warn(f"billedet '{src}' bruges ikke: Word kan ikke vise den slags billedfil "
                  "(brug PNG eller JPEG).")
            return run(f"[{alt}]", [el("w:i")])
        cx, cy = int(image.width), int(image.height)
        max_cx = self.text_width * EMU_PER_TWIP
        max_cy = int(self.text_height * EMU_PER_TWIP * _MAX_IMAGE_HEIGHT)
        scale = min(1.0, max_cx / cx if cx else 1.0, max_cy / cy if cy else 1.0)
        self.shape_id += 1
        inline = CT_Inline.new_pic_inline(self.shape_id, r_id, image.filename,
                                          Emu(round(cx * scale)), Emu(round(cy * scale)))
        inline.docPr.set("descr", alt)
        return el("w:r", children=[el("w:drawing", children=[inline])])

    def _local_file(self, src: str) -> Path | None:
        if not src or ":" in src.split("/")[0] or src.startswith(("/", "\\")):
            return None
        target = (self.folder / unquote(src)).resolve()
        if not any(target.is_relative_to(root) for root in self.roots):
            return None
        return target if target.is_file() else None


def _warn(message: str) -> None:
    print(f"referatgen: advarsel: {message}", file=sys.stderr)


def _plain(text: str, style: str | None = None) -> Element:
    p = paragraph(style)
    p.append(run(text))
    return p




def _only_images(children: list[Token]) -> bool:
    kinds = {c.type for c in children if not (c.type == "text" and not c.content.strip())}
    return kinds <= {"image", "softbreak"} and "image" in kinds


_ALIGN = {"text-align:left": "left", "text-align:center": "center", "text-align:right": "right"}


class _Blocks:
    """One pass over the block tokens of a text (or of a footnote)."""

    def __init__(self, writer: MarkdownWriter, part: Part, sink: Sink, heading_base: int,
                 notes: dict[int, list[Token]], *, in_note: bool) -> None:
        self.writer = writer
        self.part = part
        self.sink = sink
        self.heading_base = heading_base
        self.notes = notes
        self.in_note = in_note
        self.lists: list[_List] = []
        self.quote = 0
        self.last_was_table = False

    def emit(self, element: Element) -> None:
        if element.tag.endswith("}tbl") and self.last_was_table:
            # Two tables in a row would merge into one in Word.
            self.sink(paragraph("Tabeltekst"))
        self.last_was_table = element.tag.endswith("}tbl")
        self.sink(element)

    def run(self, tokens: list[Token]) -> None:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind == "paragraph_open":
                inline = tokens[index + 1]
                p = self.new_paragraph()
                if _only_images(inline.children or []) and not self.lists and not self.in_note:
                    p = paragraph("Billede")
                self.inline(inline.children or [], p)
                self.emit(p)
                index += 3
                continue
            if kind == "heading_open":
                self.ensure_item_paragraph()
                level = min(6, self.heading_base + max(0, int(token.tag[1]) - 3))
                p = paragraph("FootnoteText" if self.in_note else f"Heading{level}")
                self.inline(tokens[index + 1].children or [], p)
                self.emit(p)
                index += 3
                continue
            if kind in ("bullet_list_open", "ordered_list_open"):
                self.ensure_item_paragraph()
                ordered = kind == "ordered_list_open"
                start = int(token.attrs.get("start", 1)) if ordered else 1
                level = min(len(self.lists), 8)
                num_id = self.writer.numbering.new_list(ordered, level, start, token.markup)
                self.lists.append(_List(num_id, level, ordered))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                self.lists[-1].item_has_paragraph = False
            elif kind == "list_item_close":
                self.ensure_item_paragraph()
            elif kind == "blockquote_open":
                self.ensure_item_paragraph()
                self.quote += 1
            elif kind == "blockquote_close":
                self.quote -= 1
            elif kind in ("code_block", "fence"):
                self.ensure_item_paragraph()
                p = paragraph("FootnoteText" if self.in_note else "Kode")
                p.append(run(token.content.rstrip("\n"), [val("w:rStyle", "Kodetegn")]
                             if self.in_note else []))
                self.emit(p)
            elif kind == "hr":
                self.ensure_item_paragraph()
                self.emit(paragraph("VandretLinje"))
            elif kind == "table_open":
                self.ensure_item_paragraph()
                end = next(i for i in range(index, len(tokens))
                           if tokens[i].type == "table_close")
                self.emit(self.table(tokens[index:end]))
                index = end
            elif kind in ("html_block",):
                self.emit(_plain(token.content.rstrip("\n")))
            index += 1

    # -- paragraphs and lists ------------------------------------------------------------

    def new_paragraph(self) -> Element:
        if self.lists:
            current = self.lists[-1]
            if not current.item_has_paragraph:
                current.item_has_paragraph = True
                style = "ListNumber" if current.ordered else "ListBullet"
                num = el("w:numPr", children=[val("w:ilvl", str(current.level)),
                                              val("w:numId", str(current.num_id))])
                return paragraph(style, [num])
            # A second paragraph of the same item lines up with the item's text.
            indent = el("w:ind", {"w:left": str(list_indent(current.level))})
            return paragraph("ListContinue", [indent])
        if self.in_note:
            return paragraph("FootnoteText")
        if self.quote:
            return paragraph("Quote")
        return paragraph(None)

    def ensure_item_paragraph(self) -> None:
        """A list item that opens with a nested list or a table still gets its number."""
        if self.lists and not self.lists[-1].item_has_paragraph:
            self.emit(self.new_paragraph())

    # -- inline content ------------------------------------------------------------------

    def inline(self, children: list[Token], target: Element) -> None:
        fmt = _Format()
        containers = [target]
        link_style: list[str | None] = [None]
        for token in children:
            kind = token.type
            out = containers[-1]
            style = link_style[-1]
            if kind == "text":
                out.append(run(token.content, fmt.props(style)))
            elif kind == "softbreak":
                out.append(run(" ", fmt.props(style)))
            elif kind == "hardbreak":
                out.append(el("w:r", children=[el("w:br")]))
            elif kind == "code_inline":
                out.append(run(token.content, fmt.props("Kodetegn")))
            elif kind in ("em_open", "em_close"):
                fmt.italic += 1 if kind == "em_open" else -1
            elif kind in ("strong_open", "strong_close"):
                fmt.bold += 1 if kind == "strong_open" else -1
            elif kind in ("s_open", "s_close"):
                fmt.strike += 1 if kind == "s_open" else -1
            elif kind == "link_open":
                link = self.hyperlink(str(token.attrs.get("href", "")))
                if link is None:
                    containers.append(out)
                    link_style.append(style)
                else:
                    out.append(link)
                    containers.append(link)
                    link_style.append("Hyperlink")
            elif kind == "link_close":
                if len(containers) > 1:
                    containers.pop()
                    link_style.pop()
            elif kind == "image":
                out.append(self.writer.image(token, self.part, self.in_note))
            elif kind == "footnote_ref":
                out.append(self.footnote(token))
            elif token.content:
                out.append(run(token.content, fmt.props(style)))

    def hyperlink(self, href: str) -> Element | None:
        if not href:
            return None
        if href.startswith("#"):
            bookmark = self.writer.anchors.get(unquote(href[1:]))
            return el("w:hyperlink", {"w:anchor": bookmark, "w:history": "1"}) if bookmark else None
        r_id = self.part.relate_to(href, RT.HYPERLINK, is_external=True)
        return el("w:hyperlink", {"r:id": r_id, "w:history": "1"})

    def footnote(self, token: Token) -> Element:
        note_tokens = self.notes.get(int(token.meta["id"]), [])
        if self.in_note:
            # Word has no notes inside notes; the mark stays as written.
            return run(f"[{token.meta.get('label', '')}]")
        footnotes = self.writer.footnotes
        number, note = footnotes.new()
        _Blocks(self.writer, footnotes.part, note.append, self.heading_base, {},
                in_note=True).run([t for t in note_tokens if t.type != "footnote_anchor"])
        first = note.find(f"{{{_W}}}p")
        if first is None:
            first = sub(note, "w:p")
            first.append(el("w:pPr", children=[val("w:pStyle", "FootnoteText")]))
        mark = el("w:r", children=[el("w:rPr", children=[val("w:rStyle", "FootnoteReference")]),
                                   el("w:footnoteRef")])
        ppr = first.find(f"{{{_W}}}pPr")
        position = 1 if ppr is not None else 0
        first.insert(position, mark)
        first.insert(position + 1, run(" "))
        return el("w:r", children=[el("w:rPr", children=[val("w:rStyle", "FootnoteReference")]),
                                   el("w:footnoteReference", {"w:id": str(number)})])

    # -- tables --------------------------------------------------------------------------

    def table(self, tokens: list[Token]) -> Element:
        rows: list[list[tuple[list[Token], str | None]]] = []
        header_rows = 0
        in_head = False
        for index, token in enumerate(tokens):
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open":
                rows.append([])
                if in_head:
                    header_rows += 1
            elif token.type in ("th_open", "td_open"):
                inline = tokens[index + 1]
                children = (inline.children or []) if inline.type == "inline" else []
                rows[-1].append((children, _ALIGN.get(str(token.attrs.get("style", "")))))
        columns = max((len(r) for r in rows), default=1)
        widths = self.column_widths(rows, columns)
        tbl = el("w:tbl")
        tbl.append(el("w:tblPr", children=[
            val("w:tblStyle", "TableGrid"),
            el("w:tblW", {"w:w": str(sum(widths)), "w:type": "dxa"}),
            el("w:tblLook", {"w:val": "04A0", "w:firstRow": "1" if header_rows else "0",
                             "w:lastRow": "0", "w:firstColumn": "0", "w:lastColumn": "0",
                             "w:noHBand": "1", "w:noVBand": "1"}),
        ]))
        tbl.append(el("w:tblGrid", children=[el("w:gridCol", {"w:w": str(w)}) for w in widths]))
        for row_index, cells in enumerate(rows):
            tr = sub(tbl, "w:tr")
            header = row_index < header_rows
            tr_pr = sub(tr, "w:trPr")
            tr_pr.append(el("w:cantSplit"))
            if header:
                # Repeated at the top of every page the table runs over.
                tr_pr.append(el("w:tblHeader"))
            for column in range(columns):
                children, align = cells[column] if column < len(cells) else ([], None)
                tc = sub(tr, "w:tc")
                tc.append(el("w:tcPr", children=[
                    el("w:tcW", {"w:w": str(widths[column]), "w:type": "dxa"})]))
                props = [val("w:jc", align)] if align else []
                p = paragraph("Tabeloverskrift" if header else "Tabeltekst", props)
                self.inline(children, p)
                tc.append(p)
        return tbl

    def column_widths(self, rows: list[list[tuple[list[Token], str | None]]],
                      columns: int) -> list[int]:
        """Widths in twips, as a browser lays out an automatic table.

        Each column gets at least its longest word and at most its longest text; what
        the page has left over goes to the columns that would otherwise wrap, in
        proportion to how much they would wrap.
        """
        longest = [2] * columns
        widest_word = [2] * columns
        for cells in rows:
            for column, (children, _align) in enumerate(cells[:columns]):
                text = "".join(c.content for c in children)
                longest[column] = max(longest[column], len(text))
                words = [len(w) for w in text.split()]
                widest_word[column] = max([widest_word[column], *words])
        # About one character of 9 pt text in twips, plus the cell's padding.
        def twips(characters: int) -> int:
            return characters * 95 + 180

        natural = [twips(n) for n in longest]
        minimum = [twips(n) for n in widest_word]
        available = self.writer.text_width
        if sum(natural) <= available:
            return natural
        if sum(minimum) >= available:
            return [max(1, w * available // sum(minimum)) for w in minimum]
        spare = available - sum(minimum)
        wants = [n - m for n, m in zip(natural, minimum, strict=True)]
        widths = [m + w * spare // sum(wants) for m, w in zip(minimum, wants, strict=True)]
        widths[widths.index(max(widths))] += available - sum(widths)
        return widths

