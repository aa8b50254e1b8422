"""Stage 4: number the items and lay out the whole document before anything is drawn.

The plan is one version of the meeting (public or internal, referat or dagsorden) in
the style's order with every heading resolved. It is the only place that decides what
a closed item shows, so the renderers cannot leak what the plan leaves out.


Naming: the meeting file's words are Danish up to the model (`Meeting.punkter`,
`Item.titel`); from the plan on, names are English (`Document.items`, `PlannedItem.title`).

The `Document` holds no `Meeting`: renderers, the archive index and `find` get what they
may print and nothing more (a test walks the type hints to keep it so).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal
from urllib.parse import unquote

from ._version import __version__
from .dates import long_date, short_date
from .model import Decision, Item, Meeting
from .model import Text as Text  # re-exported: renderers type a section's text from here
from .options import DocumentOptions, Kind
from .styles import PAGE_BREAK, REPEATED_TITLE, Group, Style
from .vocabulary import (
    CLOSED_BILAG,
    CLOSED_BILAG_SUFFIX,
    CLOSED_ITEM_MARK,
    LABEL_ABSENT,
    LABEL_DATE,
    LABEL_PARTICIPANTS,
    LABEL_PLACE,
    NOT_PRESENT,
    item_heading,
)

#: `pagebreak` and `title` are the style's layout marks (styles.LAYOUT_MARKS).
BlockKind = Literal["text", "decision", "bilag", "group", "note", "pagebreak", "title"]


@dataclass(frozen=True)
class PlannedBilag:
    title: str
    #: The file to attach, resolved inside the meeting's folder; None for a title only.
    path: Path | None = None
    closed: bool = False


@dataclass(frozen=True)
class PlannedBlock:
    """One section of an item as printed: a heading and Markdown, or a group of blocks."""

    kind: BlockKind
    key: str
    heading: str | None = None
    text: Text | None = None
    children: tuple[PlannedBlock, ...] = ()
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
    blocks: tuple[PlannedBlock, ...]

    @property
    def heading(self) -> str:
        return item_heading(self.number, self.title)

    @property
    def closed_mark(self) -> str | None:
        return CLOSED_ITEM_MARK if self.closed and not self.redacted else None


@dataclass(frozen=True)
class PublicItem:
    """An item as the archive's index and `find` show it, whatever version was built."""

    number: int
    #: The public title: a closed item's real title only where the style publishes it.
    title: str
    sagsnr: str | None
    closed: bool


@dataclass(frozen=True)
class Document:
    """One version of a meeting, ready to draw: all a renderer, the index and `find` see."""

    style: Style
    kind: Kind
    intern: bool
    kommune: str | None
    organ: str
    date: dt.date
    #: When the meeting starts (its date at `tid`, or midnight), Danish local time.
    created: dt.datetime
    title: str
    date_long: str
    date_short: str
    #: The running header from page 2: organ and date.
    running_header: str
    #: Label/value rows of the front page (Mødedato, Mødested, Mødedeltagere, Afbud).
    front: tuple[tuple[str, str], ...]
    items: tuple[PlannedItem, ...]
    #: Every item with its public face, for the archive's index.
    public_items: tuple[PublicItem, ...]
    #: The meeting's folder: relative image and bilag paths start here.
    folder: Path
    #: The meeting file as messages name it.
    source_name: str
    #: The output file name without extension: the meeting file's stem, then
    #: "-dagsorden"/"-referat" when --som changed the kind, then "-intern".
    output_stem: str
    #: Files this version is made from besides the meeting file and its style: the bilag
    #: it attaches and the images its texts show (nothing of what it leaves out).
    inputs: tuple[Path, ...]
    #: A stable id derived from everything that shapes the output.
    identifier: str

    @property
    def subject(self) -> str:
        return f"{self.kind.capitalize()} for {self.organ} {self.date_short}"

    @property
    def attachments(self) -> tuple[PlannedBilag, ...]:
        seen: set[Path] = set()
        out: list[PlannedBilag] = []
        for item in self.items:
            for block in walk(item.blocks):
                for bilag in block.bilag:
                    if bilag.path is not None and bilag.path not in seen:
                        seen.add(bilag.path)
                        out.append(bilag)
        return tuple(out)

    @property
    def allowed_roots(self) -> tuple[Path, ...]:
        """The only folders a renderer may read files from."""
        return (self.folder, *(f.resolve() for f in self.style.folders))

    def output_name(self, fmt: str) -> str:
        return f"{self.output_stem}.{fmt}"


