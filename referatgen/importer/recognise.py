"""What minutes look like, whoever made them: the recognisers every reader shares.

Blocks go in; a draft of the meeting comes out: the title line and the front fields, the
table of contents (kept aside to cross-check the items), the items with their numbers,
case numbers and closed flags, and each item's sections. Whatever cannot be placed
stays in the nearest section and is named in the report.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..meetingfile.schema import SECTION_ALIASES, SECTION_KEYS
from ..vocabulary import CLOSED_BILAG, INTERNAL_MARK, NOT_PRESENT
from .blocks import Report, TextBlock, plain_text, quote

#: Title of a closed item whose real title the source does not give (public versions).
UNKNOWN_CLOSED_TITLE = "Lukket punkt (titlen er ikke offentliggjort)"

# -- shared patterns -----------------------------------------------------------------------

BULLET_GLYPHS: tuple[str, ...] = (
    "•", "◦", "▪", "‣", "·", "–", "§", "\uf0b7", "\uf0a7", "\uf076", "\uf0d8", "○", "■", "□",
)
PAGE_STAMP = re.compile(
    r"^(?:(?:side|page|s\.)\s*\d{1,4}(?:\s*(?:af|of|/|ud af)\s*\d{1,4})?"
    r"|\d{1,4}\s*(?:af|of)\s*\d{1,4}|-\s*\d{1,4}\s*-)$",
    re.I,
)
TOC_HEADING = re.compile(r"^(?:indholdsfortegnelse|indholdsliste)\s*:?$", re.I)
TOC_LINE = re.compile(r"^(?P<title>.*?\S)\s*(?:\.{2,}|…+|\t| {2,})[\s.…]*(?P<page>\d{1,3})$")
_SAGSNR_VALUE = (
    r"\d{2}/\d{1,6}|\d{2}-\d{6}[A-Z]?|[A-ZÆØÅ]{2,8}-\d{4}-\d{3,8}|\d{4}-\d{3,8}"
    r"|\d{2}\.\d{2}\.\d{2}-[A-ZÆØÅ]\d{2}-\d+-\d{2}"
)
SAGSNR_LINE = re.compile(
    r"^(?:(?:sags?\s*nr\.?|sagsnummer|sag|j\.?\s*nr\.?|journal\s*nr\.?|dok\.?\s*nr\.?)\s*[:.]?\s*"
    r"(?P<labelled>[A-Za-zÆØÅæøå0-9][\w./-]*)"
    rf"|(?P<bare>{_SAGSNR_VALUE}))$",
    re.I,
)
FRONT_LABEL = re.compile(
    r"^(?P<label>mødedato|mødetidspunkt|tidspunkt|dato|tid|mødested|mødelokale|sted"
    r"|mødedeltagere|deltagere|til stede|tilstede|deltagende|medlemmer|afbud"
    r"|fraværende med afbud|fraværende|fravær|ikke til stede)\b\s*:?\s*(?P<value>.*)$",
    re.I,
)
#: 'Mødeleder: ...': a field of the front page that the meeting file has no key for.
_OTHER_LABEL = re.compile(r"^[A-ZÆØÅ][a-zæøåA-ZÆØÅ\- ]{2,24}:\s+\S")
_TITLE = re.compile(
    r"^(?P<type>referat|dagsorden|beslutningsprotokol|protokol|beslutningsreferat)\b"
    r"(?:\s+(?:for|fra|af)\b)?\s*[:\-–]?\s*(?P<rest>.*)$",
    re.I,
)
_PUNKT = re.compile(r"^(?:punkt|pkt\.?)\s*(?P<n>\d{1,3})\s*(?:[:.\-–]\s*|\s+|$)(?P<title>.*)$",
                    re.I)
_NUMBERED = re.compile(r"^(?P<n>\d{1,3})(?:\.\s*|\s+)(?P<title>\S.*)$")
_BARE_NUMBER = re.compile(r"^(?:punkt\s*)?(?P<n>\d{1,3})\.?$", re.I)
_CLOSED_TITLE = re.compile(
    r"^(?:\(?lukket(?:\s+punkt)?\)?)(?:\s*[:\-–]\s*(?P<title>.+))?$", re.I)
_CLOSED_SUFFIX = re.compile(r"^(?P<title>.+?)\s*[(\[]\s*lukket(?:\s+punkt)?\s*[)\]]$", re.I)
_MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "nov": 11, "dec": 12,
}
_NUM_DATE = re.compile(r"\b(?P<d>\d{1,2})[-./](?P<m>\d{1,2})[-./](?P<y>\d{4}|\d{2})\b")
_ISO_DATE = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_WORD_DATE = re.compile(
    r"\b(?P<d>\d{1,2})\.?\s+(?P<m>[a-zæøå]{3,9})\.?\s+(?P<y>\d{4})\b", re.I)
_TIME = re.compile(
    r"\b(?:kl\.?|klokken)\s*(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?"
    r"(?:\s*(?:[-–]|til)\s*(?:kl\.?\s*)?(?P<h2>\d{1,2})(?:[:.](?P<m2>\d{2}))?)?",
    re.I,
)
_DECISION = re.compile(
    r"^beslutning(?:en)?(?:\s+(?:i|på|fra))?(?:\s+(?P<organ>.+?))?"
    r"(?:\s*[,:]?\s+(?:den|d\.)\s*(?P<date>\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}\.?\s+[a-zæøå]+\.?\s+\d{4}))?\s*:?$",
    re.I,
)
_TERMINAL = re.compile(r"[.!?;:,]$")
_NOT_PRESENT = re.compile(
    rf"^{re.escape(NOT_PRESENT)}\s*:\s*(?P<names>.+?)\.?$|"
    r"^(?P<names2>.+?)\s+deltog ikke i (?:behandlingen af )?(?:dette )?punkt(?:et)?\.?$",
    re.I,
)
_ATTACHED = re.compile(r"\s*\(vedhæftet(?: som (?P<file>[^)]+))?\)\s*$", re.I)
_CLOSED_BILAG = re.compile(r"\s*\(lukket bilag\)\s*$", re.I)

#: Section headings besides the keys, the schema's aliases and the styles' headings.
EXTRA_ALIASES: dict[str, str] = {
    "resumé og sagens baggrund": "resume",
    "sammenfatning": "resume",
    "baggrund for sagen": "baggrund",
    "administrationens indstilling": "indstilling",
    "forvaltningens indstilling": "indstilling",
    "indstillingen": "indstilling",
    "sagsbeskrivelse": "sagsfremstilling",
    "beskrivelse af sagen": "sagsfremstilling",
    "sagens indhold": "sagsfremstilling",
    "økonomi og finansiering": "økonomi",
    "økonomiske forhold": "økonomi",
    "økonomiske og personalemæssige konsekvenser": "økonomi",
    "finansiering": "økonomi",
    "bilag:": "bilag",
    "bilagsfortegnelse": "bilag",
    "vedlagte bilag": "bilag",
    "behandlet af": "behandling",
    "tidligere behandling": "behandling",
}

#: Headings of sections that have no key of their own but are sections, not sub-headings.
KNOWN_AFSNIT: frozenset[str] = frozenset({
    "sagsforløb", "sagens forløb", "høring", "høringssvar", "lovgrundlag", "retsgrundlag",
    "lovgivning", "juridiske forhold", "tidsplan", "kommunikation", "videre proces",
    "det videre forløb", "personalemæssige konsekvenser", "klimamæssige konsekvenser",
    "miljømæssige konsekvenser", "handicappolitisk vurdering", "bæredygtighed",
    "relation til politikker", "politisk behandling", "beslutningskompetence", "kompetence",
    "vurdering", "administrationens vurdering", "alternativer", "risici",
    "borgerinddragelse", "inddragelse", "tidligere beslutninger", "sagsforløb og tidsplan",
    "konsekvenser", "kommunikation og presse",
})


def _norm(text: str) -> str:
    text = plain_text(text).strip().strip("#").strip()
    text = text.rstrip(":").strip()
    return " ".join(text.split()).lower()


def _style_aliases() -> dict[str, str]:
    from pathlib import Path

    from ..styles import StyleError, available_styles, resolve_style

    aliases: dict[str, str] = {}
    for name in available_styles():
        try:
            style = resolve_style(name, Path.cwd())
        except StyleError:
            continue
        for key, heading in style.headings.items():
            aliases.setdefault(heading.lower(), key)
    return aliases


_ALIASES: dict[str, str] | None = None
_GROUPS: frozenset[str] | None = None


def _group_headings() -> frozenset[str]:
    """Headings the styles print over a group of sections ("Sagsfremstilling")."""
    global _GROUPS
    if _GROUPS is None:
        from pathlib import Path

        from ..styles import Group, StyleError, available_styles, resolve_style

        names: set[str] = set()
        for name in available_styles():
            try:
                style = resolve_style(name, Path.cwd())
            except StyleError:
                continue
            names |= {slot.heading.lower() for slot in style.order if isinstance(slot, Group)}
        _GROUPS = frozenset(names)
    return _GROUPS


def _aliases() -> dict[str, str]:
    global _ALIASES
    if _ALIASES is None:
        _ALIASES = {**{k: k for k in SECTION_KEYS}, **SECTION_ALIASES, **EXTRA_ALIASES,
                    **_style_aliases()}
    return _ALIASES


def heading_key(text: str, organ: str | None = None) -> str | None:
    """The section key a heading names ('BESLUTNING DIREKTIONEN DEN 30-09-2014' -> beslutning)."""
    name = _norm(text)
    if not name or len(name) > 90:
        return None
    # "2.1 Baggrund": a heading numbered by the document's outline.
    name = re.sub(r"^\d{1,2}(?:\.\d{1,2})+\.?\s+|^\d{1,2}\.\s+(?=\D)", "", name)
    key = _aliases().get(name)
    if key is not None:
        return key
    decision = _DECISION.match(name)
    said = decision.group("organ") if decision else None
    if decision and (decision.group("date") or (organ and said and said.lower() == organ.lower())):
        return "beslutning"
    return None


def toc_plain(line: str) -> str:
    """A TOC line as text, its tab (Word's leader) kept as a leader."""
    return plain_text(line.replace("\t", " ..... "))


def is_item_heading_text(text: str) -> bool:
    match = _PUNKT.match(plain_text(text))
    return bool(match) and not TOC_LINE.match(plain_text(text))


def parse_date(text: str) -> dt.date | None:
    for pattern in (_ISO_DATE, _NUM_DATE, _WORD_DATE):
        match = pattern.search(text)
        if not match:
            continue
        month_text = match.group("m")
        month = _MONTHS.get(month_text.lower().rstrip(".")) if month_text.isalpha() \
            else int(month_text)
        if month is None:
            continue
        year = int(match.group("y"))
        year += 2000 if year < 100 else 0
        try:
            return dt.date(year, month, int(match.group("d")))
        except ValueError:
            continue
    return None


def _strip_date(text: str) -> str:
    """'Direktionen d. 05-09-2022' -> 'Direktionen'; 'Udvalget, mødet den 3. maj 2025' too."""
    for pattern in (_WORD_DATE, _ISO_DATE, _NUM_DATE):
        text = pattern.sub("", text)
    text = re.sub(r"\b(?:kl\.?|klokken)\s*[\d:.\s\-–]+", "", text, flags=re.I)
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"(?:\s+|^)(?:d\.|den|mødet|møde|fra|for|af)\s*$", "", text.strip(),
                      flags=re.I)
        text = re.sub(r"^(?:for|fra|af)\s+", "", text, flags=re.I)
        text = text.strip(" ,-–:")
    return text


