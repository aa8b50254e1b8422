"""The fonts a style ships, for the PDF and for LibreOffice.

A PDF must be the same bytes on every machine whatever fonts it has installed. So when
a style's main font is one it ships (`skrifter` in style.yaml), WeasyPrint gets a font
configuration that holds those files and nothing of the system: fontconfig cannot pick
an installed face of the same name, or a different version of it, ahead of ours (it
prefers system fonts on a tie). Only when the text holds a character none of the shipped
fonts has does the configuration include the system's fonts, for a fallback; that is
said in a warning naming the character and the face used.

Subsetting: WeasyPrint subsets with harfbuzz-subset where the system library is
installed and with fontTools otherwise; the two write different fonts, and fontTools
stamps the clock into each. `deterministic_subsetting` makes WeasyPrint subset through
`subset_font` instead: its own HarfBuzz path with the HarfBuzz of the pinned uharfbuzz
wheel, the same everywhere, dated nowhere, cached per process.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import os
import shutil
import subprocess
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ..styles import FontFamily, Style

#: Characters WeasyPrint prints that are not in the HTML's text: page numbers and the
#: footer, the TOC leader, list markers of three levels, "1)" lists, the TOC's ellipsis.
GENERATED = "Side af 0123456789.:)–•◦▪…"


def ships_its_fonts(style: Style) -> bool:
    """Whether the style's text is set in fonts it ships (else in installed ones)."""
    names = {family.name for family in style.fonts}
    return bool(names) and (style.font is None or style.font in names)


@functools.cache
def _face(path: Path, stamp: tuple[int, int]) -> tuple[int, bool]:
    """Weight and italic of one font file (cached by size and time)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        os2 = font["OS/2"]
        italic = bool(os2.fsSelection & 1) or bool(font["head"].macStyle & 2)
        return int(os2.usWeightClass), italic


@functools.cache
def _characters(path: Path, stamp: tuple[int, int]) -> frozenset[int]:
    """The characters of one font file (cached by size and time). Reading the character
    map costs ten times what weight and style do: it is read only when asked for."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def face(path: Path) -> tuple[int, bool]:
    return _face(path, _stamp(path))


def font_face_css(families: tuple[FontFamily, ...]) -> str:
    """One @font-face rule per shipped file, its weight and style read from the file."""
    rules = []
    for family in families:
        for path in family.files:
            weight, italic = face(path)
            rules.append(
                f'@font-face {{ font-family: "{family.name}"; font-weight: {weight}; '
                f'font-style: {"italic" if italic else "normal"}; '
                f'src: url("{path.as_uri()}"); }}')
    return "\n".join(rules) + "\n"


def missing_characters(text: str, families: tuple[FontFamily, ...]) -> list[str]:
    """The printable characters of `text` that no shipped font has, in order of use."""
    # Spaces, line ends and format characters (soft hyphen, zero-width space) need no
    # glyph: Pango does not draw them.
    wanted = {char: None for char in text if unicodedata.category(char)[0] not in "CZ"}
    pending = set(map(ord, wanted))
    for path in (path for family in families for path in family.files):
        if not pending:
            break  # the first files cover a text in Latin letters: the rest go unread
        pending -= _characters(path, _stamp(path))
    return [char for char in wanted if ord(char) in pending]


def fallback_face(char: str) -> str | None:
    """The installed face fontconfig gives `char`, as the warning names it."""
    if shutil.which("fc-match") is None:
        return None
    try:
        result = subprocess.run(["fc-match", "-f", "%{family[0]}", f":charset={ord(char):x}"],
                                capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


_cdef_lock = threading.Lock()


@functools.cache
def _declare_config_create() -> None:
    # WeasyPrint's cffi declarations lack FcConfigCreate; ABI-mode libraries pick up a
    # declaration added later.
    from weasyprint.text.ffi import ffi

    with _cdef_lock:
        ffi.cdef("FcConfig * FcConfigCreate (void);")


def _font_configuration(system: bool) -> Any:
    """WeasyPrint's font configuration: the system's fonts, or none of them."""
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    if not system:
        from weasyprint.text.ffi import ffi, fontconfig, pangoft2

        _declare_config_create()
        empty = fontconfig.FcConfigCreate()
        pangoft2.pango_fc_font_map_set_config(ffi.cast("PangoFcFontMap *", config.font_map),
                                              empty)
        # The font map keeps its own reference, as WeasyPrint's own constructor relies on.
        fontconfig.FcConfigDestroy(empty)
        config._config = empty  # @font-face rules are added to this one
    return config


_prepared: dict[tuple[Any, ...], tuple[Any, Any]] = {}
# WeasyPrint removes the configuration's copies of the font files when it is collected;
# at interpreter exit that is too late (shutil is gone), so it is let go before.
atexit.register(_prepared.clear)


def prepared(families: tuple[FontFamily, ...], system: bool, fetcher: Any) -> tuple[Any, Any]:
    """(FontConfiguration, the @font-face stylesheet), made once per process: loading
    the font files into fontconfig costs more than laying out a short meeting. `fetcher`
    reads the font files (only inside the style's folders); an edited file is read again."""
    import weasyprint

    stamps = tuple((p.stat().st_size, p.stat().st_mtime_ns) for f in families for p in f.files)
    key = (families, system, stamps)
    if key not in _prepared:
        config = _font_configuration(system)
        css = weasyprint.CSS(string=font_face_css(families), font_config=config,
                             url_fetcher=fetcher)
        _prepared[key] = (config, css)
    return _prepared[key]


_subset_lock = threading.Lock()

#: Fonts already subset in this process, by the font file's bytes, the glyphs kept and
#: the options: an archive worker or `serve` that builds the same
#: meeting again cuts no font twice. A few dozen entries of some kilobytes each.
_SUBSETS_KEPT = 64
_subsets: OrderedDict[tuple[object, ...], bytes] = OrderedDict()


#: The tables WeasyPrint's harfbuzz path drops (weasyprint/pdf/fonts.py), as tags.
_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
                   b"LTSH", b"PCLT", b"SVG ")