def walk(blocks: tuple[PlannedBlock, ...]) -> list[PlannedBlock]:
    """The blocks and, depth first, the blocks grouped under them."""
    out: list[PlannedBlock] = []
    for block in blocks:
        out.append(block)
        out += walk(block.children)
    return out


def output_stem(stem: str, file_kind: Kind, options: DocumentOptions) -> str:
    if options.som and options.som != file_kind:
        stem += f"-{options.som}"
    if options.intern:
        stem += "-intern"
    return stem


def plan(meeting: Meeting, style: Style, options: DocumentOptions = DocumentOptions()) -> Document:
    kind: Kind = options.som or meeting.type
    date_short = short_date(meeting.dato)
    items = tuple(
        _plan_item(meeting, style, item, meeting.første_punkt + index, kind, options.intern)
        for index, item in enumerate(meeting.punkter)
    )
    date_long = long_date(meeting.dato, meeting.tid, meeting.sluttid)
    front = _front(meeting, date_long)
    return Document(
        style=style,
        kind=kind,
        intern=options.intern,
        kommune=meeting.kommune or style.kommune,
        organ=meeting.organ,
        date=meeting.dato,
        created=_start(meeting),
        title=f"{kind.upper()} {meeting.organ} d. {date_short}",
        date_long=date_long,
        date_short=date_short,
        running_header=f"{meeting.organ} {date_short}",
        front=front,
        items=items,
        public_items=tuple(
            PublicItem(meeting.første_punkt + index, public_title(item, style), item.sagsnr,
                       item.lukket)
            for index, item in enumerate(meeting.punkter)),
        folder=meeting.folder,
        source_name=meeting.source.display,
        output_stem=output_stem(meeting.source.path.stem, meeting.type, options),
        inputs=_inputs(meeting.folder, items),
        identifier=_fingerprint(kind, options.intern, meeting, style, list(front), items),
    )


def _front(meeting: Meeting, date_long: str) -> tuple[tuple[str, str], ...]:
    front: list[tuple[str, str]] = [(LABEL_DATE, date_long)]
    if meeting.sted:
        front.append((LABEL_PLACE, meeting.sted))
    if meeting.deltagere:
        front.append((LABEL_PARTICIPANTS, ", ".join(p.label() for p in meeting.deltagere)))
    if meeting.afbud:
        front.append((LABEL_ABSENT, ", ".join(p.label() for p in meeting.afbud)))
    return tuple(front)


def _start(meeting: Meeting) -> dt.datetime:
    hour, minute = 0, 0
    tid = meeting.tid or ""
    if len(tid) == 5 and tid[2] == ":" and tid[:2].isdigit() and tid[3:].isdigit():
        hour, minute = int(tid[:2]), int(tid[3:])
    return dt.datetime(meeting.dato.year, meeting.dato.month, meeting.dato.day, hour, minute)


def _inputs(folder: Path, items: tuple[PlannedItem, ...]) -> tuple[Path, ...]:
    """The files the planned version reads: attached bilag and images in its texts."""
    from .commonmark import parse

    paths: set[Path] = set()
    for item in items:
        for block in walk(item.blocks):
            paths.update(b.path for b in block.bilag if b.path is not None)
            if block.text is None:
                continue
            for token in parse(block.text.markdown):
                for child in token.children or []:
                    src = str(child.attrs.get("src", "")) if child.type == "image" else ""
                    if src and ":" not in src.split("/")[0] and not src.startswith("/"):
                        paths.add((folder / unquote(src)).resolve())
    return tuple(sorted(paths))


