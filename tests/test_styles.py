"""Style folders: inheritance, file lookup, and clear errors for a broken style.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from referatgen.check import check_file
from referatgen.styles import Group, StyleError, resolve_style


def _style(tmp_path: Path, text: str, name: str = "min") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "style.yaml").write_text(text, "utf-8")
    return folder


def test_builtin_styles_resolve_with_their_parents() -> None:
    htk = resolve_style("htk", Path("."))
    assert htk.kommune == "Høje-Taastrup Kommune"
    assert htk.css == ("style.css", "htk.css")  # the parent's sheet first
    assert htk.heading("baggrund") == "Baggrund"  # inherited from standard
    kalundborg = resolve_style("kalundborg", Path("."))
    assert kalundborg.order[0] == "beslutning"
    group = kalundborg.order[1]
    assert isinstance(group, Group) and group.heading == "Sagsfremstilling"
    assert kalundborg.public_title("X") == "Lukket: X"
    assert not htk.publishes_closed_titles and kalundborg.publishes_closed_titles


def test_a_users_style_extends_and_overrides_files(tmp_path: Path) -> None:
    folder = _style(tmp_path, "extends: htk\nkommune: Min Kommune\ncss: [min.css]\n")
    (folder / "htk.css").write_text("/* own */", "utf-8")
    (folder / "min.css").write_text("/* more */", "utf-8")
    style = resolve_style(str(folder), tmp_path)
    assert style.kommune == "Min Kommune"
    assert style.sagsnr_pattern == r"^\d{2}/\d{1,6}$"
    assert style.file("htk.css") == (folder / "htk.css").resolve()  # own file first
    assert style.file("style.css") is not None  # then the parents'
    assert style.css[-1] == "min.css"


def test_style_path_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _style(tmp_path, "extends: standard\nkommune: Fra Stien\n", name="egen")
    monkeypatch.setenv("REFERATGEN_STYLE_PATH", str(tmp_path))
    assert resolve_style("egen", Path(".")).kommune == "Fra Stien"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("overskrifter: [a, b]\n", "'overskrifter' skal være en mapping"),
        ("rækkefølge: baggrund\n", "'rækkefølge' skal være en liste"),
        ("css: min.css\n", "'css' skal være en liste"),
        ("sagsnr_mønster: '[0-9'\n", "ikke et gyldigt regulært udtryk"),
        ("beslutning_overskrift: 'Beslutning {udvalg}'\n", "kun indeholde {organ}, {ORGAN}"),
        ("farve: rød\n", "ukendte nøgler: farve"),
        ("extends: findes-ikke\n", "Stilen 'findes-ikke' findes ikke"),
        ("extends: ../min\n", "arver fra sig selv"),
        ("extends: standard\ncss: [mangler.css]\n", "filen 'mangler.css' findes ikke"),
        ("extends: standard\ncss: [/etc/hostname]\n", "filen '/etc/hostname' findes ikke"),
        ("extends: standard\nlogo: ../../../etc/passwd\n", "findes ikke i stilens mappe"),
        ("rækkefølge: [baggrund, baggrund]\n", "'baggrund' står to gange"),
        ("rækkefølge: [baggrnd]\n", "ukendt afsnit 'baggrnd'"),
        ("overskrifter: {resume: [a]}\n", "overskriften for 'resume' skal være tekst"),
        ("beslutning_overskrift: 'B {dato.x}'\n", "kun indeholde {organ}, {ORGAN}"),
        ("beslutning_overskrift: 'B {organ.__class__}'\n", "kun indeholde {organ}, {ORGAN}"),
        ("beslutning_overskrift: 'B {ORGAN:>99999999}'\n", "kun indeholde {organ}, {ORGAN}"),
        ("beslutning_overskrift: 'B {organ!r}'\n", "kun indeholde {organ}, {ORGAN}"),
        ("beslutning_overskrift: 'B {0}'\n", "kun indeholde {organ}, {ORGAN}"),
        ("rækkefølge: [titel, titel]\n", "'titel' står to gange"),
        ("rækkefølge: [{gruppe: Sagen, afsnit: [resume, sideskift]}]\n",
         "'sideskift' og 'titel' kan kun stå direkte i rækkefølge"),
    ],
)
def test_broken_styles_are_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    folder = _style(tmp_path, text)
    with pytest.raises(StyleError, match=message.replace("{", r"\{").replace("}", r"\}")
                       .replace("[", r"\[").replace("(", r"\(")):
        resolve_style(str(folder), tmp_path)


def test_check_reports_a_broken_style_as_unknown_style(tmp_path: Path) -> None:
    _style(tmp_path, "overskrifter: [a, b]\n")
    meeting = tmp_path / "m.yaml"
    meeting.write_text("organ: U\ndato: 2024-01-01\nstil: ./min\npunkter:\n  - titel: X\n"
                       "    beslutning: Ok.\n", "utf-8")
    findings = check_file(meeting).diagnostics
    assert [(d.line, d.column, d.rule) for d in findings] == [(3, 7, "unknown-style")]


def test_layout_marks_break_the_page_and_repeat_the_title_only_before_text(
        tmp_path: Path) -> None:
    """`sideskift` and `titel` in `rækkefølge` (htk-2014): the break and the repeated
    title stand where text follows, and go where none does (no empty page, no stray
    title): an item with sections, one with none, and a dagsorden whose decision is the
    only section after the break."""
    from referatgen._api import prepare
    from referatgen.options import BuildOptions

    path = tmp_path / "m.yaml"
    path.write_text(
        "stil: htk-2014\norgan: Direktionen\ndato: 2014-09-30\npunkter:\n"
        "  - titel: Med tekst\n    bilag: [Et bilag]\n    baggrund: Tekst.\n"
        "    beslutning: Godkendt.\n"
        "  - titel: Uden tekst\n"
        "  - titel: Kun beslutning\n    bilag: [Andet bilag]\n    beslutning: Godkendt.\n",
        "utf-8")
    kinds = [[b.kind for b in item.blocks] for item in prepare(path)[0].items]
    assert kinds == [["bilag", "pagebreak", "title", "text", "decision"], [],
                     ["bilag", "pagebreak", "title", "decision"]]
    document, _ = prepare(path, BuildOptions.make(som="dagsorden"))
    assert [[b.kind for b in item.blocks] for item in document.items] == [
        ["bilag", "pagebreak", "title", "text"], [], ["bilag"]]
    assert document.items[0].blocks[2].note == "Med tekst"


def test_a_page_break_before_a_table_in_word(tmp_path: Path) -> None:
    """`sideskift` before a section that opens with a table (its heading left empty):
    Word has no break before a table, so the break must stand right before it, not
    after it on the next paragraph."""
    from docx import Document

    from referatgen._api import BuildOptions, build

    folder = _style(tmp_path, "extends: standard\noverskrifter: {resume: ''}\n"
                    "rækkefølge: [sagsfremstilling, sideskift, resume, beslutning]\n")
    path = tmp_path / "m.yaml"
    path.write_text(
        f"stil: {folder}\norgan: Udvalget\ndato: 2024-01-15\npunkter:\n  - titel: Sag\n"
        "    sagsfremstilling: Før sideskift.\n"
        "    resume: |\n      | a | b |\n      |---|---|\n      | 1 | 2 |\n\n"
        "      Efter tabellen.\n",
        "utf-8")
    out = build(path, ["docx"], tmp_path / "ud", BuildOptions.make(libreoffice=False))[0]
    body = Document(str(out)).element.body
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    tables = body.findall(f"{w}tbl")
    before = tables[-1].getprevious()
    assert before.tag == f"{w}p" and before.find(f".//{w}br[@{w}type='page']") is not None
    after = tables[-1].getnext()
    assert after.find(f"{w}pPr/{w}pageBreakBefore") is None
