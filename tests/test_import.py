"""`referatgen import`: the seeds from their text, fixtures of every form, round trips.

Seeds: each of ../shared/seeds/*.txt imported must pass `referatgen check` and give the
titles, case numbers, closed flags and decisions of its example in examples/ (text
compared with whitespace collapsed and emphasis marks stripped). Fixtures: forms of
headings, numbers, lists, tables, footnotes and page furniture the issue names. Round
trip: each example, and a meeting that uses every part of the format, built to PDF and
DOCX with --intern and imported back gives the same model.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from referatgen._api import BuildOptions, build
from referatgen._cli import run
from referatgen.check import check_file
from referatgen.importer import ImportResult, import_file
from referatgen.model import Meeting

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
FIXTURES = ROOT / "tests" / "fixtures" / "import"
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".md"))
SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
needs_seeds = pytest.mark.skipif(not SEED_FILES, reason=f"the seeds are not at {SEEDS}")


def norm(text: str | None) -> str:
    """Whitespace collapsed, Markdown emphasis marks stripped."""
    return " ".join(re.sub(r"\*+|(?<!\w)_+|_+(?!\w)", "", text or "").split())


def written(tmp_path: Path, result: ImportResult, name: str, fmt: str = "yaml") -> Meeting:
    """The imported meeting, written as a file and read back through `referatgen check`."""
    target = tmp_path / f"{name}.{fmt}"
    target.write_text(result.text(fmt), encoding="utf-8")
    checked = check_file(target)
    errors = [d.format() for d in checked.diagnostics if d.severity == "error"]
    assert not errors, "\n".join(errors)
    assert checked.meeting is not None
    return checked.meeting


def model_of(path: Path) -> Meeting:
    checked = check_file(path)
    assert checked.meeting is not None
    return checked.meeting


def decisions(meeting: Meeting, index: int) -> list[str]:
    return [norm(d.tekst.markdown) for d in meeting.punkter[index].beslutning]


# -- the seeds -----------------------------------------------------------------------------


def _example_for(meeting: Meeting) -> Path:
    for path in EXAMPLES:
        example = model_of(path)
        if example.dato == meeting.dato and example.organ == meeting.organ:
            return path
    raise AssertionError(f"no example in examples/ for {meeting.organ} {meeting.dato}")


@needs_seeds
@pytest.mark.parametrize("seed", [p.name for p in SEED_FILES])
def test_seed_imports_as_its_example(seed: str, tmp_path: Path) -> None:
    result = import_file(SEEDS / seed)
    got = written(tmp_path, result, "seed")
    expected = model_of(_example_for(got))
    assert len(got.punkter) == len(expected.punkter)
    assert got.første_punkt == expected.første_punkt
    assert got.stil == expected.stil
    for index, (mine, theirs) in enumerate(zip(got.punkter, expected.punkter, strict=True)):
        where = f"punkt {got.første_punkt + index}"
        assert mine.lukket == theirs.lukket, where
        assert mine.sagsnr == theirs.sagsnr, where
        if not theirs.lukket:
            # The examples give closed htk items a made-up title; compare the others.
            assert norm(mine.titel) == norm(theirs.titel), where
        assert decisions(got, index) == decisions(expected, index), where


@needs_seeds
@pytest.mark.parametrize("seed", [p.name for p in SEED_FILES])
def test_seed_markdown_output_is_the_same_meeting(seed: str, tmp_path: Path) -> None:
    result = import_file(SEEDS / seed)
    assert _dump(written(tmp_path, result, "a", "yaml")) == \
        _dump(written(tmp_path, result, "b", "md"))


@needs_seeds
def test_seed_report_names_what_it_left_out_and_the_toc_slips() -> None:
    seeds = {p.name[:3]: p for p in SEED_FILES}
    report_002 = import_file(seeds["002"])
    assert any("'Økonomiopfølgning 30-09-2014'" in line and "punkt 2" in line
               for line in report_002.summary)
    assert sum("titlen gentaget" in line for line in report_002.report.dropped) == 4
    report_001 = import_file(seeds["001"])
    assert any("fodnotemærke" in line and "[1]" in line for line in report_001.report.dropped)
    assert any("tomt listepunkt" in line for line in report_001.report.dropped)
    assert any("Stil: htk" in note for note in report_001.report.notes)
    report_004 = import_file(seeds["004"])
    assert any("Stil: kalundborg" in note for note in report_004.report.notes)


@needs_seeds
def test_seed_sections_after_bilag_stay_sections(tmp_path: Path) -> None:
    """Seed 002 prints Bilag before its other sections: "Sagsfremstilling" and "Baggrund"
    after the list are headings (text follows), not attachments named like sections."""
    seed = next(p for p in SEED_FILES if p.name.startswith("002"))
    got = written(tmp_path, import_file(seed), "seed")
    expected = model_of(_example_for(got))
    for mine, theirs in zip(got.punkter, expected.punkter, strict=True):
        assert [b.titel for b in mine.bilag] == [b.titel for b in theirs.bilag]
        assert sorted(mine.sections) == sorted(theirs.sections)


def _dump(meeting: Meeting) -> list[Any]:
    out: list[Any] = [meeting.organ, meeting.dato, meeting.tid, meeting.sluttid, meeting.sted,
                      meeting.kommune, meeting.stil, meeting.type, meeting.første_punkt,
                      [p.label() for p in meeting.deltagere], [p.label() for p in meeting.afbud]]
    for item in meeting.punkter:
        out.append((
            item.titel, item.sagsnr, item.lukket, item.offentlig_titel,
            {k: t.markdown.strip() for k, t in item.sections.items()},
            [(d.dato, d.organ, d.tekst.markdown.strip()) for d in item.beslutning],
            [(b.titel, b.lukket) for b in item.bilag],
            [(a.overskrift, a.tekst.markdown.strip()) for a in item.afsnit],
            item.deltog_ikke,
        ))
    return out


# -- the recognisers, form by form ---------------------------------------------------------


@pytest.mark.parametrize(("heading", "key"), [
    ("Baggrund", "baggrund"), ("BAGGRUND:", "baggrund"), ("baggrund", "baggrund"),
    ("Resume og sagens baggrund", "resume"), ("Resumé", "resume"),
    ("Økonomiske konsekvenser og finansiering", "økonomi"), ("Økonomi", "økonomi"),
    ("Sagsfremstilling", "sagsfremstilling"), ("Indstilling", "indstilling"),
    ("INDSTILLINGER", "indstilling"), ("Behandling", "behandling"), ("Bilag", "bilag"),
    ("Bilagsliste:", "bilag"), ("Beslutning", "beslutning"),
    ("BESLUTNING DIREKTIONEN DEN 30-09-2014", "beslutning"),
    ("Beslutning Økonomiudvalget den 5. marts 2025", "beslutning"),
    ("Sagsforløb", None), ("Beslutningsgrundlag", None), ("Økonomi, Fællesudgifter", None),
])
def test_section_headings_by_name(heading: str, key: str | None) -> None:
    from referatgen.importer.recognise import heading_key

    assert heading_key(heading) == key


@pytest.mark.parametrize(("heading", "organ", "date"), [
    ("Beslutning", None, None), ("Beslutninger", None, None),
    ("Beslutning i Direktionen den 05-09-2022", "Direktionen", "2022-09-05"),
    ("BESLUTNING DIREKTIONEN DEN 30-09-2014", "DIREKTIONEN", "2014-09-30"),
    ("Kultur- og Fritidsudvalgets beslutning den 12.03.2013 Punkt 4",
     "Kultur- og Fritidsudvalget", "2013-03-12"),
    ("Byrådets beslutning den 24.04.2019", "Byrådet", "2019-04-24"),
    ("Udvalgets beslutning", None, None), ("Referat:", None, None),
])
def test_decision_headings_in_every_form(heading: str, organ: str | None,
                                         date: str | None) -> None:
    from referatgen.importer.recognise import decision_heading, heading_key

    assert heading_key(heading) == "beslutning"
    if heading != "Referat:":
        found = decision_heading(heading)
        assert found is not None
        assert (found[0], str(found[1]) if found[1] else None) == (organ, date)


@pytest.mark.parametrize("text", ["Beslutningsgrundlag", "Sagsfremstilling", "Sagsforløb"])
def test_not_decision_headings(text: str) -> None:
    from referatgen.importer.recognise import SAGSNR_LINE, heading_key

    assert heading_key(text) != "beslutning"
    assert SAGSNR_LINE.match(text) is None


@pytest.mark.parametrize(("line", "number"), [
    ("21/24696", "21/24696"), ("22-010739", "22-010739"), ("20-082075K", "20-082075K"),
    ("EMN-2025-003383", "EMN-2025-003383"), ("Sagsnr.: 2012-28504", "2012-28504"),
    ("Sagsnr. 18/3151", "18/3151"), ("J.nr.: 00.01.00-A00-1-22", "00.01.00-A00-1-22"),
    ("Sagsnr.: 2013-10452 Dok.nr.: 2013-188230", "2013-10452"), ("J.nr. 13/4471", "13/4471"),
    ("2019", None), ("Godkendt.", None),
])
def test_case_numbers_in_the_forms_in_use(line: str, number: str | None) -> None:
    from referatgen.importer.recognise import SAGSNR_LINE

    match = SAGSNR_LINE.match(line)
    assert (match.group("labelled") or match.group("bare") if match else None) == number


@pytest.mark.parametrize(("line", "stamp"), [
    ("Side 3", True), ("Side 3 af 12", True), ("side 3/12", True), ("1 of 5", True),
    ("3 af 12", True), ("- 4 -", True), ("18/3151", False), ("Side 3 er tom", False),
])
def test_page_stamps(line: str, stamp: bool) -> None:
    from referatgen.importer.recognise import PAGE_STAMP

    assert bool(PAGE_STAMP.match(line)) == stamp


def test_case_number_pattern_suggested_for_an_unknown_style() -> None:
    from referatgen.importer import _merge_shapes

    assert _merge_shapes(["EMN-2025-003383", "EMN-2024-118020"]) == r"^EMN-\d{4}-\d{6}$"
    assert _merge_shapes(["2012-28504", "2024-1187"]) == r"^\d{4}-\d{4,5}$"


# -- fixtures: text ------------------------------------------------------------------------


def test_numbered_items_running_numbers_and_emn_case_numbers(tmp_path: Path) -> None:
    result = import_file(FIXTURES / "nummer-punktum.txt")
    meeting = written(tmp_path, result, "m")
    assert meeting.organ == "Teknik- og Miljøudvalget"
    assert str(meeting.dato) == "2025-02-03"
    assert (meeting.tid, meeting.sluttid) == ("16:00", "18:15")
    assert meeting.sted == "Udvalgsværelse 2, Rådhuset"
    assert [p.label() for p in meeting.deltagere] == [
        "Anne Kjær Nielsen (formand)", "Peter Dahl", "Mette Holm", "Karim Hassan",
        "Sofie Lund (sekretær)"]
    assert [p.navn for p in meeting.afbud] == ["Lone Bach Andersen"]
    assert meeting.første_punkt == 14
    assert [i.titel for i in meeting.punkter] == [
        "Godkendelse af dagsorden", "Vintertjeneste 2024-2025",
        "Lokalplan for boligområdet ved Engvej og Skolevej, endelig vedtagelse",
        "Køb af areal ved Stationsvej"]
    assert [i.sagsnr for i in meeting.punkter] == [
        "EMN-2025-000412", "EMN-2025-003383", "EMN-2024-118020", "EMN-2025-001122"]
    assert [i.lukket for i in meeting.punkter] == [False, False, False, True]
    winter = meeting.punkter[1]
    assert [(str(d.dato), d.organ) for d in winter.beslutning] == [
        ("2025-01-06", "Teknik- og Miljøudvalget"), ("2025-02-03", "Teknik- og Miljøudvalget")]
    assert "1,2 mio. kr." in winter.sections["økonomi"].markdown
    assert [a.overskrift for a in winter.afsnit] == ["Sagsforløb"]
    assert "1. tager orienteringen til efterretning\n2. godkender" in \
        winter.sections["indstilling"].markdown
    assert meeting.stil == "standard"
    assert any(r"^EMN-\d{4}-\d{6}$" in note for note in result.report.notes)
    assert any("passer: 4 linjer" in line for line in result.summary)


def test_number_lines_kalundborg_numbers_and_closed_in_the_toc(tmp_path: Path) -> None:
    result = import_file(FIXTURES / "nummer-linje.txt")
    meeting = written(tmp_path, result, "m")
    assert meeting.type == "dagsorden"
    assert meeting.stil == "kalundborg"
    assert [p.navn for p in meeting.afbud] == ["Michael Gravesen"]
    titles = [i.titel for i in meeting.punkter]
    assert titles == ["Budgetopfølgning pr. 31. august 2022",
                      "Orientering om sager på vej til udvalgsbehandling i oktober og november",
                      "Personalesag", "Eventuelt"]
    assert [i.sagsnr for i in meeting.punkter] == ["22-010739", "20-082075K", "21-046857K", None]
    assert [i.lukket for i in meeting.punkter] == [False, False, True, False]
    first = meeting.punkter[0]
    # "Sagsfremstilling" over Kalundborg's parts is a group heading, not a section.
    assert sorted(first.sections) == ["behandling", "indstilling", "resume", "økonomi"]
    assert meeting.punkter[3].beslutning[0].tekst.is_dash
    assert any("'Orientering om sager på vej'" in line for line in result.summary)
    assert any("lukket ifølge indholdsfortegnelsen" in n for n in result.report.notes)


def test_running_headers_stamps_wraps_and_aligned_table(tmp_path: Path) -> None:
    result = import_file(FIXTURES / "sidehoved.txt")
    meeting = written(tmp_path, result, "m")
    assert meeting.organ == "Byrådet"
    assert [i.titel for i in meeting.punkter] == [
        "Godkendelse af dagsorden", "Regnskab 2024 for de selvejende institutioner",
        "Eventuelt"]
    assert [i.sagsnr for i in meeting.punkter] == ["2012-28504", "2024-11873", "2012-28504"]
    text = meeting.punkter[1].sections["sagsfremstilling"].markdown
    # Lines wrapped by the extraction, and a paragraph cut by a page break, are whole.
    assert "Det skyldes især lavere udgifter" in text
    assert "fem procent af budgettet til det følgende år." in text
    assert "Byrådet 10-03-2025" not in text and "Side 2" not in text and "of 3" not in text
    assert "| Institution | Overskud 2024 | Overskud 2023 |\n|---|---:|---:|" in text
    assert "| Skovbrynet[^1] | 220.500 kr. | 96.250 kr. |" in text
    assert "[^1]: Skovbrynet overgik til kommunal drift 1. juli 2024." in text
    dropped = "\n".join(result.report.dropped)
    assert "Byrådet 10-03-2025 Referat" in dropped and "sidetal" in dropped
    unplaced = "\n".join(result.report.unplaced)
    assert "Mødeleder: Anne Kjær Nielsen" in unplaced
    assert "Sagen blev optaget på dagsordenen" in unplaced
    assert "Sagen blev optaget på dagsordenen" in text  # kept, not dropped


def test_lists_footnotes_decision_forms_and_headings(tmp_path: Path) -> None:
    result = import_file(FIXTURES / "lister.md")
    meeting = written(tmp_path, result, "m")
    item = meeting.punkter[0]
    assert item.sections["baggrund"].markdown.startswith(
        "Der gennemføres hvert år en evaluering af budgetprocessen[^1], og i år også af "
        "analyserne.")
    assert "[^1]: Evalueringen sker i chefforum." in item.sections["baggrund"].markdown
    assert any("[2]" in line for line in result.report.dropped)
    indstilling = item.sections["indstilling"].markdown
    for entry in ("- den foreslåede tidsplan", "- analyserne på ældreområdet",
                  "- analyserne på vejområdet", "- en ny skabelon for kommissorier",
                  "1. om analyserne skal i udbud", "2. hvem der er tovholder",
                  "a) ældreområdet", "b) vej og park", "A) Første fase", "B) Anden fase"):
        assert entry in indstilling
    assert [(str(d.dato), d.organ, norm(d.tekst.markdown)) for d in item.beslutning] == [
        ("2014-09-16", "Direktionen", "Sagen blev udsat."),
        ("2014-09-30", "Direktionen", "Godkendt.")]
    sagsfremstilling = item.sections["sagsfremstilling"].markdown
    assert "| 21/10 | Evaluering i byrådet | ØDC[^1] |" in sagsfremstilling
    assert "[^1]: ØDC sender materialet ud en uge før." in sagsfremstilling
    assert "### Tidsplan for analyserne" in sagsfremstilling
    assert [a.overskrift for a in item.afsnit] == ["Sagsforløb"]
    assert meeting.punkter[1].lukket


# -- fixtures: PDF and Word ----------------------------------------------------------------


@pytest.fixture(scope="module")
def layout_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PDF made by another system: its own fonts, running header, stamps, a long table."""
    import weasyprint

    target = tmp_path_factory.mktemp("layout") / "layout.pdf"
    weasyprint.HTML(filename=str(FIXTURES / "layout.html")).write_pdf(target)
    return target


