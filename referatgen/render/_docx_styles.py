"""The Word side of a house style: settings from `style.yaml` and the named styles.

Everything visible is a named style (Title, heading 1-6, List Bullet, Table Grid, toc 1,
...), so a secretary restyles the whole document in Word by editing one style. The
sizes and spacings follow the PDF's stylesheet (styles/standard/style.css), converted
to Word's units: twentieths of a point for spacing, half points for font sizes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from ..styles import HEADING_SIZES, Style, StyleError

CM = 567  # twips per centimetre (1440 / 2.54, rounded as Word does)
MM = CM / 10
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4 in twips

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class WordStyle:
    """The `docx:` block of a style, checked and with every default filled in."""

    font: str = "Calibri"
    size: float = 10.5
    heading_font: str = "Calibri"
    heading_colour: str = "000000"
    #: top, right, bottom, left in cm
    margins: tuple[float, float, float, float] = (2.2, 2.0, 2.2, 2.5)
    title_size: float = 16
    #: Heading 1 to 6, each smaller than the one above (styles.HEADING_SIZES).
    item_size: float = HEADING_SIZES[0][1]
    section_size: float = HEADING_SIZES[1][1]
    subsection_size: float = HEADING_SIZES[2][1]
    heading4_size: float = HEADING_SIZES[3][1]
    heading5_size: float = HEADING_SIZES[4][1]
    heading6_size: float = HEADING_SIZES[5][1]
    sagsnr_size: float = 8.5
    label_size: float = 9
    table_size: float = 9
    footnote_size: float = 8
    header_size: float = 8
    #: Line height as a multiple of the font size, as CSS line-height.
    line_height: float = 1.25
    link_colour: str = "1F3A5F"
    header_colour: str = "444444"
    mark_colour: str = "A00000"
    table_border_colour: str = "777777"
    table_header_fill: str | None = "EEEEEE"
    mono_font: str = "Courier New"
    label_width: float = 3.2
    show_kommune: bool = True
    logo: str | None = None

    @property
    def text_width(self) -> int:
        return PAGE_WIDTH - round(self.margins[1] * CM) - round(self.margins[3] * CM)

    @property
    def landscape_width(self) -> int:
        """Text width of a page turned to landscape (the same margins), for a wide table."""
        return PAGE_HEIGHT - round(self.margins[1] * CM) - round(self.margins[3] * CM)

    @property
    def text_height(self) -> int:
        return PAGE_HEIGHT - round(self.margins[0] * CM) - round(self.margins[2] * CM)


_KEYS: dict[str, tuple[str, type]] = {
    "skrifttype": ("font", str),  # overrides the style's own `skrifttype` in Word
    "skriftstørrelse": ("size", float),
    "overskrift_skrifttype": ("heading_font", str),
    "farve_overskrift": ("heading_colour", str),
    "margen_cm": ("margins", tuple),
    "størrelse_titel": ("title_size", float),
    "størrelse_punkt": ("item_size", float),
    "størrelse_afsnit": ("section_size", float),
    "størrelse_underafsnit": ("subsection_size", float),
    "størrelse_overskrift_4": ("heading4_size", float),
    "størrelse_overskrift_5": ("heading5_size", float),
    "størrelse_overskrift_6": ("heading6_size", float),
    "størrelse_sagsnr": ("sagsnr_size", float),
    "størrelse_etiket": ("label_size", float),
    "størrelse_tabel": ("table_size", float),
    "størrelse_fodnote": ("footnote_size", float),
    "størrelse_sidehoved": ("header_size", float),
    "linjehøjde": ("line_height", float),
    "farve_link": ("link_colour", str),
    "farve_sidehoved": ("header_colour", str),
    "farve_intern": ("mark_colour", str),
    "farve_tabelkant": ("table_border_colour", str),
    "baggrund_tabeloverskrift": ("table_header_fill", str),
    "skrifttype_kode": ("mono_font", str),
    "etiket_bredde_cm": ("label_width", float),
    "forside_kommune": ("show_kommune", bool),
    "logo": ("logo", str),
}


def _positive(raw: Any, what: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
        raise StyleError(f"{what} skal være et positivt tal, ikke {raw!r}.")
    return float(raw)


def _flag(raw: Any, what: str) -> bool:
    if not isinstance(raw, bool):
        raise StyleError(f"{what} skal være true eller false.")
    return raw


def _margins(raw: Any, what: str) -> tuple[float, ...]:
    if (not isinstance(raw, list) or len(raw) != 4
            or not all(isinstance(v, int | float) and v >= 0 for v in raw)):
        raise StyleError(f"{what} skal være fire tal i cm: [top, højre, bund, venstre].")
    return tuple(float(v) for v in raw)


def _text(raw: Any, what: str) -> str:
    return str(raw).strip()


def _colour(raw: Any, what: str) -> str:
    text = str(raw).strip().lstrip("#").upper()
    if len(text) != 6 or any(c not in "0123456789ABCDEF" for c in text):
        raise StyleError(f'{what} skal være en farve som "1F3A5F".')
    return text


#: How a `docx:` value of each kind is read; `what` names the key in the message.
_READERS: dict[type, Callable[[Any, str], Any]] = {
    float: _positive, bool: _flag, tuple: _margins, str: _text}
#: Settings that may be switched off with an empty value.
_NULLABLE = frozenset({"table_header_fill", "logo"})


def _read_value(key: str, raw: Any, where: str) -> Any:
    name, kind = _KEYS[key]
    what = f"'{key}' i {where}"
    if raw is None:
        if name in _NULLABLE:
            return None
        raise StyleError(f"{what} mangler en værdi.")
    if kind is str and name.endswith(("colour", "fill")):
        return _colour(raw, what)
    return _READERS[kind](raw, what)


def word_style(style: Style) -> WordStyle:
    """Read `style.docx`; a wrong value is the style author's error, said in Danish."""
    where = f"stilen '{style.name}' (docx:)"
    values: dict[str, Any] = {}
    for key, raw in style.docx.items():
        if key not in _KEYS:
            raise StyleError(f"Ukendt nøgle '{key}' i {where}. Gyldige nøgler: "
                             f"{', '.join(_KEYS)}.")
        values[_KEYS[key][0]] = _read_value(key, raw, where)
    # The style's main font (`skrifttype`, shared with the PDF) unless the docx block
    # names another; headings follow the text unless they have a font of their own.
    values.setdefault("font", style.font or WordStyle.font)
    values.setdefault("heading_font", values["font"])
    # Word names a shipped font as Word knows it (Liberation Serif -> Times New Roman): a
    # municipal PC has Times New Roman, and LibreOffice maps it back to the shipped face.
    word_names = {family.name: family.word for family in style.fonts}
    for key in ("font", "heading_font", "mono_font"):
        name = values.get(key, getattr(WordStyle, key))
        values[key] = word_names.get(name, name)
    # The heading sizes step down: styles.py checks it when the style loads.
    return WordStyle(**values)


