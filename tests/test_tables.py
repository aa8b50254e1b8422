"""Tables that always fit: wide tables in the PDF and the DOCX, numbers kept whole, a
table without a header row. Text is read back page by page, positions with pdfplumber."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from referatgen._api import build, prepare
from referatgen.render.html import render_html

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MM = 72 / 25.4


def _row(cells: list[str]) -> str:
    return "      | " + " | ".join(cells) + " |"


def _table(head: list[str], body: list[list[str]]) -> str:
    return "\n".join([_row(head), "      |" + "---|" * len(head), *map(_row, body)])


#: Item title -> (table, the type size the PDF should step down to, landscape or not).
TABLES = {
    "Ni kolonner": (_table(["Regnskab"] * 9, [["1.034.712,5"] * 8 + ["16-11-2020"]] * 3), 8, False),
    "Ti kolonner": (_table(["Regnskab"] * 10, [["- 1,0"] + ["1.034.712,5"] * 9] * 3), 7, False),
    "Elleve kolonner": (_table(["Omegnskommuner"] * 11,
                               [["Omegnskommuner 1.034.712,5"] * 11] * 3), 7, True),
}
BARE = _table(["", ""], [["Formål:", "Baggrunden for analysen"], ["Tidsplan:", "16-11-2020"]])


def _meeting(folder: Path) -> Path:
    items = [f"  - titel: {title}\n    beslutning: |\n      Før tabellen.\n\n{table}\n\n"
             "      Efter tabellen.\n" for title, (table, _, _) in TABLES.items()]
    items.append(f"  - titel: Uden overskrift\n    beslutning: |\n{BARE}\n")
    meeting = folder / "tabeller.yaml"
    meeting.write_text("organ: Udvalget\ndato: 2024-01-15\npunkter:\n" + "".join(items), "utf-8")
    return meeting


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tabeller")
    meeting = _meeting(folder)
    paths = build(meeting, ["pdf", "docx"], folder / "ud")
    return {p.suffix: p for p in paths} | {"meeting": meeting}


def _cells(table: str) -> list[str]:
    return [c.strip() for line in table.splitlines() if "---" not in line
            for c in line.strip().strip("|").split("|") if c.strip()]


def _table_pages(pdf: object, title: str) -> list[object]:
    """The pages from the item's heading up to the text after its table."""
    pages = pdf.pages  # type: ignore[attr-defined]
    start = next(i for i, p in enumerate(pages) if f": {title}" in (p.extract_text() or ""))
    end = next(i for i in range(start, len(pages))
               if "Efter tabellen." in (pages[i].extract_text() or ""))
    return pages[start:end + 1]


@pytest.mark.parametrize("title", sorted(TABLES))
def test_pdf_table_fits_with_every_cell_whole(built: dict[str, Path], title: str) -> None:
    import pdfplumber

    table, size, landscape = TABLES[title]
    with pdfplumber.open(built[".pdf"]) as pdf:
        pages = _table_pages(pdf, title)
        body = [p for p in pages if any(round(c["size"]) == size for c in p.chars)]
        assert body, f"no page sets the table in {size} pt"
        for page in pages:
            # Every character on the paper and inside the text block (margins 25 and 20 mm).
            for char in page.chars:
                assert char["x0"] >= 25 * MM - 1 and char["x1"] <= page.width - 20 * MM + 1, char
        text = " ".join(p.extract_text(x_tolerance=1) or "" for p in body)
        lines = {line for p in body for line in (p.extract_text(x_tolerance=1) or "").splitlines()}
        for cell in _cells(table):
            # A number is never split across lines; a cell of words breaks only between them.
            words = cell.replace("- ", "-").split()
            for number in (w for w in words if any(c.isdigit() for c in w)):
                assert any(number.replace("-", "- ", 1) in line or number in line
                           for line in lines), number
            assert all(word in text for word in cell.split()), cell
        table_chars = [c for p in body for c in p.chars if c["text"] in "1.034.712,5Regnskab"
                       and c["top"] > 30 * MM and c["bottom"] < p.height - 25 * MM]
        sizes = Counter(round(c["size"]) for c in table_chars)
        assert sizes.most_common(1)[0][0] == size
    turned = [p.width > p.height for p in body]
    assert all(turned) if landscape else not any(turned)
    if landscape:
        # A page of its own: the text before and after the table is on portrait pages.
        assert "Før tabellen." not in (body[0].extract_text() or "")
        assert pages[-1].width < pages[-1].height


def test_pdf_table_without_header_row(built: dict[str, Path]) -> None:
    from .pdfutil import pages_text

    page = next(t for t in pages_text(built[".pdf"]) if "Uden overskrift" in t.splitlines()[1])
    lines = page.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Beslutning")))
    assert lines[start + 1].startswith("Formål: Baggrunden")


def test_html_table_without_header_row(built: dict[str, Path]) -> None:
    document, _ = prepare(built["meeting"])
    html = render_html(document, "screen")
    bare = html[html.index("Formål:") - 300:html.index("Formål:")]
    assert "<thead" not in bare and "<th scope=\"col\"" not in bare


