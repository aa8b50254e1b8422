"""The HTML outputs in a real browser: axe-core's WCAG 2.1 A and AA rules find nothing,
and what axe cannot judge is checked here: a skip link, headings in order, the TOC as a
`nav`, table headers with `scope`, no horizontal scrolling at 320 CSS px but inside table
wrappers.

Needs Debian's `chromium` and `chromium-driver`, selenium (the test extra) and axe-core
from npm in tests/axe (`npm ci --prefix tests/axe`); each test skips, saying which is
missing. The pages forbid scripts (Content-Security-Policy), so the browser is told to
bypass the page's CSP, as axe's own browser integrations do.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from referatgen._api import BuildOptions, build

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".md"))
AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = pytest.mark.xdist_group("html-axe")


def _chromium() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or shutil.which("chromium-driver")
    return (browser, driver) if browser and driver else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    found = _chromium()
    if found is None:
        pytest.skip("chromium and chromium-driver are not installed (apt-get install "
                    "chromium chromium-driver)")
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (npm ci --prefix tests/axe)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install '.[test]')")
    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(found[1]), options=options)
    driver.set_script_timeout(60)
    # The pages' CSP forbids every script; axe is a script.
    driver.execute_cdp_cmd("Page.setBypassCSP", {"enabled": True})
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example's HTML, the internal version of one, and an archive's index.html."""
    from referatgen.archive import ArchiveConfig, run_archive

    out = tmp_path_factory.mktemp("html")
    found = {p.name: build(p, ["html"], out)[0] for p in EXAMPLES}
    found["intern"] = build(EXAMPLES[0], ["html"], out, BuildOptions.make(intern=True))[0]
    archive = tmp_path_factory.mktemp("arkiv")
    run_archive(ArchiveConfig(inputs=tuple(str(p) for p in EXAMPLES[:2]), output=archive,
                              formats=("html",), jobs=1))
    found["index.html"] = archive / "index.html"
    return found


def _viewport(driver: Any, width: int) -> None:
    # The window's size is not the viewport's (a window has a minimum width): emulate.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})


def _axe(driver: Any, page: Path, width: int = 1280) -> dict[str, Any]:
    _viewport(driver, width)
    driver.get(page.as_uri())
    driver.execute_script(AXE.read_text("utf-8"))
    result: dict[str, Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done({violations: r.violations.map(v => ({id: v.id, nodes: "
        "v.nodes.map(n => n.target.join(' '))})), incomplete: r.incomplete.map(v => v.id)}))"
        ".catch(e => done({error: String(e)}));", WCAG_21_AA)
    assert "error" not in result, result
    return result


@pytest.fixture(scope="module")
def results(browser: Any, pages: dict[str, Path]) -> dict[str, dict[str, Any]]:
    return {name: _axe(browser, path) for name, path in pages.items()}


def test_axe_finds_no_violation(results: dict[str, dict[str, Any]]) -> None:
    assert {name: r["violations"] for name, r in results.items()} == {n: [] for n in results}


def test_axe_leaves_nothing_for_a_person_to_review(results: dict[str, dict[str, Any]]) -> None:
    """axe's "incomplete" results need a person's judgement. Reviewed by hand:
    color-contrast on the archive index's sort arrow (a `<span aria-hidden="true"> ▼`,
    "only non-text characters": decoration in the text colour, the sort order is in
    `aria-sort`). The meeting pages have none. A new one is reviewed and listed here."""
    reviewed = {"color-contrast"}
    for name, result in results.items():
        assert set(result["incomplete"]) <= reviewed, name


_STRUCTURE = """
const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
const jumps = headings.filter((level, i) => i > 0 && level > headings[i - 1] + 1).length;
const skip = document.querySelector('body a.skip, body > a[href^="#"]');
const target = skip && document.getElementById(skip.getAttribute('href').slice(1));
const ths = [...document.querySelectorAll('main th, table th')];
const wide = [...document.querySelectorAll('body *')].filter(e => {
  const r = e.getBoundingClientRect();
  return r.right > document.documentElement.clientWidth + 1 && !e.closest('div.table, .tabel');
}).map(e => e.tagName + '.' + e.className);
return {first: headings[0], jumps: jumps, skip: !!target, skipFirst: skip ===
  document.body.querySelector('a'), nav: !!document.querySelector('nav a'),
  ths: ths.length, unscoped: ths.filter(th => !th.getAttribute('scope')).length,
  scrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth,
  wide: wide.slice(0, 5)};
"""


@pytest.mark.parametrize("name", [p.name for p in EXAMPLES] + ["intern"])
def test_what_axe_cannot_judge(browser: Any, pages: dict[str, Path], name: str) -> None:
    _viewport(browser, 320)
    browser.get(pages[name].as_uri())
    found = browser.execute_script(_STRUCTURE)
    assert found["first"] == 1 and found["jumps"] == 0
    assert found["skip"] and found["skipFirst"], "a skip link first in the page"
    assert found["nav"], "the TOC is a nav of links"
    assert found["unscoped"] == 0
    assert not found["scrolls"] and found["wide"] == [], "no horizontal scrolling at 320 px"


def test_the_harness_sees_a_violation(browser: Any, tmp_path: Path) -> None:
    """axe really runs here: a page without a language and an image without alt fails."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><title>x</title></head><body>'
                    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                    '</body></html>', "utf-8")
    ids = {v["id"] for v in _axe(browser, page)["violations"]}
    assert {"html-has-lang", "image-alt"} <= ids