def heading_sizes(ws: WordStyle) -> dict[int, float]:
    """Word's heading level (1 = the item's "Punkt N:") -> font size in points."""
    return {1: ws.item_size, 2: ws.section_size, 3: ws.subsection_size,
            4: ws.heading4_size, 5: ws.heading5_size, 6: ws.heading6_size}


def quoteattr(value: str) -> str:
    """An XML attribute value in double quotes (html.escape quotes both kinds)."""
    return f'"{escape(value, quote=True)}"'


# -- fonts ---------------------------------------------------------------------------------

#: Metric-compatible pairs: Word on Windows shows the alternative when the free font is
#: missing, with the same line breaks.
_FONT_INFO: dict[str, tuple[str, str, str, str]] = {
    "Liberation Serif": ("Times New Roman", "roman", "variable", "02020603050405020304"),
    "Liberation Sans": ("Arial", "swiss", "variable", "020B0604020202020204"),
    "Liberation Mono": ("Courier New", "modern", "fixed", "02070409020205020404"),
    "Carlito": ("Calibri", "swiss", "variable", "020F0502020204030204"),
    "Caladea": ("Cambria", "roman", "variable", "02040503050406030204"),
    "Times New Roman": ("Liberation Serif", "roman", "variable", "02020603050405020304"),
    "Calibri": ("Carlito", "swiss", "variable", "020F0502020204030204"),
    "Arial": ("Liberation Sans", "swiss", "variable", "020B0604020202020204"),
    "Courier New": ("Liberation Mono", "modern", "fixed", "02070309020205020404"),
}


