"""`referatgen serve` in a real headless Chromium: what the secretary sees.

Debian's chromium and chromedriver, driven by selenium; skipped with the reason where
they are absent. One browser for the module and one server per test, each on a fresh
copy of the 13-item example.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from . import browser
from .conftest import EXAMPLES

if (reason := browser.missing()) is not None:
    pytest.skip(reason, allow_module_level=True)
pytest.importorskip("uvicorn", reason="referatgen[serve] is not installed")

from pypdf import PdfReader

from referatgen._api import prepare
from referatgen.options import BuildOptions
from referatgen.serve import InThread, ServeConfig
from referatgen.serve.builds import item_pages

NAME = "htk-direktionen-2018-11-13.yaml"
WAIT = 10.0  # seconds; the target is under one (bench/serve_speed.py measures it)

FRAME_JS = "return document.getElementById('dokument').contentDocument"
TITLES_JS = (f"const d = (function () {{ {FRAME_JS}; }})();"
             "return d && d.body ? Array.from(d.querySelectorAll('h2.punkt-overskrift'))"
             ".map(e => e.textContent) : [];")
PAGES_JS = (f"const d = (function () {{ {FRAME_JS}; }})();"
            "return d && d.body ? Array.from(d.querySelectorAll('nav.toc span.p'))"
            ".map(e => e.textContent) : [];")
MESSAGES_JS = ("return Array.from(document.querySelectorAll('#beskedliste a'))"
               ".map(e => e.textContent);")


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    chrome = browser.chromium()
    try:
        yield chrome
    finally:
        chrome.quit()


@pytest.fixture
def meeting(tmp_path: Path) -> Path:
    folder = tmp_path / "moeder"
    folder.mkdir()
    return Path(shutil.copy(EXAMPLES / NAME, folder))


@pytest.fixture
def page(driver: Any, meeting: Path, tmp_path: Path) -> Iterator[Any]:
    config = ServeConfig(meeting, port=0, cache=tmp_path / "cache",
                         options=BuildOptions.make(libreoffice=False))
    with InThread(config) as running:
        driver.get(running.url)
        yield driver


def until(driver: Any, what: Callable[[], Any], message: str) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT, poll_frequency=0.05).until(lambda _d: what(), message)


def titles(driver: Any) -> list[str]:
    found: list[str] = driver.execute_script(TITLES_JS)
    return found


def test_every_item_the_pdf_pages_and_the_pdf(page: Any, meeting: Path) -> None:
    document, _ = prepare(meeting, BuildOptions(), NAME)
    expected = [item.heading for item in document.items]
    assert len(expected) == 13
    until(page, lambda: titles(page) == expected, "the preview shows every item title")
    page.set_script_timeout(60)
    # The published HTML's table of contents gets the PDF's true pages when its build
    # is done: the same the PDF's own bookmarks say.
    pdf = fetch(page, "hent-pdf")
    pages = item_pages(pdf, document.items)
    want = [str(pages[item.anchor]) for item in document.items]
    until(page, lambda: page.execute_script(PAGES_JS) == want, f"TOC pages {want}")
    # The PDF link gives the PDF of this meeting: its first page is the front page.
    first = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "REFERAT Direktionen d. 13-11-2018" in first and "Mødedato" in first


def test_saving_updates_the_open_page(page: Any, meeting: Path) -> None:
    until(page, lambda: "Punkt 3: Kommunikationsindsatser - eksternt og internt" in titles(page),
          "the first version")
    page.execute_script("window.serveMarker = 'samme side';")
    text = meeting.read_text("utf-8")

    meeting.write_text(text.replace("Kommunikationsindsatser", "Kommunikation i stort"), "utf-8")
    until(page, lambda: "Punkt 3: Kommunikation i stort - eksternt og internt" in titles(page),
          "an edit in place")
    # A new version: its PDF is not built yet, so its pages are a dash for now.
    assert "–" in page.execute_script(PAGES_JS)

    # Editors that write a new file and rename it over the old one.
    temporary = meeting.with_name(f".{meeting.name}.tmp")
    temporary.write_text(text.replace("Fundraising", "Fundraising og fonde"), "utf-8")
    os.replace(temporary, meeting)
    until(page, lambda: "Punkt 5: Fundraising og fonde" in titles(page), "write and rename")

    meeting.write_text(text.replace("dato: 2018-11-13", "dato: 2018-11-31"), "utf-8")
    line = text.splitlines().index("dato: 2018-11-13") + 1
    until(page, lambda: any(m.startswith(f"linje {line}: ") and "[bad-date]" in m
                            for m in page.execute_script(MESSAGES_JS)), "the bad date's message")
    # The last good version stays visible under the message, not a blank page.
    assert "Punkt 5: Fundraising og fonde" in titles(page)
    # The message leads to its place in the preview: an anchor only the preview has.
    page.find_element("css selector", "#beskedliste a").click()
    assert page.execute_script(
        f"const d = (function () {{ {FRAME_JS}; }})();"
        f"return d.getElementById('linje-{line}').parentElement.className;"
    ) == "forside serve-markeret"
    assert page.execute_script("return window.serveMarker;") == "samme side"


def fetch(driver: Any, link_id: str) -> bytes:
    """Follow a link of the page in the browser itself (its cookies, its origin)."""
    encoded: str = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"fetch(document.getElementById('{link_id}').href).then(r => r.blob())"
        ".then(b => { const f = new FileReader();"
        " f.onload = () => done(f.result.split(',')[1]); f.readAsDataURL(b); });")
    return base64.b64decode(encoded)

