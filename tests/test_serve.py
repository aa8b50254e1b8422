"""`referatgen serve` as an app: who may ask it what, and what it answers.

The browser tests (test_serve_browser.py) drive the preview itself; here the protections
are tested one by one against the Starlette app, each so that it fails without them.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="referatgen[serve] is not installed")
pytest.importorskip("httpx", reason="starlette's test client needs httpx")

from starlette.testclient import TestClient

from referatgen._api import prepare
from referatgen.options import BuildOptions
from referatgen.render import render
from referatgen.serve import PortInUse, ServeConfig, bind, make_app
from referatgen.serve.live import meeting_id
from referatgen.serve.preview import FRONT, look

from .conftest import EXAMPLES, ROOT

MEETING = "byraadet-2025-03-10.md"
BASE = "http://127.0.0.1:8000"
LOCAL = ("127.0.0.1", 50123)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    meetings = tmp_path / "moeder"
    meetings.mkdir()
    shutil.copy(EXAMPLES / MEETING, meetings)
    shutil.copytree(EXAMPLES / "bilag", meetings / "bilag")
    shutil.copytree(EXAMPLES / "billeder", meetings / "billeder")
    (tmp_path / "hemmelig.txt").write_text("uden for mappen", "utf-8")
    (meetings / "noter.txt").write_text("ikke et bilag", "utf-8")
    return meetings


def _client(config: ServeConfig, client: tuple[str, int] = LOCAL) -> TestClient:
    return TestClient(make_app(config), base_url=BASE, client=client, follow_redirects=False)


@pytest.fixture
def served(folder: Path, tmp_path: Path) -> Iterator[TestClient]:
    # Nothing built ahead: each test builds what it asks for and no more.
    config = ServeConfig(folder / MEETING, cache=tmp_path / "cache", prebuild=False,
                         options=BuildOptions.make(libreoffice=False))
    with _client(config) as client:
        yield client


MID = meeting_id(MEETING)


def test_the_preview_page_and_the_published_html(served: TestClient, folder: Path) -> None:
    assert served.get("/").headers["location"] == f"/m/{MID}/"
    page = served.get(f"/m/{MID}/")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'src="../../_serve/preview.js"' in page.text
    # The published HTML, byte for byte as `build --format html` writes it, policy and all.
    document, _ = prepare(folder / MEETING, BuildOptions(), MEETING)
    published = served.get(f"/m/{MID}/doc.html?v=1")
    assert published.content == render(document, "html", BuildOptions()).data
    assert b"Content-Security-Policy\" content=\"default-src 'none'" in published.content


def test_state_has_messages_pages_after_the_pdf(served: TestClient) -> None:
    state = served.get(f"/m/{MID}/state").json()
    assert state["ok"] is True and state["html"] == "doc.html?v=1"
    assert state["bilag"] == [{"name": "budgetnotat-2025.pdf",
                               "href": "fil/bilag/budgetnotat-2025.pdf"}]
    pdf = served.get(f"/m/{MID}/hent/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pages = served.get(f"/m/{MID}/state").json()["pages"]
    assert list(pages) == [f"punkt-{n}" for n in range(1, 6)]
    assert pages["punkt-1"] >= 3 and sorted(pages.values()) == list(pages.values())


TRAVERSALS = [
    "fil/bilag/../../hemmelig.txt",          # decoded ..
    "fil/%2e%2e/hemmelig.txt",               # percent-encoded dots
    "fil/bilag%2f..%2f..%2fhemmelig.txt",     # percent-encoded slashes
    "fil/bilag/ud.txt",                       # a symbolic link out of the folder
    "fil/noter.txt",                          # in the folder, but no bilag or image
    f"fil/{MEETING}",                         # the meeting file itself
    "fil//etc/passwd",
]


def test_nothing_but_the_shown_bilag_and_images(served: TestClient, folder: Path) -> None:
    (folder / "bilag" / "ud.txt").symlink_to(folder.parent / "hemmelig.txt")
    shown = served.get(f"/m/{MID}/fil/bilag/budgetnotat-2025.pdf")
    assert shown.content == (folder / "bilag" / "budgetnotat-2025.pdf").read_bytes()
    for path in TRAVERSALS:
        answer = served.get(f"/m/{MID}/{path}")
        assert answer.status_code == 404, path
        assert b"uden for mappen" not in answer.content


@pytest.mark.parametrize("host", ["evil.example:8000", "127.0.0.1:8001", "localhost",
                                  "127.0.0.1.nip.io:8000", ""])
def test_a_foreign_host_header_is_refused(served: TestClient, host: str) -> None:
    assert served.get("/", headers={"host": "localhost:8000"}).status_code == 303
    assert served.get("/", headers={"host": host}).status_code == 421


def test_only_the_loopback_may_ask(folder: Path, tmp_path: Path) -> None:
    config = ServeConfig(folder / MEETING, cache=tmp_path / "cache")
    with _client(config, ("192.168.1.20", 40000)) as client:
        assert client.get("/").status_code == 403
    # Another interface is the user's explicit choice (--host), and then allowed.
    wide = ServeConfig(folder / MEETING, host="0.0.0.0", cache=tmp_path / "cache")
    assert not wide.loopback_only and ServeConfig(folder).loopback_only
    with _client(wide, ("192.168.1.20", 40000)) as client:
        assert client.get("/", headers={"host": "0.0.0.0:8000"}).status_code == 303


def test_intern_requires_the_token(folder: Path, tmp_path: Path) -> None:
    config = ServeConfig(folder / MEETING, cache=tmp_path / "cache", token="hemmeligt-token",
                         prebuild=False,
                         options=BuildOptions.make(intern=True))
    assert config.url() == "http://127.0.0.1:8000/hemmeligt-token/"
    with _client(config) as client:
        assert client.get(f"/m/{MID}/doc.html").status_code == 403
        assert client.get(f"/forkert/m/{MID}/doc.html").status_code == 403
        assert client.get(f"/m/{MID}/doc.html?t=hemmeligt-token").status_code == 403
        first = client.get("/hemmeligt-token/")
        assert first.status_code == 303
        assert first.headers["location"] == f"/hemmeligt-token/m/{MID}/"
        # No cookie: a browser would send it to every port of 127.0.0.1.
        assert "set-cookie" not in first.headers
        # The token is in every address; the closed item shows in full.
        assert b"INTERNT" in client.get(f"/hemmeligt-token/m/{MID}/doc.html").content
        page = client.get(f"/hemmeligt-token/m/{MID}/").text
        assert "../../_serve/preview.css" in page  # relative: the token stays in the path
        assert client.get("/hemmeligt-token/_serve/preview.css").status_code == 200
        assert client.get(f"/m/{MID}/state").status_code == 403


def test_a_folder_lists_its_meetings(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "alle")
    (tmp_path / "alle" / "fejl.yaml").write_text("organ: X\ndato: 2022-02-30\npunkter:\n"
                                                 "  - titel: Et\n", "utf-8")
    config = ServeConfig(tmp_path / "alle", cache=tmp_path / "cache", prebuild=False)
    with _client(config) as client:
        page = client.get("/").text
        for name in ("htk-direktionen-2018-11-13.yaml", "byraadet-2025-03-10.md"):
            assert f'href="m/{meeting_id(name)}/index.html"' in page
        assert "Mødefiler med fejl" in page and "fejl.yaml" in page
        assert client.get(f"/m/{meeting_id('fejl.yaml')}/state").json()["ok"] is False


def test_messages_point_at_their_place(folder: Path) -> None:
    path = folder / MEETING
    good = look(path, BuildOptions(), None).good
    assert good is not None
    text = path.read_text("utf-8")
    path.write_text(text.replace("dato: 2025-03-10", "dato: 2025-03-32")
                    .replace("sagsnr: 25/1234", "sagsnr: 25/1234\nfoo: bar"), "utf-8")
    seen = look(path, BuildOptions(), good)
    assert seen.good is None
    targets = {m.rule: (m.line, m.target) for m in seen.messages}
    lines = path.read_text("utf-8").splitlines()
    assert targets["bad-date"] == (lines.index("dato: 2025-03-32") + 1, FRONT)
    assert targets["unknown-key"] == (lines.index("foo: bar") + 1, "punkt-2")


def test_writes_only_into_its_cache(folder: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    before = sorted((p, p.stat().st_mtime_ns) for p in folder.rglob("*"))
    config = ServeConfig(folder / MEETING, options=BuildOptions.make(libreoffice=False))
    assert config.cache_dir() == tmp_path / "xdg" / "referatgen" / "serve"
    with _client(config) as client:
        for kind in ("pdf", "docx", "dagsorden"):
            assert client.get(f"/m/{MID}/hent/{kind}").status_code == 200
        agenda = client.get(f"/m/{MID}/hent/dagsorden")  # now from the cache
        assert "byraadet-2025-03-10-dagsorden.pdf" in agenda.headers["content-disposition"]
    assert sorted((p, p.stat().st_mtime_ns) for p in folder.rglob("*")) == before
    assert len(list(config.cache_dir().glob("*.pdf"))) == 2


def test_a_port_in_use_names_the_next_free_one() -> None:
    taken = bind("127.0.0.1", 0)
    port = taken.getsockname()[1]
    try:
        with pytest.raises(PortInUse) as caught:
            bind("127.0.0.1", port)
        assert caught.value.free is not None and caught.value.free > port
        assert f"--port {caught.value.free}" in str(caught.value)
    finally:
        taken.close()


@pytest.mark.slow
def test_the_command_stops_cleanly_on_ctrl_c(folder: Path, tmp_path: Path) -> None:
    port = bind("127.0.0.1", 0)
    number = port.getsockname()[1]
    port.close()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "referatgen", "serve", str(folder / MEETING),
               "--port", str(number)]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        assert f"http://127.0.0.1:{number}/" in process.stderr.readline()
        # A second server on the same port: a clear message, no traceback.
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=30)
        assert second.returncode == 1 and f"Port {number}" in second.stderr
        assert "--port" in second.stderr and "Traceback" not in second.stderr
        with socket.create_connection(("127.0.0.1", number), timeout=5):
            pass
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=15)[1]
        assert process.returncode == 0, rest
        assert "stoppet" in rest and "Traceback" not in rest
        assert time.monotonic() - started < 10
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.slow
def test_ctrl_c_does_not_wait_for_a_long_background_build(tmp_path: Path) -> None:
    """The preview's PDF is built in the background; a big meeting takes a minute. Ctrl-C
    ends serve at once, not when that build is done."""
    items = "".join(f"  - titel: Punkt {i}\n    beslutning: Godkendt.\n" for i in range(600))
    meeting = tmp_path / "stort.yaml"
    meeting.write_text("organ: Byrådet\ndato: 2024-01-01\npunkter:\n" + items, "utf-8")
    port = bind("127.0.0.1", 0)
    number = port.getsockname()[1]
    port.close()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "referatgen", "serve", str(meeting), "--port", str(number)],
        env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        assert f"http://127.0.0.1:{number}/" in process.stderr.readline()
        import urllib.request

        base = f"http://127.0.0.1:{number}"
        with urllib.request.urlopen(f"{base}/", timeout=30) as page:  # follows to the preview
            preview = page.geturl()
        with urllib.request.urlopen(f"{preview}state", timeout=30):
            pass  # the preview asked for: the background PDF build of 600 items starts
        time.sleep(2)
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=30)[1]
        assert process.returncode == 0 and "stoppet" in rest and "Traceback" not in rest
        assert time.monotonic() - started < 8
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize(("host", "header"), [("::1", "[::1]"), ("127.0.0.2", "127.0.0.2")])
def test_another_loopback_address_answers_to_its_own_url(
        folder: Path, tmp_path: Path, host: str, header: str) -> None:
    config = ServeConfig(folder / MEETING, host=host, cache=tmp_path / "cache", prebuild=False)
    assert config.url() == f"http://{header}:8000/"
    with _client(config) as client:
        assert client.get("/", headers={"host": f"{header}:8000"}).status_code == 303
        assert client.get("/", headers={"host": "evil.example:8000"}).status_code == 421
