"""The DOCX, read back: structure, TOC and its page numbers, lists, tables, notes, safety.

Checked by content (the package's XML, and the PDF LibreOffice prints from it), never by
comparing with a stored file. Tests that lay the document out need LibreOffice and skip
with a reason without it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pypdf
import pytest
from lxml import etree

from referatgen._api import BuildOptions, build, prepare
from referatgen.commonmark import parse
from referatgen.diagnostics import BUILD_RULES, ReferatgenError
from referatgen.plan import Document, Text
from referatgen.plan import PlannedBlock as Block
from referatgen.render import Rendered
from referatgen.render.docx import render_docx
from referatgen.vocabulary import INTERNAL_MARK

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".md"))
NAMES = [p.name for p in EXAMPLES]
MD_EXAMPLE = ROOT / "examples" / "byraadet-2025-03-10.md"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "docx" / "markdown.yaml"
SENTINEL = "HEMMELIG-SENTINEL-7731"
SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) er ikke installeret: kan ikke opmåle sider")

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}
FAST = BuildOptions.make(libreoffice=False)


# -- helpers ---------------------------------------------------------------------------------


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xml(data: bytes, name: str = "word/document.xml") -> etree._Element:
    return etree.fromstring(parts(data)[name])


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def text_of(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(w("t")))


def style_of(p: etree._Element) -> str | None:
    style = p.find("w:pPr/w:pStyle", NS)
    return None if style is None else style.get(w("val"))


def toc_number(entry: etree._Element) -> int:
    """The cached result of a TOC entry's PAGEREF field: the entry's last text."""
    return int(list(entry.iter(w("t")))[-1].text or "")


def body_paragraphs(root: etree._Element, style: str) -> list[etree._Element]:
    return [p for p in root.iter(w("p")) if style_of(p) == style]


def texts(document: Document) -> list[Text]:
    """Every Markdown text of the planned document, in reading order."""
    out: list[Text] = []

    def walk(blocks: tuple[Block, ...]) -> None:
        for block in blocks:
            if block.text is not None and not block.text.is_dash:
                out.append(block.text)
            walk(block.children)

    for item in document.items:
        walk(item.blocks)
    return out


def render_full(path: Path, **options: object) -> tuple[Document, Rendered]:
    built = BuildOptions.make(**options)  # type: ignore[arg-type]
    document, _ = prepare(path, built)
    return document, render_docx(document, built.docx)


def render(path: Path, **options: object) -> tuple[Document, bytes]:
    document, rendered = render_full(path, **options)
    return document, rendered.data


def with_first_text(document: Document, text: Text) -> Document:
    """The document with the first block of its first item showing `text`."""
    item = document.items[0]
    changed = dataclasses.replace(item, blocks=(dataclasses.replace(item.blocks[0], text=text),))
    return dataclasses.replace(document, items=(changed, *document.items[1:]))


@pytest.fixture(scope="module")
def fast_rendered() -> dict[tuple[str, bool], tuple[Document, Rendered]]:
    """Every example, public and internal, without the LibreOffice pass."""
    return {(p.name, intern): render_full(p, intern=intern, libreoffice=False)
            for p in EXAMPLES for intern in (False, True)}


@pytest.fixture(scope="module")
def fast(fast_rendered: dict[tuple[str, bool], tuple[Document, Rendered]]
         ) -> dict[tuple[str, bool], tuple[Document, bytes]]:
    return {key: (document, rendered.data) for key, (document, rendered) in fast_rendered.items()}


def libreoffice_pdf(docx: Path, profile: Path) -> Path:
    """The PDF LibreOffice prints from a .docx (its own profile: independent of referatgen)."""
    assert SOFFICE is not None
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(docx.parent),
                    str(docx)], check=True, capture_output=True, timeout=300)
    pdf = docx.with_suffix(".pdf")
    assert pdf.is_file()
    return pdf


def page_texts(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(pdf).pages]


def printed_heading_pages(pages: list[str], document: Document) -> dict[int, int]:
    """Page on which each "Punkt N:" heading is printed: the first line of the page body."""
    running = document.running_header
    found: dict[int, int] = {}
    for number, text in enumerate(pages, 1):
        lines = []
        for line in text.splitlines():
            for furniture in (running, INTERNAL_MARK):
                line = line.replace(furniture, "")
            line = re.sub(r"Side \d+ af \d+", "", line).strip()
            if line:
                lines.append(line)
        match = re.match(r"Punkt (-?\d+):", lines[0]) if lines else None
        if match:
            found.setdefault(int(match[1]), number)
    return found


# -- structure -------------------------------------------------------------------------------


@pytest.mark.parametrize("example", NAMES)
def test_headings_in_order_with_numbers(fast: dict, example: str) -> None:
    document, data = fast[(example, False)]
    root = xml(data)
    headings = [text_of(p) for p in body_paragraphs(root, "Heading1")]
    assert headings == [item.heading for item in document.items]
    first = document.items[0].number
    assert [i.number for i in document.items] == list(range(first, first + len(headings)))
    assert all(h.startswith(f"Punkt {n}: ") for h, n in
               zip(headings, range(first, first + len(headings)), strict=True))
    # Case numbers stand on the line under the heading.
    for item in document.items:
        heading = next(p for p in body_paragraphs(root, "Heading1")
                       if text_of(p) == item.heading)
        following = heading.getnext()
        if item.sagsnr:
            assert style_of(following) == "Sagsnummer"
            assert text_of(following) == item.sagsnr


@pytest.mark.parametrize("example", NAMES)
def test_toc_field_bookmarks_and_pageref(fast: dict, example: str) -> None:
    from referatgen.render._docx_styles import word_style
    from referatgen.render._docx_toc import one_line

    document, data = fast[(example, False)]
    ws = word_style(document.style)
    root = xml(data)
    instructions = [t.text for t in root.iter(w("instrText"))]
    assert sum(1 for i in instructions if i.strip().startswith("TOC ")) == 1
    toc_instruction = next(i for i in instructions if i.strip().startswith("TOC "))
    # Built from the TC entries in the headings: an update lists the titles, no "Punkt N:".
    assert "\\f p" in toc_instruction and "\\h" in toc_instruction
    assert "\\o" not in toc_instruction
    entries = body_paragraphs(root, "TOC1")
    assert len(entries) == len(document.items)
    bookmarks = {b.get(w("name")): b for b in root.iter(w("bookmarkStart"))}
    for item, entry in zip(document.items, entries, strict=True):
        link = entry.find("w:hyperlink", NS)
        assert link is not None
        anchor = link.get(w("anchor"))
        assert text_of(link).startswith(one_line(item.title, ws))
        assert not text_of(link).startswith("Punkt")
        # A clear gap between the dots and the number.
        assert "\u00a0\u00a0" in text_of(link)
        assert any(f"PAGEREF {anchor} \\h" in (t.text or "") for t in link.iter(w("instrText")))
        # The bookmark sits on the item's heading.
        mark = bookmarks[anchor]
        heading = mark.getparent()
        assert style_of(heading) == "Heading1" and text_of(heading) == item.heading
        tc = [t.text for t in heading.iter(w("instrText"))]
        assert tc == [f' TC "{one_line(item.title, ws)}" \\f p \\l 1 ']
        assert str(item.number) in anchor
    # Bookmark ids are unique, each start has its end.
    ids = [b.get(w("id")) for b in root.iter(w("bookmarkStart"))]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(b.get(w("id")) for b in root.iter(w("bookmarkEnd")))


def test_front_page_and_toc_come_first(fast: dict) -> None:
    document, data = fast[("htk-direktionen-2022-09-05.yaml", False)]
    root = xml(data)
    body = root.find("w:body", NS)
    children = list(body)
    assert style_of(children[0]) == "Title"
    assert text_of(children[0]) == "REFERAT Direktionen d. 05-09-2022"
    table = children[1]
    assert table.tag == w("tbl")
    rows = [[text_of(tc) for tc in tr.iter(w("tc"))] for tr in table.iter(w("tr"))]
    assert rows == [list(row) for row in document.front]
    assert rows[0] == ["Mødedato", "Mandag d. 05. september 2022 kl. 10:00"]
    # Borderless: no table style and no borders of its own.
    assert table.find("w:tblPr/w:tblStyle", NS) is None
    assert table.find("w:tblPr/w:tblBorders", NS) is None
    assert style_of(children[2]) == "TOCHeading"
    assert text_of(children[2]) == "Indholdsfortegnelse"


def test_named_styles_fonts_and_page_breaks(fast: dict) -> None:
    _document, data = fast[("htk-direktionen-2022-09-05.yaml", False)]
    styles = xml(data, "word/styles.xml")
    by_name = {s.find("w:name", NS).get(w("val")): s for s in styles.iter(w("style"))}
    for name in ("Normal", "Title", "heading 1", "heading 2", "heading 3", "List Bullet",
                 "List Number", "Table Grid", "footnote text", "toc 1", "header", "footer"):
        assert name in by_name, name
    heading1 = by_name["heading 1"]
    # Items start a page through the style, not through manual breaks in the text.
    assert heading1.find("w:pPr/w:pageBreakBefore", NS) is not None
    assert not xml(data).findall(".//w:br[@w:type='page']", NS)
    assert heading1.find("w:rPr/w:sz", NS).get(w("val")) == "26"  # 13 pt
    assert by_name["heading 2"].find("w:rPr/w:sz", NS).get(w("val")) == "22"  # 11 pt
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    # Named as Word knows it; LibreOffice maps it to the shipped Liberation Serif.
    assert defaults.find("w:rFonts", NS).get(w("ascii")) == "Times New Roman"
    times = xml(data, "word/fontTable.xml").find("w:font[@w:name='Times New Roman']", NS)
    assert times.find("w:altName", NS).get(w("val")) == "Liberation Serif"
    assert defaults.find("w:sz", NS).get(w("val")) == "20"  # 10 pt
    assert defaults.find("w:lang", NS).get(w("val")) == "da-DK"
    # Margins from the style.
    margins = xml(data).find(".//w:sectPr/w:pgMar", NS)
    assert margins.get(w("top")) == str(round(2.2 * 567))
    assert margins.get(w("left")) == str(round(2.5 * 567))


def test_standard_style_is_carlito_named_calibri(fast: dict) -> None:
    _document, data = fast[("byraadet-2025-03-10.md", False)]
    styles = xml(data, "word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:rFonts", NS).get(w("ascii")) == "Calibri"
    assert defaults.find("w:sz", NS).get(w("val")) == "21"
    fonts = xml(data, "word/fontTable.xml")
    calibri = fonts.find("w:font[@w:name='Calibri']", NS)
    assert calibri.find("w:altName", NS).get(w("val")) == "Carlito"
    assert fonts.find("w:font[@w:name='Courier New']", NS) is not None  # code
    # No free font's name reaches the document: Word on a municipal PC would substitute.
    for part in ("word/styles.xml", "word/document.xml", "word/fontTable.xml"):
        names = {e.get(w(a)) for e in xml(data, part).iter(w("rFonts"))
                 for a in ("ascii", "hAnsi")} | {
            e.get(w("name")) for e in xml(data, part).iter(w("font"))}
        assert not names & {"Carlito", "Liberation Serif", "Liberation Mono"}, part


@pytest.mark.parametrize("intern", [False, True])
def test_header_footer(fast: dict, intern: bool) -> None:
    _document, data = fast[("byraadet-2025-03-10.md", intern)]
    root = xml(data)
    section = root.find(".//w:sectPr", NS)
    assert section.find("w:titlePg", NS) is not None
    rels = {r.get("Id"): r.get("Target") for r in xml(data, "word/_rels/document.xml.rels")}
    headers = {ref.get(w("type")): xml(data, "word/" + rels[ref.get(f"{{{NS['r']}}}id")])
               for ref in section.findall("w:headerReference", NS)}
    footers = {ref.get(w("type")): xml(data, "word/" + rels[ref.get(f"{{{NS['r']}}}id")])
               for ref in section.findall("w:footerReference", NS)}
    assert set(headers) == set(footers) == {"default", "first"}
    running = text_of(headers["default"])
    assert "Økonomiudvalget 10-03-2025" in running
    assert "Økonomiudvalget" not in text_of(headers["first"])
    for header in headers.values():
        assert (INTERNAL_MARK in text_of(header)) == intern
    for footer in footers.values():
        instructions = [t.text.strip() for t in footer.iter(w("instrText"))]
        assert instructions == ["PAGE", "NUMPAGES"]
        assert text_of(footer).startswith("Side ")
        assert " af " in text_of(footer)


# -- Markdown --------------------------------------------------------------------------------


def num_starts(data: bytes) -> dict[str, tuple[str, int]]:
    """numId -> (abstract format of level 0, start override)."""
    numbering = xml(data, "word/numbering.xml")
    formats = {a.get(w("abstractNumId")): a.find("w:lvl/w:numFmt", NS).get(w("val"))
               for a in numbering.iter(w("abstractNum"))}
    out: dict[str, tuple[str, int]] = {}
    for num in numbering.iter(w("num")):
        abstract = num.find("w:abstractNumId", NS).get(w("val"))
        start = num.find("w:lvlOverride/w:startOverride", NS)
        out[num.get(w("numId"))] = (formats[abstract],
                                    int(start.get(w("val"))) if start is not None else 1)
    return out


def markdown_lists(text: Text) -> list[tuple[bool, int, int, int]]:
    """(ordered, start, items, nesting depth) of every Markdown list of a text, in order."""
    out: list[list[int]] = []
    stack: list[list[int]] = []
    for token in parse(text.markdown, {}):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            ordered = token.type == "ordered_list_open"
            entry = [int(ordered), int(token.attrs.get("start", 1)) if ordered else 1, 0,
                     len(stack)]
            out.append(entry)
            stack.append(entry)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            stack.pop()
        elif token.type == "list_item_open":
            stack[-1][2] += 1
    return [(bool(o), start, items, depth) for o, start, items, depth in out]


def expected_lists(document: Document) -> list[tuple[bool, int, int, int]]:
    """(ordered, start, items, depth) of every list, Markdown and bilag, in document order."""
    out: list[tuple[bool, int, int, int]] = []

    def walk(blocks: tuple[Block, ...]) -> None:
        for block in blocks:
            if block.text is not None and not block.text.is_dash:
                out.extend(markdown_lists(block.text))
            if block.kind == "bilag":
                out.append((False, 1, len(block.bilag), 0))
            walk(block.children)

    for item in document.items:
        walk(item.blocks)
    return out


@pytest.mark.parametrize("example", NAMES)
def test_every_list_is_its_own_word_list(fast: dict, example: str) -> None:
    document, data = fast[(example, True)]
    starts = num_starts(data)
    order: list[str] = []
    members: dict[str, int] = {}
    levels: dict[str, set[int]] = {}
    for p in xml(data).iter(w("p")):
        if style_of(p) not in ("ListBullet", "ListNumber"):
            continue
        num_id = p.find("w:pPr/w:numPr/w:numId", NS).get(w("val"))
        assert (style_of(p) == "ListNumber") == (starts[num_id][0] == "decimal")
        if num_id not in members:
            order.append(num_id)
        members[num_id] = members.get(num_id, 0) + 1
        levels.setdefault(num_id, set()).add(
            int(p.find("w:pPr/w:numPr/w:ilvl", NS).get(w("val"))))
    assert all(len(found) == 1 for found in levels.values())
    got = [(starts[n][0] == "decimal", starts[n][1], members[n], levels[n].pop())
           for n in order]
    # One w:num per list, starting at the list's own first number, at its nesting level.
    assert got == expected_lists(document)


def test_numbered_lists_restart_in_the_markdown_example(fast: dict) -> None:
    _document, data = fast[("byraadet-2025-03-10.md", False)]
    lists: dict[str, list[str]] = {}
    for p in body_paragraphs(xml(data), "ListNumber"):
        lists.setdefault(p.find("w:pPr/w:numPr/w:numId", NS).get(w("val")), []).append(
            text_of(p))
    starts = num_starts(data)
    found = [(starts[n][1], items[0][:25], len(items)) for n, items in lists.items()]
    # Item 3's second decision goes on from "3." as written; the others start at 1.
    assert found == [(1, "tager budgetopfølgningen ", 2), (1, "at lokalplan 1.27 vedtage", 2),
                     (3, "at der etableres en hævet", 2)]


@pytest.fixture(scope="module")
def features(tmp_path_factory: pytest.TempPathFactory) -> tuple[Document, bytes]:
    """The Markdown fixture (every feature once), rendered without LibreOffice."""
    folder = tmp_path_factory.mktemp("features")
    shutil.copy(FIXTURE, folder / "moede.yaml")
    shutil.copy(ROOT / "examples" / "billeder" / "kort.png", folder / "kort.png")
    return render(folder / "moede.yaml", intern=False, libreoffice=False)


def test_markdown_lists(features: tuple[Document, bytes]) -> None:
    _document, data = features
    root = xml(data)
    numbered = body_paragraphs(root, "ListNumber")
    starts = num_starts(data)
    info = [(text_of(p), p.find("w:pPr/w:numPr/w:ilvl", NS).get(w("val")),
             p.find("w:pPr/w:numPr/w:numId", NS).get(w("val"))) for p in numbered]
    assert [t for t, _l, _n in info] == [
        "at punkt tre kommer først", "at punkt fire kommer derefter",
        "en ny liste, der starter forfra", "med to punkter",
        "og en indlejret liste", "med parenteser"]
    assert starts[info[0][2]][1] == 3 and info[0][2] == info[1][2]
    assert starts[info[2][2]][1] == 1 and info[2][2] != info[0][2]
    assert info[4][1] == "1" and info[4][2] not in (info[0][2], info[2][2])
    numbering = xml(data, "word/numbering.xml")
    nested = numbering.find(f"w:num[@w:numId='{info[4][2]}']", NS)
    abstract = nested.find("w:abstractNumId", NS).get(w("val"))
    level = numbering.find(f"w:abstractNum[@w:abstractNumId='{abstract}']/w:lvl[@w:ilvl='1']",
                           NS)
    assert level.find("w:lvlText", NS).get(w("val")) == "%2)"


def test_markdown_inline_formats_and_links(features: tuple[Document, bytes]) -> None:
    _document, data = features
    root = xml(data)
    bullets = body_paragraphs(root, "ListBullet")
    assert [p.find("w:pPr/w:numPr/w:ilvl", NS).get(w("val")) for p in bullets[:2]] == ["0", "1"]
    runs = {text_of(r): r for r in bullets[0].iter(w("r"))}
    assert runs["kursiv"].find("w:rPr/w:i", NS) is not None
    assert runs["fed"].find("w:rPr/w:b", NS) is not None
    assert runs["overstreget"].find("w:rPr/w:strike", NS) is not None
    assert runs["kode"].find("w:rPr/w:rStyle", NS).get(w("val")) == "Kodetegn"
    # Links: an external one through a relationship, one to item 2's bookmark.
    links = list(root.iter(w("hyperlink")))
    anchors = [link.get(w("anchor")) for link in links if link.get(w("anchor"))]
    assert "_Toc_punkt_2" in anchors
    rels = xml(data, "word/_rels/document.xml.rels")
    external = {r.get("Id"): r.get("Target") for r in rels if r.get("TargetMode") == "External"}
    link_ids = [link.get(f"{{{NS['r']}}}id") for link in links]
    assert "https://example.com/side" in [external.get(i) for i in link_ids]


def test_markdown_headings_tables_quotes_pictures(features: tuple[Document, bytes]) -> None:
    _document, data = features
    root = xml(data)
    # `###` under a section heading is Heading 3; the table keeps its shape and alignment.
    assert [text_of(p) for p in body_paragraphs(root, "Heading3")] == ["Tal"]
    table = next(t for t in root.iter(w("tbl")) if t.find("w:tblPr/w:tblStyle", NS) is not None)
    rows = table.findall("w:tr", NS)
    assert len(rows) == 3 and all(len(r.findall("w:tc", NS)) == 3 for r in rows)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert rows[1].find("w:trPr/w:tblHeader", NS) is None
    aligns = [tc.find("w:p/w:pPr/w:jc", NS) for tc in rows[1].findall("w:tc", NS)]
    assert [a.get(w("val")) for a in aligns] == ["left", "right", "center"]
    assert body_paragraphs(root, "Quote") and text_of(body_paragraphs(root, "Quote")[0]) == \
        "Et citat."
    # The picture, with its alt text, scaled into the text width.
    extents = list(root.iter(f"{{{NS['wp']}}}extent"))
    assert len(extents) == 1 and int(extents[0].get("cx")) <= 9355 * 635
    assert next(root.iter(f"{{{NS['wp']}}}docPr")).get("descr") == "Kort over området"
    assert any(n.startswith("word/media/") for n in parts(data))


def test_markdown_footnotes_and_the_closed_item(features: tuple[Document, bytes]) -> None:
    document, data = features
    root = xml(data)
    # Footnotes: real Word footnotes, one per reference, the link inside one of them too.
    notes = xml(data, "word/footnotes.xml")
    real = [n for n in notes.iter(w("footnote")) if int(n.get(w("id"))) > 0]
    assert len(real) == 2 == len(list(root.iter(w("footnoteReference"))))
    assert "Se også planen." in text_of(real[0])
    assert real[0].find(".//w:footnoteRef", NS) is not None
    note_rels = xml(data, "word/_rels/footnotes.xml.rels")
    assert [r.get("Target") for r in note_rels] == ["https://example.com/plan"]
    settings = xml(data, "word/settings.xml")
    assert settings.find("w:footnotePr", NS) is not None
    # The closed item: number, title and case number only.
    assert [text_of(p) for p in body_paragraphs(root, "Heading1")][1] == "Punkt 2: Lukket punkt"
    for name, blob in parts(data).items():
        assert b"SKJULT" not in blob, name
    assert document.items[1].redacted


# -- tables and footnotes of the seeds -----------------------------------------------------


def markdown_headers(document: Document) -> list[bool]:
    """Per Markdown table: whether its header row has any text."""
    out = []
    for text in texts(document):
        tokens = parse(text.markdown, {})
        header = ""
        for index, token in enumerate(tokens):
            if token.type == "table_open":
                header = ""
            elif token.type == "th_open":
                header += tokens[index + 1].content.strip()
            elif token.type == "table_close":
                out.append(bool(header))
    return out


def markdown_tables(document: Document) -> list[tuple[int, int]]:
    out = []
    for text in texts(document):
        tokens = parse(text.markdown, {})
        rows, columns, header_text = 0, 0, ""
        for index, token in enumerate(tokens):
            if token.type == "table_open":
                rows, columns, header_text = 0, 0, ""
            elif token.type == "tr_open":
                rows += 1
                cells = 0
            elif token.type in ("th_open", "td_open"):
                cells += 1
                columns = max(columns, cells)
                if token.type == "th_open":
                    header_text += tokens[index + 1].content.strip()
            elif token.type == "table_close":
                # An empty header row is left out of the Word table.
                out.append((rows if header_text else rows - 1, columns))
    return out


@pytest.mark.parametrize("example", NAMES)
def test_tables_keep_rows_and_columns(fast: dict, example: str) -> None:
    document, data = fast[(example, True)]
    root = xml(data)
    tables = [t for t in root.iter(w("tbl")) if t.find("w:tblPr/w:tblStyle", NS) is not None]
    shapes = []
    headers = markdown_headers(document)
    for table, has_header in zip(tables, headers, strict=True):
        rows = table.findall("w:tr", NS)
        columns = {len(r.findall("w:tc", NS)) for r in rows}
        assert len(columns) == 1
        width = columns.pop()
        assert len(table.findall("w:tblGrid/w:gridCol", NS)) == width
        shapes.append((len(rows), width))
        assert (rows[0].find("w:trPr/w:tblHeader", NS) is not None) == has_header
        assert table.find("w:tblPr/w:tblStyle", NS).get(w("val")) == "TableGrid"
    assert shapes == markdown_tables(document)


#: The seeds' tables as (rows, columns), header row included.
SEED_TABLES = {
    "byraadet-2025-03-10.md": [(6, 5)],
    "htk-direktionen-2014-09-30.yaml": [(11, 2), (4, 2)],
    "htk-direktionen-2018-11-13.yaml": [(4, 3), (11, 5)],
    "htk-direktionen-2020-11-16.yaml": [(5, 11), (12, 4)],
}


def content_tables(data: bytes) -> list[list[list[str]]]:
    """Cell texts of every table from Markdown (the front page's has no table style)."""
    root = xml(data)
    return [[[text_of(tc) for tc in tr.findall("w:tc", NS)] for tr in tbl.findall("w:tr", NS)]
            for tbl in root.iter(w("tbl")) if tbl.find("w:tblPr/w:tblStyle", NS) is not None]


@pytest.mark.parametrize("example", sorted(SEED_TABLES))
def test_seed_tables_keep_their_shape(fast: dict, example: str) -> None:
    _document, data = fast[(example, True)]
    tables = content_tables(data)
    assert [(len(t), len(t[0])) for t in tables] == SEED_TABLES[example]
    if example.startswith("htk-direktionen-2014"):
        # A table whose header row is empty loses that row (it would repeat as a blank,
        # unnamed header on every page), and keeps its two columns.
        assert tables[1][0] == ["Formål:", "Baggrunden for at igangsætte budgetanalyse på "
                                "netop dette område beskrives."]
    if example.startswith("htk-direktionen-2018"):
        assert tables[0][3] == ["Manko", "910.871 kr.", "823.871 kr."]


@pytest.mark.parametrize("example", NAMES)
def test_footnote_count(fast: dict, example: str) -> None:
    document, data = fast[(example, True)]
    expected = sum(1 for text in texts(document) for token in parse(text.markdown, {})
                   for child in token.children or [] if child.type == "footnote_ref")
    references = list(xml(data).iter(w("footnoteReference")))
    assert len(references) == expected
    if expected:
        notes = xml(data, "word/footnotes.xml")
        real = [n for n in notes.iter(w("footnote")) if int(n.get(w("id"))) > 0]
        assert len(real) == expected
        assert sorted(r.get(w("id")) for r in references) == sorted(n.get(w("id")) for n in real)
        assert all(text_of(n).strip() for n in real)
    else:
        assert "word/footnotes.xml" not in parts(data)


def test_seed_footnotes(fast: dict) -> None:
    _document, data = fast[("htk-direktionen-2020-11-16.yaml", False)]
    notes = xml(data, "word/footnotes.xml")
    assert "Albertslund, Ishøj, Vallensbæk, Egedal og Roskilde" in text_of(notes)


# -- closed items, properties, bytes ------------------------------------------------------


def test_sentinel_absent_from_every_part_of_the_public_docx(fast: dict) -> None:
    _document, public = fast[("byraadet-2025-03-10.md", False)]
    _document, internal = fast[("byraadet-2025-03-10.md", True)]
    for name, blob in parts(public).items():
        assert SENTINEL.encode() not in blob, name
        assert b"Stationsvej" not in blob, name
    assert SENTINEL.encode() not in public
    assert any(SENTINEL.encode() in blob for blob in parts(internal).values())


@pytest.mark.parametrize("example", NAMES)
def test_closed_items_show_only_number_title_and_case_number(fast: dict, example: str) -> None:
    document, data = fast[(example, False)]
    internal, _ = fast[(example, True)]
    everything = b"".join(parts(data).values()).decode("utf-8", "replace")
    for public_item, full_item in zip(document.items, internal.items, strict=True):
        if not public_item.closed:
            continue
        assert public_item.redacted and not public_item.blocks
        if full_item.title not in public_item.title:
            assert full_item.title not in everything
        for text in texts(dataclasses.replace(internal, items=(full_item,))):
            for line in text.markdown.splitlines():
                if len(line.strip()) > 25:
                    assert line.strip() not in everything


def test_core_properties_and_no_foreign_names(fast: dict) -> None:
    document, data = fast[("htk-direktionen-2022-09-05.yaml", False)]
    core = xml(data, "docProps/core.xml")
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
          "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}
    assert core.find("dc:title", ns).text == "REFERAT Direktionen d. 05-09-2022"
    assert core.find("dc:creator", ns).text == "Høje-Taastrup Kommune"
    assert core.find("dc:subject", ns).text == "Direktionen"
    assert core.find("dc:language", ns).text == "da-DK"
    # The meeting began 10:00 Danish summer time: 08:00 UTC.
    assert core.find("dcterms:created", ns).text == "2022-09-05T08:00:00Z"
    assert core.find("dcterms:modified", ns).text == "2022-09-05T08:00:00Z"
    app = parts(data)["docProps/app.xml"].decode()
    assert "<Application>referatgen" in app
    for (_example, _intern), (_doc, blob) in fast.items():
        for name, content in parts(blob).items():
            assert b"python-docx" not in content.lower(), name
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2022, 9, 5, 10, 0, 0)}
    assert document.date == dt.date(2022, 9, 5)


