"""`referatgen check`: one bad-input fixture per rule, positions, examples, import cost.

Golden files: tests/fixtures/check/<rule>[--variant].<yaml|md> holds bad input for one
rule and <same name>.expected the exact lines `referatgen check <name>` prints for it
(run in that folder). Regenerate after a deliberate change and review the diff:

    python -m pytest tests/test_check.py --regen-golden
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from referatgen import _cli
from referatgen.check import check_file
from referatgen.diagnostics import RULES, Diagnostic

from .conftest import EXAMPLES, FIXTURES, run_referatgen

CHECK_FIXTURES = FIXTURES / "check"
BAD_INPUTS = sorted(
    p for p in CHECK_FIXTURES.iterdir() if p.is_file() and p.suffix in (".yaml", ".md")
)

#: Warnings the examples are documented to give: seeds whose minutes have no decision.
EXPECTED_EXAMPLE_WARNINGS: dict[str, set[int]] = {
    "htk-direktionen-2014-09-30.yaml": {1},
    "htk-direktionen-2018-11-13.yaml": {2},
    "htk-direktionen-2020-11-16.yaml": {1, 3},
}

_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): "
                   r"(?P<msg>.+) \[(?P<rule>[a-z0-9-]+)\]$")


def rule_of(fixture: Path) -> str:
    return fixture.stem.split("--")[0]


def check_output(
    names: list[str], cwd: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, *options: str,
) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    code = _cli.run(["check", *options, *names])
    out = capsys.readouterr().out
    return code, out


def locate(path: Path, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and character column of `needle` in the file as an editor shows it."""
    text = path.read_bytes().decode("utf-8-sig")
    seen = 0
    for number, line in enumerate(re.split(r"\r\n|\n", text), start=1):
        start = 0
        while (found := line.find(needle, start)) >= 0:
            seen += 1
            if seen == occurrence:
                return number, found + 1
            start = found + 1
    raise AssertionError(f"{needle!r} not in {path}")


def positions(diagnostics: list[Diagnostic], rule: str) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in diagnostics if d.rule == rule]


# -- golden files ----------------------------------------------------------------------


def test_every_rule_has_a_fixture() -> None:
    covered = {rule_of(p) for p in BAD_INPUTS}
    assert set(RULES) <= covered, f"no fixture for {sorted(set(RULES) - covered)}"
    assert covered <= set(RULES), f"fixtures named after no rule: {sorted(covered - set(RULES))}"


