"""Hostile and odd input: every case here once crashed, leaked or misled (found in review)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from referatgen import _cli
from referatgen._api import BuildOptions, build, build_with_warnings, prepare
from referatgen.check import check_file

from .pdfutil import pages_text

ROOT = Path(__file__).resolve().parents[1]
MD_EXAMPLE = ROOT / "examples" / "byraadet-2025-03-10.md"


def rules(path: Path) -> list[tuple[int, int, str]]:
    return [(d.line, d.column, d.rule) for d in check_file(path).diagnostics]


def write(tmp_path: Path, text: str, name: str = "m.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


HEAD = "organ: U\ndato: 2022-01-01\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An alias that refers to itself, and "billion laughs": refused, not expanded.
        (HEAD + "punkter: &a\n  - titel: A\n    afsnit: *a\n", (3, 10, "yaml-syntax")),
        (HEAD + 'sted: "Rum \\x01"\npunkter:\n  - titel: A\n', (3, 7, "yaml-syntax")),
        (HEAD + 'sted: "Fest \\ud83c"\npunkter:\n  - titel: A\n', (3, 7, "yaml-syntax")),
        (HEAD + "første_punkt: 0x10\npunkter:\n  - titel: A\n", (3, 15, "wrong-type")),
        (HEAD + "første_punkt: " + "9" * 5000 + "\npunkter:\n  - titel: A\n",
         (3, 15, "wrong-type")),
        (HEAD + "første_punkt: 0\npunkter:\n  - titel: A\n", (3, 15, "wrong-type")),
        ("organ: U\ndato: 2108-01-01\npunkter:\n  - titel: A\n", (2, 7, "bad-date")),
    ],
)
def test_odd_yaml_is_a_finding(tmp_path: Path, text: str, expected: tuple[int, int, str]) -> None:
    assert expected in rules(write(tmp_path, text))


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["organ: U", "dato: 2022-01-01", 'a0: &a0 ["x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
              for i in range(1, 40)]
    path = write(tmp_path, "\n".join(lines) + "\npunkter:\n  - titel: A\n")
    findings = check_file(path).diagnostics
    assert [d.rule for d in findings] == ["yaml-syntax"]
    assert "aliaser" in findings[0].message


def test_control_characters_and_special_files(tmp_path: Path) -> None:
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"organ: U\x00\ndato: 2022-01-01\n")
    assert rules(path) == [(1, 9, "not-utf8")]
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert rules(fifo) == [(1, 1, "empty-file")]  # and returns: it does not block


def test_cpr_numbers_in_every_published_field(tmp_path: Path) -> None:
    (tmp_path / "bilag").mkdir()
    (tmp_path / "bilag" / "010190-1234.pdf").write_bytes(b"%PDF-1.4\n")
    path = write(tmp_path, (
        "organ: Direktionen 020290-1234\nkommune: K 030390-1234\ndato: 2022-01-01\n"
        "punkter:\n  - titel: A\n    deltog_ikke: [Jens 010190-1234]\n    beslutning:\n"
        "      - organ: Udvalget 040490-1234\n        dato: 2022-01-01\n        tekst: ok\n"
        "    bilag:\n      - titel: Notat\n        fil: bilag/010190-1234.pdf\n"))
    found = [(line, rule) for line, _, rule in rules(path)]
    assert found == [(1, "cpr-number"), (2, "cpr-number"), (6, "cpr-number"),
                     (8, "cpr-number"), (13, "cpr-number")]


def test_every_image_form_is_checked(tmp_path: Path) -> None:
    (tmp_path / "mit kort.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    path = write(tmp_path, HEAD + (
        "punkter:\n  - titel: A\n    beslutning: |\n"
        "      ![x](../../x.png 'titel') ![a [b] c](../../y.png) ![m](mit%20kort.png)\n"
        "      ![r][r]\n\n      [r]: /etc/passwd\n"))
    assert rules(path) == [(6, 12, "bilag-outside"), (6, 44, "bilag-outside"),
                           (9, 12, "bilag-outside")]


def test_markdown_decision_headings_in_the_forms_people_write(tmp_path: Path) -> None:
    path = write(tmp_path, (
        "---\norgan: Direktionen\ndato: 2022-09-05\ntype: dagsorden\n---\n# A\n\n"
        "## Beslutning Direktionen 05-09-2022\n\nX\n\n"
        "## Beslutning i Økonomiudvalget den 01.02.2022\n\nY\n\n## Beslutningsgrundlag\n\nZ\n"),
        "m.md")
    result = check_file(path)
    assert result.meeting is not None
    item = result.meeting.punkter[0]
    assert [(str(d.dato), d.organ) for d in item.beslutning] == [
        ("2022-09-05", "Direktionen"), ("2022-02-01", "Økonomiudvalget")]
    assert [a.overskrift for a in item.afsnit] == ["Beslutningsgrundlag"]
    text = "\n".join(pages_text(build(path, ["pdf"], tmp_path)[0]))
    assert "X" not in text.split("Punkt 1:")[1] and "Beslutningsgrundlag" in text


def test_a_users_style_cannot_read_outside_its_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    style = tmp_path / "stil"
    style.mkdir()
    (style / "style.yaml").write_text("extends: standard\ncss: [egen.css]\n", "utf-8")
    (style / "egen.css").write_text(
        '@import url("file:///etc/hostname");\n'
        'h1 { background: url("http://127.0.0.1:9/x.png"); }\n/* </style><script>x</script> */\n',
        "utf-8")
    meeting = write(tmp_path, HEAD + "stil: ./stil\npunkter:\n  - titel: A\n    beslutning: Ok.\n")
    html = build(meeting, ["html"], tmp_path / "out")[0].read_text("utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "</style><script>" not in html
    [pdf], warnings = build_with_warnings(meeting, ["pdf"], tmp_path / "out")
    # What the fetcher refused comes back as a warning; nothing is printed.
    refused = [d.message for d in warnings if d.rule == "fetch-refused"]
    assert any(m.startswith("file:///etc/hostname blev ikke hentet") for m in refused)
    assert capsys.readouterr().err == ""
    hostname = Path("/etc/hostname")
    if hostname.is_file() and hostname.read_text().strip():
        assert hostname.read_text().strip() not in "\n".join(pages_text(pdf))


def test_same_bytes_after_the_folder_moves(tmp_path: Path) -> None:
    first = build(MD_EXAMPLE, ["pdf", "docx"], tmp_path / "a",
                  BuildOptions.make(libreoffice=False))
    moved = tmp_path / "elsewhere" / "examples"
    shutil.copytree(ROOT / "examples", moved)
    second = build(moved / MD_EXAMPLE.name, ["pdf", "docx"], tmp_path / "b",
                   BuildOptions.make(libreoffice=False))
    for one, other in zip(first, second, strict=True):
        assert one.read_bytes() == other.read_bytes(), one.name


def test_public_id_ignores_closed_text(tmp_path: Path) -> None:
    copy = tmp_path / MD_EXAMPLE.name
    shutil.copytree(ROOT / "examples" / "bilag", tmp_path / "bilag")
    shutil.copytree(ROOT / "examples" / "billeder", tmp_path / "billeder")
    text = MD_EXAMPLE.read_text("utf-8")
    copy.write_text(text, "utf-8")
    before, _ = prepare(copy)
    copy.write_text(text.replace("HEMMELIG-SENTINEL-7731", "HEMMELIG-SENTINEL-0000"), "utf-8")
    after, _ = prepare(copy)
    assert before.identifier == after.identifier
    internal_before, _ = prepare(copy, BuildOptions.make(intern=True))
    copy.write_text(text, "utf-8")
    internal_after, _ = prepare(copy, BuildOptions.make(intern=True))
    assert internal_before.identifier != internal_after.identifier


def test_footnote_with_a_list_stays_a_footnote(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + (
        "punkter:\n  - titel: A\n    beslutning: |\n      Fodnote her[^a] og igen[^b].\n\n"
        "      [^a]: Første note.\n      [^b]: Anden note med **fed** og\n"
        "          - en liste i noten\n"))
    page = pages_text(build(path, ["pdf"], tmp_path)[0])[2]
    body, foot = page.split("Fodnote her")[1].split("Side ")[0], page.splitlines()
    assert "en liste i noten" not in body.split("\n")[0]
    assert any("Anden note med fed og – en liste i noten" in line for line in foot)


def test_parenthesis_lists_keep_their_parenthesis(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + (
        "punkter:\n  - titel: A\n    beslutning: |\n      7) syvende\n      8) ottende\n"))
    page = pages_text(build(path, ["pdf"], tmp_path)[0])[2]
    assert "7) syvende" in page and "8) ottende" in page


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    example = ROOT / "examples" / "htk-direktionen-2022-09-05.yaml"
    assert _cli.run(["build", str(example), "--format", "pdf,xls", "-o", str(tmp_path)]) == 2
