"""Stage 4: number the items and lay out the whole document before anything is drawn.

The plan is one version of the meeting (public or internal, referat or dagsorden) in
the style's order with every heading resolved. It is the only place that decides what
a closed item shows, so the renderers cannot leak what the plan leaves out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from ._version import __version__
from .dates import long_date, short_date
from .model import Decision, Item, Meeting, MeetingType, Text
from .styles import Group, Style

BlockKind = Literal["text", "decision", "bilag", "group", "note"]

CLOSED_BILAG = "Lukket bilag"
INTERNAL_MARK = "INTERNT – indeholder lukkede punkter"
NOT_PRESENT = "Følgende deltog ikke i behandlingen af punktet"
#: Printed under a closed item's heading in the internal version, so a reader (and
#: `referatgen import`) knows which content must not be published.
CLOSED_ITEM_MARK = "Lukket punkt"


@dataclass(frozen=True)
class Options:
    """What to make of a meeting file; the same for every output format."""

    #: The internal version (closed items in full); the default is the public one.
    intern: bool = False
    #: Make a dagsorden or a referat whatever the file's own `type`.
    som: MeetingType | None = None


@dataclass(frozen=True)
class PlannedBilag:
    title: str
    #: The file to attach, resolved inside the meeting's folder; None for a title only.
    path: Path | None = None
    closed: bool = False


@dataclass(frozen=True)
class Block:
    """One section of an item as printed: a heading and Markdown, or a group of blocks."""

    kind: BlockKind
    key: str
    heading: str | None = None
    text: Text | None = None
    children: tuple[Block, ...] = ()
    bilag: tuple[PlannedBilag, ...] = ()
    #: Plain text printed as its own paragraph (the deltog_ikke sentence).
    note: str | None = None


@dataclass(frozen=True)
class PlannedItem:
    number: int
    anchor: str
    title: str
    sagsnr: str | None
    closed: bool
    #: Closed and public: number, title and case number only.
    redacted: bool
    blocks: tuple[Block, ...]

    @property
    def heading(self) -> str:
        return f"Punkt {self.number}: {self.title}"

    @property
    def closed_mark(self) -> str | None:
        return CLOSED_ITEM_MARK if self.closed and not self.redacted else None


@dataclass(frozen=True)
class Document:
    meeting: Meeting
    style: Style
    kind: MeetingType
    intern: bool
    kommune: str | None
    title: str
    date_long: str
    date_short: str
    #: Label/value rows of the front page (Mødedato, Mødested, Mødedeltagere, Afbud).
    front: tuple[tuple[str, str], ...]
    items: tuple[PlannedItem, ...]
    #: A stable id derived from everything that shapes the output.
    identifier: str

    @property
    def subject(self) -> str:
        return f"{self.kind.capitalize()} for {self.meeting.organ} {self.date_short}"

    @property
    def attachments(self) -> tuple[PlannedBilag, ...]:
        seen: set[Path] = set()
        out: list[PlannedBilag] = []
        for item in self.items:
            for block in _walk(item.blocks):
                for bilag in block.bilag:
                    if bilag.path is not None and bilag.path not in seen:
                        seen.add(bilag.path)
                        out.append(bilag)
        return tuple(out)

    @property
    def allowed_roots(self) -> tuple[Path, ...]:
        """The only folders a renderer may read files from."""
        return (self.meeting.folder, *(f.resolve() for f in self.style.folders))


def _walk(blocks: tuple[Block, ...]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        out.append(block)
        out += _walk(block.children)
    return out


def plan(meeting: Meeting, style: Style, options: Options = Options()) -> Document:
    kind: MeetingType = options.som or meeting.type
    date_short = short_date(meeting.dato)
    items = tuple(
        _plan_item(meeting, style, item, meeting.første_punkt + index, kind, options.intern)
        for index, item in enumerate(meeting.punkter)
    )
    date_long = long_date(meeting.dato, meeting.tid, meeting.sluttid)
    front: list[tuple[str, str]] = [("Mødedato", date_long)]
    if meeting.sted:
        front.append(("Mødested", meeting.sted))
    if meeting.deltagere:
        front.append(("Mødedeltagere", ", ".join(p.label() for p in meeting.deltagere)))
    if meeting.afbud:
        front.append(("Afbud", ", ".join(p.label() for p in meeting.afbud)))
    return Document(
        meeting=meeting,
        style=style,
        kind=kind,
        intern=options.intern,
        kommune=meeting.kommune or style.kommune,
        title=f"{kind.upper()} {meeting.organ} d. {date_short}",
        date_long=date_long,
        date_short=date_short,
        front=tuple(front),
        items=items,
        identifier=_fingerprint(kind, options.intern, meeting, style, front, items),
    )


def _fingerprint(kind: MeetingType, intern: bool, meeting: Meeting, style: Style,
                 front: list[tuple[str, str]], items: tuple[PlannedItem, ...]) -> str:
    """A document id from what the version shows, so it is the same wherever the files lie
    and, in the public version, tells nothing about a closed item's hidden text."""
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(str(part).encode("utf-8"))
            digest.update(b"\0")

    add(__version__, kind, intern, meeting.organ, meeting.dato, meeting.kommune, front)
    add(replace(style, folders=()))
    for name in style.css:
        path = style.file(name)
        add(hashlib.sha256(path.read_bytes()).hexdigest() if path else name)

    def blocks(items: tuple[Block, ...]) -> None:
        for block in items:
            add(block.kind, block.key, block.heading, block.note,
                block.text.markdown if block.text else None)
            for bilag in block.bilag:
                add(bilag.title, bilag.closed,
                    hashlib.sha256(bilag.path.read_bytes()).hexdigest()
                    if bilag.path and bilag.path.is_file() else None)
            blocks(block.children)

    for item in items:
        add(item.number, item.title, item.sagsnr, item.closed, item.redacted)
        blocks(item.blocks)
    return digest.hexdigest()[:32]


