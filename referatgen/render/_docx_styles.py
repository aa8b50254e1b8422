"""The Word side of a house style: settings from `style.yaml` and the named styles.

Everything visible is a named style (Title, heading 1-6, List Bullet, Table Grid, toc 1,
...), so a secretary restyles the whole document in Word by editing one style. The
sizes and spacings follow the PDF's stylesheet (styles/standard/style.css), converted
to Word's units: twentieths of a point for spacing, half points for font sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from ..styles import Style, StyleError

CM = 567  # twips per centimetre (1440 / 2.54, rounded as Word does)
MM = CM / 10
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4 in twips

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class WordStyle:
    """The `docx:` block of a style, checked and with every default filled in."""

    font: str = "Carlito"
    size: float = 10.5
    heading_font: str = "Carlito"
    heading_colour: str = "000000"
    #: top, right, bottom, left in cm
    margins: tuple[float, float, float, float] = (2.2, 2.0, 2.2, 2.5)
    title_size: float = 16
    item_size: float = 13
    section_size: float = 11
    subsection_size: float = 10.5
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
    mono_font: str = "Liberation Mono"
    label_width: float = 3.2
    show_kommune: bool = True
    logo: str | None = None

    @property
    def text_width(self) -> int:
        return PAGE_WIDTH - round(self.margins[1] * CM) - round(self.margins[3] * CM)

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


def word_style(style: Style) -> WordStyle:
    """Read `style.docx`; a wrong value is the style author's error, said in Danish."""
    values: dict[str, Any] = {}
    where = f"stilen '{style.name}' (docx:)"
    for key, raw in style.docx.items():
        if key not in _KEYS:
            raise StyleError(f"Ukendt nøgle '{key}' i {where}. Gyldige nøgler: "
                             f"{', '.join(_KEYS)}.")
        name, kind = _KEYS[key]
        if raw is None:
            if name in ("table_header_fill", "logo"):
                values[name] = None
                continue
            raise StyleError(f"'{key}' i {where} mangler en værdi.")
        if kind is float:
            if isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
                raise StyleError(f"'{key}' i {where} skal være et positivt tal, ikke {raw!r}.")
            values[name] = float(raw)
        elif kind is bool:
            if not isinstance(raw, bool):
                raise StyleError(f"'{key}' i {where} skal være true eller false.")
            values[name] = raw
        elif kind is tuple:
            if (not isinstance(raw, list) or len(raw) != 4
                    or not all(isinstance(v, int | float) and v >= 0 for v in raw)):
                raise StyleError(f"'{key}' i {where} skal være fire tal i cm: "
                                 "[top, højre, bund, venstre].")
            values[name] = tuple(float(v) for v in raw)
        else:
            text = str(raw).strip()
            if name.endswith(("colour", "fill")):
                text = text.lstrip("#").upper()
                if len(text) != 6 or any(c not in "0123456789ABCDEF" for c in text):
                    raise StyleError(f"'{key}' i {where} skal være en farve som \"1F3A5F\".")
            values[name] = text
    # The style's main font (`skrifttype`, shared with the PDF) unless the docx block
    # names another; headings follow the text unless they have a font of their own.
    values.setdefault("font", style.font or WordStyle.font)
    values.setdefault("heading_font", values["font"])
    return WordStyle(**values)


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


def _paragraph_style(style_id: str, name: str, ppr: str = "", rpr: str = "", *,
                     based_on: str | None = "Normal", next_style: str | None = None,
                     default: bool = False, extra: str = "") -> str:
    attrs = ' w:default="1"' if default else ""
    parts = [f'<w:style w:type="paragraph"{attrs} w:styleId="{style_id}">',
             f"<w:name w:val={quoteattr(name)}/>"]
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_style:
        parts.append(f'<w:next w:val="{next_style}"/>')
    parts.append(f"{extra}<w:qFormat/>")
    if ppr:
        parts.append(f"<w:pPr>{ppr}</w:pPr>")
    if rpr:
        parts.append(f"<w:rPr>{rpr}</w:rPr>")
    parts.append("</w:style>")
    return "".join(parts)


def _character_style(style_id: str, name: str, rpr: str, *, ui_priority: int = 99) -> str:
    return (f'<w:style w:type="character" w:styleId="{style_id}">'
            f'<w:name w:val={quoteattr(name)}/><w:basedOn w:val="DefaultParagraphFont"/>'
            f'<w:uiPriority w:val="{ui_priority}"/><w:rPr>{rpr}</w:rPr></w:style>')


def _borders(tag: str, colour: str, sides: tuple[str, ...]) -> str:
    inner = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{colour}"/>'
                    for side in sides)
    return f"<w:{tag}>{inner}</w:{tag}>"


