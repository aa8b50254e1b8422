"""Markdown (the shared markdown-it dialect) into Word paragraphs, lists, tables, notes.

Each Markdown list becomes its own Word list (w:num) that starts at the list's first
number, so "3." after a paragraph stays 3 and a new list never continues the last one.
Footnotes become real Word footnotes; images are taken only from the allowed folders.
"""

from __future__ import annotations

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
from ..diagnostics import Diagnostic
from ..plan import Text
from ._docx_package import Footnotes, Numbering, list_indent
from ._docx_tables import TableFonts, layout, set_size, space_before
from ._docx_xml import Element, el, paragraph, run, sub, text_element, val
from .base import image_position, number_runs, warning

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
    """Writes Markdown texts of one document; shared counters keep ids unique.

    What a text cannot show (an image outside the meeting's folder, or one Word cannot
    display) is collected in `warnings` for the renderer to return.
    """

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
    #: The faces tables are set in, their first size, and the text width of a page
    #: turned to landscape (twips), for a table too wide for the portrait page.
    table_fonts: TableFonts = field(default_factory=TableFonts)
    table_size: float = 9
    landscape_width: int = 0
    #: Tables that get a landscape section of their own (docx.py makes the sections).
    landscape_tables: list[Element] = field(default_factory=list)
    #: The meeting file as warnings name it.
    source_name: str = ""
    warnings: list[Diagnostic] = field(default_factory=list)
    shape_id: int = 0
    _docs: int = 0
    _text: Text | None = None

    def write(self, text: Text, sink: Sink, heading_base: int) -> None:
        """Append the text's blocks through `sink`; `###` becomes Heading `heading_base`."""
        if text.is_dash:
            # "-" alone means "nothing to add"; as Markdown it would be an empty list.
            sink(_plain("-"))
            return
        self._docs += 1
        self._text = text
        env: dict[str, object] = {"docId": f"d{self._docs}"}
        tokens = parse(text.markdown, env)
        main, notes = split_footnotes(tokens)
        _Blocks(self, self.part, sink, heading_base, notes, in_note=False).run(main)

    # -- pieces the block writer asks for ------------------------------------------------

    def image(self, token: Token, part: Part, in_note: bool, line: int) -> Element:
        src = str(token.attrs.get("src", ""))
        alt = "".join(c.content for c in token.children or [])
        target = self._local_file(src)
        if target is None:
            self._warn(f"billedet '{src}' bruges ikke: det ligger ikke i mødets mappe.",
                       "image-outside", line, src)
            return run(f"[{alt}]", [el("w:i")])
        if in_note or not isinstance(part, StoryPart):
            return run(f"[{alt}]")
        try:
            r_id, image = part.get_or_add_image(str(target))
        except (UnrecognizedImageError, OSError, ValueError):
            self._warn(f"billedet '{src}' bruges ikke: Word kan ikke vise den slags billedfil "
                       "(brug PNG eller JPEG).", "image-format", line, src)
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

    def _warn(self, message: str, rule: str, line: int, src: str) -> None:
        where = image_position(self._text, line, src) if self._text is not None else (1, 1)
        self.warnings.append(warning(self.source_name, message, rule, where))

    def _local_file(self, src: str) -> Path | None:
        if not src or ":" in src.split("/")[0] or src.startswith(("/", "\\")):
            return None
        target = (self.folder / unquote(src)).resolve()
        if not any(target.is_relative_to(root) for root in self.roots):
            return None
        return target if target.is_file() else None


def _plain(text: str, style: str | None = None) -> Element:
    p = paragraph(style)
    p.append(run(text))
    return p


def _only_images(children: list[Token]) -> bool:
    kinds = {c.type for c in children if not (c.type == "text" and not c.content.strip())}
    return kinds <= {"image", "softbreak"} and "image" in kinds


