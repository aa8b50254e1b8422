"""Every page paints its tagged content in the order of the structure tree (issue 12): what
text extraction, copy-paste and archive indexers read is the order a screen reader reads.

test_pdf_ua.py runs the check (tests/pdfua.py `content_order`) on every example's public
PDF; here on the other versions of each: internal, agenda, internal agenda. The check is
seen to fail on the same PDFs made without the reordering in render/pdf_tags.py, where
WeasyPrint paints list markers after the items' text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from referatgen._api import BuildOptions, build

from . import pdfua

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".md"))
VERSIONS: dict[str, dict[str, Any]] = {
    "intern": {"intern": True}, "dagsorden": {"som": "dagsorden"},
    "intern-dagsorden": {"intern": True, "som": "dagsorden"}}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_page_in_tree_order(example: Path, version: str, tmp_path: Path) -> None:
    path = build(example, ["pdf"], tmp_path, BuildOptions.make(**VERSIONS[version]))[0]
    assert pdfua.content_order(path) == []


@pytest.fixture(scope="module")
def unordered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2014 example, every repair made but the reordering: its pages with lists paint
    the numbers and bullets last."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("referatgen.render.pdf_tags._in_tree_order",
                      lambda data, order: data)
        return build(ROOT / "examples" / "htk-direktionen-2014-09-30.yaml", ["pdf"],
                     tmp_path_factory.mktemp("unordered"))[0]


def test_the_check_fails_without_the_reordering(unordered: Path) -> None:
    from .pdfutil import pages_text

    problems = pdfua.content_order(unordered)
    # Exactly the pages that print a list (a bullet or a "1)" label) are out of order.
    with_lists = [f"page {n}" for n, text in enumerate(pages_text(unordered), 1)
                  if re.search(r"^(•|\d+\))", text, re.M)]
    assert with_lists
    assert [p.split(":")[0] for p in problems] == with_lists
    # What the tree reads first and the page paints last: a list item's label.
    assert all("Lbl" in p.split(", tree ")[1] for p in problems)


def test_reordering_keeps_the_other_checks(unordered: Path, tmp_path: Path) -> None:
    """The moved markers stay what they were: the same text on every page, the same
    artifacts, the same structure checks."""
    ordered = build(ROOT / "examples" / "htk-direktionen-2014-09-30.yaml", ["pdf"], tmp_path)[0]
    from .pdfutil import pages_text

    assert pages_text(ordered) == pages_text(unordered)
    for check in pdfua.STRUCTURE:
        assert pdfua.problems(ordered, check) == [], check
    assert pdfua.artifacts(ordered) == []
