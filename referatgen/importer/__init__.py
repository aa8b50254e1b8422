"""`referatgen import`: published minutes (PDF, Word, extracted text) into meeting files.

Readers turn each format into blocks (text.py, pdf.py, docx.py); the recognisers
(recognise.py) turn blocks into a draft of the meeting; here the draft gets its house
style and becomes the plain dict of the meeting-file format, which emit.py writes.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..dates import short_date
from ..diagnostics import ReferatgenError
from ..dump import IMPORTED, dump
from ..meetingfile.nodes import FRONT_MATTER, Source
from ..model import Afsnit, Bilag, Decision, Item, Meeting, Person, Text, Where
from ..styles import Group, Style, StyleError, available_styles, is_path_spec, resolve_style
from .blocks import ReadSource, Report, TextBlock
from .markdown import section_markdown
from .minutes import Recogniser
from .recognise import (
    UNKNOWN_CLOSED_TITLE,
    AfsnitDraft,
    DecisionDraft,
    ItemDraft,
    MeetingDraft,
)

__all__ = ["SUFFIXES", "ImportResult", "import_file"]

#: What `import` reads.
SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".markdown", ".html", ".htm")


@dataclass
class ImportResult:
    """The meeting file's content, the style it got, and what the report says."""

    meeting: Meeting
    style: Style
    report: Report
    draft: MeetingDraft
    #: Seconds spent reading and recognising (not writing).
    seconds: float = 0.0
    summary: list[str] = field(default_factory=list)

    def text(self, fmt: str, schema: str | None = None) -> str:
        """The meeting file in `fmt` ("yaml" or "md"); `schema` as in `referatgen.dump`."""
        return dump(self.meeting, self.style, "md" if fmt == "md" else "yaml", IMPORTED, schema)


def read_source(path: Path, report: Report) -> ReadSource:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from .pdf import read_pdf

        return read_pdf(path, report)
    if suffix == ".docx":
        from .docx import read_docx

        return read_docx(path, report)
    if suffix in (".html", ".htm"):
        from .html import read_html

        try:
            return read_html(path.read_bytes(), report)
        except ReferatgenError as exc:
            raise ReferatgenError(f"{path}: {exc}") from exc
    if suffix in (".txt", ".md", ".markdown"):
        from .text import read_text

        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            report.notes.append("Filen er ikke UTF-8; den er læst som Windows-1252.")
        front = FRONT_MATTER.match(text.lstrip("\ufeff").replace("\r\n", "\n"))
        if front and re.search(r"(?m)^(organ|dato|punkter)\s*:", front.group(1) or ""):
            raise ReferatgenError(
                f"{path}: er allerede en mødefil (Markdown med forside). Brug "
                "'referatgen check' eller 'referatgen convert --to yaml' i stedet.")
        return read_text(text, report)
    raise ReferatgenError(
        f"{path}: kan ikke importere filtypen '{path.suffix or '(ingen)'}'. "
        "referatgen import læser .pdf, .docx, .html, .txt og .md.")


def import_file(path: Path, stil: str | None = None, folder: Path | None = None) -> ImportResult:
    """Read one published meeting and make the meeting file's content. Raises on failure.

    `stil` is --stil (a style's name or folder); `folder` is where the meeting file will
    be written, so that a style folder can be named relative to it."""
    started = time.perf_counter()
    report = Report()
    if not path.is_file():
        raise ReferatgenError(f"{path}: filen findes ikke. Ret stien eller filnavnet.")
    source = read_source(path, report)
    draft = Recogniser(source.blocks, report, marked=source.marked, levels=source.levels).run()
    if not draft.items:
        raise ReferatgenError(
            f"{path}: fandt ingen punkter. referatgen leder efter overskrifter som "
            "'Punkt 1: Titel', '1. Titel' eller et nummer på en linje for sig.")
    if draft.dato is None:
        raise ReferatgenError(
            f"{path}: fandt ikke mødets dato. referatgen leder efter en titel som "
            "'REFERAT Direktionen d. 05-09-2022' eller en linje 'Mødedato ...'.")
    if not draft.organ:
        raise ReferatgenError(
            f"{path}: fandt ikke mødets organ. referatgen leder efter en titel som "
            "'REFERAT Direktionen d. 05-09-2022'.")
    style = choose_style(draft, stil, report)
    spec = stil
    if stil is not None and is_path_spec(stil):
        # The meeting file names the style folder relative to where the file lies.
        spec = os.path.relpath(style.folders[0], (folder or path.parent).resolve())
        spec = spec if spec.startswith(".") else f"./{spec}"
    # The meeting comes from the published file; it has no meeting file of its own yet.
    meeting = build_meeting(draft, style, spec, report,
                            Source(path, str(path), "", "yaml"))
    result = ImportResult(meeting, style, report, draft)
    result.seconds = time.perf_counter() - started
    result.summary = summary(draft, style, report)
    return result


