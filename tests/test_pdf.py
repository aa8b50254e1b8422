"""The PDF, read back: TOC numbers, page 1, outline, footnotes, versions, safety, bytes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pypdf
import pytest

from referatgen._api import BuildOptions, build, build_with_warnings, prepare
from referatgen.vocabulary import INTERNAL_MARK

from .pdfutil import all_decoded_bytes, heading_pages, outline, pages_text, toc_entries

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".md"))
SENTINEL = "HEMMELIG-SENTINEL-7731"
MD_EXAMPLE = ROOT / "examples" / "byraadet-2025-03-10.md"


# With test_pdf_ua.py on one worker, which builds the examples once (conftest.py).
pytestmark = pytest.mark.xdist_group("pdf")


@pytest.fixture(scope="module")
def built(example_pdfs: dict[str, Path]) -> dict[str, Path]:
    return example_pdfs


@pytest.fixture(scope="module")
def internal(internal_pdf: Path) -> Path:
    """The Markdown example's internal version, shared by the tests that read it."""
    return internal_pdf


@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_toc_numbers_are_the_pages_of_the_headings(built: dict[str, Path], example: str) -> None:
    texts = pages_text(built[example])
    document, _ = prepare(ROOT / "examples" / example)
    entries = toc_entries(texts)
    headings = heading_pages(texts)
    # A title's own final period merges with the dotted leader in the extracted text.
    assert [t.rstrip(".") for t, _ in entries] == [i.title.rstrip(".") for i in document.items]
    for item, (_title, page) in zip(document.items, entries, strict=True):
        assert headings[item.number] == page, item.heading
    # The layout of the seeds: front page, TOC page, first item on page 3.
    assert headings[document.items[0].number] == 3


@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_outline_has_exactly_one_entry_per_item(built: dict[str, Path], example: str) -> None:
    document, _ = prepare(ROOT / "examples" / example)
    texts = pages_text(built[example])
    headings = heading_pages(texts)
    assert outline(built[example]) == [(i.heading, headings[i.number]) for i in document.items]


def test_front_page(built: dict[str, Path]) -> None:
    first = pages_text(built["htk-direktionen-2022-09-05.yaml"])[0]
    assert first.splitlines()[0] == "REFERAT Direktionen d. 05-09-2022"
    assert "Mødedato Mandag d. 05. september 2022 kl. 10:00" in first
    assert "Mødested Mødelokale B105" in first
    assert "Kathrine Seier Skastrup" in first
    assert "Direktionen 05-09-2022" not in first  # the running header starts on page 2


def test_roles_and_afbud_on_the_front_page(built: dict[str, Path]) -> None:
    first = " ".join(pages_text(built[MD_EXAMPLE.name])[0].split())
    assert "(sekretær)" in first
    assert "Afbud" in first


def test_header_and_footer(built: dict[str, Path]) -> None:
    texts = pages_text(built["htk-direktionen-2018-11-13.yaml"])
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"Side {number} af {total}" in text
        if number > 1:
            assert "Direktionen 13-11-2018" in text


def test_sections_in_the_style_order(built: dict[str, Path]) -> None:
    text = "\n".join(pages_text(built["kalundborg-direktionen-2022-08-29.yaml"]))
    punkt2 = text[text.index("Punkt 2:"): text.index("Punkt 3:")]
    order = ["Beslutning", "Sagsfremstilling", "Resume og sagens baggrund", "Indstillinger",
             "Behandling", "Økonomiske konsekvenser", "Bilag"]
    positions = [punkt2.index(h) for h in order]
    assert positions == sorted(positions)
    assert "Punkt 5: Lukket: Orientering om sager på vej til udvalgsbehandling" in text


def test_htk_decision_heading_carries_organ_and_date(built: dict[str, Path]) -> None:
    text = "\n".join(pages_text(built["htk-direktionen-2022-09-05.yaml"]))
    assert "Beslutning Direktionen den 05-09-2022" in text
    assert "Punkt 2: Lukket\n21/12763" in text


def _footnotes(source: str) -> list[str]:
    return [line.strip().split(":", 1)[1].strip() for line in source.splitlines()
            if line.strip().startswith("[^")]


