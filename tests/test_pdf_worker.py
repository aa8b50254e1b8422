"""The command line's PDF worker (`referatgen/_pdf_worker.py`): the PDF laid out in a
second process while this one renders the DOCX gives the very bytes of a build without
it, its errors are the same messages, and it is used only where a PDF is made on a
machine with a second core."""

from __future__ import annotations

from pathlib import Path

import pytest

from referatgen import _pdf_worker
from referatgen._cli import run as main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "htk-direktionen-2018-11-13.yaml"


@pytest.fixture
def submitted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The worker on, and each document it was given, by title."""
    monkeypatch.setenv("REFERATGEN_PDF_WORKER", "1")
    monkeypatch.setattr(_pdf_worker, "_cores", lambda: 2)
    seen: list[str] = []
    original = _pdf_worker.PdfWorker.submit

    def spy(self: _pdf_worker.PdfWorker, document: object, options: object) -> object:
        seen.append(document.title)  # type: ignore[attr-defined]
        return original(self, document, options)  # type: ignore[arg-type]

    monkeypatch.setattr(_pdf_worker.PdfWorker, "submit", spy)
    return seen


def test_the_worker_writes_the_same_bytes(tmp_path: Path, submitted: list[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["build", str(EXAMPLE), "-o", str(tmp_path / "med"),
                 "--format", "pdf,docx,html", "--no-libreoffice"]) == 0
    assert submitted == ["REFERAT Direktionen d. 13-11-2018"]
    monkeypatch.setenv("REFERATGEN_PDF_WORKER", "0")
    assert main(["build", str(EXAMPLE), "-o", str(tmp_path / "uden"),
                 "--format", "pdf,docx,html", "--no-libreoffice"]) == 0
    assert len(submitted) == 1
    made = sorted(p.name for p in (tmp_path / "med").iterdir())
    assert made == sorted(p.name for p in (tmp_path / "uden").iterdir()) and len(made) == 3
    for name in made:
        assert (tmp_path / "med" / name).read_bytes() == (tmp_path / "uden" / name).read_bytes()


def test_an_error_in_the_worker_is_the_usual_message(
        tmp_path: Path, submitted: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """The PDF fails in the worker: exit 1 with the renderer's own Danish message, and
    nothing written (the DOCX rendered meanwhile is not left alone in the folder)."""
    code = main(["build", str(EXAMPLE), "-o", str(tmp_path / "ud"), "--pdf-variant", "bogus",
                 "--no-libreoffice"])
    assert code == 1 and submitted
    assert "Ukendt PDF-variant 'bogus'" in capsys.readouterr().err
    assert not (tmp_path / "ud").exists()


def test_only_where_it_pays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERATGEN_PDF_WORKER", "1")
    monkeypatch.setattr(_pdf_worker, "_cores", lambda: 2)
    assert _pdf_worker.wanted(["pdf", "docx"], 1)
    assert _pdf_worker.wanted(["pdf"], 1)  # it imports while this process reads the file
    assert not _pdf_worker.wanted(["docx", "html"], 1)
    monkeypatch.setattr(_pdf_worker, "_cores", lambda: 1)
    assert not _pdf_worker.wanted(["pdf", "docx"], 1)
    monkeypatch.setattr(_pdf_worker, "_cores", lambda: 2)
    monkeypatch.setenv("REFERATGEN_PDF_WORKER", "0")
    assert not _pdf_worker.wanted(["pdf", "docx"], 1)


def test_a_worker_that_died_leaves_the_pdf_to_this_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker killed mid-layout (out of memory, say): the PDF is still built, the
    same file, not an internal error."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    monkeypatch.setenv("REFERATGEN_PDF_WORKER", "1")
    monkeypatch.setattr(_pdf_worker, "_cores", lambda: 2)

    def died(self: _pdf_worker.PdfWorker, document: object, options: object) -> object:
        future: Future[object] = Future()
        future.set_exception(BrokenProcessPool("killed"))
        return future

    monkeypatch.setattr(_pdf_worker.PdfWorker, "submit", died)
    assert main(["build", str(EXAMPLE), "-o", str(tmp_path / "a"), "--format", "pdf"]) == 0
    monkeypatch.setenv("REFERATGEN_PDF_WORKER", "0")
    assert main(["build", str(EXAMPLE), "-o", str(tmp_path / "b"), "--format", "pdf"]) == 0
    name = EXAMPLE.with_suffix(".pdf").name
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_a_worker_goes_when_its_command_is_killed(tmp_path: Path) -> None:
    """kill -9 of the command mid-build (a closed terminal, a killed job): the forked
    worker, whose queue never reports the end, must not wait for ever; and nothing of
    the unfinished build is written."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from .conftest import referatgen_env

    command = subprocess.Popen(
        [sys.executable, "-m", "referatgen", "build", str(EXAMPLE), "-o", str(tmp_path)],
        env=referatgen_env() | {"REFERATGEN_PDF_WORKER": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not (workers := _children(command.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers, "the command started no worker"
    os.kill(command.pid, signal.SIGKILL)
    command.wait()
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []
    assert list(tmp_path.iterdir()) == []
