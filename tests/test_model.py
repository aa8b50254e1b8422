"""The model both formats load into, the Markdown format's rules, and `convert` round trips."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from referatgen.check import check_file
from referatgen.dump import dump
from referatgen.meetingfile import load
from referatgen.meetingfile.nodes import Source
from referatgen.model import Meeting, Text, Where, build_model

from .conftest import EXAMPLES

EXAMPLE_FILES = sorted([*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.md")])


def content(value: Any) -> Any:
    """A dataclass tree as plain data without positions: what the meeting says.

    Written apart from convert's own comparison on purpose, so a fault there cannot
    hide a fault in the round trip.
    """
    if isinstance(value, Where | Source):
        return "<pos>"
    if isinstance(value, Text):
        return {"markdown": value.markdown}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: content(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in ("punkt_label",)}
    if isinstance(value, list | tuple):
        return [content(v) for v in value]
    if isinstance(value, dict):
        return {k: content(v) for k, v in value.items()}
    return value


def model(path: Path) -> Meeting:
    meeting, diagnostics = build_model(load(path))
    assert meeting is not None, [d.format() for d in diagnostics]
    assert not [d for d in diagnostics if d.severity == "error"], [d.format() for d in diagnostics]
    return meeting


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


# -- the model from YAML ---------------------------------------------------------------


def test_yaml_meeting_fields(tmp_path: Path) -> None:
    meeting = model(write(tmp_path, "m.yaml", """\
type: dagsorden
stil: htk
kommune: Høje-Taastrup Kommune
organ: Direktionen
dato: 2022-09-05
tid: "9:05"
sluttid: "12:00"
sted: Mødelokale B105
deltagere:
  - Lars Holte
  - navn: Kathrine Seier Skastrup
    rolle: sekretær
afbud: []
første_punkt: 7
punkter:
  - titel: "  Øvrige   sager "
    sagsnr: 21/24696
  - titel: Køb af ejendom
    lukket: ja
    offentlig_titel: Lukket
    sagsnr: "21/12763"
"""))
    assert (meeting.type, meeting.stil, meeting.kommune, meeting.organ) == (
        "dagsorden", "htk", "Høje-Taastrup Kommune", "Direktionen")
    assert meeting.dato == dt.date(2022, 9, 5)
    assert (meeting.tid, meeting.sluttid) == ("09:05", "12:00")
    assert [p.label() for p in meeting.deltagere] == [
        "Lars Holte", "Kathrine Seier Skastrup (sekretær)"]
    assert meeting.afbud == [] and meeting.første_punkt == 7
    first, closed = meeting.punkter
    assert first.titel == "Øvrige sager" and first.sagsnr == "21/24696" and not first.lukket
    assert closed.lukket and closed.offentlig_titel == "Lukket"


@pytest.mark.parametrize("word", ["true", "ja", "Ja", "yes"])
def test_lukket_accepts_danish_and_english_words(tmp_path: Path, word: str) -> None:
    meeting = model(write(tmp_path, "m.yaml",
                          f"organ: D\ndato: 2022-09-05\npunkter:\n  - titel: A\n"
                          f"    lukket: {word}\n"))
    assert meeting.punkter[0].lukket


def test_sections_decisions_bilag_afsnit(tmp_path: Path) -> None:
    meeting = model(write(tmp_path, "m.yaml", """\
organ: Direktionen
dato: 2022-09-05
punkter:
  - titel: Lokalplan
    økonomi: Ingen.
    resume: |
      To linjer
      tekst.
    beslutning:
      - dato: 2025-02-03
        organ: Økonomiudvalget
        tekst: Udsat.
      - tekst: |
          Godkendt.
    bilag:
      - Bilag 1 - Notat
      - titel: Kort
        fil: ../m.yaml
        lukket: true
    deltog_ikke: Lars Holte, Jørgen Lerhard
    afsnit:
      - overskrift: Sagsforløb
        tekst: "-"
"""))
    item = meeting.punkter[0]
    assert list(item.sections) == ["resume", "økonomi"]
    assert item.sections["resume"].markdown == "To linjer\ntekst.\n"
    assert item.sections["økonomi"].markdown == "Ingen.\n"
    assert [(d.dato, d.organ, d.tekst.markdown) for d in item.beslutning] == [
        (dt.date(2025, 2, 3), "Økonomiudvalget", "Udsat.\n"), (None, None, "Godkendt.\n")]
    assert [(b.titel, b.fil, b.lukket) for b in item.bilag] == [
        ("Bilag 1 - Notat", None, False), ("Kort", "../m.yaml", True)]
    assert item.deltog_ikke == ["Lars Holte", "Jørgen Lerhard"]
    assert [(a.overskrift, a.tekst.is_dash) for a in item.afsnit] == [("Sagsforløb", True)]


def test_text_is_spelled_the_same_whatever_the_scalar_style(tmp_path: Path) -> None:
    meeting = model(write(tmp_path, "m.yaml", """\