@pytest.mark.parametrize("name", ["byraadet-2025-03-10.md", "htk-direktionen-2020-11-16.yaml"])
def test_every_footnote_is_printed_once(built: dict[str, Path], name: str) -> None:
    notes = _footnotes((ROOT / "examples" / name).read_text("utf-8"))
    assert notes
    texts = [" ".join(t.split()) for t in pages_text(built[name])]
    for note in notes:
        start = " ".join(note.split())[:40]
        # A note lost to the @footnote area would be missing; a note left inline would
        # not be preceded by its number at the foot of the page.
        assert sum(t.count(start) for t in texts) == 1, start
    markers = sum(len(__import__("re").findall(r"(?:^|\s)\d\. ", t)) for t in texts)
    assert markers >= len(notes)


def test_footnote_text_stands_on_the_page_of_the_call(built: dict[str, Path]) -> None:
    texts = pages_text(built[MD_EXAMPLE.name])
    source = MD_EXAMPLE.read_text("utf-8")
    note = next(line for line in source.splitlines() if line.startswith("[^"))
    note_text = " ".join(note.split(":", 1)[1].split())[:30]
    pages = [i for i, t in enumerate(texts) if note_text in " ".join(t.split())]
    assert len(pages) == 1
    call_line = next(line for line in source.splitlines()
                     if "[^" in line and not line.startswith("[^"))
    words = call_line.split("[^")[0].split()[-3:]
    assert " ".join(words) in " ".join(texts[pages[0]].split())


def test_public_version_has_no_closed_content(built: dict[str, Path]) -> None:
    path = built[MD_EXAMPLE.name]
    assert SENTINEL not in "\n".join(pages_text(path))
    assert SENTINEL.encode() not in all_decoded_bytes(path)
    reader = pypdf.PdfReader(path)
    assert all(SENTINEL not in str(v) for v in (reader.metadata or {}).values())
    assert all(SENTINEL not in title for title, _ in outline(path))


def test_internal_version_has_it_and_is_marked_on_every_page(internal: Path) -> None:
    path = internal
    assert path.name == "byraadet-2025-03-10-intern.pdf"
    texts = pages_text(path)
    assert SENTINEL in "\n".join(texts)
    assert all(INTERNAL_MARK in text for text in texts)


