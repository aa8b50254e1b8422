"""PDF through WeasyPrint: tagged, PDF/A-3b and PDF/UA-1 by default, bilag embedded, same
bytes each time.

`render_document` returns WeasyPrint's laid-out document, whose pages tests can inspect
before `write_pdf`. Every resource goes through `SafeFetcher`: only data: URLs and files
inside the meeting's folder and the style's folders; nothing from the network.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import logging
import re
import shutil
import subprocess
import warnings
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ..diagnostics import Diagnostic, ReferatgenError
from ..plan import Document
from ..vocabulary import INTERNAL_MARK
from . import _fonts, _table_fit
from .base import Rendered, inside, stylesheet_paths, warning
from .pdf_tags import make_accessible

#: The variants that also claim PDF/UA-1 (`pdfuaid:part` in their XMP): PDF/A-2 and -3
#: are PDF 1.7 like PDF/UA-1 and declare the claim's schema as PDF/A asks. PDF/A-1 is
#: PDF 1.4, PDF/A-4 is PDF 2.0 (PDF/UA-2's base); `pdf/ua-1` and `pdf/ua-2` claim their
#: own part already.
UA_CLAIMING_VARIANTS = frozenset(
    {"pdf/a-2a", "pdf/a-2b", "pdf/a-2u", "pdf/a-3a", "pdf/a-3b", "pdf/a-3u"})

#: From this many pages on, the layout's garbage is collected before the PDF is written.
COLLECT_FROM_PAGES = 100

if TYPE_CHECKING:
    import weasyprint

    from ..options import PdfOptions


def engine() -> Any:
    """WeasyPrint, imported without its complaint about a machine without fonts: our
    styles ship theirs, so the PDF does not need the system's."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*(No fonts configured|FontConfig cannot)")
        import weasyprint
    return weasyprint


def _fetcher_class() -> type:
    engine()
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class SafeFetcher(URLFetcher):  # type: ignore[misc]
        """Fetch data: URLs and files under the allowed folders; refuse everything else."""

        def __init__(self, roots: tuple[Path, ...]) -> None:
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
            self.roots = roots
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(url2pathname(unquote(urlsplit(url).path)))
                if inside(path, self.roots) and path.resolve().is_file():
                    resolved = path.resolve()
                    return URLFetcherResponse(resolved.as_uri(), resolved.read_bytes())
            self.refused.append(url)
            raise ValueError(f"referatgen henter ikke {url}: kun filer i mødets og stilens mapper")

    return SafeFetcher


