"""`referatgen build` as the secretary runs it: names, output, refusals, atomic writes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from referatgen import _cli
from referatgen.render import RENDERERS, Rendered

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "htk-direktionen-2022-09-05.yaml"


def run(*argv: str) -> int:
    return _cli.run(list(argv))


def test_outputs_are_listed_on_stdout_and_named_by_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("build", str(EXAMPLE), "--format", "html", "-o", str(tmp_path)) == 0
    assert run("build", str(EXAMPLE), "--format", "html", "--intern", "--som", "dagsorden",
               "-o", str(tmp_path)) == 0
    assert run("build", str(EXAMPLE), "--format", "html", "--som", "referat",
               "-o", str(tmp_path)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        str(tmp_path / "htk-direktionen-2022-09-05.html"),
        str(tmp_path / "htk-direktionen-2022-09-05-dagsorden-intern.html"),
        # --som equal to the file's own type adds nothing to the name.
        str(tmp_path / "htk-direktionen-2022-09-05.html"),
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "htk-direktionen-2022-09-05-dagsorden-intern.html", "htk-direktionen-2022-09-05.html"]


def test_default_output_folder_is_the_input_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting = tmp_path / "moede.yaml"
    shutil.copy(EXAMPLE, meeting)
    assert run("build", str(meeting), "--format", "html") == 0
    assert (tmp_path / "moede.html").is_file()
    assert capsys.readouterr().out.strip() == str(tmp_path / "moede.html")


def test_a_file_with_errors_is_refused_with_its_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting = tmp_path / "fejl.yaml"
    meeting.write_text("organ: Udvalget\ndato: 2024-13-01\npunkter:\n  - titel: X\n", "utf-8")
    assert run("build", str(meeting), "--format", "html") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{meeting}:2:7: error:" in captured.err and "[bad-date]" in captured.err
    assert not (tmp_path / "fejl.html").exists()


def test_a_failed_build_leaves_the_earlier_output_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("build", str(EXAMPLE), "--format", "html", "-o", str(tmp_path)) == 0
    target = tmp_path / "htk-direktionen-2022-09-05.html"
    before = target.read_bytes()

    def broken(*_args: object) -> Rendered:
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(RENDERERS, "html", broken)
    assert run("build", str(EXAMPLE), "--format", "html", "-o", str(tmp_path)) == 3
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temp file left


def test_unwritable_output_folder_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "fil"
    blocker.write_text("x")
    assert run("build", str(EXAMPLE), "--format", "html", "-o", str(blocker / "ud")) == 1
    assert "Kan ikke skrive" in capsys.readouterr().err


def test_unknown_format_and_variant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("build", str(EXAMPLE), "--format", "odt", "-o", str(tmp_path)) == 2
    assert "Ukendt format: odt" in capsys.readouterr().err
    assert run("build", str(EXAMPLE), "--format", "pdf", "--pdf-variant", "pdf/z-9",
               "-o", str(tmp_path)) == 1
    assert "Ukendt PDF-variant" in capsys.readouterr().err


def test_style_override(tmp_path: Path) -> None:
    assert run("build", str(EXAMPLE), "--format", "html", "--stil", "standard",
               "-o", str(tmp_path)) == 0
    html = (tmp_path / "htk-direktionen-2022-09-05.html").read_text("utf-8")
    assert "Carlito" in html and "htk.css" not in html


def test_missing_file_and_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("build", "findes-ikke.yaml") == 1
    assert "findes-ikke.yaml:1:1: error: Filen findes ikke" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        run("build")
    assert exc.value.code == 2


def test_console_script_entry_point(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "referatgen", "build", str(EXAMPLE), "--format", "pdf",
         "-o", str(tmp_path)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "htk-direktionen-2022-09-05.pdf")
    assert "Traceback" not in result.stderr


def test_renderer_warnings_print_once_and_check_findings_are_left_to_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from referatgen.diagnostics import Diagnostic
    from referatgen.plan import Document

    def html(document: Document, options: object) -> Rendered:
        font = Diagnostic(document.source_name, 1, 1, "warning", "skrifttypen mangler",
                          "missing-font")
        return Rendered(b"<!DOCTYPE html>", (font, font))

    monkeypatch.setitem(RENDERERS, "html", html)
    # This example has an item without a decision: `check` warns about it, `build` does not.
    example = ROOT / "examples" / "htk-direktionen-2014-09-30.yaml"
    assert run("build", str(example), "--format", "html", "-o", str(tmp_path)) == 0
    err = capsys.readouterr().err
    assert err.count("skrifttypen mangler [missing-font]") == 1
    assert "missing-decision" not in err