def test_closed_item_bilag_and_closed_bilag_are_not_attached(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    (folder / "bilag").mkdir(parents=True)
    for name in ("aaben.pdf", "hemmelig.pdf", "lukketbilag.pdf"):
        shutil.copy(ROOT / "examples" / "bilag" / "budgetnotat-2025.pdf", folder / "bilag" / name)
    meeting = folder / "m.yaml"
    meeting.write_text(
        "organ: Udvalget\ndato: 2024-01-15\npunkter:\n"
        "  - titel: Åbent punkt\n    beslutning: Godkendt.\n    bilag:\n"
        "      - titel: Åbent bilag\n        fil: bilag/aaben.pdf\n"
        "      - titel: SKJULT-BILAGSTITEL\n        fil: bilag/lukketbilag.pdf\n"
        "        lukket: true\n"
        "  - titel: SKJULT-TITEL\n    lukket: true\n    bilag:\n"
        "      - titel: Hemmeligt bilag\n        fil: bilag/hemmelig.pdf\n",
        "utf-8",
    )
    public = build(meeting, ["pdf"], tmp_path / "pub")[0]
    reader = pypdf.PdfReader(public)
    assert list(reader.attachments) == ["aaben.pdf"]
    text = "\n".join(pages_text(public))
    assert "Lukket bilag" in text
    assert "SKJULT" not in text and b"SKJULT" not in all_decoded_bytes(public)
    internal = build(meeting, ["pdf"], tmp_path / "int", BuildOptions.make(intern=True))[0]
    assert sorted(pypdf.PdfReader(internal).attachments) == [
        "aaben.pdf", "hemmelig.pdf", "lukketbilag.pdf"]


def test_images_outside_the_folder_are_not_fetched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "link.png").symlink_to("/etc/passwd")
    meeting = folder / "m.yaml"
    meeting.write_text(
        "organ: Udvalget\ndato: 2024-01-15\npunkter:\n  - titel: Billeder\n    beslutning: |\n"
        "      ![a](/etc/passwd) ![b](../../../../../../etc/passwd) ![c](link.png)\n"
        "      ![d](file:///etc/passwd) ![e](http://127.0.0.1:9/x.png)\n",
        "utf-8",
    )
    # The check refuses the file; render it anyway, as a caller of the API could.
    from referatgen.check import check_file
    from referatgen.plan import plan
    from referatgen.render.pdf import render_pdf

    result = check_file(meeting)
    assert {d.rule for d in result.diagnostics} >= {"bilag-outside"}
    assert result.meeting is not None and result.style is not None
    rendered = render_pdf(plan(result.meeting, result.style), BuildOptions().pdf)
    data = rendered.data
    # Every image is left out with a warning at its line of the file; none printed.
    # (markdown-it does not make an image of a file: URL at all.)
    assert capsys.readouterr().err == ""
    assert [(d.rule, d.line) for d in rendered.warnings] == [("image-outside", 6)] * 3 + [
        ("image-outside", 7)]
    out = tmp_path / "out.pdf"
    out.write_bytes(data)
    assert b"root:" not in all_decoded_bytes(out)
    with pikepdf.open(out) as pdf:
        assert not any(
            isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image" for o in pdf.objects)


def test_same_input_same_bytes(built: dict[str, Path], tmp_path: Path) -> None:
    first = built[MD_EXAMPLE.name].read_bytes()
    second = build(MD_EXAMPLE, ["pdf"], tmp_path / "b")[0].read_bytes()
    assert first == second


def test_dagsorden_has_no_decisions(tmp_path: Path) -> None:
    example = ROOT / "examples" / "htk-direktionen-2022-09-05.yaml"
    path = build(example, ["pdf"], tmp_path, BuildOptions.make(som="dagsorden"))[0]
    assert path.name == "htk-direktionen-2022-09-05-dagsorden.pdf"
    texts = pages_text(path)
    assert texts[0].startswith("DAGSORDEN Direktionen d. 05-09-2022")
    assert "Beslutning" not in "\n".join(texts)
    assert "Direktionen drøftede" not in "\n".join(texts)


def test_archive_grade(built: dict[str, Path]) -> None:
    path = built["htk-direktionen-2022-09-05.yaml"]
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert bool(root.MarkInfo.Marked)
        assert str(root.Lang) == "da"
        assert bool(root.ViewerPreferences.DisplayDocTitle)
        xmp = pdf.open_metadata()
        assert xmp.get("pdfaid:part") == "3"
        assert xmp.get("pdfaid:conformance") == "B"
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0] if descendants else font).FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    info = pypdf.PdfReader(path).metadata
    assert info is not None
    assert info["/Title"] == "REFERAT Direktionen d. 05-09-2022"
    assert info["/Author"] == "Høje-Taastrup Kommune"
    assert "Direktionen" in info["/Subject"]


def test_long_tables_repeat_their_header_row(tmp_path: Path) -> None:
    rows = "\n".join(f"      | Række {n} | {n},5 |" for n in range(1, 90))
    meeting = tmp_path / "t.yaml"
    meeting.write_text(
        "organ: Udvalget\ndato: 2024-01-15\npunkter:\n  - titel: Tabel\n    beslutning: |\n"
        "      | Måned | Beløb (mio. kr.) |\n      |---|---:|\n" + rows + "\n", "utf-8")
    texts = pages_text(build(meeting, ["pdf"], tmp_path)[0])
    pages_with_rows = [t for t in texts if "Række " in t]
    assert len(pages_with_rows) >= 2
    assert all("Beløb (mio. kr.)" in t for t in pages_with_rows)
    assert "89,5" in texts[-1]