# -- the draft -----------------------------------------------------------------------------


@dataclass
class DecisionDraft:
    blocks: list[TextBlock]
    dato: dt.date | None = None
    organ: str | None = None
    heading: str = "Beslutning"


@dataclass
class AfsnitDraft:
    heading: str
    blocks: list[TextBlock]


@dataclass
class BilagEntry:
    titel: str
    lukket: bool = False


@dataclass
class ItemDraft:
    number: int
    title: str
    where: str
    closed: bool = False
    #: The title as the public version printed it, for a closed item.
    printed_title: str | None = None
    sagsnr: str | None = None
    sections: dict[str, list[TextBlock]] = field(default_factory=dict)
    decisions: list[DecisionDraft] = field(default_factory=list)
    bilag: list[BilagEntry] = field(default_factory=list)
    afsnit: list[AfsnitDraft] = field(default_factory=list)
    deltog_ikke: list[str] = field(default_factory=list)
    #: Section headings as printed, to recognise the house style.
    headings: list[str] = field(default_factory=list)


@dataclass
class TocEntry:
    #: The item's title, without its number and without a closed mark.
    title: str
    page: int | None
    closed: bool
    where: str
    #: The title as the line has it (a closed mark kept), without its number.
    raw: str = ""


@dataclass
class PersonDraft:
    navn: str
    rolle: str | None = None