# -- house style ---------------------------------------------------------------------------


def choose_style(draft: MeetingDraft, stil: str | None, report: Report) -> Style:
    """The style named by --stil, or the one the case numbers, kommune and headings fit."""
    numbers = [item.sagsnr for item in draft.items if item.sagsnr]
    if stil is not None:
        try:
            style = resolve_style(stil, Path.cwd())
        except StyleError as exc:
            raise ReferatgenError(str(exc)) from exc
        bad = [n for n in numbers if not style.matches_sagsnr(n)]
        if bad:
            report.warnings.append(
                f"{len(bad)} sagsnumre passer ikke til stilen {style.name}s mønster "
                f"({style.sagsnr_pattern}), fx '{bad[0]}': referatgen check vil melde fejl. "
                f"{_suggestion(numbers)}")
        report.notes.append(f"Stil: {style.name} (valgt med --stil).")
        return style
    best: tuple[float, str] | None = None
    styles: dict[str, Style] = {}
    for name in available_styles():
        try:
            style = resolve_style(name, Path.cwd())
        except StyleError:
            continue
        styles[name] = style
        score = _style_score(draft, style, numbers)
        if score is None:
            continue
        if best is None or score > best[0] or (score == best[0] and name == "standard"):
            best = (score, name)
    if best is None or best[0] <= 0:
        name = "standard" if "standard" in styles else next(iter(styles))
    else:
        name = best[1]
    style = styles[name]
    why = []
    if numbers and style.sagsnr_pattern:
        why.append(f"alle {len(numbers)} sagsnumre passer til {style.sagsnr_pattern}")
    if draft.kommune and style.kommune and draft.kommune.lower() == style.kommune.lower():
        why.append(f"kommunen er {style.kommune}")
    report.notes.append(f"Stil: {style.name}" + (f" ({'; '.join(why)})." if why else "."))
    if numbers and style.sagsnr_pattern is None:
        report.notes.append(_suggestion(numbers))
    return style


def _style_score(draft: MeetingDraft, style: Style, numbers: list[str]) -> float | None:
    score = 0.0
    if style.sagsnr_pattern is not None:
        if not numbers or not all(style.matches_sagsnr(n) for n in numbers):
            return None
        score += 4
    if draft.kommune and style.kommune:
        if draft.kommune.lower() != style.kommune.lower():
            return None
        score += 3
    own = {h.lower() for h in style.headings.values()}
    own |= {slot.heading.lower() for slot in style.order if isinstance(slot, Group)}
    printed = [h.lower() for item in draft.items for h in item.headings]
    score += 0.1 * sum(1 for h in printed if h in own)
    dated = [d for item in draft.items for d in item.decisions]
    if dated:
        with_date = sum(1 for d in dated if d.dato is not None)
        wants_date = "{dato}" in style.decision_heading
        score += 0.5 if (with_date > len(dated) / 2) == wants_date else -0.5
        # A year's template shows in how it printed the decision (htk-2014's capitals):
        # the style that prints every decision heading exactly so wins over its parent.
        if all(d.dato is not None and d.heading == style.decision_heading.format(
                organ=d.organ or "", ORGAN=(d.organ or "").upper(), dato=short_date(d.dato))
               for d in dated):
            score += 0.25
    closed = [i.printed_title for i in draft.items if i.closed and i.printed_title]
    for printed_title in closed:
        title = re.sub(r"^lukket\s*[:\-–]\s*", "", printed_title, flags=re.I)
        if style.public_title(title).lower() == printed_title.lower():
            score += 0.5
    return score


