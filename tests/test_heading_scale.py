"""Heading hierarchy: every level its own size, never larger than the level above it, in
every built-in style, read back from the PDF's glyphs and from the DOCX's styles."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import docx
import pytest

from referatgen._api import BuildOptions, build
from referatgen.render._docx_styles import heading_sizes, word_style
from referatgen.styles import StyleError, resolve_style

STYLES = ("standard", "htk", "htk-2014", "kalundborg")

#: Each heading's text names its level in the Markdown, so the test can find it on the
#: page; the item heading ("Punkt 1: ...") is level 2 in the HTML, Heading 1 in Word.
BODY = """\
Tekst under afsnittet.

### Treniveau overskrift

Tekst.

#### Fireniveau overskrift

Tekst.

##### Femniveau overskrift

Tekst.
"""


def _meeting(folder: Path, style: str) -> Path:
    indented = "\n".join("      " + line if line else "" for line in BODY.splitlines())
    path = folder / "moede.yaml"
    path.write_text(
        f"organ: Direktionen\nstil: {style}\ndato: 2022-09-05\npunkter:\n"
        "  - titel: Overskrifternes orden\n"
        f"    baggrund: |\n{indented}\n"
        "    beslutning: Godkendt.\n", "utf-8")
    return path


def _line_sizes(pdf: Path) -> dict[str, float]:
    """Each printed line's text -> the largest glyph size on it."""
    import pdfplumber

    sizes: dict[str, float] = {}
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            for line in page.extract_text_lines():
                size = max(round(char["size"], 2) for char in line["chars"])
                sizes.setdefault(line["text"].strip(), size)
    return sizes


def _ladder(sizes: dict[str, float], titles: list[str]) -> list[float]:
    return [next(size for text, size in sizes.items() if text.startswith(title))
            for title in titles]


Ladder = tuple[list[float], dict[str, float]]


@pytest.fixture(scope="module")
def pdf_ladder(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Ladder]:
    """`_pdf_ladder` of each style, built once for the tests that read it."""
    built: dict[str, Ladder] = {}

    def ladder(style: str) -> Ladder:
        if style not in built:
            built[style] = _pdf_ladder(tmp_path_factory.mktemp(style), style)
        return built[style]

    return ladder


def _pdf_ladder(tmp_path: Path, style: str) -> Ladder:
    """Sizes of the item heading, then each level below it, as printed in the PDF."""
    pdf = build(_meeting(tmp_path, style), ("pdf",), tmp_path / "pdf")
    sizes = _line_sizes(pdf[0])
    # In kalundborg the sections sit in the "Sagsfremstilling" group: one level deeper.
    titles = ["Punkt 1:", "Baggrund", "Treniveau", "Fireniveau", "Femniveau"]
    if style == "kalundborg":
        # HTML ends at h6: in a group, `#####` would be a seventh level.
        titles[1:] = ["Sagsfremstilling", "Baggrund", "Treniveau", "Fireniveau"]
    return _ladder(sizes, titles), sizes


@pytest.mark.parametrize("style", STYLES)
def test_pdf_heading_levels_step_down(pdf_ladder: Callable[[str], Ladder], style: str) -> None:
    """Item, section, `###`, `####`, `#####`: strictly smaller at each step, and the text
    under a section no larger than its heading."""
    ladder, sizes = pdf_ladder(style)
    assert all(lower < upper for upper, lower in pairwise(ladder)), ladder
    assert sizes["Tekst under afsnittet."] < ladder[1], (ladder, sizes)


@pytest.mark.parametrize("style", STYLES)
def test_docx_heading_levels_step_down(tmp_path: Path, style: str) -> None:
    out = build(_meeting(tmp_path, style), ("docx",), tmp_path / "ud",
                BuildOptions.make(libreoffice=False))
    document = docx.Document(str(out[0]))
    sizes = [document.styles[f"Heading {level}"].font.size.pt for level in range(1, 7)]
    assert all(lower < upper for upper, lower in pairwise(sizes)), sizes
    # Each heading of the text is set in the style of its level.
    used = {p.text: p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert [used[t] for t in ("Treniveau overskrift", "Fireniveau overskrift",
                              "Femniveau overskrift")] == (
        ["Heading 4", "Heading 5", "Heading 6"] if style == "kalundborg"
        else ["Heading 3", "Heading 4", "Heading 5"])


def test_a_style_whose_sub_heading_outgrows_its_section_is_refused(tmp_path: Path) -> None:
    """Refused when the style loads, so `check` says it before any build, naming the
    keys to change."""
    from referatgen.check import check_file

    folder = tmp_path / "omvendt"
    folder.mkdir()
    (folder / "style.yaml").write_text(
        "navn: omvendt\nextends: standard\ndocx:\n  størrelse_afsnit: 11\n"
        "  størrelse_underafsnit: 12\n", "utf-8")
    message = r"størrelse_underafsnit \(12 pt\) skal være mindre end størrelse_afsnit \(11 pt\)"
    with pytest.raises(StyleError, match=message):
        resolve_style(str(folder), tmp_path)
    meeting = _meeting(tmp_path, str(folder))
    found = [d for d in check_file(meeting).diagnostics if d.severity == "error"]
    assert [d.rule for d in found] == ["unknown-style"]
    assert "størrelse_underafsnit" in found[0].message


@pytest.mark.parametrize("style", STYLES)
def test_docx_sizes_are_the_pdf_sizes(pdf_ladder: Callable[[str], Ladder], style: str,
                                      tmp_path: Path) -> None:
    """One scale in both formats: Word's Heading N is the PDF's h(N+1)."""
    ladder, _ = pdf_ladder(style)
    sizes = heading_sizes(word_style(resolve_style(style, tmp_path)))
    assert [sizes[level] for level in range(1, len(ladder) + 1)] == ladder