@dataclass
class MeetingDraft:
    type: str = "referat"
    organ: str | None = None
    dato: dt.date | None = None
    tid: str | None = None
    sluttid: str | None = None
    sted: str | None = None
    kommune: str | None = None
    deltagere: list[PersonDraft] = field(default_factory=list)
    afbud: list[PersonDraft] = field(default_factory=list)
    items: list[ItemDraft] = field(default_factory=list)
    toc: list[TocEntry] = field(default_factory=list)
    intern: bool = False
    #: Blocks found before the first item that belong nowhere (kept, reported).
    stray: list[TextBlock] = field(default_factory=list)


@dataclass
class _Heading:
    index: int
    number: int
    title: str
    closed: bool
    printed: str | None
    consumed: int


# -- the recogniser ------------------------------------------------------------------------


class Recogniser:
    """Turns blocks into a meeting draft. `levels` says whether block levels can be trusted."""

    def __init__(self, blocks: list[TextBlock], report: Report, *, marked: bool,
                 levels: bool) -> None:
        self.blocks = [b for b in blocks if b.kind != "text" or b.plain or b.notes]
        self.report = report
        self.marked = marked
        self.levels = levels
        self.draft = MeetingDraft()

    def run(self) -> MeetingDraft:
        blocks = self.blocks
        toc_range = self._toc_range()
        front_end = toc_range[0] if toc_range else None
        self._title_and_type()
        if toc_range:
            self._toc(blocks[toc_range[0]:toc_range[1]])
        headings = self._item_headings(toc_range)
        first_item = headings[0].index if headings else len(blocks)
        if front_end is None or front_end > first_item:
            front_end = first_item
        self._front(blocks[:front_end])
        for position, heading in enumerate(headings):
            end = headings[position + 1].index if position + 1 < len(headings) else len(blocks)
            self._item(heading, blocks[heading.index + heading.consumed:end])
        self._closed_from_toc()
        self._numbering()
        return self.draft

    # -- the front page ------------------------------------------------------------------

    def _title_and_type(self) -> None:
        for block in self.blocks[:12]:
            match = _TITLE.match(block.plain) if block.kind == "text" else None
            if match and len(block.plain) < 150:
                self.draft.type = "dagsorden" if match.group("type").lower() == "dagsorden" \
                    else "referat"
                return

    def _front(self, blocks: list[TextBlock]) -> None:
        draft = self.draft
        label: str | None = None
        wants_organ = False
        for block in _field_lines(blocks):
            plain = block.plain
            if wants_organ and block.kind == "text" and len(plain) < 80 \
                    and not FRONT_LABEL.match(plain):
                # "REFERAT" on a line of its own, the body on the next.
                draft.organ = _strip_date(plain) or None
                draft.dato = draft.dato or parse_date(plain)
                wants_organ = False
                continue
            wants_organ = False
            if block.kind == "table" and block.rows and all(
                    FRONT_LABEL.match(plain_text(row[0])) for row in block.rows if row[0].strip()):
                # The front page as a table of labels and values (Word, some PDFs).
                for row in block.rows:
                    match = FRONT_LABEL.match(plain_text(" ".join(row)))
                    if match:
                        label = match.group("label").lower()
                        self._field(label, match.group("value"), block)
                continue
            if block.kind != "text":
                draft.stray.append(block)
                continue
            if draft.organ is None and (title := _TITLE.match(plain)) and len(plain) < 150:
                rest = title.group("rest")
                day = parse_date(rest)
                if day is not None:
                    draft.dato = draft.dato or day
                organ = _strip_date(rest)
                if organ:
                    draft.organ = organ
                else:
                    wants_organ = True
                label = None
                continue
            if plain == INTERNAL_MARK or plain.startswith("INTERNT"):
                draft.intern = True
                self.report.notes.append("Intern version: lukkede punkter har indhold.")
                continue
            if re.fullmatch(r"[\wÆØÅæøå .\-]{2,40} [Kk]ommune", plain):
                draft.kommune = plain
                continue
            field_match = FRONT_LABEL.match(plain)
            if field_match:
                label = field_match.group("label").lower()
                self._field(label, field_match.group("value"), block)
                continue
            if _OTHER_LABEL.match(plain):
                label = None
                draft.stray.append(block)
                continue
            if label in ("mødedeltagere", "deltagere", "til stede", "tilstede", "deltagende",
                         "medlemmer", "afbud", "fraværende", "fraværende med afbud", "fravær",
                         "ikke til stede") and len(plain) < 300:
                self._field(label, plain, block)
                continue
            if draft.organ is None and len(plain) < 80 and block.is_heading_like:
                draft.organ = _strip_date(plain) or None
                draft.dato = draft.dato or parse_date(plain)
                continue
            draft.stray.append(block)

    def _field(self, label: str, value: str, block: TextBlock) -> None:
        draft = self.draft
        value = value.strip()
        if label in ("mødedato", "dato", "mødetidspunkt", "tidspunkt", "tid"):
            day = parse_date(value)
            if day is not None:
                if draft.dato is not None and draft.dato != day:
                    self.report.warnings.append(
                        f"Titlen siger {draft.dato:%d-%m-%Y}, mødedatoen {day:%d-%m-%Y}: "
                        "mødedatoen bruges.")
                draft.dato = day
            time = _TIME.search(value)
            if time:
                draft.tid = f"{int(time.group('h')):02d}:{time.group('m') or '00'}"
                if time.group("h2"):
                    draft.sluttid = f"{int(time.group('h2')):02d}:{time.group('m2') or '00'}"
            if day is None and not time:
                self.report.unplaced.append(
                    f"{quote(value)} ({block.where}) er ikke en dato; står ikke i mødefilen")
        elif label in ("mødested", "mødelokale", "sted"):
            draft.sted = f"{draft.sted} {value}".strip() if draft.sted else value
        elif label in ("afbud", "fraværende", "fraværende med afbud", "fravær", "ikke til stede"):
            draft.afbud += _people(value)
        else:
            draft.deltagere += _people(value)

    # -- table of contents ---------------------------------------------------------------

    def _toc_range(self) -> tuple[int, int] | None:
        blocks = self.blocks
        start = next((i for i, b in enumerate(blocks[:60])
                      if b.kind == "text" and TOC_HEADING.match(b.plain)), None)
        if start is None:
            # No heading: two or more entry lines in a row before anything that looks like
            # an item.
            for i, block in enumerate(blocks[:60]):
                if self._is_toc_block(block) and i + 1 < len(blocks) \
                        and self._is_toc_block(blocks[i + 1]):
                    start = i
                    break
            if start is None:
                return None
        end = start + 1
        while end < len(blocks):
            block = blocks[end]
            if self._is_toc_block(block):
                end += 1
                continue
            nxt = blocks[end + 1] if end + 1 < len(blocks) else None
            if block.kind == "text" and nxt is not None and self._is_toc_block(nxt) \
                    and len(block.plain) < 200 and not _PUNKT.match(block.plain):
                end += 1  # a wrapped entry: its page number is on the next line
                continue
            break
        return (start, end)

    @staticmethod
    def _is_toc_block(block: TextBlock) -> bool:
        if block.kind == "item" and block.lines:
            return all(TOC_LINE.match(toc_plain(line)) for line in block.lines[-1:])
        if block.kind != "text" or not block.lines:
            return False
        last = toc_plain(block.lines[-1])
        return bool(TOC_LINE.match(last)) and (
            bool(re.search(r"(\.{2,}|…|\t| {2,})\s*\d+$", block.lines[-1])) or block.level == 0)

    def _toc(self, blocks: list[TextBlock]) -> None:
        pending = ""
        for block in blocks:
            if block.kind == "text" and TOC_HEADING.match(block.plain):
                continue
            lines = block.lines or [block.text]
            for line in lines:
                plain = toc_plain(line)
                match = TOC_LINE.match(plain)
                if not match:
                    pending = f"{pending} {plain}".strip()
                    continue
                title = f"{pending} {match.group('title')}".strip().rstrip(". …")
                pending = ""
                raw = title = _toc_title(title)
                closed_match = _CLOSED_TITLE.match(title) or _CLOSED_SUFFIX.match(title)
                closed = bool(closed_match) or title == UNKNOWN_CLOSED_TITLE
                if closed:
                    # The entry without its mark: "Lukket: X" and "X (lukket)" are item X.
                    title = (closed_match.group("title") or "").strip() if closed_match else ""
                self.draft.toc.append(TocEntry(title, int(match.group("page")), closed,
                                               block.where, raw))
        if pending:
            self.report.unplaced.append(
                f"{quote(pending)} i indholdsfortegnelsen er ikke en linje med sidetal; "
                "står ikke i mødefilen")

    # -- item headings -------------------------------------------------------------------

    def _item_headings(self, toc_range: tuple[int, int] | None) -> list[_Heading]:
        blocks = self.blocks
        toc_titles = [_norm(entry.raw) for entry in self.draft.toc]
        found: list[_Heading] = []
        expected: int | None = None
        # Before and in the TOC stands only the front page; no item heading.
        index = toc_range[1] if toc_range else 0
        while index < len(blocks):
            heading = self._heading_at(index, expected, toc_titles, len(found))
            if heading is None:
                index += 1
                continue
            if expected is not None and heading.number != expected:
                self.report.warnings.append(
                    f"Punktnummeret springer fra {expected - 1} til {heading.number} "
                    f"({blocks[index].where}); referatgen nummererer fortløbende.")
            found.append(heading)
            expected = heading.number + 1
            index += heading.consumed
        return found

    def _evidence(self, index: int, toc_titles: list[str], position: int, title: str) -> bool:
        block = self.blocks[index]
        if block.is_heading_like or block.page_start:
            return True
        if position < len(toc_titles) and toc_titles[position] and _norm(title) and (
                toc_titles[position] == _norm(title)
                or toc_titles[position].startswith(_norm(title))):
            return True
        if index + 1 < len(self.blocks):
            nxt = self.blocks[index + 1]
            if SAGSNR_LINE.match(nxt.plain) or heading_key(nxt.plain) is not None:
                return True
        return False

    def _heading_at(self, index: int, expected: int | None, toc_titles: list[str],
                    position: int) -> _Heading | None:
        block = self.blocks[index]
        if block.kind == "table":
            return None
        plain = block.plain
        if block.kind == "item":
            if not re.fullmatch(r"\d{1,3}[.)]", block.marker):
                return None
            plain = f"{block.marker[:-1]}. {plain}"
        consumed = 1
        number: int | None = None
        title = ""
        punkt = _PUNKT.match(plain)
        if punkt and len(plain) < 400 and not TOC_LINE.match(plain):
            number = int(punkt.group("n"))
            title = punkt.group("title").strip()
            if not title:
                title_index = index + 1
                if title_index >= len(self.blocks) or self.blocks[title_index].kind != "text":
                    return None
                title = self.blocks[title_index].plain
                consumed = 2
            ok = expected is None or number == expected or (
                number > expected - 1 and self._evidence(index, toc_titles, position, title))
            if not ok:
                return None
        else:
            numbered = _NUMBERED.match(plain)
            bare = _BARE_NUMBER.match(plain)
            if numbered and len(plain) < 250 and not TOC_LINE.match(plain):
                number = int(numbered.group("n"))
                title = numbered.group("title").strip()
                if title[:1].islower() or re.match(r"^\d", title):
                    return None
            elif bare and index + 1 < len(self.blocks) \
                    and self.blocks[index + 1].kind == "text" \
                    and len(self.blocks[index + 1].plain) < 250:
                number = int(bare.group("n"))
                title = self.blocks[index + 1].plain
                consumed = 2
            else:
                return None
            if expected is not None and number != expected:
                return None
            if expected is None and number > 200:
                return None
            evidence = self._evidence(index, toc_titles, position, title) or (
                consumed == 2 and self._evidence(index + 1, toc_titles, position, title))
            if not evidence:
                return None
        # A title that wraps onto the next line(s).
        while index + consumed < len(self.blocks):
            nxt = self.blocks[index + consumed]
            if not self._continues_title(block, nxt, title, toc_titles, position):
                break
            title = f"{title} {nxt.plain}".strip()
            consumed += 1
        closed, printed = False, None
        if title == UNKNOWN_CLOSED_TITLE:
            return _Heading(index, number, "", True, None, consumed)
        closed_match = _CLOSED_TITLE.match(title)
        suffix = _CLOSED_SUFFIX.match(title)
        if closed_match:
            closed, printed = True, title
            title = (closed_match.group("title") or "").strip()
        elif suffix:
            closed, printed = True, title
            title = suffix.group("title").strip()
        return _Heading(index, number, title, closed, printed, consumed)

    def _continues_title(self, head: TextBlock, nxt: TextBlock, title: str, toc_titles: list[str],
                         position: int) -> bool:
        if nxt.kind != "text" or not nxt.plain or len(nxt.plain) > 150:
            return False
        if SAGSNR_LINE.match(nxt.plain) or heading_key(nxt.plain) is not None \
                or _PUNKT.match(nxt.plain) or _norm(nxt.plain) == _norm(title):
            return False
        joined = _norm(f"{title} {nxt.plain}")
        if position < len(toc_titles) and toc_titles[position]:
            toc = toc_titles[position]
            if toc == _norm(title):
                return False
            if toc == joined or toc.startswith(joined):
                return True
        same_look = (head.level == nxt.level and head.bold == nxt.bold and nxt.is_heading_like
                     and abs(head.size - nxt.size) < 0.3 and not nxt.page_start)
        return same_look or (nxt.plain[:1].islower() and not _TERMINAL.search(title))

    # -- items ---------------------------------------------------------------------------

    def _item(self, heading: _Heading, blocks: list[TextBlock]) -> None:
        where = self.blocks[heading.index].where
        item = ItemDraft(heading.number, heading.title, where, heading.closed, heading.printed)
        position = len(self.draft.items)
        toc_title = self._toc_title_at(position)
        rest = list(blocks)
        # The case number right under the heading (or the second line after it).
        for probe in range(min(2, len(rest))):
            block = rest[probe]
            if block.kind != "text":
                break
            match = SAGSNR_LINE.match(block.plain)
            if match:
                item.sagsnr = (match.group("labelled") or match.group("bare")).strip()
                del rest[probe]
                break
            if probe == 0 and _norm(block.plain) in (_norm(heading.title), toc_title):
                continue
            break
        # A mark under the heading: "Lukket punkt".
        if rest and rest[0].kind == "text" and re.fullmatch(
                r"\(?lukket(?: punkt)?\)?\.?", rest[0].plain, re.I):
            item.closed = True
            del rest[0]
        kept: list[TextBlock] = []
        for block in rest:
            if block.kind == "text" and block.plain and _norm(block.plain) in (
                    _norm(heading.title), toc_title) and not block.notes:
                self.report.drop("titlen gentaget i teksten", block.plain, block.where)
                continue
            kept.append(block)
        self._sections(item, kept)
        self.draft.items.append(item)

    def _toc_title_at(self, position: int) -> str:
        toc = self.draft.toc
        return _norm(toc[position].title) if position < len(toc) else "\0"

    def _section_heading(self, block: TextBlock) -> str | None:
        if block.kind != "text" or len(block.plain) > 120:
            return None
        if not (block.is_heading_like or len(block.lines) <= 1 or not self.marked):
            return None
        return heading_key(block.plain, self.draft.organ)

    def _sections(self, item: ItemDraft, blocks: list[TextBlock]) -> None:
        current: list[TextBlock] | None = None
        current_key: str | None = None
        current_head: TextBlock | None = None
        pending: list[TextBlock] = []
        keys = [self._section_heading(b) for b in blocks]
        for index, block in enumerate(blocks):
            key = keys[index]
            if key is not None:
                nxt_key = keys[index + 1] if index + 1 < len(keys) else "end"
                if nxt_key is not None and key != "beslutning":
                    # A heading with nothing under it: a group heading ("Sagsfremstilling"
                    # over Kalundborg's parts) or an empty section.
                    item.headings.append(block.plain)
                    if _norm(block.plain) not in _group_headings():
                        self.report.notes.append(
                            f"Punkt {item.number}: overskriften '{block.plain}' ({block.where}) "
                            "har ingen tekst og er udeladt.")
                    continue
                item.headings.append(block.plain)
                current, current_key, current_head = self._open(item, key, block)
                if pending:
                    self._place(item, pending, key)
                    current[:0] = pending
                    pending = []
                continue
            named = _norm(block.plain) in KNOWN_AFSNIT and len(block.lines) <= 1
            if (block.is_heading_like or named) and block.kind == "text" and (
                    current is None or current_key == "bilag"
                    or self._is_afsnit(block, current_head, current_key, keys[index + 1:])):
                afsnit = AfsnitDraft(block.text.strip(), [])
                item.afsnit.append(afsnit)
                item.headings.append(block.plain)
                current, current_key, current_head = afsnit.blocks, "afsnit", block
                if pending:
                    self._place(item, pending, afsnit.heading)
                    current[:0] = pending
                    pending = []
                continue
            if current is None:
                pending.append(block)
                continue
            if block.is_heading_like and block.kind == "text" and current_key != "bilag":
                current.append(self._subheading(block, current_head))
                continue
            current.append(block)
        if pending:
            item.sections.setdefault("sagsfremstilling", []).extend(pending)
            self._place(item, pending, "sagsfremstilling")
        self._finish(item)

    def _place(self, item: ItemDraft, blocks: list[TextBlock], section: str) -> None:
        """Text between an item's heading and its first section goes into that section."""
        for block in blocks:
            self.report.unplace(block.text or "tabel", block.where,
                                f"punkt {item.number}, {section}")

    def _is_afsnit(self, block: TextBlock, section_head: TextBlock | None, section_key: str | None,
                   later_keys: list[str | None]) -> bool:
        if any(k is not None and k != "bilag" for k in later_keys):
            return False  # a later standard section follows: this is inside the current one
        if section_head is None:
            return True
        if self.levels and block.level and section_head.level:
            return block.level <= section_head.level
        if _norm(block.plain) in KNOWN_AFSNIT:
            return True
        # Without levels: type larger than the section's heading is a heading of its rank.
        return bool(section_head.size and block.size and block.size > section_head.size + 0.4)

    def _subheading(self, block: TextBlock, section_head: TextBlock | None) -> TextBlock:
        level = 3
        if self.levels and block.level and section_head is not None and section_head.level:
            level = min(6, 3 + max(0, block.level - section_head.level - 1))
        elif block.italic and section_head is not None and not section_head.italic \
                and block.size and section_head.size and block.size < section_head.size:
            level = 4
        text = block.text.strip()
        if block.bold and text.startswith("**") and text.endswith("**"):
            text = text[2:-2]
        return TextBlock("text", text=text, lines=[text], where=block.where, notes=block.notes,
                     subheading=level)

    def _open(self, item: ItemDraft, key: str,
              block: TextBlock) -> tuple[list[TextBlock], str, TextBlock]:
        if key == "beslutning":
            decision = _DECISION.match(_norm(block.plain))
            dato = organ = None
            if decision:
                if decision.group("date"):
                    dato = parse_date(decision.group("date"))
                if decision.group("organ"):
                    organ = decision.group("organ").strip()
            entry = DecisionDraft([], dato, organ, block.plain)
            item.decisions.append(entry)
            return entry.blocks, key, block
        if key in item.sections:
            self.report.warnings.append(
                f"Punkt {item.number}: afsnittet '{block.plain}' står to gange "
                f"({block.where}); teksterne er lagt sammen.")
            target = item.sections[key]
            target.append(TextBlock("text", text=plain_text(block.text), subheading=3,
                                where=block.where))
            return target, key, block
        target = item.sections.setdefault(key, [])
        return target, key, block

    def _finish(self, item: ItemDraft) -> None:
        if "bilag" in item.sections:
            for block in item.sections.pop("bilag"):
                self._bilag(item, block)
        for decision in item.decisions:
            kept: list[TextBlock] = []
            for block in decision.blocks:
                match = _NOT_PRESENT.match(block.plain) if block.kind == "text" else None
                if match:
                    names = match.group("names") or match.group("names2") or ""
                    item.deltog_ikke += [n.strip() for n in re.split(r",|\bog\b", names)
                                         if n.strip()]
                    continue
                kept.append(block)
            decision.blocks = kept
        for key, blocks in list(item.sections.items()):
            item.sections[key] = self._clean(blocks, item, key)
            if not item.sections[key]:
                del item.sections[key]
        for decision in item.decisions:
            decision.blocks = self._clean(decision.blocks, item, "beslutning")
        for afsnit in item.afsnit:
            afsnit.blocks = self._clean(afsnit.blocks, item, afsnit.heading)

    def _clean(self, blocks: list[TextBlock], item: ItemDraft, label: str) -> list[TextBlock]:
        """A lone '-' is 'nothing to add' only when it is the whole section."""
        if len(blocks) > 1:
            out = []
            for block in blocks:
                if block.kind in ("text", "item") and block.plain in ("-", "–") \
                        and not block.subheading:
                    self.report.drop("tomt listepunkt '-'", "-",
                                     f"{block.where}, punkt {item.number}, {label}")
                    continue
                out.append(block)
            blocks = out
        if not self.marked:
            blocks = guess_structure(blocks)
        return blocks

    def _bilag(self, item: ItemDraft, block: TextBlock) -> None:
        if block.kind == "table":
            for row in block.rows:
                text = " – ".join(c for c in row if c.strip())
                if text:
                    item.bilag.append(BilagEntry(plain_text(text)))
            self.report.notes.append(
                f"Punkt {item.number}: en tabel under Bilag er lavet om til bilagstitler "
                f"({block.where}).")
            return
        lines = block.lines if block.kind == "text" and len(block.lines) > 1 else [block.text]
        for line in lines:
            title = plain_text(line).strip()
            if not title or title in ("-", "–"):
                continue
            closed = False
            attached = _ATTACHED.search(title)
            if attached:
                title = title[: attached.start()].strip()
                name = attached.group("file")
                self.report.notes.append(
                    f"Punkt {item.number}: bilaget '{title}' var vedhæftet"
                    f"{f' som {name}' if name else ''}; filen er ikke hentet ud, kun titlen.")
            closed_mark = _CLOSED_BILAG.search(title)
            if closed_mark:
                title, closed = title[: closed_mark.start()].strip(), True
            elif title == CLOSED_BILAG:
                closed = True
            item.bilag.append(BilagEntry(title, closed))

    # -- afterwards ----------------------------------------------------------------------

    def _closed_from_toc(self) -> None:
        for entry, item in zip(self.draft.toc, self.draft.items, strict=False):
            if entry.closed and not item.closed:
                item.closed = True
                # The heading printed the title: that is the public title it had.
                item.printed_title = item.printed_title or item.title
                self.report.notes.append(
                    f"Punkt {item.number} er lukket ifølge indholdsfortegnelsen.")

    def _numbering(self) -> None:
        seen: set[int] = set()
        for item in self.draft.items:
            if item.number in seen:
                self.report.warnings.append(
                    f"Punkt {item.number} står to gange; referatgen nummererer fortløbende.")
            seen.add(item.number)