def _fingerprint(kind: Kind, intern: bool, meeting: Meeting, style: Style,
                 front: list[tuple[str, str]], items: tuple[PlannedItem, ...]) -> str:
    """A document id from what the version shows, so it is the same wherever the files lie
    and, in the public version, tells nothing about a closed item's hidden text."""
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(str(part).encode("utf-8"))
            digest.update(b"\0")

    add(__version__, kind, intern, meeting.organ, meeting.dato, meeting.kommune, front)
    # The style by what it says, not where it lies: its folders and its font files'
    # paths differ from one installation to the next (a venv, site-packages, a checkout).
    add(replace(style, folders=(), fonts=()))
    for family in style.fonts:
        add(family.name, family.word, *(path.name for path in family.files))
    for name in style.css:
        path = style.file(name)
        add(hashlib.sha256(path.read_bytes()).hexdigest() if path else name)

    def blocks(items: tuple[PlannedBlock, ...]) -> None:
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
    meeting: Meeting, style: Style, item: Item, number: int, kind: Kind, intern: bool
) -> PlannedItem:
    redacted = item.lukket and not intern
    title = item.titel if (intern or not item.lukket) else public_title(item, style)
    blocks: tuple[PlannedBlock, ...] = ()
    if not redacted:
        blocks = _with_layout(_blocks(meeting, style, item, kind, intern), title)
    return PlannedItem(number, f"punkt-{number}", title, item.sagsnr, item.lukket, redacted,
                       blocks)


def _blocks(
    meeting: Meeting, style: Style, item: Item, kind: Kind, intern: bool
) -> tuple[PlannedBlock, ...]:
    def section(key: str) -> list[PlannedBlock]:
        if key == "beslutning":
            return _decision_blocks(meeting, style, item) if kind == "referat" else []
        if key == "bilag":
            return _bilag_block(meeting, style, item, intern)
        if key == "afsnit":
            return [PlannedBlock("text", "afsnit", a.overskrift, a.tekst) for a in item.afsnit]
        text = item.sections.get(key)
        return [PlannedBlock("text", key, style.heading(key), text)] if text else []

    out: list[PlannedBlock] = []
    for slot in style.order:
        if isinstance(slot, Group):
            children = tuple(b for key in slot.keys for b in section(key))
            if children:
                out.append(PlannedBlock("group", "gruppe", slot.heading, children=children))
        elif slot == PAGE_BREAK:
            out.append(PlannedBlock("pagebreak", slot))
        elif slot == REPEATED_TITLE:
            out.append(PlannedBlock("title", slot))
        else:
            out += section(slot)
    return tuple(out)


def _with_layout(blocks: tuple[PlannedBlock, ...], title: str) -> tuple[PlannedBlock, ...]:
    """The layout marks where they do something: a page break or a repeated title with
    no text after it (an item without sections, a dagsorden's missing decision) would
    leave an empty page or a stray line, so it goes; the title gets the printed one."""
    out: list[PlannedBlock] = []
    for index, block in enumerate(blocks):
        if block.kind in ("pagebreak", "title"):
            if all(b.kind in ("pagebreak", "title") for b in blocks[index + 1:]):
                break
            if block.kind == "pagebreak" and out and out[-1].kind == "pagebreak":
                continue
            block = PlannedBlock("title", block.key, note=title) if block.kind == "title" else block
        out.append(block)
    return tuple(out)


def _decision_heading(meeting: Meeting, style: Style, decision: Decision) -> str:
    day = decision.dato or meeting.dato
    organ = decision.organ or meeting.organ
    return style.decision_heading.format(organ=organ, ORGAN=organ.upper(), dato=short_date(day))


def _decision_blocks(meeting: Meeting, style: Style, item: Item) -> list[PlannedBlock]:
    blocks = [PlannedBlock("decision", "beslutning", _decision_heading(meeting, style, d), d.tekst)
              for d in item.beslutning]
    if item.deltog_ikke:
        blocks.append(PlannedBlock("note", "deltog_ikke",
                            note=f"{NOT_PRESENT}: {', '.join(item.deltog_ikke)}"))
    return blocks


def _bilag_block(meeting: Meeting, style: Style, item: Item, intern: bool) -> list[PlannedBlock]:
    if not item.bilag:
        return []
    entries: list[PlannedBilag] = []
    for bilag in item.bilag:
        path = (meeting.folder / bilag.fil).resolve() if bilag.fil else None
        if bilag.lukket and not intern:
            entries.append(PlannedBilag(CLOSED_BILAG, None, True))
        elif bilag.lukket:
            entries.append(PlannedBilag(f"{bilag.titel} {CLOSED_BILAG_SUFFIX}", path, True))
        else:
            entries.append(PlannedBilag(bilag.titel, path))
    return [PlannedBlock("bilag", "bilag", style.heading("bilag"), bilag=tuple(entries))]