def subset_font(content: bytes, index: int, glyphs: Iterable[int], hinting: bool,
                notdef_outline: bool) -> bytes | None:
    """The font in `content` cut to the glyph ids `glyphs` (ids kept), as WeasyPrint cuts
    it with harfbuzz-subset, but with the HarfBuzz that the `uharfbuzz` wheel bundles: a
    pinned version, the same on every machine whatever the system has, and about a
    hundred times faster than fontTools. HarfBuzz stamps no date. None if HarfBuzz cannot
    cut the font (WeasyPrint then embeds it whole)."""
    import uharfbuzz as hb

    kept = tuple(sorted(glyphs))
    key = (hashlib.sha256(content).digest(), index, kept, hinting, notdef_outline)
    if key in _subsets:
        _subsets.move_to_end(key)
        return _subsets[key]
    extra = hb.SubsetFlags.NOTDEF_OUTLINE if notdef_outline else hb.SubsetFlags.DEFAULT
    # Two passes, as WeasyPrint's: the used glyphs at their ids, then the empty glyphs
    # after the last used one dropped, and the hinting unless asked for.
    first = hb.SubsetInput()
    first.glyph_set.update(kept)
    first.flags = (hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
                   | hb.SubsetFlags.DESUBROUTINIZE | extra)
    drop = first.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in _DROPPED_TABLES:
        drop.add(int.from_bytes(tag, "big"))
    second = hb.SubsetInput()
    second.glyph_set.update(range(max(kept, default=0) + 1))
    second.flags = (hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
                    | extra | (hb.SubsetFlags.DEFAULT if hinting else hb.SubsetFlags.NO_HINTING))
    face = hb.Face(hb.Blob(content), index)
    cut = hb.subset(face, first)
    cut = hb.subset(cut, second) if cut is not None else None
    data = bytes(cut.blob.data) if cut is not None else b""
    if not data:
        return None
    _subsets[key] = data
    if len(_subsets) > _SUBSETS_KEPT:
        _subsets.popitem(last=False)
    return data


def _subset(font: Any, to_unicode: dict[int, Any], hinting: bool) -> None:
    """Stands in for WeasyPrint's `Font.subset` (which picks harfbuzz-subset where it is
    installed, fontTools elsewhere): always the pinned HarfBuzz, through `subset_font`."""
    if to_unicode:
        data = subset_font(font.file_content, font.index, to_unicode, hinting,
                           bool(font.missing))
        if data is not None:
            font.file_content = data


@contextmanager
def deterministic_subsetting() -> Iterator[None]:
    """WeasyPrint's font subsetting, the same on every machine: the pinned HarfBuzz of
    `uharfbuzz` (`subset_font`), whether or not the system has harfbuzz-subset. HarfBuzz
    stamps no date, so no clock is involved."""
    from weasyprint.pdf import fonts

    with _subset_lock:
        saved_subset = fonts.Font.subset
        fonts.Font.subset = _subset
        try:
            yield
        finally:
            fonts.Font.subset = saved_subset


def font_folders(style: Style) -> tuple[Path, ...]:
    """The folders that hold a style's shipped fonts, in the style's order."""
    return tuple(dict.fromkeys(p.parent for f in style.fonts for p in f.files))


def fontconfig_file(folders: tuple[Path, ...], target: Path) -> Path:
    """A fontconfig file for LibreOffice: the system's configuration plus `folders`, so
    it measures the Word document with the fonts the PDF uses even where they are not
    installed (Times New Roman maps to Liberation Serif, Calibri to Carlito)."""
    system = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    dirs = "".join(f"<dir>{escape(str(folder))}</dir>" for folder in folders)
    target.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f'<fontconfig><include ignore_missing="yes">{escape(system)}</include>{dirs}'
        "</fontconfig>\n", "utf-8")
    return target
