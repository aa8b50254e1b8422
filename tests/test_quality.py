"""ruff and mypy run as part of the tests, so the one test command covers them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, check=False)


def test_ruff() -> None:
    result = _run("ruff", "check", "referatgen", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_wheel_carries_templates_and_styles(tmp_path: Path) -> None:
    """`pip install .` (not only an editable install) must find templates and styles."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    import zipfile

    wheel = next(tmp_path.glob("referatgen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "referatgen/templates/document.html.j2" in names
    assert "referatgen/styles/htk/style.yaml" in names
    assert "referatgen/styles/kalundborg/kalundborg.css" in names
    assert "referatgen/py.typed" in names
    assert "referatgen/meetingfile/moede.schema.json" in names
    # The shipped fonts and their licences: without them the PDF depends on the machine.
    shipped = {f"referatgen/{p.relative_to(ROOT).as_posix()}"
               for p in (ROOT / "styles").rglob("*") if p.is_file()}
    assert {n for n in shipped if n.endswith(".ttf")} >= {
        "referatgen/styles/standard/fonts/LiberationSerif-Regular.ttf",
        "referatgen/styles/standard/fonts/Carlito-Regular.ttf"}
    assert shipped - names == set()
    assert "referatgen/styles/standard/fonts/LICENSE-Liberation.txt" in names
    assert "referatgen/styles/standard/fonts/LICENSE-Carlito.txt" in names
