"""PDF/UA-1 and PDF/A-3 at once: our own checks (tests/pdfua.py), each seen to fail on
WeasyPrint's unrepaired output, and the independent checker `outloud` on every example."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from referatgen._api import BuildOptions, build

from . import pdfua

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".md"))
MD_EXAMPLE = ROOT / "examples" / "byraadet-2025-03-10.md"
CHECKS = [*pdfua.STRUCTURE, *pdfua.TEXT]

# On one worker with test_pdf.py, sharing its builds (pyproject: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("pdf")


@pytest.fixture(scope="module")
def built(example_pdfs: dict[str, Path], internal_pdf: Path,
          tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example's public version, the internal version of the one with closed
    content, and an agenda: shared by every test here."""
    out = tmp_path_factory.mktemp("ua")
    paths = {**example_pdfs, "intern": internal_pdf}
    paths["dagsorden"] = build(ROOT / "examples" / "htk-direktionen-2022-09-05.yaml", ["pdf"],
                               out, BuildOptions.make(som="dagsorden"))[0]
    return paths


@pytest.fixture(scope="module")
def unrepaired(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture that violates every condition: WeasyPrint's own tagged PDF/A-3b of the
    Markdown example (a definition list, a TOC, links, a table with a header row), made
    without render/pdf_tags.py."""
    out = tmp_path_factory.mktemp("raw")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("referatgen.render.pdf.make_accessible",
                      lambda data, claim_ua: data)
        return build(MD_EXAMPLE, ["pdf"], out)[0]


@pytest.fixture(scope="module")
def no_alt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An image written without alternative text: a Figure with no /Alt."""
    folder = tmp_path_factory.mktemp("noalt")
    shutil.copy(ROOT / "examples" / "billeder" / "kort.png", folder / "kort.png")
    meeting = folder / "m.yaml"
    meeting.write_text("organ: Udvalget\ndato: 2024-01-15\npunkter:\n  - titel: Kort\n"
                       "    beslutning: |\n      Se kortet.\n\n      ![](kort.png)\n", "utf-8")
    return build(meeting, ["pdf"], folder)[0]


@pytest.mark.parametrize("check", CHECKS)
def test_every_output_passes(built: dict[str, Path], check: str) -> None:
    for name, path in built.items():
        assert pdfua.problems(path, check) == [], name


@pytest.mark.parametrize("check", [c for c in CHECKS if c != "figures"])
def test_the_check_fails_on_weasyprints_own_output(unrepaired: Path, check: str) -> None:
    assert pdfua.problems(unrepaired, check)


def test_the_figure_check_fails_without_alt_text(no_alt: Path) -> None:
    assert pdfua.problems(no_alt, "figures") == ["Figure without Alt"]


def test_repairs_keep_producer_and_identifier(built: dict[str, Path], unrepaired: Path) -> None:
    # Same input, same bytes, repairs included: test_pdf.py's test_same_input_same_bytes.
    with pikepdf.open(built[MD_EXAMPLE.name]) as repaired, pikepdf.open(unrepaired) as raw:
        assert str(repaired.docinfo.Producer) == str(raw.docinfo.Producer)
        assert str(repaired.docinfo.Producer).startswith("WeasyPrint")
        assert bytes(repaired.trailer.ID[0]) == bytes(raw.trailer.ID[0])
        xmp = repaired.open_metadata()
        assert xmp.get("pdfaid:part") == "3" and xmp.get("pdfuaid:part") == "1"


def test_other_variants_are_repaired_but_claim_only_their_own(tmp_path: Path) -> None:
    ua = build(MD_EXAMPLE, ["pdf"], tmp_path / "ua", BuildOptions.make(pdf_variant="pdf/ua-1"))[0]
    a4 = build(MD_EXAMPLE, ["pdf"], tmp_path / "a4", BuildOptions.make(pdf_variant="pdf/a-4u"))[0]
    with pikepdf.open(ua) as pdf:
        assert pdfua.links(pdf) == [] and pdf.open_metadata().get("pdfuaid:part") == "1"
    with pikepdf.open(a4) as pdf:
        assert pdfua.lists(pdf) == [] and "pdfuaid" not in pdf.Root.Metadata.read_bytes().decode()


def test_outloud_finds_no_error(built: dict[str, Path]) -> None:
    """The independent PDF/UA-1 checker (pikepdf-based, from PyPI), on every output."""
    if shutil.which("outloud") is None and not _importable("outloud"):
        pytest.skip("outloud is not installed (pip install '.[test]')")
    command = [sys.executable, "-c", "from outloud.cli import main; main()",
               "--json", "-", "-q", "--fail-on", "never", *map(str, built.values())]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout[result.stdout.index("{"):])
    errors = {Path(r["path"]).name: [f["rule"] for f in r["findings"] if f["severity"] == "error"]
              for r in report["results"]}
    assert len(errors) == len(built)
    assert errors == {name: [] for name in errors}


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
