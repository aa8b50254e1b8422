"""`cpr-number`: every form a reader would read as a CPR number, in the text as printed,
and none of the numbers that only look alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from referatgen import cpr
from referatgen.check import check_file

CAUGHT = [
    "010190-1234",
    "010190\\-1234",            # a Markdown escape
    "0101**90-12**34",          # emphasis in the middle
    "010190&#45;1234",          # an entity
    "0101\u200b90-1234",        # a zero-width space
    "01019\u00ad0-1234",        # a soft hyphen
    "cpr-010190-1234",          # a dash and letters right before it
    "CPR:010190-1234",
    "010190 1234",              # a space
    "0101901234",               # nothing
    "010190\u20131234",         # en dash
    "010190\u20111234",         # non-breaking hyphen
    "010190\u22121234",         # minus sign
    "010190\u20141234",         # em dash
    "010190-\n  1234",          # broken over two lines
    "[se her](https://example.invalid/010190-1234)",   # a link target
    "![010190-1234](billede.png)",                      # an image's alt text
    "`010190-1234`",            # code
    "| a | b |\n| - | - |\n| 1 | 010190-1234 |",       # a table cell
    "Tekst[^1]\n\n[^1]: Noten nævner 010190-1234.",     # a footnote
    "010190\u200e-1234",        # a direction mark
    "0101\u202e90-1234",        # a bidi override
    "01019\u03010-1234",        # a combining accent on a digit
    "010190   1234",            # a run of spaces (printed as one)
    "010190\u00a0\u00a0\u00a01234",  # non-breaking spaces
    "010190\u20151234",         # a horizontal bar
    "010190\ufe581234",         # a small em dash
    "\u2070\u00b9\u2070\u00b9\u2079\u2070-\u00b9\u00b2\u00b3\u2074",  # superscript digits
    "\uff10\uff11\uff10\uff11\uff19\uff10-1234",  # full-width digits
    "![kort](010190%2D1234.png)",  # an image's file name, percent-encoded
    '[her](https://example.invalid "010190-1234")',  # a link title
    "```010190-1234\nkode\n```",  # a fence's info string (printed as a class)
    "010190-1234![5](kort.png)",   # an image's alt text does not join the digits
    "![1](kort.png)010190-1234",
]

PASSED = [
    "Journalnr. 2023-150385-4471",
    "Ring på +45 43 21 98 76 eller 4321-9876.",
    "Sag 22-010739, 20-082075K og EMN-2025-003383.",
    "Mødet den 05-09-2022 kl. 10:00, 2022-09-05.",
    "Beløbet er 1.034.712,5 kr. eller 0,0101901234 mio.",
    "EAN-nummer 5790000123456.",
    "Konto 1234 0101901234",
    "kontonr. 0101901234",
    "Reg.nr. 1234 og EAN 0101901234",
    "tlf. 0101901234",
    "991390-1234",              # 99 is no day: not a date
    "010190-12345",             # five digits after the dash: part of a longer number
    "1010190-1234",             # seven digits before it
]


@pytest.mark.parametrize("text", CAUGHT)
def test_the_printed_form_is_caught(text: str) -> None:
    found = [f for piece in cpr.printed(text) for f in cpr.find(piece.text)]
    assert len(found) == 1, found


@pytest.mark.parametrize("text", PASSED)
def test_look_alikes_pass(text: str) -> None:
    assert [f for piece in cpr.printed(text) for f in cpr.find(piece.text)] == []


def _meeting(tmp_path: Path, section: str, *, closed: bool = False, title: str = "Sag",
             extra: str = "") -> Path:
    body = "\n".join("      " + line for line in section.split("\n"))
    path = tmp_path / "moede.yaml"
    path.write_text(
        "organ: Direktionen\ndato: 2022-09-05\npunkter:\n"
        f"  - titel: {title}\n    lukket: {'ja' if closed else 'nej'}\n{extra}"
        f"    baggrund: |\n{body}\n    beslutning: Godkendt.\n", "utf-8")
    return path


def _cpr_findings(path: Path) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in check_file(path).diagnostics if d.rule == "cpr-number"]


@pytest.mark.parametrize("text", CAUGHT)
def test_check_reports_it_at_its_source_line(tmp_path: Path, text: str) -> None:
    path = _meeting(tmp_path, "Første linje.\n\n" + text)
    findings = _cpr_findings(path)
    assert len(findings) == 1
    line = findings[0][0]
    source = path.read_text("utf-8").split("\n")
    # The line named holds the number's start (or, where Markdown split it, its text).
    assert line >= 8 and source[line - 1].strip()


@pytest.mark.parametrize("text", PASSED)
def test_check_lets_look_alikes_pass(tmp_path: Path, text: str) -> None:
    assert _cpr_findings(_meeting(tmp_path, text)) == []


def test_a_closed_items_text_is_not_published(tmp_path: Path) -> None:
    assert _cpr_findings(_meeting(tmp_path, "Borger 010190-1234.", closed=True)) == []


def test_a_closed_items_public_fields_are(tmp_path: Path) -> None:
    path = _meeting(tmp_path, "Intet.", closed=True,
                    extra="    offentlig_titel: Sag om 010190-1234\n")
    assert len(_cpr_findings(path)) == 1


def test_plain_fields_use_the_same_rule(tmp_path: Path) -> None:
    path = _meeting(tmp_path, "Intet.", title="Borger 0101\u200b901234")
    assert len(_cpr_findings(path)) == 1


@pytest.mark.parametrize("text", [*CAUGHT, *PASSED, "Første linje\n  - 010190-1234 står her",
                                  "kontonr.\n0101901234", "3. kontonr. 0101901234",
                                  "Linje et\n\n    010190-1234 i kode",
                                  "Se (010190-1234).", "Teknik & Miljø 010190-1234",
                                  "R&amp;D 0101901234", "Tlf. (45) 0101901234"])
def test_the_quick_path_agrees_with_the_parsed_text(text: str) -> None:
    """Texts without markup are not parsed (check runs on every commit); what they give
    must be what the parsed, printed text gives, at the same lines."""
    quick = [(f.shown, line) for f, line in cpr.find_in_markdown(text)]
    parsed = [(f.shown, p.line_index + f.line)
              for p in cpr.printed(text) for f in cpr.find(p.text)]
    assert quick == parsed


@pytest.mark.parametrize("text", [*CAUGHT, "[0101](https://example.invalid)901234",
                                  "![x](<010190 1234.png>)", "[0101][ref]90-1234\n\n[ref]: x",
                                  "<https://x.invalid/010190-1234>", "010190-\\\n1234"])
def test_the_prefilter_never_says_no_to_a_printed_number(text: str) -> None:
    """Texts with markup are parsed only when the prefilter says they could hold a CPR
    number: for every printed one it must say yes."""
    printed = [f for p in cpr.printed(text) for f in cpr.find(p.text)]
    assert printed, text  # each of these does print a CPR number
    assert cpr._could_hold_cpr(text)
    assert [f.shown for f, _line in cpr.find_in_markdown(text)] == [f.shown for f in printed]


def test_the_meeting_files_own_name(tmp_path: Path) -> None:
    path = _meeting(tmp_path, "Intet.")
    named = path.rename(tmp_path / "010190-1234.yaml")
    assert _cpr_findings(named) == [(1, 1)]


def test_a_linked_bilag_is_attached_under_its_targets_name(tmp_path: Path) -> None:
    (tmp_path / "bilag").mkdir()
    (tmp_path / "bilag" / "010190-1234 journal.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "bilag" / "notat.pdf").symlink_to("010190-1234 journal.pdf")
    path = _meeting(tmp_path, "Intet.",
                    extra="    bilag:\n      - titel: Notat\n        fil: bilag/notat.pdf\n")
    assert len(_cpr_findings(path)) == 1


def test_a_closed_items_html_is_not_quoted_in_the_warning(tmp_path: Path) -> None:
    path = _meeting(tmp_path, '<a title="Jens Hansen">x</a>', closed=True)
    warnings = [d.message for d in check_file(path).diagnostics if d.rule == "raw-html"]
    assert warnings and not any("Jens" in m for m in warnings)
    open_path = _meeting(tmp_path, '<a title="Jens Hansen">x</a>')
    assert any("Jens" in d.message for d in check_file(open_path).diagnostics
               if d.rule == "raw-html")


def test_a_closed_items_file_names_are_not_quoted(tmp_path: Path) -> None:
    extra = "    bilag:\n      - titel: Notat\n        fil: bilag/Jens-Hansen-advarsel.pdf\n"
    closed = _meeting(tmp_path, "![kort](Jens-Hansen.png)", closed=True, extra=extra)
    messages = [d.message for d in check_file(closed).diagnostics if d.severity == "error"]
    assert len(messages) == 2 and not any("Jens" in m for m in messages)
    shown = _meeting(tmp_path, "![kort](Jens-Hansen.png)", extra=extra)
    assert all("Jens" in d.message for d in check_file(shown).diagnostics
               if d.rule == "bilag-missing")