def _toc_title(title: str) -> str:
    """A TOC line's title without its item number ('Punkt 3:', '14.')."""
    punkt = _PUNKT.match(title)
    if punkt and punkt.group("title"):
        return punkt.group("title").strip()
    numbered = re.match(r"^\d{1,3}[.:)]?\s+(?P<title>\S.*)$", title)
    return numbered.group("title").strip() if numbered else title


def _field_lines(blocks: list[TextBlock]) -> list[TextBlock]:
    """Front-page blocks with one field each: 'Mødedato: ...' and 'Mødested: ...' written
    on consecutive lines are two fields; a line without a label continues the one above."""
    out: list[TextBlock] = []
    for block in blocks:
        lines = block.lines if block.kind == "text" and len(block.lines) > 1 else []
        if not lines or not any(FRONT_LABEL.match(plain_text(line))
                                or _OTHER_LABEL.match(plain_text(line)) for line in lines[1:]):
            out.append(block)
            continue
        parts: list[list[str]] = []
        for line in lines:
            if FRONT_LABEL.match(plain_text(line)) or _OTHER_LABEL.match(plain_text(line)) \
                    or not parts:
                parts.append([line])
            else:
                parts[-1].append(line)
        for part in parts:
            out.append(TextBlock("text", text=" ".join(p.strip() for p in part), lines=part,
                             where=block.where))
    return out


