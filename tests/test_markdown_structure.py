"""The Markdown meeting format splits where CommonMark puts the headings.

Each case here once published a closed item's title and text while `check --strict`
passed: the loader's own idea of headings and fences differed from CommonMark's. The
fixtures in tests/fixtures/check/markdown-structure--*.md are the two that are now
errors; the case below is one CommonMark reads as ordinary text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from referatgen._api import build
from referatgen.check import check_file

from .conftest import FIXTURES

SECRET = "HEMMELIG"


def test_a_backtick_line_that_is_no_fence_does_not_swallow_the_next_item(
        tmp_path: Path) -> None:
    source = FIXTURES / "markdown" / "not-a-fence.md"
    result = check_file(source)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.meeting is not None
    titles = [(item.titel, item.lukket) for item in result.meeting.punkter]
    assert titles == [("Budget 2023", False), ("Køb af ejendom", True)]
    html = build(source, ["html"], tmp_path)[0].read_text("utf-8")
    assert SECRET not in html and "Køb af ejendom" not in html


def test_the_two_refused_forms_leave_nothing_to_build(tmp_path: Path) -> None:
    for name in ("markdown-structure--unclosed-fence.md", "markdown-structure--setext.md"):
        result = check_file(FIXTURES / "check" / name)
        rules = {d.rule for d in result.diagnostics if d.severity == "error"}
        assert rules == {"markdown-structure"}, name


def test_the_setext_item_is_still_an_item_of_its_own() -> None:
    # Refused, but read as CommonMark reads it: the closed item is never text of the one
    # before, even for a caller that ignores the error.
    result = check_file(FIXTURES / "check" / "markdown-structure--setext.md")
    assert result.meeting is not None
    assert [(i.titel, i.lukket) for i in result.meeting.punkter] == [
        ("Budget 2023", False), ("Køb af ejendom", True)]
    first = result.meeting.punkter[0]
    assert all(SECRET not in text.markdown for _key, text in first.texts())


def test_the_front_matter_closing_line_is_no_heading_underline(tmp_path: Path) -> None:
    source = tmp_path / "moede.md"
    source.write_text("---\norgan: Direktionen\ndato: 2022-09-05\n---\n# Eventuelt\n\n"
                      "## Beslutning\n\nIntet.\n", "utf-8")
    result = check_file(source)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.meeting is not None and [i.titel for i in result.meeting.punkter] == [
        "Eventuelt"]


def test_a_hash_in_fenced_code_stays_text(tmp_path: Path) -> None:
    source = tmp_path / "moede.md"
    source.write_text(
        "---\norgan: Direktionen\ndato: 2022-09-05\n---\n# Eventuelt\n\n## Baggrund\n\n"
        "```\n# kode\nlukket: ja\n```\n\n## Beslutning\n\nIntet.\n", "utf-8")
    result = check_file(source)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.meeting is not None and len(result.meeting.punkter) == 1
    assert "# kode" in result.meeting.punkter[0].sections["baggrund"].markdown


HIDDEN_HEADINGS = [
    "#Hemmeligt", "##Baggrund", "\u00a0# Hemmeligt", "\t# Hemmeligt", "    # Hemmeligt",
    "> # Hemmeligt", "- # Hemmeligt", "\uff03 Hemmeligt", "\u200b# Hemmeligt",
    "\ufeff# Hemmeligt",
]


@pytest.mark.parametrize("line", HIDDEN_HEADINGS)
def test_a_heading_commonmark_does_not_see_is_an_error(tmp_path: Path, line: str) -> None:
    """Each of these once hid a closed item (its title, `lukket: ja` and its sections) in
    the text of the item before, and `check` passed."""
    source = tmp_path / "moede.md"
    source.write_text(
        "---\norgan: Direktionen\ndato: 2022-09-05\n---\n# Åbent\n\n## Beslutning\n\n"
        f"Godkendt.\n\n{line}\nlukket: ja\n\n## Resume\n\n{SECRET}\n", "utf-8")
    errors = [d for d in check_file(source).diagnostics if d.severity == "error"]
    assert {d.rule for d in errors} == {"markdown-structure"}
    assert 11 in {d.line for d in errors}  # the heading's own line


def test_a_closed_key_line_inside_a_section_is_an_error(tmp_path: Path) -> None:
    source = tmp_path / "moede.md"
    source.write_text(
        "---\norgan: Direktionen\ndato: 2022-09-05\n---\n# Åbent\n\n## Beslutning\n\n"
        "Godkendt.\n\nKøb af ejendom\nLukket: ja\n", "utf-8")
    errors = [d for d in check_file(source).diagnostics if d.severity == "error"]
    assert [(d.line, d.rule) for d in errors] == [(12, "markdown-structure")]


@pytest.mark.parametrize("line", ["- Notat (lukket).", "- Notat (lukket bilag)", "- Notat (Lukket)",
                                  "- [Notat](notat.pdf) (lukket).", "- Notat ( lukket )"])
def test_a_closed_bilag_mark_in_any_spelling(tmp_path: Path, line: str) -> None:
    (tmp_path / "notat.pdf").write_bytes(b"%PDF-1.4\n")
    source = tmp_path / "moede.md"
    source.write_text(
        "---\norgan: Direktionen\ndato: 2022-09-05\n---\n# Åbent\n\n## Beslutning\n\n"
        f"Godkendt.\n\n## Bilag\n\n{line}\n", "utf-8")
    result = check_file(source)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.meeting is not None
    [bilag] = result.meeting.punkter[0].bilag
    assert bilag.lukket and bilag.titel == "Notat"