def styles_xml(ws: WordStyle) -> str:
    body_line = f'w:line="{round(ws.size * ws.line_height * 20)}" w:lineRule="atLeast"'
    heading_colour = f'<w:color w:val="{ws.heading_colour}"/>'
    heading_run = f"{_fonts(ws.heading_font)}<w:b/><w:bCs/>{heading_colour}"
    # Run properties have a fixed order in the schema: italics before the colour.
    heading_italic = f"{_fonts(ws.heading_font)}<w:b/><w:bCs/><w:i/><w:iCs/>{heading_colour}"
    right_tab = f'<w:tabs><w:tab w:val="right" w:pos="{ws.text_width}"/></w:tabs>'
    styles: list[str] = []
    add = styles.append

    add(_paragraph_style("Normal", "Normal", _spacing(0, 2.5 * MM, body_line),
                         based_on=None, default=True))
    add(_paragraph_style("Title", "Title", "<w:keepNext/>" + _spacing(0, 8 * MM, _SINGLE),
                         f"{heading_run}<w:sz w:val=\"{_sz(ws.title_size)}\"/>"
                         f"<w:szCs w:val=\"{_sz(ws.title_size)}\"/>", next_style="Normal"))
    add(_paragraph_style("Kommune", "Kommune", _spacing(0, 2 * MM, _SINGLE),
                         f'<w:color w:val="333333"/><w:sz w:val="{_sz(9)}"/>'
                         f'<w:szCs w:val="{_sz(9)}"/>'))
    sizes = {1: ws.item_size, 2: ws.section_size, 3: ws.subsection_size,
             4: ws.size, 5: ws.size, 6: ws.size}
    before = {1: 0.0, 2: 5 * MM, 3: 3 * MM, 4: 3 * MM, 5: 3 * MM, 6: 3 * MM}
    after = {1: 1 * MM, 2: 1.5 * MM, 3: 1.5 * MM, 4: 1 * MM, 5: 1 * MM, 6: 1 * MM}
    for level in range(1, 7):
        # Items start on a new page through the style, not a manual break, so a
        # secretary who inserts text above an item never leaves an empty page behind.
        ppr = ("<w:keepNext/><w:keepLines/>"
               + ("<w:pageBreakBefore/>" if level == 1 else "")
               + _spacing(before[level], after[level], _SINGLE)
               + f'<w:outlineLvl w:val="{level - 1}"/>')
        size = _sz(sizes[level])
        rpr = (f"{heading_italic if level >= 4 else heading_run}"
               f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
        add(_paragraph_style(f"Heading{level}", f"heading {level}", ppr, rpr,
                             next_style="Normal", extra='<w:uiPriority w:val="9"/>'))
    add(_paragraph_style("Sagsnummer", "Sagsnummer", "<w:keepNext/>" + _spacing(0, 5 * MM),
                         f'<w:sz w:val="{_sz(ws.sagsnr_size)}"/>'
                         f'<w:szCs w:val="{_sz(ws.sagsnr_size)}"/>', next_style="Normal"))
    add(_paragraph_style("TOCHeading", "TOC Heading",
                         "<w:keepNext/><w:pageBreakBefore/>" + _spacing(0, 5 * MM, _SINGLE)
                         + '<w:outlineLvl w:val="9"/>',
                         f"{heading_run}<w:sz w:val=\"{_sz(ws.item_size)}\"/>"
                         f"<w:szCs w:val=\"{_sz(ws.item_size)}\"/>", next_style="Normal"))
    add(_paragraph_style(
        "TOC1", "toc 1",
        f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{ws.text_width}"/></w:tabs>'
        + _spacing(0, 1.5 * MM),
        next_style="Normal", extra='<w:uiPriority w:val="39"/>'))
    add(_paragraph_style("ForsideEtiket", "Forside etiket", _spacing(0, 2.5 * MM, _SINGLE),
                         f'<w:b/><w:bCs/><w:sz w:val="{_sz(ws.label_size)}"/>'
                         f'<w:szCs w:val="{_sz(ws.label_size)}"/>'))
    add(_paragraph_style("ForsideVaerdi", "Forside værdi", _spacing(0, 2.5 * MM)))
    add(_paragraph_style("ListBullet", "List Bullet",
                         '<w:numPr><w:numId w:val="1"/></w:numPr>' + _spacing(0, 1 * MM),
                         extra='<w:uiPriority w:val="99"/>'))
    add(_paragraph_style("ListNumber", "List Number",
                         '<w:numPr><w:numId w:val="2"/></w:numPr>' + _spacing(0, 1 * MM),
                         extra='<w:uiPriority w:val="99"/>'))
    add(_paragraph_style("ListContinue", "List Continue",
                         _spacing(0, 1 * MM) + '<w:ind w:left="340"/>'))
    add(_paragraph_style("Quote", "Quote", '<w:ind w:left="567" w:right="567"/>',
                         "<w:i/><w:iCs/>", next_style="Normal"))
    add(_paragraph_style("Kode", "Kode", _spacing(0, 2.5 * MM, _SINGLE),
                         f'{_fonts(ws.mono_font)}<w:sz w:val="{_sz(9)}"/>'
                         f'<w:szCs w:val="{_sz(9)}"/>'))
    add(_paragraph_style("Bemaerkning", "Bemærkning", "", "<w:i/><w:iCs/>"))
    add(_paragraph_style("VandretLinje", "Vandret linje",
                         _borders("pBdr", "777777", ("bottom",)) + _spacing(0, 2.5 * MM)))
    add(_paragraph_style("Billede", "Billede", _spacing(0, 2.5 * MM, _SINGLE)))
    add(_paragraph_style("FootnoteText", "footnote text", _spacing(0, 0, _SINGLE),
                         f'<w:sz w:val="{_sz(ws.footnote_size)}"/>'
                         f'<w:szCs w:val="{_sz(ws.footnote_size)}"/>',
                         extra='<w:uiPriority w:val="99"/>'))
    small = (f'<w:color w:val="{ws.header_colour}"/><w:sz w:val="{_sz(ws.header_size)}"/>'
             f'<w:szCs w:val="{_sz(ws.header_size)}"/>')
    add(_paragraph_style("Header", "header", right_tab + _spacing(0, 0, _SINGLE), small,
                         extra='<w:uiPriority w:val="99"/>'))
    add(_paragraph_style("Footer", "footer", _spacing(0, 0, _SINGLE) + '<w:jc w:val="right"/>',
                         small, extra='<w:uiPriority w:val="99"/>'))
    add(_paragraph_style("Tabeltekst", "Tabeltekst", _spacing(0, 0, _SINGLE),
                         f'<w:sz w:val="{_sz(ws.table_size)}"/>'
                         f'<w:szCs w:val="{_sz(ws.table_size)}"/>'))
    add(_paragraph_style("Tabeloverskrift", "Tabeloverskrift", "", "<w:b/><w:bCs/>",
                         based_on="Tabeltekst"))

    add('<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
        '<w:unhideWhenUsed/></w:style>')
    add(_character_style("Hyperlink", "Hyperlink",
                         f'<w:color w:val="{ws.link_colour}"/><w:u w:val="single"/>'))
    add(_character_style("FootnoteReference", "footnote reference",
                         '<w:vertAlign w:val="superscript"/>'))
    add(_character_style("Kodetegn", "Kodetegn", _fonts(ws.mono_font)))
    add(_character_style("InternMarkering", "Intern markering",
                         f'<w:b/><w:bCs/><w:color w:val="{ws.mark_colour}"/>'))
    add(_character_style("LukketBilag", "Lukket bilag", "<w:i/><w:iCs/>"))

    cell_margins = (f'<w:tblCellMar><w:top w:w="{round(MM)}" w:type="dxa"/>'
                    f'<w:left w:w="{round(1.5 * MM)}" w:type="dxa"/>'
                    f'<w:bottom w:w="{round(MM)}" w:type="dxa"/>'
                    f'<w:right w:w="{round(1.5 * MM)}" w:type="dxa"/></w:tblCellMar>')
    add('<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
        '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>'
        '<w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
        '</w:tblPr></w:style>')
    grid = _borders("tblBorders", ws.table_border_colour,
                    ("top", "left", "bottom", "right", "insideH", "insideV"))
    header_fill = (f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{ws.table_header_fill}"/>'
                   "</w:tcPr>" if ws.table_header_fill else "")
    add('<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/>'
        f'<w:pPr>{_spacing(0, 0, _SINGLE)}</w:pPr>'
        f"<w:tblPr>{grid}{cell_margins}</w:tblPr>"
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr>'
        f"{header_fill}</w:tblStylePr></w:style>")
    add('<w:style w:type="numbering" w:default="1" w:styleId="NoList">'
        '<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/>'
        '<w:unhideWhenUsed/></w:style>')

    defaults = (
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        f"{_fonts(ws.font)}<w:sz w:val=\"{_sz(ws.size)}\"/><w:szCs w:val=\"{_sz(ws.size)}\"/>"
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
    for level in (4, 5, 6):
        out[f"Heading{level}"] = heading(ws.size, 3 * mm, 1 * mm)
    return out