def font_table_xml(ws: WordStyle) -> str:
    fonts = dict.fromkeys([ws.font, ws.heading_font, ws.mono_font])
    body = []
    for name in fonts:
        alt, family, pitch, panose = _FONT_INFO.get(name, ("", "auto", "variable", ""))
        inner = f'<w:altName w:val={quoteattr(alt)}/>' if alt else ""
        if panose:
            inner += f'<w:panose1 w:val="{panose}"/>'
        inner += f'<w:charset w:val="00"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/>'
        body.append(f"<w:font w:name={quoteattr(name)}>{inner}</w:font>")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:fonts xmlns:w="{W_NS}">{"".join(body)}</w:fonts>')


# -- styles ----------------------------------------------------------------------------------


def _sz(points: float) -> str:
    return str(round(points * 2))


def _fonts(name: str) -> str:
    q = quoteattr(name)
    return f"<w:rFonts w:ascii={q} w:hAnsi={q} w:cs={q} w:eastAsia={q}/>"


def _spacing(before: float = 0, after: float = 0, line: str | None = None) -> str:
    line_attr = f" {line}" if line else ""
    return f'<w:spacing w:before="{round(before)}" w:after="{round(after)}"{line_attr}/>'


_SINGLE = 'w:line="240" w:lineRule="auto"'


def _size(points: float) -> str:
    """Run size for the Latin and the complex scripts alike."""
    return f'<w:sz w:val="{_sz(points)}"/><w:szCs w:val="{_sz(points)}"/>'


@dataclass(frozen=True)
class _Paragraph:
    """A paragraph style of styles.xml; the house style is a tuple of these."""

    style_id: str
    name: str
    ppr: str = ""
    rpr: str = ""
    based_on: str | None = "Normal"
    next_style: str | None = None
    default: bool = False
    #: Where Word lists the style in its gallery; None leaves Word's default.
    ui_priority: int | None = None

    def xml(self) -> str:
        attrs = ' w:default="1"' if self.default else ""
        parts = [f'<w:style w:type="paragraph"{attrs} w:styleId="{self.style_id}">',
                 f"<w:name w:val={quoteattr(self.name)}/>"]
        if self.based_on:
            parts.append(f'<w:basedOn w:val="{self.based_on}"/>')
        if self.next_style:
            parts.append(f'<w:next w:val="{self.next_style}"/>')
        if self.ui_priority is not None:
            parts.append(f'<w:uiPriority w:val="{self.ui_priority}"/>')
        parts.append("<w:qFormat/>")
        if self.ppr:
            parts.append(f"<w:pPr>{self.ppr}</w:pPr>")
        if self.rpr:
            parts.append(f"<w:rPr>{self.rpr}</w:rPr>")
        parts.append("</w:style>")
        return "".join(parts)


@dataclass(frozen=True)
class _Character:
    """A character style of styles.xml."""

    style_id: str
    name: str
    rpr: str

    def xml(self) -> str:
        return (f'<w:style w:type="character" w:styleId="{self.style_id}">'
                f'<w:name w:val={quoteattr(self.name)}/>'
                '<w:basedOn w:val="DefaultParagraphFont"/>'
                f'<w:uiPriority w:val="99"/><w:rPr>{self.rpr}</w:rPr></w:style>')


def _borders(tag: str, colour: str, sides: tuple[str, ...]) -> str:
    inner = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{colour}"/>'
                    for side in sides)
    return f"<w:{tag}>{inner}</w:{tag}>"