organ: D
dato: 2022-09-05
punkter:
  - titel: A
    resume: Én linje.
    baggrund: |+

      Én linje.


    indstilling: "Én linje."
    behandling: >-
      Én linje.
"""))
    texts = {k: t.markdown for k, t in meeting.punkter[0].sections.items()}
    assert set(texts.values()) == {"Én linje.\n"}
    # The blank line dropped from the front moves the text's position with it.
    assert meeting.punkter[0].sections["baggrund"].body.line == 8


# -- the Markdown format ---------------------------------------------------------------

MARKDOWN = """\
---
organ: Økonomiudvalget
dato: 2025-03-10
stil: kalundborg
---

# Punkt 1: Lokalplan 1.27
sagsnr: 24-008812
lukket: nej
deltog_ikke: Mette Holm, Karim Hassan

## Resume og sagens baggrund

Tekst med ### ikke en overskrift.

### Underoverskrift bliver i teksten

```
# heller ikke denne
```

## ØKONOMI

Ingen.

## Beslutning Økonomiudvalget den 03-02-2025

Udsat.

## Beslutning

Godkendt.

## Sagsforløb

Et frit afsnit.

## Bilag

- [Høringsnotat](bilag/notat.pdf)
- [Kort over området](<billeder/kort over området.png>) (lukket)
- Trafiknotat
- Personsag (lukket)

# Køb af ejendom
sagsnr: 25-001350
lukket: ja
offentlig_titel: Lukket: Ejendomssag

## Beslutning

Købet blev godkendt.
"""


def test_markdown_items_keys_sections(tmp_path: Path) -> None:
    meeting = model(write(tmp_path, "m.md", MARKDOWN))
    assert (meeting.organ, meeting.stil, meeting.dato) == (
        "Økonomiudvalget", "kalundborg", dt.date(2025, 3, 10))
    first, second = meeting.punkter
    assert first.titel == "Lokalplan 1.27"  # "Punkt 1:" is dropped
    assert first.punkt_label is not None and first.punkt_label[0] == 1
    assert (first.sagsnr, first.lukket, first.deltog_ikke) == (
        "24-008812", False, ["Mette Holm", "Karim Hassan"])
    assert list(first.sections) == ["resume", "økonomi"]
    resume = first.sections["resume"].markdown
    assert "### Underoverskrift bliver i teksten" in resume and "# heller ikke denne" in resume
    assert first.sections["økonomi"].markdown == "Ingen.\n"
    assert [(d.dato, d.organ, d.tekst.markdown) for d in first.beslutning] == [
        (dt.date(2025, 2, 3), "Økonomiudvalget", "Udsat.\n"), (None, None, "Godkendt.\n")]
    assert [(a.overskrift, a.tekst.markdown) for a in first.afsnit] == [
        ("Sagsforløb", "Et frit afsnit.\n")]
    assert [(b.titel, b.fil, b.lukket) for b in first.bilag] == [
        ("Høringsnotat", "bilag/notat.pdf", False),
        ("Kort over området", "billeder/kort over området.png", True),
        ("Trafiknotat", None, False),
        ("Personsag", None, True),
    ]
    assert second.titel == "Køb af ejendom" and second.punkt_label is None
    assert (second.lukket, second.offentlig_titel) == (True, "Lukket: Ejendomssag")
    assert [d.tekst.markdown for d in second.beslutning] == ["Købet blev godkendt.\n"]


def test_markdown_positions_point_into_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "m.md", MARKDOWN)
    lines = MARKDOWN.split("\n")
    first = model(path).punkter[0]

    def at(needle: str) -> tuple[int, int]:
        number = next(i for i, line in enumerate(lines, 1) if needle in line)
        return number, lines[number - 1].index(needle) + 1

    assert (first.titel_where.line, first.titel_where.column) == at("Lokalplan")
    assert first.punkt_label is not None
    assert (first.punkt_label[1].line, first.punkt_label[1].column) == at("Punkt 1")
    assert first.sagsnr_where is not None
    assert (first.sagsnr_where.line, first.sagsnr_where.column) == at("24-008812")
    body = first.sections["økonomi"].body
    assert (body.line, body.column) == at("Ingen.")
    dated = first.beslutning[0]
    assert (dated.where.line, dated.where.column) == at("Beslutning Økonomiudvalget")
    closed_map = first.bilag[1]
    assert closed_map.fil_where is not None
    assert (closed_map.fil_where.line, closed_map.fil_where.column) == at("billeder/kort")


def test_markdown_and_yaml_give_the_same_model(tmp_path: Path) -> None:
    yaml_meeting = model(write(tmp_path, "m.yaml", """\
