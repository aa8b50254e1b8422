"""The corpus of other meeting systems' minutes (tests/fixtures/import/systemer).

Each document is written once in its system's layout as HTML; the PDF is made from it
with WeasyPrint, the text is what pdftotext extracted from that PDF (committed), and a
PDF without Unicode maps is made from the PDF with pikepdf. `forventet.yaml` says what
each must import as; `score` compares, for tests/test_import_systems.py and
bench/import_quality.py alike.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from referatgen.model import Meeting

SYSTEMS = Path(__file__).resolve().parent / "fixtures" / "import" / "systemer"
#: Documents whose .html is a print layout: a PDF is made of it.
PRINTED = ("firstagenda", "edoc", "sbsys", "acadre")


def expected() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load((SYSTEMS / "forventet.yaml").read_text("utf-8"))
    return data


def sources(folder: Path) -> list[tuple[str, Path]]:
    """(expectation name, file) of every form: html, txt, pdf, and a PDF without ToUnicode."""
    out: list[tuple[str, Path]] = []
    for name in expected():
        for suffix in (".html", ".txt"):
            if (SYSTEMS / f"{name}{suffix}").is_file():
                out.append((name, SYSTEMS / f"{name}{suffix}"))
        if name in PRINTED:
            out.append((name, make_pdf(name, folder)))
    out.append(("edoc", strip_unicode(make_pdf("edoc", folder), folder / "edoc-cid.pdf")))
    return out


def make_pdf(name: str, folder: Path) -> Path:
    import weasyprint

    target = folder / f"{name}.pdf"
    if not target.exists():
        weasyprint.HTML(filename=str(SYSTEMS / f"{name}.html")).write_pdf(target)
    return target


def strip_unicode(source: Path, target: Path, *, names: bool = True) -> Path:
    """The PDF with every font's ToUnicode map and the embedded font's own cmap removed,
    so text extraction sees glyph ids only ("(cid:N)"); `names`: keep the glyph names."""
    import pikepdf
    from fontTools.ttLib import TTFont

    with pikepdf.open(source) as pdf:
        for page in pdf.pages:
            for _name, font in page.Resources.Font.items():
                if "/ToUnicode" in font:
                    del font["/ToUnicode"]
                for descendant in font.get("/DescendantFonts", []):
                    descriptor = descendant.FontDescriptor
                    if "/FontFile2" not in descriptor:
                        continue
                    program = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()))
                    # The glyph names as fontTools reads them (from the cmap when the
                    # subset has none of its own), written into the font's post table.
                    order = program.getGlyphOrder()
                    post = program["post"]
                    post.formatType = 2.0 if names else 3.0
                    post.extraNames, post.mapping = [], {}
                    program.setGlyphOrder(order)
                    if "cmap" in program:
                        del program["cmap"]
                    out = io.BytesIO()
                    program.save(out)
                    descriptor.FontFile2 = pikepdf.Stream(pdf, out.getvalue())
        pdf.save(target)
    return target


def flat(text: str | None) -> str:
    return " ".join(re.sub(r"\*\*|(?<!\w)\*(?!\s)|\\(?=[.\-*_#])", "", text or "").split())


@dataclass
class Score:
    """What came back right of one document; `wrong` says what did not."""

    items: int = 0
    titles: int = 0
    numbers: int = 0
    closed: int = 0
    decisions: int = 0
    decisions_expected: int = 0
    whole: int = 0
    front: bool = False
    wrong: list[str] = field(default_factory=list)


def score(meeting: Meeting, want: dict[str, Any], text: str) -> Score:
    """Compare an imported meeting (and its file's text) with its expectation."""
    result = Score(items=len(want["punkter"]))
    front = {
        "organ": meeting.organ, "dato": meeting.dato, "tid": meeting.tid,
        "type": meeting.type, "første_punkt": meeting.første_punkt,
        "deltagere": [p.navn for p in meeting.deltagere],
        "afbud": [p.navn for p in meeting.afbud],
        "sluttid": meeting.sluttid, "sted": meeting.sted,
    }
    wanted_front = {k: want.get(k) for k in front}
    wanted_front["afbud"] = want.get("afbud", [])
    wanted_front["dato"] = want["dato"] if isinstance(want["dato"], dt.date) else \
        dt.date.fromisoformat(str(want["dato"]))
    bad = [f"{k}: {front[k]!r} != {v!r}" for k, v in wanted_front.items() if front[k] != v]
    result.front = not bad
    result.wrong += bad
    if len(meeting.punkter) != len(want["punkter"]):
        result.wrong.append(f"{len(meeting.punkter)} punkter, ventede {len(want['punkter'])}: "
                            f"{[p.titel for p in meeting.punkter]}")
    for index, wanted in enumerate(want["punkter"]):
        result.decisions_expected += len(wanted.get("beslutning", []))
        if index >= len(meeting.punkter):
            continue
        _item(meeting, index, wanted, result)
    for never in want.get("aldrig", []):
        if never in text:
            result.wrong.append(f"står i filen: {never!r}")
    return result


def _item(meeting: Meeting, index: int, wanted: dict[str, Any], result: Score) -> None:
    item = meeting.punkter[index]
    where = f"punkt {meeting.første_punkt + index}"
    checks = {
        "titel": flat(item.titel) == wanted["titel"],
        "sagsnr": item.sagsnr == wanted.get("sagsnr"),
        "lukket": item.lukket == wanted.get("lukket", False),
    }
    got_decisions = [
        flat(d.tekst.markdown) if d.dato is None else
        [d.dato, d.organ, flat(d.tekst.markdown)] for d in item.beslutning]
    want_decisions = [
        [d[0] if isinstance(d[0], dt.date) else dt.date.fromisoformat(str(d[0])), d[1], d[2]]
        if isinstance(d, list) else d for d in wanted.get("beslutning", [])]
    right = sum(1 for a, b in zip(got_decisions, want_decisions, strict=False) if a == b)
    checks["beslutning"] = got_decisions == want_decisions
    if "bilag" in wanted:
        checks["bilag"] = [b.titel for b in item.bilag] == wanted["bilag"]
    body = "\n".join([*(t.markdown for t in item.sections.values()),
                      *(d.tekst.markdown for d in item.beslutning),
                      *(a.tekst.markdown for a in item.afsnit)])
    body = "\n".join(flat(line) for line in body.split("\n"))
    missing = [t for t in wanted.get("indeholder", []) if flat(t) not in body]
    checks["indeholder"] = not missing
    result.titles += checks["titel"]
    result.numbers += checks["sagsnr"]
    result.closed += checks["lukket"]
    result.decisions += right
    result.whole += all(checks.values())
    for key, ok in checks.items():
        if not ok:
            got: object = {"titel": item.titel, "sagsnr": item.sagsnr, "lukket": item.lukket,
                           "beslutning": got_decisions, "bilag": [b.titel for b in item.bilag],
                           "indeholder": missing}[key]
            result.wrong.append(f"{where} {key}: {got!r}")
