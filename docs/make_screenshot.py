"""The README's picture: `referatgen serve`'s preview beside the PDF's page.

Runs serve on a copy of examples/htk-direktionen-2022-09-05.yaml, opens the preview in
headless Chromium (Debian's, via selenium), waits for the PDF page numbers in its table
of contents, and puts the screenshot beside the PDF's page 2 (the Indholdsfortegnelse,
drawn by pdftoppm) in docs/serve-preview.png.

    python docs/make_screenshot.py
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from referatgen.options import BuildOptions  # noqa: E402
from referatgen.serve import InThread, ServeConfig  # noqa: E402
from tests import browser  # noqa: E402

NAME = "htk-direktionen-2022-09-05.yaml"
OUT = ROOT / "docs" / "serve-preview.png"
PAGES_JS = ("const d = document.getElementById('dokument').contentDocument;"
            "return d && d.body ? Array.from(d.querySelectorAll('nav.toc span.p'))"
            ".map(e => e.textContent).join('') : '';")


def preview_and_pdf(tmp: Path) -> tuple[Image.Image, bytes]:
    meeting = Path(shutil.copy(ROOT / "examples" / NAME, tmp))
    config = ServeConfig(meeting, port=0, cache=tmp / "cache",
                         options=BuildOptions.make(libreoffice=False))
    chrome = browser.chromium(900, 1100)
    try:
        with InThread(config) as running:
            chrome.get(running.url)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                pages = chrome.execute_script(PAGES_JS)
                if pages and "–" not in pages:
                    break
                time.sleep(0.1)
            chrome.execute_script(
                "document.getElementById('dokument').contentDocument"
                ".querySelector('nav.toc').scrollIntoView();")
            time.sleep(0.3)
            shot = Image.open(io.BytesIO(chrome.get_screenshot_as_png())).convert("RGB")
            with urllib.request.urlopen(chrome.current_url + "hent/pdf") as answer:
                pdf = answer.read()
    finally:
        chrome.quit()
    return shot, pdf


def pdf_page(pdf: bytes, number: int, height: int, tmp: Path) -> Image.Image:
    (tmp / "m.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", str(number), "-l", str(number),
                    "-singlefile", str(tmp / "m.pdf"), str(tmp / "side")], check=True)
    page = Image.open(tmp / "side.png").convert("RGB")
    return page.resize((round(page.width * height / page.height), height))


def main() -> int:
    if (reason := browser.missing()) is not None or shutil.which("pdftoppm") is None:
        print(f"make_screenshot: {reason or 'pdftoppm (poppler-utils) is missing'}",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        shot, pdf = preview_and_pdf(tmp)
        page = pdf_page(pdf, 2, shot.height - 40, tmp)
    gap = 20
    image = Image.new("RGB", (shot.width + page.width + 3 * gap, shot.height + 2 * gap),
                      (225, 228, 233))
    image.paste(shot, (gap, gap))
    image.paste(page, (shot.width + 2 * gap, gap + 20))
    image.save(OUT, optimize=True)
    print(OUT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
