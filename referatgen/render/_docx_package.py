"""The Word package around the text: our own starting package, footnotes, numbering, zip.

python-docx's default template carries its own name in the document properties, a
thumbnail and some 800 kB of styles; we start instead from a small package generated
here from the house style, so every part of the file is ours and the same input gives
the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from html import escape

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml.parser import parse_xml
from docx.package import Package

from .._version import __version__
from ._docx_styles import CM, PAGE_HEIGHT, PAGE_WIDTH, W_NS, WordStyle, font_table_xml, styles_xml
from ._docx_xml import Element, el, sub, val

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

#: numId of the lists that List Bullet and List Number give by themselves in Word.
BULLET_NUM, NUMBER_NUM = 1, 2
_BULLET_ABSTRACT, _DOT_ABSTRACT, _PAREN_ABSTRACT = 0, 1, 2
_INDENT = 360  # twips per list level (about the PDF's 6 mm)
_BULLETS = ("•", "◦", "▪")


def _content_types() -> str:
    overrides = {
        "/word/document.xml": CT.WML_DOCUMENT_MAIN,
        "/word/styles.xml": CT.WML_STYLES,
        "/word/settings.xml": CT.WML_SETTINGS,
        "/word/numbering.xml": CT.WML_NUMBERING,
        "/word/fontTable.xml": CT.WML_FONT_TABLE,
        "/docProps/core.xml": CT.OPC_CORE_PROPERTIES,
        "/docProps/app.xml": CT.OFC_EXTENDED_PROPERTIES,
    }
    body = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>'
                   for name, kind in overrides.items())
    return (f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="{CT.OPC_RELATIONSHIPS}"/>'
            f'<Default Extension="xml" ContentType="{CT.XML}"/>{body}</Types>')


def _relationships(targets: list[tuple[str, str]]) -> str:
    body = "".join(f'<Relationship Id="rId{index}" Type="{kind}" Target="{target}"/>'
                   for index, (kind, target) in enumerate(targets, 1))
    return (f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{body}</Relationships>')


def _document(ws: WordStyle) -> str:
    top, right, bottom, left = (round(m * CM) for m in ws.margins)
    # The header sits 1 cm from the edge, as the PDF's running header in the top margin.
    return (f'{_HEAD}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body><w:sectPr>'
            f'<w:pgSz w:w="{PAGE_WIDTH}" w:h="{PAGE_HEIGHT}"/>'
            f'<w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" '
            f'w:header="{CM}" w:footer="{CM}" w:gutter="0"/>'
            '<w:cols w:space="708"/><w:titlePg/><w:docGrid w:linePitch="360"/>'
            "</w:sectPr></w:body></w:document>")


def _settings() -> str:
    return (f'{_HEAD}<w:settings xmlns:w="{W_NS}"><w:zoom w:percent="100"/>'
            '<w:defaultTabStop w:val="709"/><w:hyphenationZone w:val="425"/>'
            '<w:characterSpacingControl w:val="doNotCompress"/>'
            '<w:compat><w:compatSetting w:name="compatibilityMode" '
            'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
            '<w:themeFontLang w:val="da-DK"/>'
            '<w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/></w:settings>')


def _level(ilvl: int, fmt: str, text: str) -> str:
    left = _INDENT * (ilvl + 1)
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{escape(text)}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="{_INDENT}"/></w:pPr></w:lvl>')


def _numbering() -> str:
    def abstract(number: int, levels: str) -> str:
        return (f'<w:abstractNum w:abstractNumId="{number}">'
                f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>')

    bullets = "".join(_level(i, "bullet", _BULLETS[i % 3]) for i in range(9))
    # Every level counts in arabic numerals, as the Markdown says and the PDF prints.
    dots = "".join(_level(i, "decimal", f"%{i + 1}.") for i in range(9))
    parens = "".join(_level(i, "decimal", f"%{i + 1})") for i in range(9))
    return (f'{_HEAD}<w:numbering xmlns:w="{W_NS}">'
            f"{abstract(_BULLET_ABSTRACT, bullets)}{abstract(_DOT_ABSTRACT, dots)}"
            f"{abstract(_PAREN_ABSTRACT, parens)}"
            f'<w:num w:numId="{BULLET_NUM}"><w:abstractNumId w:val="{_BULLET_ABSTRACT}"/></w:num>'
            f'<w:num w:numId="{NUMBER_NUM}"><w:abstractNumId w:val="{_DOT_ABSTRACT}"/></w:num>'
            "</w:numbering>")


def _app(company: str | None) -> str:
    company_xml = f"<Company>{escape(company)}</Company>" if company else ""
    return (f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/docPropsVTypes"><Application>referatgen {escape(__version__)}</Application>'
            f"<DocSecurity>0</DocSecurity>{company_xml}</Properties>")


def _core() -> str:
    return (f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
            '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>')


def base_package(ws: WordStyle, company: str | None) -> bytes:
    """The empty document of the house style, for python-docx to open."""
    parts = {
        "[Content_Types].xml": _content_types(),
        "_rels/.rels": _relationships([
            (RT.OFFICE_DOCUMENT, "word/document.xml"),
            (RT.CORE_PROPERTIES, "docProps/core.xml"),
            (RT.EXTENDED_PROPERTIES, "docProps/app.xml"),
        ]),
        "docProps/core.xml": _core(),
        "docProps/app.xml": _app(company),
        "word/document.xml": _document(ws),
        "word/_rels/document.xml.rels": _relationships([
            (RT.STYLES, "styles.xml"),
            (RT.SETTINGS, "settings.xml"),
            (RT.NUMBERING, "numbering.xml"),
            (RT.FONT_TABLE, "fontTable.xml"),
        ]),
        "word/styles.xml": styles_xml(ws),
        "word/settings.xml": _settings(),
        "word/numbering.xml": _numbering(),
        "word/fontTable.xml": font_table_xml(ws),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()


class Numbering:
    """One Word list (w:num) per Markdown list, so each starts at its own first number."""

    def __init__(self, element: Element) -> None:
        self.element = element
        self.next_id = NUMBER_NUM + 1

    def new_list(self, ordered: bool, level: int, start: int = 1, delimiter: str = ".") -> int:
        abstract = _BULLET_ABSTRACT
        if ordered:
            abstract = _PAREN_ABSTRACT if delimiter == ")" else _DOT_ABSTRACT
        num_id = self.next_id
        self.next_id += 1
        num = sub(self.element, "w:num", {"w:numId": str(num_id)})
        num.append(val("w:abstractNumId", str(abstract)))
        # A startOverride on every list, bullets too: Word otherwise continues the count
        # of the previous list that shares the definition.
        override = sub(num, "w:lvlOverride", {"w:ilvl": str(level)})
        override.append(val("w:startOverride", str(max(start, 0))))
        return num_id


def list_indent(level: int) -> int:
    return _INDENT * (level + 1)


class Footnotes:
    """word/footnotes.xml: python-docx has no footnote API, so the part is made here."""

    def __init__(self, package: Package) -> None:
        self.element = parse_xml(
            f'<w:footnotes xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>'
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "<w:r><w:separator/></w:r></w:p></w:footnote>"
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
            '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>")
        self.part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, self.element,
                            package)
        self.count = 0

    def new(self) -> tuple[int, Element]:
        self.count += 1
        note = sub(self.element, "w:footnote", {"w:id": str(self.count)})
        return self.count, note

    def attach(self, document_part: Part, settings: Element) -> None:
        """Relate the part and name the separators, if there is any footnote at all."""
        if not self.count:
            return
        document_part.relate_to(self.part, RT.FOOTNOTES)
        properties = el("w:footnotePr", children=[
            el("w:footnote", {"w:id": "-1"}), el("w:footnote", {"w:id": "0"})])
        compat = settings.find(f"{{{W_NS}}}compat")
        assert compat is not None
        compat.addprevious(properties)


def set_update_fields(settings: Element, update: bool) -> None:
    """Ask Word to refresh every field on open: only when our page numbers are a guess."""
    tag = f"{{{W_NS}}}updateFields"
    for old in settings.findall(tag):
        settings.remove(old)
    if update:
        anchor = settings.find(f"{{{W_NS}}}footnotePr")
        if anchor is None:
            anchor = settings.find(f"{{{W_NS}}}compat")
        assert anchor is not None
        anchor.addprevious(val("w:updateFields", "true"))


_FIRST = ("[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml",
          "word/document.xml")


def rezip(data: bytes, when: dt.datetime) -> bytes:
    """The package again with fixed timestamps, attributes and order: same input, same bytes.

    [Content_Types].xml goes first, as Office writes it; tools that sniff the type of a
    zip read the first entries.
    """
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, 0)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    names = [n for n in _FIRST if n in entries] + sorted(n for n in entries if n not in _FIRST)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()