class _Blocks:
    """One pass over the block tokens of a text (or of a footnote).

    Each block token type has a handler in `_BLOCK_RULES` (as markdown-it's renderer
    has rules): it writes what the token opens and returns the index of the next token.
    """

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
        #: Whether the runs being written are a table cell's (numbers kept whole there).
        self.in_table = False
        #: Line of the current block in the text: inline tokens have none of their own.
        self.line = 0

    def emit(self, element: Element) -> None:
        if element.tag.endswith("}tbl") and self.last_was_table:
            # Two tables in a row would merge into one in Word.
            self.sink(paragraph("Tabeltekst"))
        elif self.last_was_table and not _is_heading(element):
            # The PDF's space below a table, as space above what follows: Word has no
            # space after a table, and an empty paragraph for spacing misleads a reader.
            space_before(element, _TABLE_SPACE)
        self.last_was_table = element.tag.endswith("}tbl")
        self.sink(element)

    def run(self, tokens: list[Token]) -> None:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.map:
                self.line = token.map[0]
            rule = _BLOCK_RULES.get(token.type)
            index = rule(self, tokens, index) if rule else index + 1

    # -- block rules ---------------------------------------------------------------------

    def paragraph_open(self, tokens: list[Token], index: int) -> int:
        inline = tokens[index + 1]
        p = self.new_paragraph()
        if _only_images(inline.children or []) and not self.lists and not self.in_note:
            p = paragraph("Billede")
        self.inline(inline.children or [], p)
        self.emit(p)
        return index + 3

    def heading_open(self, tokens: list[Token], index: int) -> int:
        self.ensure_item_paragraph()
        level = min(6, self.heading_base + max(0, int(tokens[index].tag[1]) - 3))
        p = paragraph("FootnoteText" if self.in_note else f"Heading{level}")
        self.inline(tokens[index + 1].children or [], p)
        self.emit(p)
        return index + 3

    def list_open(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        self.ensure_item_paragraph()
        ordered = token.type == "ordered_list_open"
        start = int(token.attrs.get("start", 1)) if ordered else 1
        level = min(len(self.lists), 8)
        num_id = self.writer.numbering.new_list(ordered, level, start, token.markup)
        self.lists.append(_List(num_id, level, ordered))
        return index + 1

    def list_close(self, tokens: list[Token], index: int) -> int:
        self.lists.pop()
        return index + 1

    def list_item_open(self, tokens: list[Token], index: int) -> int:
        self.lists[-1].item_has_paragraph = False
        return index + 1

    def list_item_close(self, tokens: list[Token], index: int) -> int:
        self.ensure_item_paragraph()
        return index + 1

    def blockquote_open(self, tokens: list[Token], index: int) -> int:
        self.ensure_item_paragraph()
        self.quote += 1
        return index + 1

    def blockquote_close(self, tokens: list[Token], index: int) -> int:
        self.quote -= 1
        return index + 1

    def code(self, tokens: list[Token], index: int) -> int:
        self.ensure_item_paragraph()
        p = paragraph("FootnoteText" if self.in_note else "Kode")
        p.append(run(tokens[index].content.rstrip("\n"), [val("w:rStyle", "Kodetegn")]
                     if self.in_note else []))
        self.emit(p)
        return index + 1

    def hr(self, tokens: list[Token], index: int) -> int:
        self.ensure_item_paragraph()
        self.emit(paragraph("VandretLinje"))
        return index + 1

    def table_open(self, tokens: list[Token], index: int) -> int:
        self.ensure_item_paragraph()
        end = next(i for i in range(index, len(tokens)) if tokens[i].type == "table_close")
        self.emit(self.table(tokens[index:end]))
        return end + 1

    def html_block(self, tokens: list[Token], index: int) -> int:
        self.emit(_plain(tokens[index].content.rstrip("\n")))
        return index + 1

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

    # -- inline content, links, notes ----------------------------------------------------

    def inline(self, children: list[Token], target: Element) -> None:
        runs = _Inline(self, target)
        for token in children:
            runs.add(token)

    def image(self, token: Token) -> Element:
        return self.writer.image(token, self.part, self.in_note, self.line)

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
        rows, header_rows = _table_cells(tokens)
        columns = max((len(r) for r in rows), default=1)
        texts = [[("".join(c.content for c in children), index < header_rows)
                  for children, _ in cells] for index, cells in enumerate(rows)]
        writer = self.writer
        fit = layout(texts, writer.table_fonts, writer.table_size,
                     (writer.text_width, writer.landscape_width or writer.text_width))
        tbl = _table_element(fit.widths, header_rows)
        if fit.landscape and writer.landscape_width:
            writer.landscape_tables.append(tbl)
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
                    el("w:tcW", {"w:w": str(fit.widths[column]), "w:type": "dxa"})]))
                props = [val("w:jc", align)] if align else []
                p = paragraph("Tabeloverskrift" if header else "Tabeltekst", props)
                self.in_table = True
                self.inline(children, p)
                self.in_table = False
                if fit.size != writer.table_size:
                    set_size(p, fit.size)
                tc.append(p)
        return tbl