@functools.cache
def _font_probe() -> subprocess.Popen[str] | None:
    """Ask fontconfig for the installed families, in a process of its own that runs on
    the other core while WeasyPrint lays the document out."""
    if shutil.which("fc-list") is None:
        return None
    return subprocess.Popen(["fc-list", ":", "family"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)


@functools.cache
def _installed_families() -> frozenset[str]:
    probe = _font_probe()
    if probe is None:
        return frozenset()
    output, _ = probe.communicate()
    return frozenset(f.strip().lower() for line in output.splitlines() for f in line.split(","))


def check_fonts(document: Document) -> list[Diagnostic]:
    """The missing-font warning for a style set in installed fonts, on every render: only
    the probe is cached, so a worker that renders many meetings reports it for each, and
    the caller says it once per run."""
    families = _installed_families()
    wanted = document.style.font
    if families and wanted and wanted.lower() not in families:
        message = (f"skrifttypen '{wanted}' er ikke installeret; PDF'en bruger en erstatning. "
                   "Installér fx fonts-liberation2 og fonts-crosextra-carlito.")
        return [warning(document.source_name, message, "missing-font")]
    return []


def _printed_text(document: Document, html: str) -> str:
    """What the PDF prints: the body's text, the running header, the generated words."""
    body = html[html.find("<body"):]
    text = unescape(re.sub(r"<[^>]*>", " ", body))
    return f"{text} {document.running_header} {INTERNAL_MARK} {_fonts.GENERATED}"


def check_characters(document: Document, html: str) -> list[Diagnostic]:
    """A warning for each character the style's fonts lack, naming the face used."""
    found = []
    for char in _fonts.missing_characters(_printed_text(document, html), document.style.fonts):
        fallback = _fonts.fallback_face(char)
        shown = (f"vises med den installerede skrift '{fallback}'" if fallback
                 else "vises som en tom firkant (ingen installeret skrift har det)")
        families = ", ".join(f.name for f in document.style.fonts)
        message = (f"tegnet '{char}' (U+{ord(char):04X}) findes ikke i stilens skrifter "
                   f"({families}); det {shown}, og PDF'en afhænger af maskinens skrifter.")
        found.append(warning(document.source_name, message, "missing-glyph"))
    return found


def _fonts_for(document: Document, html: str) -> tuple[Any, list[Any], list[Diagnostic]]:
    """WeasyPrint's font configuration, the @font-face sheet, and what to say about fonts.

    A style set in the fonts it ships gets those alone (the same PDF on every machine);
    the system's fonts join only for a character they lack, or for a style set in
    installed fonts."""
    style = document.style
    fetcher = _fetcher_class()(_fonts.font_folders(style))
    if not _fonts.ships_its_fonts(style):
        _font_probe()
        config, sheet = _fonts.prepared(style.fonts, True, fetcher)
        return config, [sheet], check_fonts(document)
    missing = check_characters(document, html)
    config, sheet = _fonts.prepared(style.fonts, bool(missing), fetcher)
    return config, [sheet], missing


def render_document(document: Document, first: tuple[str, list[Diagnostic]] | None = None,
                    ) -> tuple[weasyprint.Document, Any, list[Diagnostic]]:
    """Lay out the document; returns WeasyPrint's document, the fetcher used and the
    warnings so far (images left out, a missing font or character).

    A table wider than the text block is laid out again with the class that makes it
    fit (`_table_fit`); a document without one is laid out once."""
    weasyprint = engine()
    # Renderers never print: WeasyPrint's and fontTools' notes go nowhere (fontTools finds
    # the shipped fonts' creation dates "very low").
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    fetcher = _fetcher_class()(document.allowed_roots)
    # `first`: the HTML made beforehand by the caller (the command line's PDF worker has
    # it made in the parent process while it loads WeasyPrint itself).
    # The HTML module (Jinja, markdown-it) only where the HTML is made here: the command
    # line's worker gets it made, and imports less before its layout.
    if first is None:
        from .html import html_with_warnings

        first = html_with_warnings(document, "print")
    html, warnings = first
    config, sheets, font_warnings = _fonts_for(document, html)
    stylesheets = sheets + [
        weasyprint.CSS(filename=str(path), url_fetcher=fetcher, font_config=config)
        for path in stylesheet_paths(document)]

    def layout(html: str) -> Any:
        html_doc = weasyprint.HTML(string=html, base_url=document.folder.as_uri() + "/",
                                   url_fetcher=fetcher)
        # Presentational hints carry <ol start>: a list that resumes at 3 must print "3.".
        return html_doc.render(stylesheets=stylesheets, pdf_tags=True,
                               presentational_hints=True, font_config=config)

    # A table the fonts already show too wide is set smaller before the first layout,
    # saving a second one; the loop below checks it like any other.
    steps = _table_fit.predicted(document, html)
    if steps:
        html = _with_table_classes(document, steps)
    rendered = layout(html)
    for _ in _table_fit.STEPS:
        wanted = _table_fit.next_steps(rendered.pages, steps)
        if wanted == steps:
            break
        steps = wanted
        html = _with_table_classes(document, steps)
        rendered = layout(html)
    return rendered, fetcher, warnings + font_warnings + _table_warnings(
        document, steps, rendered.pages)


def _with_table_classes(document: Document, steps: dict[int, int]) -> str:
    from .html import html_with_warnings

    return html_with_warnings(document, "print", table_fit=_table_fit.classes(steps))[0]


def _table_warnings(document: Document, steps: dict[int, int],
                    pages: list[Any]) -> list[Diagnostic]:
    """The secretary hears of a table only the last resort could place: its words and
    numbers broken anywhere, or (more columns than a landscape page holds) cut off."""
    out: list[Diagnostic] = []
    broken = sum(1 for step in steps.values() if step == len(_table_fit.STEPS) - 1)
    if broken:
        out.append(warning(
            document.source_name,
            f"{broken} tabel(ler) er for brede til en tværside i 7 pt: ord og tal i dem er "
            "brudt midt i. Del tabellen, eller byt om på rækker og kolonner.",
            "table-too-wide"))
    cut = _table_fit.too_wide_pages(pages)
    if cut:
        out.append(warning(
            document.source_name,
            f"En tabel på side {', '.join(map(str, cut))} har flere kolonner, end en side "
            "kan rumme: dens sidste kolonner er skåret af i PDF'en. Del tabellen i flere.",
            "table-too-wide"))
    return out


def render_pdf(document: Document, options: PdfOptions,
               first: tuple[str, list[Diagnostic]] | None = None) -> Rendered:
    weasyprint = engine()
    from weasyprint.pdf import VARIANTS

    if options.variant is not None and options.variant not in VARIANTS:
        raise ReferatgenError(
            f"Ukendt PDF-variant '{options.variant}'. Vælg en af "
            f"{', '.join(sorted(VARIANTS))} eller none.")

    rendered, fetcher, warnings = render_document(document, first)
    if len(rendered.pages) >= COLLECT_FROM_PAGES:
        # Layout leaves cyclic garbage that Python's collector frees only when enough new
        # objects call for it: in a long meeting it would stay through writing the PDF and
        # add a sixth to the peak memory. Collecting costs a few per cent of the time, so
        # only where the memory is worth it.
        gc.collect()
    # Derived from the meeting's day, not the clock: the same meeting gives the same bytes.
    moment = dt.datetime.combine(document.date, dt.time(12, 0), tzinfo=dt.UTC)
    attachments = [
        weasyprint.Attachment(
            filename=str(bilag.path), url_fetcher=fetcher, name=bilag.path.name,
            description=bilag.title, created=moment, modified=moment,
            relationship="Supplement",
        )
        for bilag in document.attachments
        if bilag.path is not None
    ]
    with _fonts.deterministic_subsetting():
        data = rendered.write_pdf(
            pdf_variant=options.variant,
            pdf_tags=True,
            pdf_identifier=document.identifier.encode("ascii"),
            attachments=attachments,
            uncompressed_pdf=False,
        )
    assert isinstance(data, bytes)
    # The laid-out document is done with: let it go before pikepdf reads the PDF, so the
    # two do not add up to the build's peak memory (a long meeting's layout is 200+ MiB).
    del rendered, attachments
    # What WeasyPrint cannot tag as PDF/UA asks is repaired afterwards (pdf_tags.py).
    data = make_accessible(data, claim_ua=options.variant in UA_CLAIMING_VARIANTS)
    warnings += [warning(document.source_name, f"{url} blev ikke hentet (uden for mødets mappe).",
                         "fetch-refused") for url in fetcher.refused]
    return Rendered(data, tuple(warnings))