def _heading_styles(ws: WordStyle) -> tuple[_Paragraph, ...]:
    """Title, the item and section headings, case number and the TOC."""
    heading_colour = f'<w:color w:val="{ws.heading_colour}"/>'
    heading_run = f"{_fonts(ws.heading_font)}<w:b/><w:bCs/>{heading_colour}"
    # Run properties have a fixed order in the schema: italics before the colour.
    heading_italic = f"{_fonts(ws.heading_font)}<w:b/><w:bCs/><w:i/><w:iCs/>{heading_colour}"
    sizes = heading_sizes(ws)
    before = {1: 0.0, 2: 5 * MM, 3: 3 * MM, 4: 3 * MM, 5: 3 * MM, 6: 3 * MM}
    after = {1: 1 * MM, 2: 1.5 * MM, 3: 1.5 * MM, 4: 1 * MM, 5: 1 * MM, 6: 1 * MM}
    # Items start on a new page through the style, not a manual break, so a secretary
    # who inserts text above an item never leaves an empty page behind.
    headings = tuple(
        _Paragraph(f"Heading{level}", f"heading {level}",
                   "<w:keepNext/><w:keepLines/>"
                   + ("<w:pageBreakBefore/>" if level == 1 else "")
                   + _spacing(before[level], after[level], _SINGLE)
                   + f'<w:outlineLvl w:val="{level - 1}"/>',
                   (heading_italic if level >= 4 else heading_run) + _size(sizes[level]),
                   next_style="Normal", ui_priority=9)
        for level in range(1, 7))
    return (
        _Paragraph("Title", "Title", "<w:keepNext/>" + _spacing(0, 8 * MM, _SINGLE),
                   heading_run + _size(ws.title_size), next_style="Normal"),
        _Paragraph("Kommune", "Kommune", _spacing(0, 2 * MM, _SINGLE),
                   '<w:color w:val="333333"/>' + _size(9)),
        *headings,
        _Paragraph("Sagsnummer", "Sagsnummer", "<w:keepNext/>" + _spacing(0, 5 * MM),
                   _size(ws.sagsnr_size), next_style="Normal"),
        _Paragraph("TOCHeading", "TOC Heading",
                   "<w:keepNext/><w:pageBreakBefore/>" + _spacing(0, 5 * MM, _SINGLE)
                   + '<w:outlineLvl w:val="9"/>',
                   heading_run + _size(ws.item_size), next_style="Normal"),
        _Paragraph("TOC1", "toc 1",
                   f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{ws.text_width}"/>'
                   "</w:tabs>" + _spacing(0, 1.5 * MM), next_style="Normal", ui_priority=39),
    )


def _body_styles(ws: WordStyle) -> tuple[_Paragraph, ...]:
    """The front page's rows and what Markdown makes: lists, quotes, code, pictures."""
    return (
        _Paragraph("ForsideEtiket", "Forside etiket", _spacing(0, 2.5 * MM, _SINGLE),
                   "<w:b/><w:bCs/>" + _size(ws.label_size)),
        _Paragraph("ForsideVaerdi", "Forside værdi", _spacing(0, 2.5 * MM)),
        _Paragraph("ListBullet", "List Bullet",
                   '<w:numPr><w:numId w:val="1"/></w:numPr>' + _spacing(0, 1 * MM),
                   ui_priority=99),
        _Paragraph("ListNumber", "List Number",
                   '<w:numPr><w:numId w:val="2"/></w:numPr>' + _spacing(0, 1 * MM),
                   ui_priority=99),
        _Paragraph("ListContinue", "List Continue",
                   _spacing(0, 1 * MM) + '<w:ind w:left="340"/>'),
        _Paragraph("Quote", "Quote", '<w:ind w:left="567" w:right="567"/>',
                   "<w:i/><w:iCs/>", next_style="Normal"),
        _Paragraph("Kode", "Kode", _spacing(0, 2.5 * MM, _SINGLE),
                   _fonts(ws.mono_font) + _size(9)),
        _Paragraph("Bemaerkning", "Bemærkning", "", "<w:i/><w:iCs/>"),
        # The item's title again at the top of its text (a style's `titel` mark).
        _Paragraph("Punkttitel", "Punkttitel", _spacing(0, 4 * MM),
                   "<w:b/><w:bCs/>" + _size(ws.subsection_size)),
        _Paragraph("VandretLinje", "Vandret linje",
                   _borders("pBdr", "777777", ("bottom",)) + _spacing(0, 2.5 * MM)),
        _Paragraph("Billede", "Billede", _spacing(0, 2.5 * MM, _SINGLE)),
    )