def test_two_builds_are_identical(fast: dict, tmp_path: Path) -> None:
    # The shared render is the first build; `build` writes the renderer's bytes as they are.
    for example in EXAMPLES:
        second = build(example, ["docx"], tmp_path / "b", FAST)[0]
        assert fast[(example.name, False)][1] == second.read_bytes(), example.name


def test_dagsorden_has_no_decisions() -> None:
    _document, data = render(ROOT / "examples" / "htk-direktionen-2022-09-05.yaml",
                             som="dagsorden", libreoffice=False)
    root = xml(data)
    assert text_of(body_paragraphs(root, "Title")[0]).startswith("DAGSORDEN Direktionen")
    headings = [text_of(p) for p in body_paragraphs(root, "Heading2")]
    assert headings and not any(h.startswith("Beslutning") for h in headings)


def test_estimate_without_libreoffice_asks_word_to_update(
        capsys: pytest.CaptureFixture[str]) -> None:
    document, rendered = render_full(MD_EXAMPLE, libreoffice=False)
    data = rendered.data
    settings = xml(data, "word/settings.xml")
    assert settings.find("w:updateFields", NS).get(w("val")) == "true"
    # The renderer prints nothing: it returns the notice for its caller to show.
    assert capsys.readouterr().err == ""
    [notice] = rendered.warnings
    assert (notice.path, notice.line, notice.column, notice.severity, notice.rule) == (
        document.source_name, 1, 1, "warning", "docx-toc-estimate")
    assert "skøn" in notice.message and "--no-libreoffice" in notice.message
    assert notice.rule in BUILD_RULES
    numbers = [toc_number(p) for p in body_paragraphs(xml(data), "TOC1")]
    assert numbers == sorted(numbers) and numbers[0] == 3