def _docx_body(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml")).find(f"{W}body")


def _tables(body: etree._Element) -> list[etree._Element]:
    return [t for t in body.iter(f"{W}tbl") if t.find(f"{W}tblPr/{W}tblStyle") is not None]


def _text(element: etree._Element) -> str:
    return "".join("-" if e.tag == f"{W}noBreakHyphen" else (e.text or "")
                   for e in element.iter(f"{W}t", f"{W}noBreakHyphen"))


def test_docx_tables_step_down_and_turn(built: dict[str, Path]) -> None:
    import docx

    body = _docx_body(built[".docx"])
    tables = _tables(body)
    sizes = [{s.get(f"{W}val") for s in t.iter(f"{W}sz")} for t in tables]
    # 9 columns: 8 pt on the portrait page; 10: 7 pt; 11: a landscape section at a size
    # that fits there; no size set on the header-less table (the style's 9 pt).
    assert sizes[:2] == [{"16"}, {"14"}]
    assert sizes[3] == set()
    sections = docx.Document(str(built[".docx"])).sections
    assert [s.orientation for s in sections] == [0, 1, 0]
    assert sections[1].page_width > sections[1].page_height
    assert sections[0].different_first_page_header_footer
    assert not sections[2].different_first_page_header_footer
    # The landscape section holds the 11-column table and ends right after it.
    turned = tables[2].getnext()
    assert turned.find(f"{W}pPr/{W}sectPr/{W}pgSz").get(f"{W}orient") == "landscape"


def test_docx_widths_follow_the_content(built: dict[str, Path]) -> None:
    from referatgen.render._docx_styles import word_style

    document, _ = prepare(built["meeting"])
    ws = word_style(document.style)
    for table in _tables(_docx_body(built[".docx"])):
        widths = [int(g.get(f"{W}w")) for g in table.iter(f"{W}gridCol")]
        room = ws.landscape_width if table is _tables(_docx_body(built[".docx"]))[2] else None
        assert sum(widths) <= (room or ws.landscape_width)
    bare = _tables(_docx_body(built[".docx"]))[3]
    label, text = (int(g.get(f"{W}w")) for g in bare.iter(f"{W}gridCol"))
    # "Formål:" needs less room than "Baggrunden for analysen": not equal widths.
    assert label < text
    assert sum((label, text)) < ws.text_width


def test_docx_numbers_whole_and_space_after_tables(built: dict[str, Path]) -> None:
    body = _docx_body(built[".docx"])
    first = _tables(body)[1]
    cell = first.findall(f"{W}tr")[1].findall(f"{W}tc")[0]
    # "- 1,0": the sign's space a no-break space, the hyphen a no-break hyphen.
    assert _text(cell) == "-\u00a01,0"
    assert cell.find(f".//{W}noBreakHyphen") is not None
    after = first.getnext()
    assert _text(after) == "Efter tabellen."
    assert after.find(f"{W}pPr/{W}spacing").get(f"{W}before") == "170"


def test_docx_table_without_header_row(built: dict[str, Path]) -> None:
    bare = _tables(_docx_body(built[".docx"]))[3]
    rows = bare.findall(f"{W}tr")
    assert len(rows) == 2
    assert bare.find(f".//{W}tblHeader") is None
    assert bare.find(f"{W}tblPr/{W}tblLook").get(f"{W}firstRow") == "0"
    assert _text(rows[0]).startswith("Formål:")


@pytest.mark.parametrize(("columns", "cut"), [(16, False), (400, True)])
def test_the_last_resort_is_said_and_breaks_numbers_too(
        tmp_path: Path, columns: int, cut: bool) -> None:
    """16 columns of long numbers: too wide for a landscape page even at 7 pt, so numbers
    break too (they never do before), every character stays on the paper, and the build
    says so. 400 columns cannot fit at all: the warning names the page cut short."""
    import pdfplumber

    from referatgen._api import build_with_warnings

    table = _table(["Konto"] * columns, [["-1.234.567,89"] * columns] * 2)
    meeting = tmp_path / "bred.yaml"
    meeting.write_text("organ: Udvalget\ndato: 2024-01-15\npunkter:\n  - titel: Bred\n"
                       f"    beslutning: |\n{table}\n", "utf-8")
    paths, warnings = build_with_warnings(meeting, ["pdf"], tmp_path / "ud")
    messages = [d.message for d in warnings if d.rule == "table-too-wide"]
    assert any("brudt midt i" in m for m in messages), warnings
    assert any("skåret af" in m for m in messages) == cut, messages
    if not cut:
        with pdfplumber.open(paths[0]) as pdf:
            for page in pdf.pages:
                assert all(c["x0"] >= 0 and c["x1"] <= page.width for c in page.chars)


def test_a_table_the_fonts_show_too_wide_is_laid_out_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """htk-2020's 11-column table is too wide at htk's 10 pt: the fonts' widths say so
    before the layout, so it is laid out once at 9 pt, and the PDF is the very file the
    measure-and-lay-out-again path makes."""
    from referatgen.render import _table_fit

    example = Path(__file__).resolve().parents[1] / "examples" / "htk-direktionen-2020-11-16.yaml"
    checked: list[dict[int, int]] = []
    measure = _table_fit.next_steps

    def counted(pages: list[object], steps: dict[int, int]) -> dict[int, int]:
        checked.append(dict(steps))
        return measure(pages, steps)  # type: ignore[arg-type]

    monkeypatch.setattr(_table_fit, "next_steps", counted)
    once = build(example, ["pdf"], tmp_path / "en")[0].read_bytes()
    assert checked == [{0: 1}]  # one layout, already at the 9 pt step
    monkeypatch.setattr(_table_fit, "predicted", lambda document, html: {})
    checked.clear()
    twice = build(example, ["pdf"], tmp_path / "to")[0].read_bytes()
    assert checked == [{}, {0: 1}]
    assert once == twice