def _page_styles(ws: WordStyle) -> tuple[_Paragraph, ...]:
    """Footnotes, header and footer, and the text of tables."""
    small = f'<w:color w:val="{ws.header_colour}"/>' + _size(ws.header_size)
    right_tab = f'<w:tabs><w:tab w:val="right" w:pos="{ws.text_width}"/></w:tabs>'
    return (
        _Paragraph("FootnoteText", "footnote text", _spacing(0, 0, _SINGLE),
                   _size(ws.footnote_size), ui_priority=99),
        _Paragraph("Header", "header", right_tab + _spacing(0, 0, _SINGLE), small,
                   ui_priority=99),
        _Paragraph("Footer", "footer", _spacing(0, 0, _SINGLE) + '<w:jc w:val="right"/>',
                   small, ui_priority=99),
        _Paragraph("Tabeltekst", "Tabeltekst", _spacing(0, 0, _SINGLE), _size(ws.table_size)),
        _Paragraph("Tabeloverskrift", "Tabeloverskrift", "", "<w:b/><w:bCs/>",
                   based_on="Tabeltekst"),
    )


def _character_styles(ws: WordStyle) -> tuple[_Character, ...]:
    return (
        _Character("Hyperlink", "Hyperlink",
                   f'<w:color w:val="{ws.link_colour}"/><w:u w:val="single"/>'),
        _Character("FootnoteReference", "footnote reference",
                   '<w:vertAlign w:val="superscript"/>'),
        _Character("Kodetegn", "Kodetegn", _fonts(ws.mono_font)),
        _Character("InternMarkering", "Intern markering",
                   f'<w:b/><w:bCs/><w:color w:val="{ws.mark_colour}"/>'),
        _Character("LukketBilag", "Lukket bilag", "<w:i/><w:iCs/>"),
    )


_DEFAULT_CHARACTER = (
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
    '<w:unhideWhenUsed/></w:style>')
_TABLE_NORMAL = (
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
    '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>'
    '<w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
    '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
    '</w:tblPr></w:style>')
_NO_LIST = (
    '<w:style w:type="numbering" w:default="1" w:styleId="NoList">'
    '<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/>'
    '<w:unhideWhenUsed/></w:style>')


def _table_grid(ws: WordStyle) -> str:
    cell_margins = (f'<w:tblCellMar><w:top w:w="{round(MM)}" w:type="dxa"/>'
                    f'<w:left w:w="{round(1.5 * MM)}" w:type="dxa"/>'
                    f'<w:bottom w:w="{round(MM)}" w:type="dxa"/>'
                    f'<w:right w:w="{round(1.5 * MM)}" w:type="dxa"/></w:tblCellMar>')
    grid = _borders("tblBorders", ws.table_border_colour,
                    ("top", "left", "bottom", "right", "insideH", "insideV"))
    header_fill = (f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{ws.table_header_fill}"/>'
                   "</w:tcPr>" if ws.table_header_fill else "")
    return ('<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
            '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/>'
            f'<w:pPr>{_spacing(0, 0, _SINGLE)}</w:pPr>'
            f"<w:tblPr>{grid}{cell_margins}</w:tblPr>"
            '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr>'
            f"{header_fill}</w:tblStylePr></w:style>")


def styles_xml(ws: WordStyle) -> str:
    body_line = f'w:line="{round(ws.size * ws.line_height * 20)}" w:lineRule="atLeast"'
    normal = _Paragraph("Normal", "Normal", _spacing(0, 2.5 * MM, body_line),
                        based_on=None, default=True)
    paragraphs = (normal, *_heading_styles(ws), *_body_styles(ws), *_page_styles(ws))
    styles = [p.xml() for p in paragraphs]
    styles.append(_DEFAULT_CHARACTER)
    styles += [c.xml() for c in _character_styles(ws)]
    styles += [_TABLE_NORMAL, _table_grid(ws), _NO_LIST]
    defaults = (
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        f"{_fonts(ws.font)}{_size(ws.size)}"
        '<w:lang w:val="da-DK" w:eastAsia="da-DK" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        f"{_spacing(0, 0, _SINGLE)}</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:styles xmlns:w="{W_NS}">{defaults}'
            '<w:latentStyles w:defLockedState="0" w:defUIPriority="99" w:defSemiHidden="0" '
            'w:defUnhideWhenUsed="0" w:defQFormat="0" w:count="376"/>'
            f'{"".join(styles)}</w:styles>')