def test_missing_libreoffice_is_said_once(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    _document, rendered = render_full(MD_EXAMPLE, libreoffice=True)
    data = rendered.data
    assert capsys.readouterr().err == ""
    assert [d.rule for d in rendered.warnings] == ["docx-toc-estimate"]
    assert "ikke installeret" in rendered.warnings[0].message
    assert xml(data, "word/settings.xml").find("w:updateFields", NS) is not None


def test_image_outside_the_allowed_folders_is_skipped(
        capsys: pytest.CaptureFixture[str]) -> None:
    document, _ = prepare(MD_EXAMPLE, FAST)
    outside = ROOT / "pyproject.toml"
    assert outside.is_file()
    first = document.items[0].blocks[0].text
    bad = dataclasses.replace(first, markdown="Tekst\n\n![a](../pyproject.toml) "
                              "![b](https://example.com/x.png) ![c](/etc/hostname)")
    rendered = render_docx(with_first_text(document, bad), FAST.docx)
    data = rendered.data
    assert capsys.readouterr().err == ""
    images = [d for d in rendered.warnings if d.rule == "image-outside"]
    assert [d.message.split("'")[1] for d in images] == [
        "../pyproject.toml", "https://example.com/x.png", "/etc/hostname"]
    assert all(d.message.startswith("billedet '") and d.path == document.source_name
               for d in images)
    # Each warning points at its image's destination in the meeting file (third line).
    line = bad.markdown.splitlines()[2]
    expected = [bad.position(2, line.find(src)) for src in
                ("../pyproject.toml", "https://example.com/x.png", "/etc/hostname")]
    assert [(d.line, d.column) for d in images] == [(p.line, p.column) for p in expected]
    root = xml(data)
    # Only the example's own picture (item 3's map) is in the package.
    assert len(list(root.iter(f"{{{NS['wp']}}}inline"))) == 1
    assert [n for n in parts(data) if n.startswith("word/media/")] == ["word/media/image1.png"]
    assert parts(data)["word/media/image1.png"] == (
        ROOT / "examples" / "billeder" / "kort.png").read_bytes()
    assert "[a]" in text_of(root) and "[c]" in text_of(root)


def test_control_characters_do_not_break_the_document() -> None:
    document, _ = prepare(MD_EXAMPLE, FAST)
    odd = dataclasses.replace(document.items[0].blocks[0].text,
                              markdown="Tekst\x0bmed\x01styretegn\tog tab")
    data = render_docx(with_first_text(document, odd), FAST.docx).data
    assert "Tekstmedstyretegn" in text_of(xml(data))


def test_bad_docx_setting_is_a_clear_error() -> None:
    from referatgen.render._docx_styles import word_style

    document, _ = prepare(MD_EXAMPLE, FAST)
    for docx_settings, words in (({"skriftstørrelse": "stor"}, "positivt tal"),
                                 ({"farve_link": "blå"}, "farve"),
                                 ({"margen_cm": [1, 2]}, "fire tal"),
                                 ({"skrifstørrelse": 10}, "Ukendt nøgle")):
        style = dataclasses.replace(document.style, docx=docx_settings)
        with pytest.raises(ReferatgenError, match=words):
            word_style(style)


# -- with LibreOffice ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, bool], Path]:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) er ikke installeret: kan ikke opmåle sider")
    out = tmp_path_factory.mktemp("docx")
    return {(p.name, intern): build(p, ["docx"], out, BuildOptions.make(intern=intern))[0]
            for p in EXAMPLES for intern in (False, True)}


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("intern", [False, True])
@pytest.mark.parametrize("example", NAMES)
def test_toc_numbers_are_the_printed_pages(measured: dict, example: str, intern: bool,
                                           tmp_path: Path) -> None:
    path = measured[(example, intern)]
    data = path.read_bytes()
    document, _ = prepare(ROOT / "examples" / example, BuildOptions.make(intern=intern))
    # Measured numbers are exact: Word must not be told to refresh them.
    assert xml(data, "word/settings.xml").find("w:updateFields", NS) is None
    cached = {}
    for entry, item in zip(body_paragraphs(xml(data), "TOC1"), document.items, strict=True):
        cached[item.number] = toc_number(entry)
    copy = tmp_path / path.name
    copy.write_bytes(data)
    pages = page_texts(libreoffice_pdf(copy, tmp_path / "profile"))
    printed = printed_heading_pages(pages, document)
    assert printed == cached
    assert cached[document.items[0].number] == 3
    # And LibreOffice prints the cached numbers as they are, on the TOC page.
    toc_text = "\n".join(pages[:cached[document.items[0].number] - 1])
    # One line per item: the title (no "Punkt N:"), the leader, the page.
    lines = [m for m in re.finditer(r"^(.+?)\.{3,}\s*(\d+)\s*$", toc_text, re.M)]
    assert [int(m[2]) for m in lines] == [cached[i.number] for i in document.items]
    for match, item in zip(lines, document.items, strict=True):
        assert not match[1].startswith("Punkt"), match[0]
        assert item.title.startswith(match[1].rstrip("…. ").rstrip("…")), match[0]


@needs_soffice
@pytest.mark.slow
def test_printed_lists_restart(measured: dict, tmp_path: Path) -> None:
    copy = tmp_path / "byraadet.docx"
    copy.write_bytes(measured[("byraadet-2025-03-10.md", False)].read_bytes())
    text = "\n".join(page_texts(libreoffice_pdf(copy, tmp_path / "profile")))
    assert re.search(r"3\.\s*at der etableres en hævet flade", text)
    assert re.search(r"4\.\s*at trafikken på Engvej", text)
    assert re.search(r"1\.\s*at lokalplan 1\.27", text)
    assert re.search(r"1\.\s*tager budgetopfølgningen", text)


@needs_soffice
@pytest.mark.slow
def test_measured_builds_are_identical(measured: dict, tmp_path: Path) -> None:
    first = measured[(MD_EXAMPLE.name, False)]
    second = build(MD_EXAMPLE, ["docx"], tmp_path / "b")[0]
    assert first.read_bytes() == second.read_bytes()


def test_logo_of_a_style_in_the_headers(tmp_path: Path) -> None:
    logo = (ROOT / "examples" / "billeder" / "kort.png").read_bytes()
    (tmp_path / "kort.png").write_bytes(logo)

    def with_style(name: str, logo_name: str, files: dict[str, bytes]) -> bytes:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "style.yaml").write_text(
            f"navn: {name}\nextends: standard\nlogo: {logo_name}\n", "utf-8")
        for file_name, content in files.items():
            (folder / file_name).write_bytes(content)
        meeting = tmp_path / f"{name}.yaml"
        meeting.write_text(FIXTURE.read_text("utf-8").replace("stil: standard",
                                                              f"stil: ./{name}"), "utf-8")
        return render(meeting, libreoffice=False)[1]

    def header_pictures(data: bytes) -> list[int]:
        return [len(list(xml(data, n).iter(f"{{{NS['wp']}}}inline")))
                for n in sorted(parts(data)) if re.fullmatch(r"word/header\d+\.xml", n)]

    data = with_style("png", "logo.png", {"logo.png": logo})
    assert header_pictures(data) == [1, 1]
    for name in parts(data):
        if re.fullmatch(r"word/header\d+\.xml", name):
            rels = xml(data, name.replace("word/", "word/_rels/") + ".rels")
            targets = [r.get("Target") for r in rels]
            assert len(targets) == 1 and parts(data)["word/" + targets[0]] == logo
    svg = b"<svg xmlns='http://www.w3.org/2000/svg'/>"
    # An SVG logo (Word needs a raster) is left out rather than failing the build...
    assert header_pictures(with_style("svg", "logo.svg", {"logo.svg": svg})) == [0, 0]
    # ... unless a PNG of the same name stands next to it.
    twin = with_style("twin", "logo.svg", {"logo.svg": svg, "logo.png": logo})
    assert header_pictures(twin) == [1, 1]


def test_the_style_font_is_the_word_font() -> None:
    from referatgen.render._docx_styles import word_style

    document, _ = prepare(MD_EXAMPLE, FAST)
    shared = dataclasses.replace(document.style, font="Caladea", docx={"skriftstørrelse": 11})
    assert (word_style(shared).font, word_style(shared).heading_font) == ("Caladea", "Caladea")
    own = dataclasses.replace(shared, docx={"skrifttype": "Carlito",
                                            "overskrift_skrifttype": "Liberation Sans"})
    # A shipped family is named as its `skrifter` entry says Word knows it.
    assert (word_style(own).font, word_style(own).heading_font) == ("Calibri", "Liberation Sans")
    assert word_style(own).mono_font == "Courier New"
    renamed = dataclasses.replace(own, fonts=tuple(
        dataclasses.replace(f, word="Kommune Sans") if f.name == "Carlito" else f
        for f in own.fonts))
    assert word_style(renamed).font == "Kommune Sans"
