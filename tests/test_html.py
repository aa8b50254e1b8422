"""The HTML stage against golden files, and the standalone HTML output.

After an intended change of the template or the Markdown rendering, rewrite the golden
files with `python -m pytest tests/test_html.py --regen-golden` and review the diff.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from referatgen._api import BuildOptions, build, prepare
from referatgen.render.html import render_html

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden" / "html"
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".md"))


def _portable(html: str) -> str:
    # Images are linked by absolute file URL for the PDF engine; the checkout's location
    # must not be part of the golden file.
    return html.replace((ROOT / "examples").as_uri(), "file:///EXAMPLES").replace(
        (ROOT / "styles").as_uri(), "file:///STYLES")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_print_html_matches_golden(example: Path, request: pytest.FixtureRequest) -> None:
    document, _ = prepare(example)
    html = _portable(render_html(document, "print"))
    golden = GOLDEN / f"{example.stem}.html"
    if request.config.getoption("--regen-golden", default=False):
        golden.write_text(html, "utf-8")
    assert golden.is_file(), "no golden file: run pytest tests/test_html.py --regen-golden"
    assert html == golden.read_text("utf-8")


def test_markdown_raw_html_is_text(tmp_path: Path) -> None:
    meeting = tmp_path / "m.yaml"
    meeting.write_text(
        "organ: Udvalget\ndato: 2024-01-15\npunkter:\n  - titel: X <script>alert(1)</script>\n"
        "    beslutning: |\n      <script>alert(2)</script> <img src=x onerror=alert(3)>\n"
        "      [klik](javascript:alert(4))\n", "utf-8")
    document, _ = prepare(meeting)
    html = render_html(document)
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)" in html and "&lt;script&gt;alert(2)" in html
    assert 'href="javascript' not in html


def test_standalone_html_file(tmp_path: Path) -> None:
    example = ROOT / "examples" / "byraadet-2025-03-10.md"
    path = build(example, ["html"], tmp_path)[0]
    html = path.read_text("utf-8")
    assert '<html lang="da">' in html
    assert '<meta name="viewport"' in html
    assert "@media screen" in html  # screen CSS inlined next to the print CSS
    assert "file://" not in html  # images embedded: one file that works anywhere
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="Kort over', html)
    assert "HEMMELIG-SENTINEL-7731" not in html
    # Screen footnotes: a numbered list at the end of the section, linked both ways.
    assert 'class="footnote-ref"' in html and 'class="footnotes"' in html
    internal = build(example, ["html"], tmp_path, BuildOptions.make(intern=True))[0]
    assert "HEMMELIG-SENTINEL-7731" in internal.read_text("utf-8")


def test_headings_nest_below_their_section(tmp_path: Path) -> None:
    example = ROOT / "examples" / "kalundborg-direktionen-2022-08-29.yaml"
    document, _ = prepare(example)
    html = render_html(document)
    # Group heading h3, its sections h4, their ### sub-headings h5.
    assert "<h3>Sagsfremstilling</h3>" in html
    assert "<h4>Resume og sagens baggrund</h4>" in html
    assert "<h5>Jobcentret administration</h5>" in html


def test_a_missing_image_is_a_returned_warning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from referatgen.diagnostics import BUILD_RULES
    from referatgen.render.html import render_html_file

    meeting = tmp_path / "m.yaml"
    meeting.write_text(
        "organ: Udvalget\ndato: 2024-01-15\npunkter:\n  - titel: Billeder\n    beslutning: |\n"
        "      Tekst.\n\n      Et kort: ![a](/etc/hostname)\n", "utf-8")
    from referatgen.check import check_file
    from referatgen.plan import plan

    result = check_file(meeting)
    assert result.meeting is not None and result.style is not None
    rendered = render_html_file(plan(result.meeting, result.style))
    assert capsys.readouterr().err == ""  # the renderer prints nothing
    assert [(d.path, d.line, d.column, d.severity, d.rule) for d in rendered.warnings] == [
        (str(meeting), 8, 21, "warning", "image-outside")]
    assert rendered.warnings[0].message == (
        "billedet '/etc/hostname' bruges ikke: det ligger ikke i mødets mappe.")
    assert rendered.warnings[0].rule in BUILD_RULES
    assert b'class="missing-image">[a]</span>' in rendered.data