def _suggestion(numbers: list[str]) -> str:
    """A case-number pattern that fits the numbers found, for a style of one's own."""
    pattern = _merge_shapes(numbers)
    return (f"Forslag: en egen stil med sagsnr_mønster: '{pattern}' "
            "(style.yaml med 'extends: standard').")


def _merge_shapes(numbers: list[str]) -> str:
    tokenised = [re.findall(r"\d+|[A-Za-zÆØÅæøå]+|[^\w]", n) for n in numbers]
    length = len(tokenised[0])
    if any(len(t) != length for t in tokenised):
        return "^.+$"
    out = []
    for column in zip(*tokenised, strict=True):
        if all(p.isdigit() for p in column):
            low, high = min(len(p) for p in column), max(len(p) for p in column)
            out.append(rf"\d{{{low}}}" if low == high else rf"\d{{{low},{high}}}")
        elif len(set(column)) == 1:
            out.append(re.sub(r"([.^$*+?{}\[\]\\|()])", r"\\\1", column[0]))
        elif all(p.isalpha() for p in column):
            out.append("[A-ZÆØÅ]+")
        else:
            return "^.+$"
    return "^" + "".join(out) + "$"


# -- the meeting ---------------------------------------------------------------------------

#: Where an imported value stands: the meeting file does not exist yet, so line 1.
_NOWHERE = Where(1, 1)


def _order(style: Style) -> list[str]:
    keys: list[str] = []
    for slot in style.order:
        keys += [slot] if isinstance(slot, str) else list(slot.keys)
    return keys


def build_meeting(draft: MeetingDraft, style: Style, stil: str | None,
                  report: Report, source: Source) -> Meeting:
    """The model of the meeting file: what `referatgen.dump` writes."""
    assert draft.dato is not None and draft.organ
    kommune = draft.kommune
    if kommune and (style.kommune or "").lower() == kommune.lower():
        kommune = None  # the style says it already
    if draft.stray and draft.items:
        # Text before the first item that is neither a front field nor the TOC.
        target = draft.items[0]
        key = next(iter(target.sections), "sagsfremstilling")
        target.sections[key] = [*draft.stray, *target.sections.get(key, [])]
        for block in draft.stray:
            report.unplace(block.text or "tabel", block.where,
                           f"punkt {target.number}, {key}")
    return Meeting(
        source=source, organ=draft.organ, dato=draft.dato,
        type="dagsorden" if draft.type == "dagsorden" else "referat",
        stil=stil or style.name, kommune=kommune or None, tid=draft.tid or None,
        sluttid=draft.sluttid or None, sted=draft.sted or None,
        deltagere=[Person(p.navn, p.rolle or None) for p in draft.deltagere],
        afbud=[Person(p.navn, p.rolle or None) for p in draft.afbud],
        første_punkt=draft.items[0].number,
        punkter=[_item(item, draft, style, report) for item in draft.items])


def _item(item: ItemDraft, draft: MeetingDraft, style: Style, report: Report) -> Item:
    title = item.title
    if item.closed and not title:
        title = UNKNOWN_CLOSED_TITLE
    out = Item(title, _NOWHERE, _NOWHERE, sagsnr=item.sagsnr or None, lukket=item.closed)
    printed = item.printed_title
    # The public title as printed, when the style would print another one.
    if item.closed and printed and style.public_title(title) != printed and (
            title != UNKNOWN_CLOSED_TITLE or not style.publishes_closed_titles):
        out.offentlig_titel = printed
    for key in _order(style):
        if key == "beslutning":
            out.beslutning = _decisions(item, draft, report)
        elif key == "bilag":
            out.bilag = [Bilag(b.titel, _NOWHERE, lukket=b.lukket) for b in item.bilag]
        elif key == "afsnit":
            out.afsnit = _afsnit(item, report)
        elif item.sections.get(key):
            out.sections[key] = _text(item.sections[key])
    out.deltog_ikke = list(item.deltog_ikke)
    return out