@pytest.mark.parametrize("fixture", BAD_INPUTS, ids=lambda p: p.name)
def test_fixture_output_matches_golden(
    fixture: Path, regen_golden: bool, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out = check_output([fixture.name], CHECK_FIXTURES, capsys, monkeypatch)
    lines = out.splitlines()
    parsed = [_LINE.match(line) for line in lines]
    assert all(parsed), f"lines not in the file:line:col: format:\n{out}"
    rules = [m["rule"] for m in parsed if m]
    # Checked before the golden, so --regen-golden cannot bless a fixture that has
    # stopped showing its rule.
    assert rule_of(fixture) in rules, f"{fixture.name} no longer triggers {rule_of(fixture)}"
    assert all(m["path"] == fixture.name for m in parsed if m)
    severities = {m["sev"] for m in parsed if m}
    assert code == (1 if "error" in severities else 0)
    golden = fixture.with_name(fixture.name + ".expected")
    if regen_golden:
        golden.write_text(out, "utf-8")
    assert golden.is_file(), f"no golden file: run pytest {__file__} --regen-golden"
    assert out == golden.read_text("utf-8")


def test_same_findings_with_and_without_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    import ruamel.yaml.main

    if getattr(ruamel.yaml.main, "CParser", None) is None:
        pytest.skip("ruamel.yaml.clib (libyaml) is not installed: only the pure parser runs")
    files = [*BAD_INPUTS, *EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.md")]
    with_c = {f.name: [d.format() for d in check_file(f).diagnostics] for f in files}
    monkeypatch.setattr(ruamel.yaml.main, "CParser", None)
    pure = {f.name: [d.format() for d in check_file(f).diagnostics] for f in files}
    assert with_c == pure


def test_no_golden_without_its_fixture() -> None:
    inputs = {p.name for p in BAD_INPUTS}
    orphans = [g.name for g in CHECK_FIXTURES.glob("*.expected")
               if g.name.removesuffix(".expected") not in inputs]
    assert not orphans


def test_all_problems_of_all_files_in_one_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = ["unknown-key.yaml", "yaml-syntax.yaml", "bad-date.yaml", "text-outside-section.md"]
    code, out = check_output(names, CHECK_FIXTURES, capsys, monkeypatch)
    expected = "".join((CHECK_FIXTURES / f"{n}.expected").read_text("utf-8") for n in names)
    assert code == 1
    assert out == expected
    assert len(out.splitlines()) >= 10


def test_yaml_syntax_error_stops_that_file_only() -> None:
    fixture = CHECK_FIXTURES / "yaml-syntax.yaml"
    # The file also has an unknown key and an impossible date after the tab.
    text = fixture.read_text("utf-8")
    assert "beslutnig" in text and "2022-02-30" in text
    diagnostics = check_file(fixture).diagnostics
    assert [d.rule for d in diagnostics] == ["yaml-syntax"]
    assert (diagnostics[0].line, diagnostics[0].column) == locate(fixture, "\t")


# -- positions -------------------------------------------------------------------------


def test_positions_with_bom_and_crlf_count_characters() -> None:
    fixture = CHECK_FIXTURES / "cpr-number--bom-crlf.yaml"
    raw = fixture.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    found = positions(check_file(fixture).diagnostics, "cpr-number")
    # First inside a block scalar after "Ældre" (multi-byte characters before it), then
    # inside a double-quoted value.
    assert found == [locate(fixture, "010190-1234", 1), locate(fixture, "010190-1234", 2)]


def test_markdown_positions_with_bom_and_crlf() -> None:
    fixture = CHECK_FIXTURES / "text-outside-section--bom-crlf.md"
    raw = fixture.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    diagnostics = check_file(fixture).diagnostics
    assert positions(diagnostics, "punkt-number") == [locate(fixture, "Punkt 2")]
    assert positions(diagnostics, "text-outside-section") == [locate(fixture, "Tekst under")]
    assert positions(diagnostics, "cpr-number") == [locate(fixture, "010190-1234")]


def test_positions_in_block_scalars(tmp_path: Path) -> None:
    meeting = tmp_path / "m.yaml"
    meeting.write_text(
        "organ: Direktionen\n"
        "dato: 2022-09-05\n"
        "punkter:\n"
        "  - titel: Øvrige sager\n"
        "    baggrund: |2\n"
        "          indrykket kode 010190-1234\n"
        "        Brødtekst, ## ikke en overskrift, 020290-1234\n"
        "    indstilling: |-\n"
        "\n"
        "      Første linje.\n"
        "      <b>fed</b> og 030390-1234\n"
        "    beslutning: >\n"
        "      Foldet tekst 040490-1234\n"
        "      over to linjer.\n",
        "utf-8",
    )
    diagnostics = check_file(meeting).diagnostics
    assert positions(diagnostics, "cpr-number") == [
        locate(meeting, "010190-1234"),
        locate(meeting, "020290-1234"),
        locate(meeting, "030390-1234"),
        # A folded block is one line to YAML: the finding points at where its text starts.
        locate(meeting, "Foldet"),
    ]
    assert positions(diagnostics, "raw-html") == [locate(meeting, "<b>"), locate(meeting, "</b>")]


def test_positions_in_plain_and_quoted_values(tmp_path: Path) -> None:
    meeting = tmp_path / "m.yaml"
    meeting.write_text(
        "organ: Direktionen\n"
        "dato: 2022-09-05\n"
        "punkter:\n"
        "  - titel: Øvrige sager\n"
        "    resume: Kort om 010190-1234\n"
        "    baggrund: 'Borgerens ''sag'' 020290-1234'\n"
        "    indstilling: Tekst der\n"
        "      fortsætter 030390-1234\n"
        "    beslutning: Godkendt.\n",
        "utf-8",
    )
    found = positions(check_file(meeting).diagnostics, "cpr-number")
    line, column = locate(meeting, "'Borgerens")
    assert found == [
        locate(meeting, "010190-1234"),
        # '' escapes make the value shorter than the text: the value's start, never a
        # column that points at the wrong characters.
        (line, column + 1),
        locate(meeting, "Tekst der"),
    ]


def test_positions_in_markdown_bodies(tmp_path: Path) -> None:
    example = EXAMPLES / "byraadet-2025-03-10.md"
    text = example.read_text("utf-8").replace(
        "Merforbruget på ældre og sundhed", "Sagen om 010190-1234: Merforbruget på ældre")
    text = text.replace("- Cykelsti langs Engvej", "- Cykelsti langs Engvej <br>")
    meeting = tmp_path / "m.md"
    meeting.write_text(text, "utf-8")
    diagnostics = check_file(meeting).diagnostics
    # Lines count in the file (front matter included), not inside the section.
    assert positions(diagnostics, "cpr-number") == [locate(meeting, "010190-1234")]
    assert positions(diagnostics, "raw-html") == [locate(meeting, "<br>")]


def test_positions_of_keys_and_values() -> None:
    for name, needle, rule in [
        ("unknown-key.yaml", "beslutnig", "unknown-key"),
        ("unknown-key.yaml", "file:", "unknown-key"),
        ("bad-date.yaml", "05-09-2022", "bad-date"),
        ("bad-time.yaml", "10.00", "bad-time"),
        ("sagsnr-pattern.yaml", "21-24696", "sagsnr-pattern"),
        ("unknown-style.yaml", "htkk", "unknown-style"),
        ("bilag-missing.yaml", "bilag/hoeringssvar.pdf", "bilag-missing"),
        ("bilag-missing.yaml", "billeder/kort.png", "bilag-missing"),
        ("bilag-outside.yaml", "../budget.pdf", "bilag-outside"),
        ("bilag-outside.yaml", "https://", "bilag-outside"),
        ("not-utf8.yaml", "\ufffd", "not-utf8"),
        ("heading-in-section.yaml", "# Baggrund", "heading-in-section"),
        ("decision-in-agenda.yaml", "beslutning:", "decision-in-agenda"),
        ("missing-decision.yaml", "Øvrige sager", "missing-decision"),
        ("punkt-number.md", "Punkt 6", "punkt-number"),
        ("text-outside-section.md", "Tekst lige under", "text-outside-section"),
        ("bilag-missing--md.md", "bilag/høringssvar 2023.pdf", "bilag-missing"),
    ]:
        fixture = CHECK_FIXTURES / name
        if rule == "not-utf8":
            # The byte cp1252 wrote for "Ø": where a UTF-8 editor shows the bad character.
            text = fixture.read_bytes().decode("utf-8", errors="replace")
            line = next(i for i, t in enumerate(text.split("\n"), 1) if needle in t)
            expected = (line, text.split("\n")[line - 1].index(needle) + 1)
        else:
            expected = locate(fixture, needle)
        assert expected in positions(check_file(fixture).diagnostics, rule), (name, needle)


def test_file_level_problems_point_at_line_one() -> None:
    for name in ("empty-file.yaml", "empty-file--comments.yaml", "missing-key.yaml"):
        diagnostics = check_file(CHECK_FIXTURES / name).diagnostics
        first = next(d for d in diagnostics if d.rule in ("empty-file", "missing-key"))
        assert (first.line, first.column) == (1, 1)


# -- messages --------------------------------------------------------------------------


def test_cp1252_file_gets_a_hint_how_to_save_as_utf8() -> None:
    fixture = CHECK_FIXTURES / "not-utf8.yaml"
    fixture.read_bytes().decode("cp1252")  # a real Windows-1252 file
    [finding] = check_file(fixture).diagnostics
    assert finding.rule == "not-utf8"
    assert "0xD8" in finding.message
    assert "UTF-8" in finding.message and "Gem som" in finding.message


def test_unknown_key_suggests_the_near_key() -> None:
    diagnostics = check_file(CHECK_FIXTURES / "unknown-key.yaml").diagnostics
    messages = [d.message for d in diagnostics if d.rule == "unknown-key"]
    assert any("'beslutnig'" in m and "Mente du 'beslutning'?" in m for m in messages)
    assert any("'file'" in m and "Mente du 'fil'?" in m for m in messages)


def test_markdown_rules() -> None:
    text_outside = check_file(CHECK_FIXTURES / "text-outside-section.md").diagnostics
    lines = {d.line for d in text_outside if d.rule == "text-outside-section"}
    fixture = CHECK_FIXTURES / "text-outside-section.md"
    for needle in ("Indledning før", "Tekst lige under", "Og et afsnit uden", "Ikke et listepunkt"):
        assert locate(fixture, needle)[0] in lines, needle
    # The valid item key right above it is a key, not text.
    assert locate(fixture, "sagsnr: 21/24696")[0] not in lines

    punkt = check_file(CHECK_FIXTURES / "punkt-number.md").diagnostics
    # første_punkt: 4 makes "Punkt 4" right and "Punkt 6" (really 5) wrong.
    assert [(d.rule, d.severity) for d in punkt] == [("punkt-number", "warning")]
    assert "Punkt 6" in punkt[0].message and "nummer 5" in punkt[0].message

    md_keys = check_file(CHECK_FIXTURES / "unknown-key--md.md").diagnostics
    assert any("Mente du 'sagsnr'?" in d.message for d in md_keys)
    assert any("'## Beslutning'" in d.message for d in md_keys)


def test_closed_items_and_false_cpr_numbers_are_not_reported() -> None:
    fixture = CHECK_FIXTURES / "cpr-number.yaml"
    found = [d.message for d in check_file(fixture).diagnostics if d.rule == "cpr-number"]
    assert len(found) == 2
    assert not any("999999-1234" in m or "020202-2222" in m for m in found)


def test_cpr_in_closed_title_published_by_the_style(tmp_path: Path) -> None:
    def findings(stil: str, extra: str = "") -> list[str]:
        meeting = tmp_path / f"{stil}.yaml"
        meeting.write_text(
            f"stil: {stil}\norgan: Direktionen\ndato: 2022-09-05\npunkter:\n"
            f"  - titel: Sag om 010190-1234\n    lukket: true\n{extra}", "utf-8")
        return [d.rule for d in check_file(meeting).diagnostics]

    # kalundborg publishes "Lukket: {titel}", htk only "Lukket".
    assert findings("kalundborg") == ["cpr-number"]
    assert findings("htk") == []
    assert findings("kalundborg", "    offentlig_titel: Personsag\n") == []


def test_meeting_level_findings_point_at_their_value(tmp_path: Path) -> None:
    meeting = tmp_path / "m.yaml"
    meeting.write_text(
        "organ: Direktionen\ndato: 2022-09-05\nsted: Hos 010190-1234\ndeltagere:\n"
        "  - Lars Holte\n  - navn: Borger 020290-1234\n    rolle: part\npunkter:\n"
        "  - titel: Øvrige sager\n    beslutning: Godkendt.\n", "utf-8")
    found = positions(check_file(meeting).diagnostics, "cpr-number")
    assert found == [locate(meeting, "Hos 0"), locate(meeting, "Borger 0")]


def test_empty_title_and_organ_are_missing(tmp_path: Path) -> None:
    meeting = tmp_path / "m.yaml"
    meeting.write_text("organ:\ndato: 2022-09-05\npunkter:\n  - titel: ''\n"
                       "    beslutning: Godkendt.\n", "utf-8")
    found = [(d.rule, d.line) for d in check_file(meeting).diagnostics]
    assert ("missing-key", 1) in found and ("missing-key", 4) in found


def test_missing_and_unreadable_files_are_findings(tmp_path: Path) -> None:
    diagnostics = check_file(tmp_path / "findes-ikke.yaml").diagnostics
    assert [(d.rule, d.line, d.column) for d in diagnostics] == [("empty-file", 1, 1)]
    assert "findes ikke" in diagnostics[0].message
    folder = check_file(tmp_path).diagnostics
    assert [d.rule for d in folder] == ["empty-file"] and "mappe" in folder[0].message


# -- the examples ----------------------------------------------------------------------

EXAMPLE_FILES = sorted([*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.md")])


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.name)
def test_examples_pass_strict_except_documented_warnings(example: Path) -> None:
    diagnostics = check_file(example).diagnostics
    expected_items = EXPECTED_EXAMPLE_WARNINGS.get(example.name, set())
    assert all(d.rule == "missing-decision" and d.severity == "warning"
               for d in diagnostics), [d.format() for d in diagnostics]
    numbers = {int(re.search(r"Punkt (\d+)", d.message)[1]) for d in diagnostics}  # type: ignore[index]
    assert numbers == expected_items


@pytest.mark.slow
def test_examples_strict_exit_codes_whole_process() -> None:
    clean = [p.name for p in EXAMPLE_FILES if p.name not in EXPECTED_EXAMPLE_WARNINGS]
    result = run_referatgen(["check", "--strict", *clean], cwd=EXAMPLES)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    warned = run_referatgen(["check", "--strict", *EXPECTED_EXAMPLE_WARNINGS], cwd=EXAMPLES)
    assert warned.returncode == 1
    assert len(warned.stdout.splitlines()) == sum(map(len, EXPECTED_EXAMPLE_WARNINGS.values()))
    relaxed = run_referatgen(["check", *EXPECTED_EXAMPLE_WARNINGS], cwd=EXAMPLES)
    assert relaxed.returncode == 0


# -- what the check path imports -------------------------------------------------------

RENDERER_MODULES = ("weasyprint", "docx", "jinja2", "babel",
                    "pypdf", "pikepdf", "rich", "pdfplumber", "dask")


def imported_modules(args: list[str], cwd: Path) -> set[str]:
    result = run_referatgen(args, cwd=cwd, python_flags=["-X", "importtime"])
    assert result.returncode in (0, 1), result.stderr
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    assert "referatgen.check" in names, "importtime output not understood"
    return names


@pytest.mark.slow
def test_check_path_imports_no_renderer() -> None:
    # CPR numbers are looked for in the text as printed, so check parses the Markdown
    # (markdown-it); nothing that draws a document is imported on a commit hook's path.
    files = [p.name for p in EXAMPLE_FILES]
    assert len(files) >= 5
    names = imported_modules(["check", *files], EXAMPLES)
    assert "markdown_it" in names  # the positive control: the detection sees imports
    heavy = sorted(n for n in names if n.split(".")[0] in RENDERER_MODULES
                   or n.startswith("referatgen.render"))
    assert heavy == []


def test_fixture_folder_is_self_contained(tmp_path: Path) -> None:
    # Goldens hold paths as given and messages without absolute paths, so the folder
    # checks the same anywhere (a fresh clone, CI).
    copy = tmp_path / "check"
    shutil.copytree(CHECK_FIXTURES, copy)
    for fixture in BAD_INPUTS:
        here = [d.format() for d in check_file(fixture, fixture.name).diagnostics]
        there = [d.format() for d in check_file(copy / fixture.name, fixture.name).diagnostics]
        assert here == there


def test_windows_paths_and_spaced_image_names(tmp_path: Path) -> None:
    (tmp_path / "billeder").mkdir()
    (tmp_path / "billeder" / "mit kort.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    meeting = tmp_path / "m.yaml"
    meeting.write_text(
        "organ: D\ndato: 2022-09-05\npunkter:\n  - titel: A\n    beslutning: |\n"
        "      ![x](<billeder/mit kort.png>) ![y](<billeder/andet kort.png>)\n"
        "    bilag:\n      - titel: B\n        fil: C:\\Users\\sek\\bilag.pdf\n"
        "      - titel: C\n        fil: \\\\server\\share\\x.pdf\n", "utf-8")
    diagnostics = check_file(meeting).diagnostics
    assert positions(diagnostics, "bilag-missing") == [locate(meeting, "billeder/andet")]
    assert positions(diagnostics, "bilag-outside") == [
        locate(meeting, "C:\\Users"), locate(meeting, "\\\\server")]


def test_a_section_without_heading_is_not_dropped_silently(tmp_path: Path) -> None:
    markdown = tmp_path / "m.md"
    markdown.write_text("---\norgan: D\ndato: 2022-09-05\n---\n\n# A\n\n## Beslutning\n\nOk.\n\n"
                        "##\n\nTekst uden overskrift.\n", "utf-8")
    yaml_file = tmp_path / "m.yaml"
    yaml_file.write_text("organ: D\ndato: 2022-09-05\npunkter:\n  - titel: A\n"
                         "    beslutning: Ok.\n    afsnit:\n      - overskrift: ''\n"
                         "        tekst: Tekst uden overskrift.\n", "utf-8")
    assert [(d.rule, d.line) for d in check_file(markdown).diagnostics] == [("missing-key", 12)]
    assert [(d.rule, d.line) for d in check_file(yaml_file).diagnostics] == [("missing-key", 7)]
