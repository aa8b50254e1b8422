"""Bad input gets a Danish message with file and line and exit 1: never a traceback,
never a hang, and a failed build leaves the earlier outputs as they were."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from referatgen.meetingfile import yaml as meeting_yaml

from .conftest import EXAMPLES, run_referatgen

HEADER = "organ: Direktionen\ndato: 2022-09-05\n"
ITEM = "punkter:\n  - titel: Eventuelt\n    beslutning: Intet.\n"


def _check(path: Path) -> tuple[int, str]:
    result = run_referatgen(["check", str(path)])
    assert "Traceback" not in result.stderr and "intern fejl" not in result.stderr
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize(("name", "text", "where"), [
    ("dyb.yaml", HEADER + "punkter: " + "[" * 600 + "]" * 600 + "\n", ":3:"),
    ("dyb.md", "---\norgan: " + "[" * 600 + "]" * 600 + "\ndato: 2022-09-05\n---\n# A\n",
     ":2:"),
    ("dyb-indrykket.yaml", HEADER + "punkter:\n" + "".join(
        "  " * level + "- \n" for level in range(1, 300)), ":"),
])
def test_deep_nesting_is_a_message(tmp_path: Path, name: str, text: str, where: str) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    code, output = _check(path)
    assert code == 1
    assert f"{name}{where}" in output and "indlejret for dybt" in output


def test_deep_nesting_without_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    # The pure parser recurses on its own: the same message, not a RecursionError.
    from ruamel.yaml import YAML

    real = YAML.__init__

    def pure(self: YAML, *args: object, **kwargs: object) -> None:
        kwargs["pure"] = True
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(YAML, "__init__", pure)
    root, diagnostics = meeting_yaml.parse_yaml("a: " + "[" * 2000 + "]" * 2000, "x.yaml")
    assert root is None and "indlejret for dybt" in diagnostics[0].message


@pytest.mark.parametrize(("char", "suffix"), [
    ("\x7f", "yaml"), ("\x9b", "yaml"), ("\x7f", "md"), ("\x85", "md")])
def test_del_and_c1_controls_are_found_where_they_stand(
        tmp_path: Path, char: str, suffix: str) -> None:
    path = tmp_path / f"moede.{suffix}"
    if suffix == "yaml":
        path.write_text(HEADER + f"punkter:\n  - titel: Ev{char}entuelt\n", "utf-8")
        expected = ":4:14:"
    else:
        path.write_text(f"---\n{HEADER}---\n# Ev{char}entuelt\n", "utf-8")
        expected = ":5:5:"
    code, output = _check(path)
    assert code == 1
    assert f"moede.{suffix}{expected} error: Filen indeholder et styretegn" in output
    assert f"U+{ord(char):04X}" in output


def test_an_escaped_control_character_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "moede.yaml"
    path.write_text(HEADER + 'punkter:\n  - titel: "Ev\\x9bentuelt"\n', "utf-8")
    code, output = _check(path)
    assert code == 1 and "U+009B" in output and ":4:" in output


def test_a_failed_build_leaves_the_earlier_outputs(tmp_path: Path) -> None:
    source = tmp_path / "moede.yaml"
    source.write_text(HEADER + ITEM, "utf-8")
    out = tmp_path / "ud"
    built = run_referatgen(["build", str(source), "-o", str(out), "--format", "html"])
    assert built.returncode == 0, built.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    source.write_text("organ: " + "X" * 300 + "\ndato: 2022-09-05\n" + ITEM, "utf-8")
    failed = run_referatgen(["build", str(source), "-o", str(out), "--format", "html"])
    assert failed.returncode == 1
    assert "moede.yaml:1:8: error:" in failed.stderr and "[too-long]" in failed.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_every_example_is_well_within_the_limits() -> None:
    for path in EXAMPLES.iterdir():
        if path.suffix in (".yaml", ".md"):
            assert _check(path)[0] == 0, path.name


@pytest.mark.parametrize(("value", "shown"), [
    (".inf", ".inf"), (".nan", ".nan"), ("1e308", "1e308"), ("-3", "-3"), ("-.inf", "-.inf")])
def test_a_style_with_an_unusable_number_is_refused_with_its_line(
        tmp_path: Path, value: str, shown: str) -> None:
    import shutil

    from .conftest import ROOT

    style = tmp_path / "stil"
    shutil.copytree(ROOT / "styles" / "standard", style)
    text = (style / "style.yaml").read_text("utf-8")
    assert "  skriftstørrelse: 10.5\n" in text
    (style / "style.yaml").write_text(
        text.replace("  skriftstørrelse: 10.5\n", f"  skriftstørrelse: {value}\n"), "utf-8")
    line = text[:text.index("  skriftstørrelse: 10.5")].count("\n") + 1
    meeting = tmp_path / "moede.yaml"
    meeting.write_text("stil: ./stil\n" + HEADER + ITEM, "utf-8")
    code, output = _check(meeting)
    assert code == 1
    assert f"style.yaml:{line}:20: '{shown}' kan ikke bruges" in output


def test_a_style_with_aliases_is_refused(tmp_path: Path) -> None:
    import shutil

    from .conftest import ROOT

    style = tmp_path / "stil"
    shutil.copytree(ROOT / "styles" / "standard", style)
    with (style / "style.yaml").open("a", encoding="utf-8") as handle:
        handle.write("a: &x [1, 2]\nb: *x\n")
    meeting = tmp_path / "moede.yaml"
    meeting.write_text("stil: ./stil\n" + HEADER + ITEM, "utf-8")
    code, output = _check(meeting)
    assert code == 1 and "aliaser" in output and "stilfil" in output


# -- hostile Word files for `import` ----------------------------------------------------------


@pytest.fixture(scope="module")
def word_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from referatgen._api import prepare, render_all
    from referatgen.options import BuildOptions

    options = BuildOptions.make(libreoffice=False)
    document, _ = prepare(EXAMPLES / "htk-direktionen-2022-09-05.yaml", options)
    return render_all(document, ["docx"], options)["docx"].data


def _rewrite(data: bytes, target: Path, document: Callable[[bytes], bytes],
             extra: Callable[[zipfile.ZipFile], None] | None = None) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "word/document.xml":
                content = document(content)
            out.writestr(item.filename, content)
        if extra is not None:
            extra(out)
    return target


_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
           + b"".join(b'<!ENTITY %c "%s">' % (98 + i, b"&%c;" % (97 + i) * 10) for i in range(8))
           + b"]>")


@pytest.mark.parametrize(("case", "change", "said"), [
    ("malformed", lambda c: c[: len(c) // 2], "ødelagt"),
    ("entities", lambda c: _LAUGHS + c.split(b"?>", 1)[1].replace(b"<w:t>", b"<w:t>&i;", 1),
     "ødelagt"),
    ("deep", lambda c: c.replace(b"<w:body>", b"<w:body>" + b"<w:sdt>" * 300
                                 + b"</w:sdt>" * 300, 1), "dybt"),
])
def test_a_hostile_word_file_is_refused(tmp_path: Path, word_file: bytes, case: str,
                                        change: Callable[[bytes], bytes], said: str) -> None:
    path = _rewrite(word_file, tmp_path / f"{case}.docx", change)
    result = run_referatgen(["import", str(path), "-o", str(tmp_path / "ud")])
    assert result.returncode == 1, result.stderr
    assert f"{case}.docx" in result.stderr and said in result.stderr
    assert "Traceback" not in result.stderr and "intern fejl" not in result.stderr
    assert not (tmp_path / "ud").exists() or not list((tmp_path / "ud").iterdir())


def test_a_zip_bomb_is_refused_unopened(tmp_path: Path, word_file: bytes) -> None:
    import resource

    def bomb(out: zipfile.ZipFile) -> None:
        # 1.5 GB of zeros, a couple of megabytes packed, referenced by nothing or by all.
        with out.open("word/media/image1.png", "w", force_zip64=True) as member:
            chunk = b"\0" * (64 * 1024 * 1024)
            for _ in range(24):
                member.write(chunk)

    path = _rewrite(word_file, tmp_path / "bombe.docx", lambda c: c, bomb)
    assert path.stat().st_size < 4 * 1024 * 1024
    result = run_referatgen(["import", str(path), "-o", str(tmp_path / "ud")])
    assert result.returncode == 1 and "bombe.docx" in result.stderr
    assert "1536 MB" in result.stderr
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kib < 1024 * 1024  # the child never came near 1 GB


def test_the_docx_page_measure_reads_an_outline_of_thousands(tmp_path: Path) -> None:
    """A meeting of 1000+ items: LibreOffice's PDF has an outline entry per item, and
    reading it once recursed per entry (RecursionError, exit 3)."""
    import pikepdf

    from referatgen.render._docx_toc import heading_pages

    count = 1500
    pdf = pikepdf.new()
    for _ in range(count):
        pdf.add_blank_page()
    with pdf.open_outline() as outline:
        for number in range(count):
            outline.root.append(pikepdf.OutlineItem(f"Punkt {number + 1}: Titel", number))
    path = tmp_path / "mange.pdf"
    pdf.save(path)
    layout = heading_pages(path)
    assert layout.pages == count and len(layout.headings) == count
    assert layout.headings[1] == 1 and layout.headings[count] == count


@pytest.mark.parametrize(("name", "text"), [
    ("klammer.yaml", HEADER + "punkter:\n  - titel: " + "[" * 30000 + "]" * 30000 + "\n"),
    ("streger.yaml", HEADER + "punkter: " + "- " * 5000 + "x\n"),
])
def test_nesting_deeper_than_libyaml_can_take_is_found_before_parsing(
        tmp_path: Path, name: str, text: str) -> None:
    # libyaml recurses in C: tens of thousands of levels overflowed its stack (exit 139).
    path = tmp_path / name
    path.write_text(text, "utf-8")
    code, output = _check(path)
    assert code == 1 and "indlejret for dybt" in output


def test_many_links_are_no_deep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "links.yaml"
    lines = "".join(f"      [l{i}](https://example.invalid/{i}) og [x]\n" for i in range(60))
    path.write_text(HEADER + "punkter:\n  - titel: A\n    beslutning: |\n" + lines, "utf-8")
    assert _check(path)[0] == 0