def _people(value: str) -> list[PersonDraft]:
    value = value.strip().rstrip(".")
    if not value or value.lower() in ("-", "ingen", "–"):
        return []
    parts = re.split(r",\s*|\s+og\s+|;\s*", value)
    people: list[PersonDraft] = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        role = re.match(r"^(?P<name>.+?)\s*\((?P<role>[^)]+)\)$", part)
        if role:
            people.append(PersonDraft(role.group("name").strip(), role.group("role").strip()))
        elif part.startswith("(") and part.endswith(")") and people:
            people[-1].rolle = part[1:-1].strip()
        else:
            people.append(PersonDraft(part))
    return people


# -- plain text structure ------------------------------------------------------------------

_ABBREVIATION_START = re.compile(r"^[A-ZÆØÅa-zæøå]{1,4}\.(?:\s|\d)")


def _short(block: TextBlock) -> bool:
    """A single short line without closing punctuation (a heading, a list entry)."""
    plain = block.plain
    return (block.kind == "text" and not block.subheading and 0 < len(plain) <= 90
            and len(block.lines) <= 1 and not _TERMINAL.search(plain)
            and not block.notes)


#: A line that ends in one of these is a sentence cut short, not a heading.
_OPEN_ENDINGS = frozenset({
    "at", "og", "af", "for", "til", "om", "med", "i", "der", "som", "på", "en", "et", "den",
    "det", "de", "eller", "men", "samt", "fra", "ved", "hvor", "efter", "mod", "under",
})