def _omit_empty(item: ItemDraft, headed: list[DecisionDraft] | list[AfsnitDraft],
                report: Report) -> None:
    for part in headed:
        if not part.blocks:
            report.notes.append(f"Punkt {item.number}: overskriften '{part.heading}' har "
                                "ingen tekst og er udeladt.")


def _decisions(item: ItemDraft, draft: MeetingDraft, report: Report) -> list[Decision]:
    assert draft.dato is not None and draft.organ
    decisions = [d for d in item.decisions if d.blocks]
    _omit_empty(item, item.decisions, report)
    if not decisions:
        return []
    organ = draft.organ.lower()
    if len(decisions) == 1 and decisions[0].dato in (None, draft.dato) and (
            decisions[0].organ is None or decisions[0].organ.lower() == organ):
        return [Decision(_text(decisions[0].blocks), _NOWHERE)]
    # Undated, a decision printed as the meeting's date (styles that show dates); the
    # meeting's organ is spelled as the meeting file spells it.
    return [Decision(_text(d.blocks), _NOWHERE, d.dato or draft.dato,
                     draft.organ if d.organ and d.organ.lower() == organ else d.organ or None)
            for d in decisions]


def _afsnit(item: ItemDraft, report: Report) -> list[Afsnit]:
    entries = [Afsnit(a.heading, _text(a.blocks), _NOWHERE) for a in item.afsnit if a.blocks]
    _omit_empty(item, item.afsnit, report)
    return entries


def _text(blocks: list[TextBlock]) -> Text:
    text = section_markdown(blocks)
    return Text("-\n" if text.strip() in ("-", "–") else text, _NOWHERE, _NOWHERE, False)


# -- the report ----------------------------------------------------------------------------


def summary(draft: MeetingDraft, style: Style, report: Report) -> list[str]:
    items = draft.items
    numbers = [i.number for i in items]
    closed = [str(i.number) for i in items if i.closed]
    found = "1 punkt fundet" if len(items) == 1 else f"{len(items)} punkter fundet"
    span = f"punkt {numbers[0]}" if len(items) == 1 else f"punkt {numbers[0]}-{numbers[-1]}"
    shut = ("ingen lukkede" if not closed else
            f"{len(closed)} {'lukket' if len(closed) == 1 else 'lukkede'} ({', '.join(closed)})")
    lines = [f"{found} ({span}), {shut}."]
    lines += _toc_check(draft)
    return lines


def _norm(text: str) -> str:
    return " ".join(text.lower().rstrip(". ").split())


def _toc_check(draft: MeetingDraft) -> list[str]:
    if not draft.toc:
        return ["Ingen indholdsfortegnelse fundet."]
    out: list[str] = []
    for index, entry in enumerate(draft.toc):
        if index >= len(draft.items):
            out.append(f"Indholdsfortegnelsen: '{entry.title}' passer ikke til noget punkt "
                       f"(der er kun {len(draft.items)} punkter).")
            continue
        item = draft.items[index]
        names = {_norm(item.title), _norm(item.printed_title or "")}
        cut = _norm(entry.title)
        # Some systems cut a long title in the TOC instead of wrapping it: a cut line is
        # long (its leader and page number fill the rest). A short one that stops early
        # is a slip, and is reported.
        shortened = len(cut) >= 60 and any(n.startswith(cut) for n in names)
        if _norm(entry.title) not in names and not shortened and not (
                item.closed and entry.closed and not entry.title):
            other = next((i for i in draft.items if _norm(i.title) == _norm(entry.title)), None)
            match = f"passer til punkt {other.number}" if other else "passer ikke til noget punkt"
            out.append(f"Indholdsfortegnelsen: '{entry.raw or entry.title}' {match}; punkt "
                       f"{item.number} hedder '{item.title or UNKNOWN_CLOSED_TITLE}' "
                       "(overskriften bruges).")
    if len(draft.toc) < len(draft.items):
        missing = ", ".join(str(i.number) for i in draft.items[len(draft.toc):])
        out.append(f"Indholdsfortegnelsen mangler punkt {missing}.")
    if not out:
        out.append(f"Indholdsfortegnelsen passer: {len(draft.toc)} linjer, {len(draft.items)} "
                   "punkter.")
    return out