organ: Økonomiudvalget
dato: 2025-03-10
stil: kalundborg
punkter:
  - titel: Lokalplan 1.27
    sagsnr: 24-008812
    deltog_ikke: [Mette Holm, Karim Hassan]
    resume: |
      Tekst med ### ikke en overskrift.

      ### Underoverskrift bliver i teksten

      ```
      # heller ikke denne
      ```
    økonomi: Ingen.
    beslutning:
      - dato: 2025-02-03
        organ: Økonomiudvalget
        tekst: Udsat.
      - tekst: Godkendt.
    afsnit:
      - overskrift: Sagsforløb
        tekst: Et frit afsnit.
    bilag:
      - titel: Høringsnotat
        fil: bilag/notat.pdf
      - titel: Kort over området
        fil: billeder/kort over området.png
        lukket: true
      - Trafiknotat
      - titel: Personsag
        lukket: ja
  - titel: Køb af ejendom
    sagsnr: 25-001350
    lukket: true
    offentlig_titel: "Lukket: Ejendomssag"
    beslutning: Købet blev godkendt.
"""))
    markdown_meeting = model(write(tmp_path, "m.md", MARKDOWN))
    assert content(markdown_meeting) == content(yaml_meeting)


def test_items_are_numbered_from_første_punkt(tmp_path: Path) -> None:
    path = write(tmp_path, "m.md", "---\norgan: D\ndato: 2022-09-05\nførste_punkt: 12\n---\n\n"
                 "# Punkt 12: A\n\n## Beslutning\n\nOk.\n\n# Punkt 13: B\n\n## Beslutning\n\n"
                 "Ok.\n")
    assert check_file(path).diagnostics == []
    assert [i.punkt_label[0] for i in model(path).punkter if i.punkt_label] == [12, 13]


# -- convert round trips ---------------------------------------------------------------


@pytest.fixture
def example_folder(tmp_path: Path) -> Path:
    # Bilag and images are checked relative to the meeting file.
    for sub in ("bilag", "billeder"):
        if (EXAMPLES / sub).is_dir():
            shutil.copytree(EXAMPLES / sub, tmp_path / sub)
    return tmp_path


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.name)
def test_every_example_converts_there_and_back(example: Path, example_folder: Path) -> None:
    original = check_file(example)
    assert original.meeting is not None and original.ok
    there_format = "yaml" if example.suffix == ".md" else "md"
    back_format = "md" if there_format == "yaml" else "yaml"

    there = write(example_folder, f"there.{there_format}",
                  dump(original.meeting, original.style, there_format))  # type: ignore[arg-type]
    there_result = check_file(there)
    assert there_result.meeting is not None and there_result.ok, [
        d.format() for d in there_result.diagnostics]
    assert content(there_result.meeting) == content(original.meeting)
    # Same findings (the documented missing decisions), at other places.
    assert [(d.rule, d.message) for d in there_result.diagnostics] == [
        (d.rule, d.message) for d in original.diagnostics]

    back = write(example_folder, f"back.{back_format}",
                 dump(there_result.meeting, there_result.style, back_format))  # type: ignore[arg-type]
    back_meeting = model(back)
    assert content(back_meeting) == content(original.meeting)
    # Converting again changes nothing: the writer is stable.
    assert dump(back_meeting, check_file(back).style, back_format) == back.read_text(  # type: ignore[arg-type]
        "utf-8")


def test_a_decision_with_only_a_date_keeps_what_the_document_shows(tmp_path: Path) -> None:
    source = write(tmp_path, "m.yaml", "organ: Direktionen\ndato: 2022-09-05\npunkter:\n"
                   "  - titel: A\n    beslutning:\n      - dato: 2022-08-29\n"
                   "        tekst: Udsat.\n")
    original = check_file(source)
    assert original.meeting is not None
    text = dump(original.meeting, original.style, "md")
    assert "## Beslutning Direktionen den 29-08-2022\n" in text
    again = model(write(tmp_path, "m.md", text))
    [decision] = again.punkter[0].beslutning
    assert (decision.dato, decision.organ) == (dt.date(2022, 8, 29), "Direktionen")