BlockRule = Callable[[_Blocks, list[Token], int], int]

_BLOCK_RULES: dict[str, BlockRule] = {
    "paragraph_open": _Blocks.paragraph_open,
    "heading_open": _Blocks.heading_open,
    "bullet_list_open": _Blocks.list_open,
    "ordered_list_open": _Blocks.list_open,
    "bullet_list_close": _Blocks.list_close,
    "ordered_list_close": _Blocks.list_close,
    "list_item_open": _Blocks.list_item_open,
    "list_item_close": _Blocks.list_item_close,
    "blockquote_open": _Blocks.blockquote_open,
    "blockquote_close": _Blocks.blockquote_close,
    "code_block": _Blocks.code,
    "fence": _Blocks.code,
    "hr": _Blocks.hr,
    "table_open": _Blocks.table_open,
    "html_block": _Blocks.html_block,
}


class _Inline:
    """The runs of one paragraph from its inline tokens; a rule per token type."""

    def __init__(self, blocks: _Blocks, target: Element) -> None:
        self.blocks = blocks
        self.fmt = _Format()
        #: Where runs go: the paragraph, or the hyperlink being written.
        self.containers = [target]
        #: Character style of the runs in each container (a link's text is "Hyperlink").
        self.link_style: list[str | None] = [None]

    def add(self, token: Token) -> None:
        rule = _INLINE_RULES.get(token.type)
        if rule is not None:
            rule(self, token)
        elif token.type in _TOGGLES:
            name, step = _TOGGLES[token.type]
            setattr(self.fmt, name, getattr(self.fmt, name) + step)
        elif token.content:
            self.text(token)

    def append(self, element: Element) -> None:
        self.containers[-1].append(element)

    def text(self, token: Token) -> None:
        style = self.link_style[-1]
        if not self.blocks.in_table:
            self.append(run(token.content, self.fmt.props(style)))
            return
        # Each run its own properties: an element has one parent.
        for piece, number in number_runs(token.content):
            props = self.fmt.props(style)
            self.append(_unbreakable(piece, props) if number else run(piece, props))

    def softbreak(self, token: Token) -> None:
        self.append(run(" ", self.fmt.props(self.link_style[-1])))

    def hardbreak(self, token: Token) -> None:
        self.append(el("w:r", children=[el("w:br")]))

    def code_inline(self, token: Token) -> None:
        self.append(run(token.content, self.fmt.props("Kodetegn")))

    def link_open(self, token: Token) -> None:
        link = self.blocks.hyperlink(str(token.attrs.get("href", "")))
        if link is None:
            # A link that goes nowhere keeps its text as plain text.
            self.containers.append(self.containers[-1])
            self.link_style.append(self.link_style[-1])
        else:
            self.append(link)
            self.containers.append(link)
            self.link_style.append("Hyperlink")

    def link_close(self, token: Token) -> None:
        if len(self.containers) > 1:
            self.containers.pop()
            self.link_style.pop()

    def image(self, token: Token) -> None:
        self.append(self.blocks.image(token))

    def footnote_ref(self, token: Token) -> None:
        self.append(self.blocks.footnote(token))