def public_title(item: Item, style: Style) -> str:
    if not item.lukket:
        return item.titel
    return item.offentlig_titel or style.public_title(item.titel)


def _plan_item(
    meeting: Meeting, style: Style, item: Item, number: int, kind: MeetingType, intern: bool
) -> PlannedItem:
    redacted = item.lukket and not intern
    title = item.titel if (intern or not item.lukket) else public_title(item, style)
    blocks: tuple[Block, ...] = ()
    if not redacted:
        blocks = _blocks(meeting, style, item, kind, intern)
    return PlannedItem(number, f"punkt-{number}", title, item.sagsnr, item.lukket, redacted,
                       blocks)


def _blocks(
    meeting: Meeting, style: Style, item: Item, kind: MeetingType, intern: bool
) -> tuple[Block, ...]:
    def section(key: str) -> list[Block]:
        if key == "beslutning":
            return _decision_blocks(meeting, style, item) if kind == "referat" else []
        if key == "bilag":
            return _bilag_block(meeting, style, item, intern)
        if key == "afsnit":
            return [Block("text", "afsnit", a.overskrift, a.tekst) for a in item.afsnit]
        text = item.sections.get(key)
        return [Block("text", key, style.heading(key), text)] if text else []

    out: list[Block] = []
    for slot in style.order:
        if isinstance(slot, Group):
            children = tuple(b for key in slot.keys for b in section(key))
            if children:
                out.append(Block("group", "gruppe", slot.heading, children=children))
        else:
            out += section(slot)
    return tuple(out)


def _decision_heading(meeting: Meeting, style: Style, decision: Decision) -> str:
    day = decision.dato or meeting.dato
    return style.decision_heading.format(organ=decision.organ or meeting.organ,
                                         dato=short_date(day))


def _decision_blocks(meeting: Meeting, style: Style, item: Item) -> list[Block]:
    blocks = [Block("decision", "beslutning", _decision_heading(meeting, style, d), d.tekst)
              for d in item.beslutning]
    if item.deltog_ikke:
        blocks.append(Block("note", "deltog_ikke",
                            note=f"{NOT_PRESENT}: {', '.join(item.deltog_ikke)}"))
    return blocks


def _bilag_block(meeting: Meeting, style: Style, item: Item, intern: bool) -> list[Block]:
    if not item.bilag:
        return []
    entries: list[PlannedBilag] = []
    for bilag in item.bilag:
        path = (meeting.folder / bilag.fil).resolve() if bilag.fil else None
        if bilag.lukket and not intern:
            entries.append(PlannedBilag(CLOSED_BILAG, None, True))
        elif bilag.lukket:
            entries.append(PlannedBilag(f"{bilag.titel} (lukket bilag)", path, True))
        else:
            entries.append(PlannedBilag(bilag.titel, path))
    return [Block("bilag", "bilag", style.heading("bilag"), bilag=tuple(entries))]
