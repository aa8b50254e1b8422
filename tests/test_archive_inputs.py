"""Odd inputs to an archive build: files that are not what their name says, files that
look like meetings but cannot be read, globs that point outside, edited bookkeeping."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLES, run_referatgen

EXAMPLE = EXAMPLES / "htk-direktionen-2022-09-05.yaml"


def _build(source: Path | str, out: Path, *extra: str) -> tuple[int, str, str]:
    result = run_referatgen(["build", str(source), "-o", str(out), "--format", "html",
                             "--jobs", "1", *extra])
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def _edit_json(path: Path, edit: Callable[[Any], object]) -> None:
    """Read a JSON file, change it in place with `edit`, write it back."""
    data = json.loads(path.read_text("utf-8"))
    edit(data)
    path.write_text(json.dumps(data), "utf-8")


def _truncate(path: Path, keep: int) -> None:
    path.write_text(path.read_text("utf-8")[:keep], "utf-8")


def _built_archive(tmp_path: Path) -> tuple[Path, Path]:
    """A folder with one meeting, built into an archive: (the folder, the archive)."""
    source = tmp_path / "moeder"
    source.mkdir()
    shutil.copyfile(EXAMPLE, source / "moede.yaml")
    out = tmp_path / "ud"
    assert _build(source, out)[0] == 0
    return source, out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_like_a_meeting_is_passed_over_never_opened(tmp_path: Path) -> None:
    source = tmp_path / "moeder"
    source.mkdir()
    shutil.copyfile(EXAMPLE, source / "moede.yaml")
    os.mkfifo(source / "roer.yaml")  # opening it would block the run for ever
    code, _out, err = _build(source, tmp_path / "ud")
    assert code == 0
    assert "roer.yaml" in err and "ikke en almindelig fil" in err
    assert (tmp_path / "ud" / "moede.html").is_file()


@pytest.mark.parametrize(("name", "data"), [
    ("cp1252.yaml", "organ: Økonomiudvalget\ndato: 2022-09-05\npunkter:\n  - titel: Æ\n"
     .encode("cp1252")),
    ("utf16.yaml", "organ: Udvalget\ndato: 2022-09-05\npunkter:\n  - titel: A\n"
     .encode("utf-16")),
    ("tab.yaml", b"organ: X\ndato: 2022-09-05\npunkter:\n\t- titel: A\n"),
    ("uden-punkter.yaml", b"organ: X\ndato: 2022-09-05\npunkter: [\n"),
    ("forside.md", b"---\norgan: X\ndato: [\n---\n# A\n"),
])
def test_a_meeting_that_cannot_be_read_is_a_failure_not_a_skip(
        tmp_path: Path, name: str, data: bytes) -> None:
    source = tmp_path / "moeder"
    source.mkdir()
    (source / name).write_bytes(data)
    code, _out, err = _build(source, tmp_path / "ud")
    assert code == 1
    assert f"{name}:" in err and "error:" in err


def test_other_files_are_passed_over_and_listed_with_verbose(tmp_path: Path) -> None:
    source = tmp_path / "moeder"
    source.mkdir()
    shutil.copyfile(EXAMPLE, source / "moede.yaml")
    (source / "ci.yaml").write_text("jobs:\n  test: 1\n", "utf-8")
    (source / "noter.md").write_text("# Noter\n", "utf-8")
    code, out, err = _build(source, tmp_path / "ud")
    assert code == 0 and "ci.yaml" not in out + err
    code, out, _err = _build(source, tmp_path / "ud2", "--verbose")
    assert code == 0 and "ci.yaml" in out and "noter.md" in out


def test_a_glob_never_writes_outside_the_output_folder(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copyfile(EXAMPLE, tmp_path / "m.yaml")
    out = tmp_path / "a" / "b" / "ud"
    result = run_referatgen(["build", "*/../../m.yaml", "-o", str(out), "--format", "html",
                             "--jobs", "1"], cwd=tmp_path / "a")
    assert result.returncode == 1 and "uden for" in result.stderr
    assert not (tmp_path / "m.html").exists()
    assert [p for p in tmp_path.rglob("*.html") if out not in p.parents] == []


@pytest.mark.parametrize("damage", ["truncated", "missing-key", "wrong-type"])
def test_an_edited_index_is_a_message_for_find(tmp_path: Path, damage: str) -> None:
    _source, out = _built_archive(tmp_path)
    index = out / "index.json"
    if damage == "truncated":
        _truncate(index, 200)
    elif damage == "missing-key":
        _edit_json(index, lambda data: data["meetings"][0].pop("dato"))
    else:
        _edit_json(index, lambda data: data["meetings"][0]["punkter"][0].update(nr="en"))
    result = run_referatgen(["find", "21/24696", str(out)])
    assert result.returncode == 1
    assert "index.json er ødelagt" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("damage", ["truncated", "wrong-type", "index"])
def test_an_edited_manifest_makes_the_build_start_afresh(tmp_path: Path, damage: str) -> None:
    source, out = _built_archive(tmp_path)
    manifest = out / ".referatgen-manifest.json"

    def entry(data: Any) -> Any:
        return next(iter(data["meetings"].values()))

    if damage == "truncated":
        _truncate(manifest, 100)
    elif damage == "wrong-type":
        _edit_json(manifest, lambda data: next(iter(entry(data)["deps"].values())).update(
            size="stor"))
    else:
        _edit_json(manifest, lambda data: entry(data)["index"].pop("organ"))
    code, out_text, err = _build(source, out)
    assert code == 0, err
    assert "bygges igen" in err and "bygget" in out_text
    found = run_referatgen(["find", "21/24696", str(out)])
    assert found.returncode == 0, found.stderr


@pytest.mark.parametrize("damage", ["bad-date", "bool-number", "deep"])
def test_more_edits_of_the_index_and_manifest(tmp_path: Path, damage: str) -> None:
    source, out = _built_archive(tmp_path)
    index = out / "index.json"
    if damage == "bad-date":
        _edit_json(index, lambda data: data["meetings"][0].update(dato="x"))
    elif damage == "bool-number":
        _edit_json(index, lambda data: data["meetings"][0]["punkter"][0].update(nr=True))
    else:
        index.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
        (out / ".referatgen-manifest.json").write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    found = run_referatgen(["find", "21/24696", str(out)])
    assert found.returncode == 1 and "ødelagt" in found.stderr
    assert "Traceback" not in found.stderr
    code, _out, err = _build(source, out)
    assert code == 0, err