def test_pdf_layout_with_running_headers_and_a_table_over_a_page_break(
        layout_pdf: Path, tmp_path: Path) -> None:
    result = import_file(layout_pdf)
    meeting = written(tmp_path, result, "m")
    assert (meeting.organ, str(meeting.dato), meeting.tid) == ("Byrådet", "2025-03-10", "19:00")
    assert meeting.kommune == "Eksempel Kommune"
    assert [p.navn for p in meeting.afbud] == ["Karim Hassan"]
    assert [i.titel for i in meeting.punkter] == [
        "Godkendelse af dagsorden",
        "Vedligeholdelse af kommunale veje og stier samt plan for asfaltarbejder i 2025 og 2026",
        "Køb af ejendom"]
    assert [i.lukket for i in meeting.punkter] == [False, False, True]
    text = meeting.punkter[1].sections["sagsfremstilling"].markdown
    # The table the page break split is one table, its repeated header row dropped.
    rows = [line for line in text.splitlines() if line.startswith("| Vej nr.")]
    assert len(rows) == 45 and rows[0].startswith("| Vej nr. 1 |")
    assert text.count("| Vej | Beløb (kr.) | Km |") == 1
    assert "|---|---:|---:|" in text
    # The paragraph the page break cut is one paragraph again.
    long = next(p for p in text.split("\n\n") if p.startswith("Tabellen nedenfor"))
    assert "Strækning 28 er målt op" in long and long.endswith("Tallene er skøn.")
    assert "faldet[^1] siden 2020" in text
    assert "[^1]: Gennemgangen følger Vejdirektoratets metode." in text
    assert "- villaveje i Nordbyen\n- stier langs Engvej" in text
    dropped = "\n".join(result.report.dropped)
    assert "Eksempel Kommune – Byrådet – Referat 10-03-2025" in dropped
    assert "sidetal" in dropped
    assert "Side 4" not in text and "of 7" not in text


