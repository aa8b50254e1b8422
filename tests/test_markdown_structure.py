"""The Markdown meeting format splits where CommonMark puts the headings.

Each case here once published a closed item's title and text while `check --strict`
passed: the loader's own idea of headings and fences differed from CommonMark's. The
fixtures in tests/fixtures/check/markdown-structure--*.md are the two that are now
errors; the case below is one CommonMark reads as ordinary text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

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


def test_headings_inside_code_quotes_lists_and_footnotes_stay_text(tmp_path: Path) -> None:
    source = tmp_path / "moede.md"
    shutil.copyfile(FIXTURES / "markdown" / "not-a-fence.md", source)
    source.write_text(
        "---\norgan: Direktionen\ndato: 2022-09-05\n---\n# Eventuelt\n\n## Baggrund\n\n"
        "```\n# kode\n```\n\n    # indrykket kode\n\n> # citat\n\n- # liste\n\n"
        "Note[^1]\n\n[^1]: Fod\n    # i noten\n\n## Beslutning\n\nIntet.\n", "utf-8")
    result = check_file(source)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.meeting is not None and len(result.meeting.punkter) == 1
    text = result.meeting.punkter[0].sections["baggrund"].markdown
    for fragment in ("# kode", "# indrykket kode", "> # citat", "- # liste", "# i noten"):
        assert fragment in text
