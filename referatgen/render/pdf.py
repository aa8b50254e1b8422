"""PDF through WeasyPrint: tagged, PDF/A-3b and PDF/UA-1 by default, bilag embedded, same
bytes each time.

`render_document` returns WeasyPrint's laid-out document, whose pages tests can inspect
before `write_pdf`. Every resource goes through `SafeFetcher`: only data: URLs and files
inside the meeting's folder and the style's folders; nothing from the network.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ..diagnostics import Diagnostic, ReferatgenError
from ..plan import Document
from .base import Rendered, warning
from .html import html_with_warnings, inside, stylesheet_paths
from .pdf_tags import make_accessible

#: The variants that also claim PDF/UA-1 (`pdfuaid:part` in their XMP): PDF/A-2 and -3
#: are PDF 1.7 like PDF/UA-1 and declare the claim's schema as PDF/A asks. PDF/A-1 is
#: PDF 1.4, PDF/A-4 is PDF 2.0 (PDF/UA-2's base); `pdf/ua-1` and `pdf/ua-2` claim their
#: own part already.
UA_CLAIMING_VARIANTS = frozenset(
    {"pdf/a-2a", "pdf/a-2b", "pdf/a-2u", "pdf/a-3a", "pdf/a-3b", "pdf/a-3u"})

if TYPE_CHECKING:
    import weasyprint

    from ..options import PdfOptions


def _fetcher_class() -> type:
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
    """The missing-font warning, on every render: only the probe is cached, so a worker
    that renders many meetings reports it for each, and the caller says it once per run."""
    families = _installed_families()
    wanted = document.style.font
    if families and wanted and wanted.lower() not in families:
        message = (f"skrifttypen '{wanted}' er ikke installeret; PDF'en bruger en erstatning. "
                   "Installér fx fonts-liberation2 og fonts-crosextra-carlito.")
        return [warning(document.source_name, message, "missing-font")]
    return []


def render_document(document: Document) -> tuple[weasyprint.Document, Any, list[Diagnostic]]:
    """Lay out the document; returns WeasyPrint's document, the fetcher used and the
    warnings so far (images left out, a missing font)."""
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    _font_probe()
    fetcher = _fetcher_class()(document.allowed_roots)
    html, warnings = html_with_warnings(document, "print")
    stylesheets = [weasyprint.CSS(filename=str(path), url_fetcher=fetcher)
                   for path in stylesheet_paths(document)]
    html_doc = weasyprint.HTML(string=html, base_url=document.folder.as_uri() + "/",
                               url_fetcher=fetcher)
    # Presentational hints carry <ol start>: a list that resumes at 3 must print "3.".
    rendered = html_doc.render(stylesheets=stylesheets, pdf_tags=True, presentational_hints=True)
    return rendered, fetcher, warnings + check_fonts(document)


def render_pdf(document: Document, options: PdfOptions) -> Rendered:
    import weasyprint
    from weasyprint.pdf import VARIANTS

    if options.variant is not None and options.variant not in VARIANTS:
        raise ReferatgenError(
            f"Ukendt PDF-variant '{options.variant}'. Vælg en af "
            f"{', '.join(sorted(VARIANTS))} eller none.")

    rendered, fetcher, warnings = render_document(document)
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
    data = rendered.write_pdf(
        pdf_variant=options.variant,
        pdf_tags=True,
        pdf_identifier=document.identifier.encode("ascii"),
        attachments=attachments,
        uncompressed_pdf=False,
    )
    assert isinstance(data, bytes)
    # What WeasyPrint cannot tag as PDF/UA asks is repaired afterwards (pdf_tags.py).
    data = make_accessible(data, claim_ua=options.variant in UA_CLAIMING_VARIANTS)
    warnings += [warning(document.source_name, f"{url} blev ikke hentet (uden for mødets mappe).",
                         "fetch-refused") for url in fetcher.refused]
    return Rendered(data, tuple(warnings))