def _word(tmp_path: Path) -> Path:
    spec = importlib.util.spec_from_file_location("make_word", FIXTURES / "make_word.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    target = tmp_path / "word.docx"
    module.build(target)
    return target


def test_word_styles_lists_table_footnote_and_symbol_bullet(tmp_path: Path) -> None:
    result = import_file(_word(tmp_path))
    meeting = written(tmp_path, result, "m")
    assert (meeting.organ, str(meeting.dato), meeting.sted) == (
        "Økonomiudvalget", "2025-02-03", "Udvalgsværelse 2")
    assert [p.label() for p in meeting.deltagere] == [
        "Anne Kjær Nielsen (formand)", "Peter Dahl", "Sofie Lund (sekretær)"]
    assert [i.titel for i in meeting.punkter] == [
        "Godkendelse af dagsorden", "Budgetopfølgning pr. 31. januar 2025", "Salg af grund"]
    assert [i.sagsnr for i in meeting.punkter] == [
        "EMN-2025-000412", "EMN-2025-003383", "EMN-2024-118020"]
    assert meeting.punkter[2].lukket
    item = meeting.punkter[1]
    assert item.sections["resume"].markdown == (
        "Forbruget ligger **lavere** end budgettet[^1], især på *serviceudgifterne*.\n\n"
        "[^1]: Tallene er fra januar 2025.\n\n"
        "Kilde: Økonomi og Digitalisering.\n")
    assert any("tekstboks" in note for note in result.report.notes)
    assert "1. tager budgetopfølgningen til efterretning\n2. godkender" in \
        item.sections["indstilling"].markdown
    text = item.sections["sagsfremstilling"].markdown
    assert "- administration\n- dagtilbud\n  - heraf vuggestuer\n- vej og park" in text
    assert "### Serviceudgifter" in text
    assert "| Område | Afvigelse |\n|---|---:|\n| Administration | -2,8 |" in text
    assert "Side 2 af 3" not in text
    assert [a.overskrift for a in item.afsnit] == ["Sagsforløb"]
    assert any("Indholdsfortegnelsen passer" in line for line in result.summary)
    dropped = "\n".join(result.report.dropped)
    assert "Eksempel Kommune · Økonomiudvalget · 03-02-2025" in dropped
    assert "Side 2 af 3" in dropped


def test_word_headings_numbered_by_the_outline(tmp_path: Path) -> None:
    """Item numbers that Word's numbering prints before Heading 1, as many systems do."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    list_style = document.styles["List Number"].element
    num_id = list_style.pPr.numPr.numId.val
    document.add_paragraph("Referat Byrådet d. 10-03-2025", style="Title")
    for title, body in (("Godkendelse af dagsorden", "Godkendt."),
                        ("Regnskab 2024", "Regnskabet blev godkendt.")):
        heading = document.add_paragraph(title, style="Heading 1")
        heading._p.get_or_add_pPr().append(parse_xml(
            '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f'<w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))
        document.add_paragraph("Beslutning", style="Heading 2")
        document.add_paragraph(body)
    source = tmp_path / "nummereret.docx"
    document.save(str(source))
    meeting = written(tmp_path, import_file(source), "m")
    assert [i.titel for i in meeting.punkter] == ["Godkendelse af dagsorden", "Regnskab 2024"]
    assert decisions(meeting, 1) == ["Regnskabet blev godkendt."]


# -- the command ---------------------------------------------------------------------------


def test_command_writes_next_to_the_input_and_refuses_to_overwrite(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "referat.txt"
    shutil.copy(FIXTURES / "nummer-punktum.txt", source)
    assert run(["import", str(source)]) == 0
    out, err = capsys.readouterr()
    target = tmp_path / "referat.yaml"
    assert out.strip() == str(target)
    assert "4 punkter fundet (punkt 14-17), 1 lukket (17)." in err
    assert "referatgen check: ingen fejl" in err
    before = target.read_bytes()
    target.write_text("min egen rettelse\n", encoding="utf-8")
    assert run(["import", str(source)]) == 1
    _out, err = capsys.readouterr()
    assert "findes allerede og overskrives ikke" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "min egen rettelse\n"
    assert run(["import", str(source), "--force"]) == 0
    assert target.read_bytes() == before


def test_command_output_folder_and_markdown(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "ud"
    assert run(["import", str(FIXTURES / "lister.md"), "-o", str(out_dir), "--to", "md"]) == 0
    target = out_dir / "lister.md"
    assert target.is_file()
    assert not check_file(target).diagnostics
    assert capsys.readouterr().out.strip() == str(target)


@pytest.mark.parametrize("to", ["yaml", "md"])
def test_command_names_the_schema_on_the_first_line(
        tmp_path: Path, to: str, capsys: pytest.CaptureFixture[str]) -> None:
    source = FIXTURES / "nummer-punktum.txt"
    assert run(["import", str(source), "-o", str(tmp_path), "--to", to,
                "--schema", "https://referatgen.dk/schema/moede.schema.json"]) == 0
    assert "referatgen check: ingen fejl" in capsys.readouterr().err
    comment = "# yaml-language-server: $schema=https://referatgen.dk/schema/moede.schema.json\n"
    target = tmp_path / f"nummer-punktum.{to}"
    text = target.read_text(encoding="utf-8")
    # In Markdown the comment is the front matter's first line: the front matter is YAML.
    assert text.startswith(comment if to == "yaml" else "---\n" + comment)
    assert text.replace(comment, "", 1) == import_file(source).text(to)
    assert check_file(target).ok


@pytest.mark.parametrize(("name", "content", "message"), [
    ("referat.odt", b"x", "kan ikke importere filtypen"),
    ("tom.txt", b"Her er ingen punkter.\n", "fandt ingen punkter"),
    ("skadet.pdf", b"%PDF-1.7\nikke en rigtig pdf", "PDF'en kan ikke læses"),
    ("skadet.docx", b"PK\x03\x04 ikke en rigtig zip", "er ikke en Word-fil"),
    ("moede.md", (ROOT / "examples" / "byraadet-2025-03-10.md").read_bytes(),
     "er allerede en mødefil"),
])
def test_command_bad_input_exits_1_with_a_danish_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes,
        message: str) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    assert run(["import", str(source)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and "intern fejl" not in err
    assert not (tmp_path / f"{source.stem}.yaml").exists()


def test_command_password_protected_pdf(
        tmp_path: Path, layout_pdf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import pikepdf

    locked = tmp_path / "laast.pdf"
    with pikepdf.open(layout_pdf) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="ejer", user="bruger"))
    assert run(["import", str(locked)]) == 1
    assert "beskyttet med adgangskode" in capsys.readouterr().err


def test_command_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["import", str(tmp_path / "findes-ikke.pdf")]) == 1
    assert "filen findes ikke" in capsys.readouterr().err


def test_command_style_folder_is_named_relative_to_the_meeting_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    style = tmp_path / "stilarter" / "vores"
    style.mkdir(parents=True)
    (style / "style.yaml").write_text(
        "navn: vores\nextends: htk\nlukket_titel: 'Lukket: {titel}'\n", encoding="utf-8")
    out = tmp_path / "møder"
    assert run(["import", str(FIXTURES / "lister.md"), "-o", str(out),
                "--stil", str(style)]) == 0
    meeting = model_of(out / "lister.yaml")
    assert meeting.stil == "../stilarter/vores"
    assert "Stil: vores (valgt med --stil)." in capsys.readouterr().err


@needs_seeds
def test_command_style_that_does_not_fit_is_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = next(p for p in SEED_FILES if p.name.startswith("000"))
    assert run(["import", str(seed), "-o", str(tmp_path), "--stil", "kalundborg"]) == 1
    err = capsys.readouterr().err
    assert "passer ikke til stilen kalundborgs mønster" in err
    assert "[sagsnr-pattern]" in err


# -- round trip ----------------------------------------------------------------------------

ROUND_TRIP = [*EXAMPLES, FIXTURES / "rundtur.yaml"]


def _renderer(fmt: str) -> str | None:
    if importlib.util.find_spec(f"referatgen.render.{fmt}") is None:
        return f"the {fmt.upper()} renderer (referatgen/render/{fmt}.py) is not there yet"
    return None


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    return {}


def _built(cache: dict[tuple[str, str], Path], source: Path, fmt: str,
           factory: pytest.TempPathFactory) -> Path:
    key = (source.name, fmt)
    if key not in cache:
        out = factory.mktemp(fmt)
        cache[key] = build(source, [fmt], out, BuildOptions.make(intern=True))[0]
    return cache[key]


def _text(markdown: str) -> str:
    """Section text as the printed page can carry it back.

    A page shows neither the image file (only the picture, not imported), nor whether a
    list was written `1)` or `1.`, nor an explicit `:---` (left is the default), nor
    whether a hyphen that ended a line was followed by a space."""
    markdown = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)
    markdown = re.sub(r"(?m)^(\s*\d+)\)", r"\1.", markdown)
    markdown = markdown.replace("|:---|", "|---|")
    markdown = re.sub(r"-\s+(?=\w)", "-", markdown)
    return " ".join(markdown.split())


def _round_trip_model(meeting: Meeting) -> list[Any]:
    out: list[Any] = [meeting.type, meeting.stil, meeting.kommune, meeting.organ, meeting.dato,
                      meeting.tid, meeting.sluttid, meeting.sted, meeting.første_punkt,
                      [p.label() for p in meeting.deltagere], [p.label() for p in meeting.afbud]]
    for item in meeting.punkter:
        out.append({
            "titel": item.titel,
            "sagsnr": item.sagsnr,
            "sections": {k: _text(t.markdown) for k, t in item.sections.items()},
            "beslutning": [(d.dato, d.organ, _text(d.tekst.markdown)) for d in item.beslutning],
            "bilag": [(b.titel, b.lukket) for b in item.bilag],
            "afsnit": [(a.overskrift, _text(a.tekst.markdown)) for a in item.afsnit],
            "deltog_ikke": item.deltog_ikke,
        })
    return out


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_public_version_brings_back_closed_items_as_closed(
        fmt: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    reason = _renderer(fmt)
    if reason:
        pytest.skip(reason)
    source = FIXTURES / "rundtur.yaml"
    document = build(source, [fmt], tmp_path_factory.mktemp("offentlig"), BuildOptions())[0]
    result = import_file(document)
    got = written(tmp_path, result, "offentlig")
    expected = model_of(source)
    assert [i.lukket for i in got.punkter] == [i.lukket for i in expected.punkter]
    closed = next(i for i in got.punkter if i.lukket)
    # The public version printed neither the title nor the text of the closed item.
    assert closed.titel == "Lukket punkt (titlen er ikke offentliggjort)"
    assert not closed.sections and not closed.beslutning
    assert closed.sagsnr == "25/0988"
    bilag = next(i for i in got.punkter if i.bilag).bilag
    assert [(b.titel, b.lukket) for b in bilag] == [
        ("Budgetopfølgning januar 2025", False), ("Lukket bilag", True)]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("source", ROUND_TRIP, ids=[p.stem for p in ROUND_TRIP])
def test_round_trip_gives_the_same_meeting(
        source: Path, fmt: str, tmp_path: Path, built: dict[tuple[str, str], Path],
        tmp_path_factory: pytest.TempPathFactory) -> None:
    reason = _renderer(fmt)
    if reason:
        pytest.skip(reason)
    document = _built(built, source, fmt, tmp_path_factory)
    result = import_file(document)
    got = written(tmp_path, result, "rundtur")
    # referatgen's own layout: every TOC line matches its item, nothing is left over.
    assert any(line.startswith("Indholdsfortegnelsen passer") for line in result.summary)
    assert not result.report.unplaced
    expected = model_of(source)
    mine, theirs = _round_trip_model(got), _round_trip_model(expected)
    assert mine[:11] == theirs[:11]
    assert len(mine) == len(theirs)
    for index, (a, b) in enumerate(zip(mine[11:], theirs[11:], strict=True)):
        assert a == b, f"punkt {expected.første_punkt + index}"


def test_the_toc_never_closes_an_item_that_printed_its_text(tmp_path: Path) -> None:
    """A heading wins over the table of contents: a TOC line marked closed (a slip, or a
    line shifted by one cut short) must not close an item whose text was published,
    or the rebuilt public version would drop that text."""
    source = FIXTURES / "nummer-linje.txt"
    text = source.read_text("utf-8").replace(
        "3\n\nPersonalesag\n\n21-046857K\n",
        "3\n\nPersonalesag\n\n21-046857K\n\nSagsfremstilling\n\nTeksten blev offentliggjort.\n")
    changed = tmp_path / "nummer-linje.txt"
    changed.write_text(text, "utf-8")
    assert text != source.read_text("utf-8")
    meeting = written(tmp_path, import_file(changed), "ud")
    assert [i.lukket for i in meeting.punkter] == [False, False, False, False]
    section = meeting.punkter[2].sections["sagsfremstilling"].markdown
    assert "Teksten blev offentliggjort." in section
