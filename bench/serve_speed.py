"""`referatgen serve`: from saving the file to the updated preview in a real browser.

Starts `referatgen serve` on a copy of the 13-item example (htk-direktionen-2018-11-13)
as its own process, opens the preview in headless Chromium (Debian's, via selenium),
then saves the file again and again with a new item title and times each save until
the title shows in the browser. Reports the median against the target (under 1 s: the
ratio median/1 s must stay below 1), and the server process's RSS after 10 and after
100 edits (target: growth <= 20 MiB), each read once the background PDF of that version
is done, so both are read in the same state.

    python bench/serve_speed.py [--edits 100]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from referatgen.serve import bind  # noqa: E402
from tests import browser  # noqa: E402

NAME = "htk-direktionen-2018-11-13.yaml"
TITLE = "Kommunikationsindsatser - eksternt og internt"
TARGET_SECONDS = 1.0
TARGET_GROWTH_MIB = 20.0
TITLES_JS = ("const d = document.getElementById('dokument').contentDocument;"
             "return d && d.body ? Array.from(d.querySelectorAll('h2.punkt-overskrift'))"
             ".map(e => e.textContent).join('\\n') : '';")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def wait_for(what: Any, timeout: float = 30.0) -> float:
    start = time.perf_counter()
    while not what():
        if time.perf_counter() - start > timeout:
            raise TimeoutError
        time.sleep(0.005)
    return time.perf_counter()


def pdf_done(base: str) -> bool:
    with urllib.request.urlopen(base + "state") as answer:
        return json.load(answer)["pages"] is not None


def run(edits: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        meeting = Path(shutil.copy(ROOT / "examples" / NAME, tmp))
        text = meeting.read_text("utf-8")
        probe = bind("127.0.0.1", 0)
        port = probe.getsockname()[1]
        probe.close()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(Path(tmp) / "c")}
        server = subprocess.Popen(
            [sys.executable, "-m", "referatgen", "serve", str(meeting), "--port", str(port)],
            env=env, stderr=subprocess.PIPE, text=True)
        assert server.stderr is not None
        server.stderr.readline()
        chrome = browser.chromium()
        try:
            chrome.get(f"http://127.0.0.1:{port}/")
            wait_for(lambda: TITLE in chrome.execute_script(TITLES_JS))
            base = chrome.current_url
            times: list[float] = []
            rss: dict[int, float] = {}
            for number in range(1, edits + 1):
                title = f"Kommunikation, udgave {number}"
                started = time.perf_counter()
                meeting.write_text(text.replace(TITLE, title), "utf-8")
                done = wait_for(lambda t=title: t in chrome.execute_script(TITLES_JS))
                times.append(done - started)
                if number in (10, edits):
                    wait_for(lambda: pdf_done(base), 60)
                    rss[number] = rss_mib(server.pid)
        finally:
            chrome.quit()
            server.terminate()
            server.wait(15)
    return {"median": statistics.median(times), "p90": statistics.quantiles(times, n=10)[-1],
            "rss10": rss[10], "rss_end": rss[edits]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=100)
    args = parser.parse_args()
    if (reason := browser.missing()) is not None:
        print(f"serve_speed: {reason}", file=sys.stderr)
        return 2
    figures = run(max(args.edits, 11))
    ratio = figures["median"] / TARGET_SECONDS
    growth = figures["rss_end"] - figures["rss10"]
    print(f"save to preview, {NAME} (13 items): median {figures['median'] * 1000:.0f} ms, "
          f"p90 {figures['p90'] * 1000:.0f} ms; median / 1 s = {ratio:.2f} "
          f"({'ok' if ratio < 1 else 'OVER TARGET'})")
    print(f"server RSS after 10 edits {figures['rss10']:.1f} MiB, after {args.edits} "
          f"{figures['rss_end']:.1f} MiB: growth {growth:+.1f} MiB "
          f"({'ok' if growth <= TARGET_GROWTH_MIB else 'OVER TARGET'}, <= 20 MiB)")
    return 0 if ratio < 1 and growth <= TARGET_GROWTH_MIB else 1


if __name__ == "__main__":
    raise SystemExit(main())