def _heading_shape(block: TextBlock) -> bool:
    plain = block.plain
    letters = sum(c.isalpha() for c in plain)
    last_word = plain.rsplit(" ", 1)[-1].lower()
    return (_short(block) and plain[:1].isupper() and "/" not in plain
            and last_word not in _OPEN_ENDINGS
            and not _ABBREVIATION_START.match(plain)
            and letters >= len(plain) / 2
            and not re.search(r"\*\*|(?<!\*)\*(?!\*)", block.text.strip().strip("*")))


def guess_structure(blocks: list[TextBlock]) -> list[TextBlock]:
    """Headings and lists in text that marks neither: short lines between paragraphs.

    A short line between two paragraphs is a sub-heading; a run of short lines after a
    paragraph that ends with ':' is a list; any other run stays as it is.
    """
    out = list(blocks)
    index = 0
    while index < len(out):
        block = out[index]
        previous = out[index - 1] if index > 0 else None
        intro = previous.plain[-1:] if previous is not None and previous.kind == "text" \
            and not previous.subheading else ""
        run = 0
        while index + run < len(out) and _list_entry(out[index + run], sentence=intro == ":"):
            run += 1
        if run >= 2 and index + run < len(out):
            # The last short line before a long paragraph is that paragraph's heading.
            last, after = out[index + run - 1], out[index + run]
            if _heading_shape(last) and len(last.plain.split()) >= 5 \
                    and not last.plain.endswith(")") and after.kind == "text" \
                    and not _short(after) and not after.plain.endswith(":"):
                run -= 1
        long_intro = previous is not None and len(previous.plain) > 60
        if (intro == ":" and run >= 2) or (intro == "." and long_intro and run >= 4):
            for _ in range(run):
                entry = out[index]
                out[index] = TextBlock("item", text=entry.text, lines=entry.lines, marker="-",
                                   where=entry.where)
                index += 1
            continue
        nxt = out[index + 1] if index + 1 < len(out) else None
        caption = nxt is not None and index + 2 < len(out) and out[index + 2].kind == "table"
        if _heading_shape(block) and nxt is not None and (not _short(nxt) or caption) \
                and (previous is None or not _short(previous)) and nxt.kind != "table":
            out[index] = TextBlock("text", text=block.text, lines=block.lines, where=block.where,
                               subheading=3)
        index += 1
    return out


def _list_entry(block: TextBlock, *, sentence: bool = True) -> bool:
    """A line that can be a list entry; `sentence`: it may end a sentence with a full stop."""
    plain = block.plain
    if not (block.kind == "text" and not block.subheading and 0 < len(plain) <= 90
            and len(block.lines) <= 1 and not plain.endswith(":") and not block.notes):
        return False
    # After an introduction that is a sentence, entries are names: "ekskl. adm." ends in an
    # abbreviation, "deltager under punktet." is a sentence of its own.
    return sentence or not plain.endswith(".") or len(plain.rsplit(" ", 1)[-1]) <= 5