_INLINE_RULES: dict[str, Callable[[_Inline, Token], None]] = {
    "text": _Inline.text,
    "softbreak": _Inline.softbreak,
    "hardbreak": _Inline.hardbreak,
    "code_inline": _Inline.code_inline,
    "link_open": _Inline.link_open,
    "link_close": _Inline.link_close,
    "image": _Inline.image,
    "footnote_ref": _Inline.footnote_ref,
}

#: Emphasis tokens: which counter of `_Format` they move, and which way.
_TOGGLES: dict[str, tuple[str, int]] = {
    "em_open": ("italic", 1), "em_close": ("italic", -1),
    "strong_open": ("bold", 1), "strong_close": ("bold", -1),
    "s_open": ("strike", 1), "s_close": ("strike", -1),
}


# -- tables ------------------------------------------------------------------------------

Cell = tuple[list[Token], str | None]

_ALIGN = {"text-align:left": "left", "text-align:center": "center", "text-align:right": "right"}


def _table_cells(tokens: list[Token]) -> tuple[list[list[Cell]], int]:
    """Each row's cells (inline tokens and alignment), and how many rows are the header."""
    rows: list[list[Cell]] = []
    header_rows = 0
    in_head = False
    for index, token in enumerate(tokens):
        if token.type in ("thead_open", "thead_close"):
            in_head = token.type == "thead_open"
        elif token.type == "tr_open":
            rows.append([])
            header_rows += 1 if in_head else 0
        elif token.type in ("th_open", "td_open"):
            inline = tokens[index + 1]
            children = (inline.children or []) if inline.type == "inline" else []
            rows[-1].append((children, _ALIGN.get(str(token.attrs.get("style", "")))))
    # An empty header row (minutes written without one) announces nothing and would
    # repeat as a blank row on every page: it goes, as in the HTML.
    if header_rows and not any(child.content.strip() for row in rows[:header_rows]
                               for children, _ in row for child in children):
        return rows[header_rows:], 0
    return rows, header_rows


def _table_element(widths: list[int], header_rows: int) -> Element:
    tbl = el("w:tbl")
    tbl.append(el("w:tblPr", children=[
        val("w:tblStyle", "TableGrid"),
        el("w:tblW", {"w:w": str(sum(widths)), "w:type": "dxa"}),
        el("w:tblLook", {"w:val": "04A0", "w:firstRow": "1" if header_rows else "0",
                         "w:lastRow": "0", "w:firstColumn": "0", "w:lastColumn": "0",
                         "w:noHBand": "1", "w:noVBand": "1"}),
    ]))
    tbl.append(el("w:tblGrid", children=[el("w:gridCol", {"w:w": str(w)}) for w in widths]))
    return tbl


#: Space below a table in twips: the PDF's 3 mm (`div.table` in style.css).
_TABLE_SPACE = 170


def _is_heading(element: Element) -> bool:
    style = element.find(f"{{{_W}}}pPr/{{{_W}}}pStyle")
    return style is not None and str(style.get(f"{{{_W}}}val", "")).startswith("Heading")


def _unbreakable(text: str, props: list[Element]) -> Element:
    """A number Word keeps on one line: its hyphens no-break hyphens, its space (after a
    sign) a no-break space."""
    r = run("", props)
    for index, part in enumerate(text.replace(" ", "\u00a0").split("-")):
        if index:
            r.append(el("w:noBreakHyphen"))
        if part:
            r.append(text_element(part))
    return r
