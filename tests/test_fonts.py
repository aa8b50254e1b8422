"""Fonts shipped with the styles: the PDF is the same bytes whatever the machine has."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest

from referatgen._api import build, build_with_warnings
from referatgen.styles import StyleError, resolve_style

from .conftest import referatgen_env

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".md"))
MD_EXAMPLE = ROOT / "examples" / "byraadet-2025-03-10.md"
EMPTY_FONTCONFIG = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM '
                    '"urn:fontconfig:fonts.dtd">\n<fontconfig></fontconfig>\n')


def font_names(path: Path) -> set[str]:
    """The base names of the fonts a PDF embeds, without the subset prefix."""
    names: set[str] = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                names.add(str(font.BaseFont).lstrip("/").split("+", 1)[-1])
    return names


@pytest.fixture(scope="module")
def with_system_fonts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("system")
    return {p.name: build(p, ["pdf"], out)[0] for p in EXAMPLES}


@pytest.mark.slow
def test_no_system_font_visible_gives_the_same_bytes(
        with_system_fonts: dict[str, Path], tmp_path: Path) -> None:
    """Every example, built where fontconfig sees no font at all, is the same file."""
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig (fc-list) is not installed: nothing to hide")
    config = tmp_path / "empty.conf"
    config.write_text(EMPTY_FONTCONFIG, "utf-8")
    env = referatgen_env() | {"FONTCONFIG_FILE": str(config)}
    listed = subprocess.run(["fc-list"], env=env, capture_output=True, text=True, check=False)
    assert listed.stdout.strip() == "", "the empty configuration must hide every font"
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "referatgen", "build", *map(str, EXAMPLES), "-o", str(out),
         "--format", "pdf"], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no warning: the shipped fonts cover every character
    for name, path in with_system_fonts.items():
        assert (out / path.name).read_bytes() == path.read_bytes(), name


def test_the_pdf_embeds_the_shipped_faces(with_system_fonts: dict[str, Path]) -> None:
    htk = font_names(with_system_fonts["htk-direktionen-2018-11-13.yaml"])
    assert htk and all(n.startswith("Liberation-Serif") for n in htk), htk
    assert font_names(with_system_fonts[MD_EXAMPLE.name]) >= {"Carlito", "Carlito-Bold"}


def test_one_subsetter_whatever_is_installed(
        with_system_fonts: dict[str, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """harfbuzz-subset present or not, and whatever the clock says, the same bytes."""
    from weasyprint.pdf import fonts

    monkeypatch.setattr(fonts, "harfbuzz_subset", None)  # a machine without the library
    later = time.time() + 86400 * 400
    monkeypatch.setattr(time, "time", lambda: later)  # fontTools stamps the clock
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    path = build(MD_EXAMPLE, ["pdf"], tmp_path)[0]
    assert path.read_bytes() == with_system_fonts[MD_EXAMPLE.name].read_bytes()
    assert fonts.harfbuzz_subset is None  # put back as found


def test_a_character_the_fonts_lack_is_named(tmp_path: Path) -> None:
    meeting = tmp_path / "m.yaml"
    meeting.write_text(
        "organ: Udvalget\ndato: 2024-01-15\npunkter:\n"
        "  - titel: Et punkt\n    beslutning: Godkendt ✓ og – som før – vedtaget.\n", "utf-8")
    paths, warnings = build_with_warnings(meeting, ["pdf"], tmp_path / "ud")
    found = [d for d in warnings if d.rule == "missing-glyph"]
    assert len(found) == 1, warnings
    assert "'✓' (U+2713)" in found[0].message
    assert "Carlito" in found[0].message
    assert (found[0].path, found[0].line, found[0].severity) == (str(meeting), 1, "warning")
    if shutil.which("fc-match"):
        assert "vises med den installerede skrift" in found[0].message
    assert paths[0].is_file()


def _own_font_style(tmp_path: Path, style_yaml: str,
                    files: dict[str, str] | None = None) -> tuple[Path, Path]:
    """A meeting in a style folder of its own (`style_yaml`, and `files` by name) whose
    font lies at skrift/Egen.ttf: (the meeting, where the font file goes)."""
    style = tmp_path / "stil"
    (style / "skrift").mkdir(parents=True)
    (style / "style.yaml").write_text(style_yaml, "utf-8")
    for name, text in (files or {}).items():
        (style / name).write_text(text, "utf-8")
    meeting = tmp_path / "m.yaml"
    meeting.write_text("organ: Udvalget\ndato: 2024-01-15\nstil: ./stil\npunkter:\n"
                       "  - titel: Et punkt\n    beslutning: Godkendt.\n", "utf-8")
    return meeting, style / "skrift" / "Egen.ttf"


def test_a_styles_own_font_face_is_used(tmp_path: Path) -> None:
    """@font-face in a style's CSS: WeasyPrint gets a FontConfiguration, so it counts."""
    meeting, font = _own_font_style(
        tmp_path, "extends: standard\nskrifttype: Egen Skrift\ncss: [min.css]\n",
        {"min.css": '@font-face { font-family: "Egen Skrift"; src: url(skrift/Egen.ttf); }\n'
                    'html { font-family: "Egen Skrift"; }\n'})
    shutil.copy(ROOT / "styles/standard/fonts/LiberationMono-Regular.ttf", font)
    path = build(meeting, ["pdf"], tmp_path / "ud")[0]
    assert any(n.startswith("Egen-Skrift") for n in font_names(path)), font_names(path)