def test_numbered_lists_keep_their_start(tmp_path: Path) -> None:
    meeting = tmp_path / "l.yaml"
    meeting.write_text(
        "organ: Udvalget\ndato: 2024-01-15\npunkter:\n  - titel: Lister\n    beslutning: |\n"
        "      1. første\n      2. anden\n\n      Et afsnit.\n\n      3. tredje\n      4. fjerde\n",
        "utf-8")
    text = pages_text(build(meeting, ["pdf"], tmp_path)[0])[2]
    markers = [m for m in text.split() if m.rstrip(".").isdigit() and m.endswith(".")]
    assert markers == ["1.", "2.", "3.", "4."]


def test_variant_none_gives_a_plain_pdf(tmp_path: Path) -> None:
    path = build(MD_EXAMPLE, ["pdf"], tmp_path, BuildOptions.make(pdf_variant=None))[0]
    with pikepdf.open(path) as pdf:
        assert pdf.open_metadata().get("pdfaid:part") is None


def test_a_missing_font_is_returned_by_every_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    style = tmp_path / "min-stil"
    style.mkdir()
    (style / "style.yaml").write_text(
        "extends: standard\nskrifttype: Findes Ikke Sans\ncss: [min.css]\n", "utf-8")
    (style / "min.css").write_text('html { font-family: "Findes Ikke Sans", serif; }\n', "utf-8")
    meeting = tmp_path / "m.yaml"
    meeting.write_text(
        "organ: Udvalget\ndato: 2024-01-15\nstil: ./min-stil\npunkter:\n"
        "  - titel: Et punkt\n    beslutning: Godkendt.\n", "utf-8")
    # Not once per process: a worker renders many meetings, and its caller says it once.
    runs = [build_with_warnings(meeting, ["pdf"], tmp_path / out)[1] for out in ("a", "b")]
    assert capsys.readouterr().err == ""  # the renderer prints nothing
    fonts = [[d for d in warnings if d.rule == "missing-font"] for warnings in runs]
    if not any(fonts):
        pytest.skip("fontconfig (fc-list) is not available to tell which fonts exist")
    for found in fonts:
        assert [(d.path, d.line, d.column, d.severity) for d in found] == [
            (str(meeting), 1, 1, "warning")]
        assert "skrifttypen 'Findes Ikke Sans' er ikke installeret" in found[0].message
    assert "Side 1 af" in pages_text(tmp_path / "a" / "m.pdf")[0]  # built with a fallback


def test_internal_version_marks_closed_items(built: dict[str, Path], internal: Path) -> None:
    texts = pages_text(internal)
    closed = next(t for t in texts if SENTINEL in t)
    assert "Lukket punkt" in closed.splitlines()[:4]
    public = pages_text(built[MD_EXAMPLE.name])
    assert not any("Lukket punkt\n" in t.split("Punkt 4:", 1)[-1][:80] and SENTINEL in t
                   for t in public)


def test_a_styles_logo_is_on_the_front_page(tmp_path: Path) -> None:
    style = tmp_path / "med-logo"
    style.mkdir()
    shutil.copy(ROOT / "examples" / "billeder" / "kort.png", style / "logo.png")
    (style / "style.yaml").write_text(
        "extends: standard\nkommune: Logo Kommune\nlogo: logo.png\n", "utf-8")
    meeting = tmp_path / "m.yaml"
    meeting.write_text("organ: Udvalget\ndato: 2024-01-15\nstil: ./med-logo\npunkter:\n"
                       "  - titel: Et punkt\n    beslutning: Godkendt.\n", "utf-8")
    path = build(meeting, ["pdf"], tmp_path / "ud")[0]
    with pikepdf.open(path) as pdf:
        names = [str(k).encode() for k, v in pdf.pages[0].Resources.XObject.items()
                 if v.get("/Subtype") == "/Image"]
        assert len(names) == 1
        # Pages share one resource dictionary; what a page draws is in its content.
        drawn = [names[0] + b" Do" in page.Contents.read_bytes() for page in pdf.pages]
        assert drawn == [True] + [False] * (len(pdf.pages) - 1)
    assert "Logo Kommune" in pages_text(path)[0]


@pytest.mark.parametrize("example", ["htk-direktionen-2018-11-13.yaml",
                                     "kalundborg-direktionen-2022-08-29.yaml"])