# -- metrics for the page estimate --------------------------------------------------------


@dataclass(frozen=True)
class Metrics:
    """What a paragraph style takes on the page, in points (mirrors `styles_xml`)."""

    size: float
    before: float
    after: float
    line: float
    page_break: bool = False
    #: Average advance of a character of Danish text, as a share of the font size.
    char_width: float = 0.42


#: Height of one line of a font as a multiple of its size (ascent + descent).
_NATURAL_LINE = {"Liberation Serif": 1.15, "Times New Roman": 1.15, "Carlito": 1.22,
                 "Calibri": 1.22, "Liberation Sans": 1.15, "Arial": 1.15}
#: Average advance width over the examples' text, from the fonts' own metrics (hmtx).
_CHAR_WIDTH = {"Liberation Serif": 0.403, "Times New Roman": 0.403, "Carlito": 0.409,
               "Calibri": 0.409, "Liberation Sans": 0.45, "Arial": 0.45,
               "Liberation Mono": 0.6, "Courier New": 0.6}
_BOLD_EXTRA = 0.025


def paragraph_metrics(ws: WordStyle) -> dict[str, Metrics]:
    def natural(size: float, font: str | None = None) -> float:
        return size * _NATURAL_LINE.get(font or ws.font, 1.2)

    body_width = _CHAR_WIDTH.get(ws.font, 0.45)
    heading_width = _CHAR_WIDTH.get(ws.heading_font, 0.45) + _BOLD_EXTRA
    mm = 72 / 25.4
    body_line = max(natural(ws.size), ws.size * ws.line_height)
    body = Metrics(ws.size, 0, 2.5 * mm, body_line, char_width=body_width)
    heading_font = ws.heading_font

    def heading(size: float, before: float, after: float, page_break: bool = False) -> Metrics:
        return Metrics(size, before, after, natural(size, heading_font), page_break,
                       heading_width)

    def plain(size: float, after: float, line: float | None = None) -> Metrics:
        return Metrics(size, 0, after, line or natural(size), char_width=body_width)

    out = {
        "Normal": body,
        "Title": heading(ws.title_size, 0, 8 * mm),
        "Kommune": plain(9, 2 * mm),
        "Heading1": heading(ws.item_size, 0, 1 * mm, True),
        "Heading2": heading(ws.section_size, 5 * mm, 1.5 * mm),
        "Heading3": heading(ws.subsection_size, 3 * mm, 1.5 * mm),
        "Sagsnummer": plain(ws.sagsnr_size, 5 * mm, body_line),
        "Punkttitel": heading(ws.subsection_size, 0, 4 * mm),
        "TOCHeading": heading(ws.item_size, 0, 5 * mm, True),
        "TOC1": plain(ws.size, 1.5 * mm, body_line),
        "ForsideEtiket": Metrics(ws.label_size, 0, 2.5 * mm, natural(ws.label_size),
                                 char_width=body_width + _BOLD_EXTRA),
        "ForsideVaerdi": body,
        "ListBullet": plain(ws.size, 1 * mm, body_line),
        "ListNumber": plain(ws.size, 1 * mm, body_line),
        "ListContinue": plain(ws.size, 1 * mm, body_line),
        "Kode": Metrics(9, 0, 2.5 * mm, natural(9, ws.mono_font),
                        char_width=_CHAR_WIDTH.get(ws.mono_font, 0.6)),
        "FootnoteText": plain(ws.footnote_size, 0),
        "Tabeltekst": plain(ws.table_size, 0),
        "Tabeloverskrift": Metrics(ws.table_size, 0, 0, natural(ws.table_size),
                                   char_width=body_width + _BOLD_EXTRA),
    }
    for level, size in heading_sizes(ws).items():
        if level >= 4:
            out[f"Heading{level}"] = heading(size, 3 * mm, 1 * mm)
    return out