def test_shipped_fonts_in_style_yaml_are_checked(tmp_path: Path) -> None:
    style = tmp_path / "s"
    style.mkdir()
    (style / "style.yaml").write_text(
        "extends: standard\nskrifter:\n  Min:\n    word: Arial\n"
        "    filer: [fonts/findes-ikke.ttf]\n", "utf-8")
    with pytest.raises(StyleError, match=r"findes-ikke\.ttf"):
        resolve_style("./s", tmp_path)
    standard = resolve_style("standard", tmp_path)
    words = {f.name: f.word for f in standard.fonts}
    assert words == {"Carlito": "Calibri", "Liberation Serif": "Times New Roman",
                     "Liberation Mono": "Courier New"}
    assert all(p.is_file() and (p.parent / "LICENSE-Liberation.txt").is_file()
               for f in standard.fonts for p in f.files)


@pytest.mark.parametrize("name", ["Carlito-Regular.ttf", "LiberationSerif-Regular.ttf"])
def test_the_subset_keeps_what_the_pdf_uses_and_no_date(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """HarfBuzz's cut, as WeasyPrint's harfbuzz path makes it: every glyph used keeps its
    id and outline, (almost) nothing after the last one, the tables WeasyPrint drops gone, no
    hinting; and no clock in it: another SOURCE_DATE_EPOCH gives the same bytes."""
    import io

    from fontTools.ttLib import TTFont

    from referatgen.render import _fonts

    monkeypatch.setattr(_fonts, "_subsets", type(_fonts._subsets)())
    path = ROOT / "styles/standard/fonts" / name
    content = path.read_bytes()
    glyphs = {0, *range(3, 90), 120, 200}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1541073600")
    first = _fonts.subset_font(content, 0, glyphs, False, False)
    monkeypatch.setattr(_fonts, "_subsets", type(_fonts._subsets)())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert first is not None and _fonts.subset_font(content, 0, glyphs, False, False) == first
    with TTFont(path) as whole, TTFont(io.BytesIO(first)) as cut:
        # Glyphs after the last used one go (a composite's parts may stay at their ids).
        assert max(glyphs) + 1 <= cut["maxp"].numGlyphs < whole["maxp"].numGlyphs
        assert not {"GSUB", "GPOS", "fpgm", "prep", "cvt "} & set(cut.keys())
        order = whole.getGlyphOrder()
        for gid in glyphs - {0}:  # .notdef is emptied unless a character is missing
            original, kept = whole["glyf"][order[gid]], cut["glyf"][cut.getGlyphOrder()[gid]]
            assert getattr(kept, "numberOfContours", 0) == getattr(
                original, "numberOfContours", 0), gid
            assert cut["hmtx"][cut.getGlyphOrder()[gid]][0] == whole["hmtx"][order[gid]][0]
        unused = cut["glyf"][cut.getGlyphOrder()[150]]
        assert getattr(unused, "numberOfContours", 0) == 0


def test_subsets_kept_in_the_process_give_the_same_bytes(
        with_system_fonts: dict[str, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A second build in the same process takes its fonts from the cache (HarfBuzz is
    not asked again) and writes the same bytes as the first, cold one."""
    import uharfbuzz

    from referatgen.render import _fonts

    monkeypatch.setattr(_fonts, "_subsets", type(_fonts._subsets)())
    cold = build(MD_EXAMPLE, ["pdf"], tmp_path / "cold")[0].read_bytes()
    assert len(_fonts._subsets) >= 3  # Carlito regular, bold, italic at least

    def unused(*args: object, **kwargs: object) -> None:
        raise AssertionError("a font was subset again")

    monkeypatch.setattr(uharfbuzz, "subset", unused)
    warm = build(MD_EXAMPLE, ["pdf"], tmp_path / "warm")[0].read_bytes()
    assert warm == cold == with_system_fonts[MD_EXAMPLE.name].read_bytes()


def test_a_changed_font_file_is_subset_again(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache is keyed by the font's bytes: a style's font file replaced between two
    builds in one process gives the PDF a cold cache gives, not the old font's subset."""
    from referatgen.render import _fonts

    fonts = ROOT / "styles/standard/fonts"
    meeting, target = _own_font_style(
        tmp_path, "extends: standard\nskrifttype: Egen\nskrifter:\n  Egen:\n    word: Arial\n"
        "    filer: [skrift/Egen.ttf]\n")

    def built_with(font: str, folder: str) -> bytes:
        shutil.copy(fonts / font, target)
        return build(meeting, ["pdf"], tmp_path / folder)[0].read_bytes()

    monkeypatch.setattr(_fonts, "_subsets", type(_fonts._subsets)())
    built_with("LiberationSerif-Regular.ttf", "first")
    warm = built_with("Carlito-Regular.ttf", "second")
    monkeypatch.setattr(_fonts, "_subsets", type(_fonts._subsets)())
    cold = built_with("Carlito-Regular.ttf", "cold")
    assert warm == cold