def test_toc_leader_stops_a_clear_gap_before_the_number(built: dict[str, Path],
                                                        example: str) -> None:
    """The dots never touch the page number, two-digit numbers included."""
    import pdfplumber

    with pdfplumber.open(built[example]) as pdf:
        page = pdf.pages[1]
        lines: dict[int, list[dict]] = {}
        for char in page.chars:
            lines.setdefault(round(char["top"]), []).append(char)
    gaps = []
    for chars in lines.values():
        chars.sort(key=lambda c: c["x0"])
        text = "".join(c["text"] for c in chars)
        if "...." not in text or not text.rstrip().split()[-1].isdigit():
            continue
        first_digit = next(i for i in range(len(chars) - 1, -1, -1)
                           if not chars[i - 1]["text"].isdigit())
        last_dot = max(i for i, c in enumerate(chars[:first_digit]) if c["text"] == ".")
        gaps.append(chars[first_digit]["x0"] - chars[last_dot]["x1"])
    assert len(gaps) >= 8  # every item of these meetings
    assert min(gaps) >= 3.0, gaps  # points: about 1 mm, two spaces of 10 pt text


# -- pagination as the published originals ---------------------------------------------

#: The page each item starts on in the published minutes, as printed in their
#: Indholdsfortegnelse (../shared/seeds/, see README there), example -> (seed, pages).
ORIGINAL_PAGES: dict[str, tuple[str, list[int]]] = {
    "htk-direktionen-2014-09-30.yaml": ("002", [3, 5, 7, 10]),
    "htk-direktionen-2018-11-13.yaml": ("001", [3, 4, 5, 7, 9, 11, 14, 16, 17, 18, 19, 20, 22]),
    "htk-direktionen-2020-11-16.yaml": ("003", [3, 4, 5, 6, 7, 8, 9, 10, 13, 16]),
    "htk-direktionen-2022-09-05.yaml": ("000", [3, 4, 5, 7]),
    "kalundborg-direktionen-2022-08-29.yaml": ("004", [3, 4, 5, 7, 8, 9, 10, 11]),
}
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.mark.parametrize("example", sorted(ORIGINAL_PAGES))
def test_items_start_on_the_pages_of_the_original(built: dict[str, Path], example: str) -> None:
    """Each item starts on the page the municipality's own PDF gave it, in the style the
    example names (2014 in `htk-2014`, its year's template)."""
    _seed, expected = ORIGINAL_PAGES[example]
    headings = heading_pages(pages_text(built[example]))
    assert [headings[n] for n in sorted(headings)] == expected


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seeds are not at {SEEDS}")
@pytest.mark.parametrize("example", sorted(ORIGINAL_PAGES))
def test_the_expected_pages_are_the_seeds_own(example: str) -> None:
    """The page numbers above, read again from the seed's Indholdsfortegnelse."""
    seed, expected = ORIGINAL_PAGES[example]
    text = next(SEEDS.glob(f"{seed}_*.txt")).read_text("utf-8")
    printed = [int(m.group(1)) for m in re.finditer(r"^.+?\.{5}\t(\d+)$", text, re.M)]
    assert printed == expected


def test_the_document_id_does_not_depend_on_where_referatgen_lies(tmp_path: Path) -> None:
    """The same meeting and style give the same /ID from a checkout, a venv or
    site-packages: the style's folders and its font files' paths are not part of it."""
    from dataclasses import replace

    from referatgen import plan as plan_module
    from referatgen.check import check_file

    result = check_file(ROOT / "examples" / "htk-direktionen-2022-09-05.yaml")
    assert result.meeting is not None and result.style is not None
    style = result.style
    elsewhere = tmp_path / "site-packages" / "referatgen" / "styles"
    for folder in style.folders:  # the same files, installed somewhere else
        shutil.copytree(folder, elsewhere / folder.name)
    moved = replace(
        style, folders=tuple(elsewhere / folder.name for folder in style.folders),
        fonts=tuple(replace(family, files=tuple(elsewhere / "standard" / "fonts" / p.name
                                                for p in family.files))
                    for family in style.fonts))
    here = plan_module.plan(result.meeting, style).identifier
    assert plan_module.plan(result.meeting, moved).identifier == here
