"""`referatgen import` on other meeting systems' minutes: FirstAgenda, eDoc, SBSYS and
Acadre layouts, a FirstAgenda web page and working-group minutes, each as HTML, as the
text pdftotext extracted and as the PDF WeasyPrint makes from the HTML (also without
Unicode maps). Every form must import as tests/fixtures/import/systemer/forventet.yaml
says: the front page, items, titles, case numbers, closed flags, first number, decisions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from referatgen._cli import run
from referatgen.check import check_file
from referatgen.importer import import_file
from tests.systems import SYSTEMS, expected, score, sources, strip_unicode


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("systemer")
    return {path.name: (name, path) for name, path in sources(folder)}


def _forms() -> list[str]:
    names = []
    for name in expected():
        names += [f"{name}{s}" for s in (".html", ".txt") if (SYSTEMS / f"{name}{s}").is_file()]
        if (SYSTEMS / f"{name}.html").is_file() and name != "firstagenda-web":
            names.append(f"{name}.pdf")
    return [*names, "edoc-cid.pdf"]


@pytest.mark.parametrize("form", _forms())
def test_every_form_imports_as_expected(form: str, corpus: dict[str, tuple[str, Path]],
                                        tmp_path: Path) -> None:
    name, path = corpus[form]
    result = import_file(path)
    target = tmp_path / "m.yaml"
    text = result.text("yaml")
    target.write_text(text, encoding="utf-8")
    checked = check_file(target)
    assert not [d.format() for d in checked.diagnostics if d.severity == "error"]
    assert checked.meeting is not None
    got = score(checked.meeting, expected()[name], text)
    assert got.wrong == []


def test_glyphs_without_names_are_reported_by_page_never_written(
        corpus: dict[str, tuple[str, Path]], tmp_path: Path) -> None:
    _name, pdf = corpus["edoc.pdf"]
    blind = strip_unicode(pdf, tmp_path / "blind.pdf", names=False)
    try:
        result = import_file(blind)
    except Exception as exc:  # nothing readable is left: a clear message, no traceback
        assert "ingen tekst" in str(exc)
        return
    assert "(cid:" not in result.text("yaml")
    assert any(w.startswith("Side ") and "tegn kunne ikke læses" in w
               for w in result.report.warnings)


def test_glyph_names_recover_the_text(corpus: dict[str, tuple[str, Path]]) -> None:
    _name, pdf = corpus["edoc-cid.pdf"]
    result = import_file(pdf)
    assert any("tegnnavne" in note for note in result.report.notes)
    assert "Åbningstider i svømmehallen" in result.text("yaml")


def test_case_numbers_no_style_fits_get_standard_and_a_pattern() -> None:
    result = import_file(SYSTEMS / "acadre.txt")
    assert result.meeting.stil == "standard"
    assert [i.sagsnr for i in result.meeting.punkter[:3]] == [
        "00.01.00-A00-3-19", "00.30.10-S55-1-18", "20.00.00-P22-1-18"]
    assert any(r"sagsnr_mønster: '^\d{2}\.\d{2}\.\d{2}-[A-ZÆØÅ]+\d{2}-\d{1}-\d{2}$'" in note
               for note in result.report.notes)


def test_truncated_toc_line_neither_shifts_nor_closes(tmp_path: Path) -> None:
    """eDoc cuts 'Punkt 3: Tilskud ... kursusvirksomh 3': item 4 stays public."""
    result = import_file(SYSTEMS / "edoc.txt")
    assert [i.lukket for i in result.meeting.punkter] == [False, False, False, False, True]
    assert result.meeting.punkter[2].titel == \
        "Tilskud til foreningernes ledertræning og kursusvirksomhed i 2013"


def test_report_counts_what_it_could_not_place_and_lists_all_with_verbose(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "referat.txt"
    fields = ["Mødeleder: Karen Hvid", "Referent: Bo Lauridsen", "Mødeform: Fysisk møde",
              "Ordstyrer: Emma Sørensen", "Tekniker: Ole Holm"]
    source.write_text("\n".join(["Referat – Miljøudvalget", "Dato: 03-04-2019", *fields, "",
                                 "1. Godkendelse af dagsorden", "Sagsnr.: 19/4410", "",
                                 "Beslutning", "Godkendt.", ""]), encoding="utf-8")
    assert run(["import", str(source), "-o", str(tmp_path / "a")]) == 0
    short = capsys.readouterr().err
    assert "Ikke placeret: 5 i alt" in short and "se dem alle med --verbose" in short
    assert "Mødeleder: Karen Hvid" in short and "Tekniker: Ole Holm" not in short
    assert run(["import", str(source), "-o", str(tmp_path / "b"), "--verbose"]) == 0
    full = capsys.readouterr().err
    assert "--verbose" not in full
    assert all(field in full for field in fields)


def test_toc_marks_closed_only_the_item_it_names(tmp_path: Path) -> None:
    """A TOC that lacks a line must not shift its closed mark onto the next item."""
    source = tmp_path / "toc.txt"
    source.write_text("\n".join([
        "Referat – Miljøudvalget", "Dato: 03-04-2019", "", "Indholdsfortegnelse",
        "Godkendelse af dagsorden ..... 2", "Salg af grund (lukket) ..... 4", "",
        "1. Godkendelse af dagsorden", "Sagsnr.: 19/4410", "", "Beslutning", "Godkendt.", "",
        "2. Støjvolde langs ringvejen", "Sagsnr.: 19/4411", "", "Beslutning",
        "Udvalget godkendte planen.", "",
        "3. Salg af grund", "Sagsnr.: 19/4412", ""]), encoding="utf-8")
    meeting = import_file(source).meeting
    assert [i.lukket for i in meeting.punkter] == [False, False, True]
    assert meeting.punkter[1].beslutning[0].tekst.markdown == "Udvalget godkendte planen.\n"
