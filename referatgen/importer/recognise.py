"""What minutes look like, whoever made them: what the recognisers every reader shares.

The patterns of minutes (titles, case numbers, front fields, TOC lines, section
headings), the draft of the meeting the recognisers fill, and the structure guessed in
plain text. The recognisers themselves, one per part of the minutes: front.py (the front
page), contents.py (the table of contents), headings.py (item headings), sections.py
(an item's sections, decisions and bilag); minutes.py runs them in reading order.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..meetingfile.schema import SECTION_ALIASES, SECTION_KEYS
from ..vocabulary import NOT_PRESENT
from .blocks import Report, TextBlock, plain_text

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
    r"^(?:(?:sags?\s*nr\.?|sagsnummer|sag(?=[\s:.])|j\.?\s*nr\.?|journal\s*nr\.?|dok\.?\s*nr\.?)\s*[:.]?\s*"
    r"(?P<labelled>[A-Za-zÆØÅæøå0-9][\w./-]*)"
    rf"|(?P<bare>{_SAGSNR_VALUE}))"
    # eDoc prints the document's number after the case's on the same line.
    r"(?:\s*[,;]?\s+(?:dok(?:ument)?\.?\s*nr\.?|dokumentnummer|akt\.?\s*nr\.?)\s*[:.]?\s*\S+)?$",
    re.I,
)
FRONT_LABEL = re.compile(
    r"^(?P<label>mødedato|mødetidspunkt|tidspunkt|dato|tid|mødested|mødelokale|sted"
    r"|mødedeltagere|deltagere|til stede|tilstede|deltagende|medlemmer|afbud"
    r"|fraværende med afbud|fraværende|fravær|ikke til stede)\b\s*:?\s*(?P<value>.*)$",
    re.I,
)
#: "Udvalg: Børne- og Ungeudvalget": one record a line, as a case's history prints them.
RECORD_LINE = re.compile(r"^[A-ZÆØÅ][\wæøå.\- ]{1,30}:\s+\S.{0,70}$")
#: 'Mødeleder: ...': a field of the front page that the meeting file has no key for.
OTHER_LABEL = re.compile(r"^[A-ZÆØÅ][a-zæøåA-ZÆØÅ\- ]{2,24}:\s+\S")
TITLE = re.compile(
    r"^(?P<type>referat|dagsorden|beslutningsprotokol|protokol|beslutningsreferat)\b"
    r"(?:\s+(?:for|fra|af)\b)?\s*[:\-–]?\s*(?P<rest>.*)$",
    re.I,
)
PUNKT = re.compile(r"^(?:punkt|pkt\.?)\s*(?P<n>\d{1,4})\s*(?:[:.\-–]\s*|\s+|$)(?P<title>.*)$",
                   re.I)
#: Councils number their items on through the year ("412. Skolestruktur"): four digits.
NUMBERED = re.compile(r"^(?P<n>\d{1,4})(?:\.\s*|\s+)(?P<title>\S.*)$")
BARE_NUMBER = re.compile(r"^(?:punkt\s*)?(?P<n>\d{1,4})\.?$", re.I)
#: A sub-item under item N: "2.1 Nyt fra projektgruppen".
SUB_ITEM = re.compile(r"^(?P<n>\d{1,4})\.(?P<sub>\d{1,2})\.?\s+(?P<title>\S.*)$")
#: The line under an item's title that says whether it is public: "Åben", "Lukket punkt".
OPEN_CLOSED_MARK = re.compile(r"^\(?(?P<mark>åben|åbent|åbent punkt|lukket|lukket punkt)\)?\.?$",
                              re.I)
#: A TOC line that the PDF cut short, without a leader: an item number, the title cut
#: anywhere, a space and the page number. Only read inside a table of contents.
TOC_CUT = re.compile(
    r"^(?P<title>(?:(?:punkt|pkt\.?)\s*\d{1,4}\s*[:.\-–]?|\d{1,4}[.:]?)\s+\S.*?\S)\s+"
    r"(?P<page>\d{1,3})$", re.I)
#: The parts of a TOC split by whether the items are public: "Åbent referat", "Lukket".
TOC_PART = re.compile(
    r"^(?P<part>åbent?|åbne|offentligt?|lukkede?|fortroligt?)\s*"
    r"(?:referat|dagsorden|møde|punkter|del|sager)?\s*:?$", re.I)
CLOSED_TITLE = re.compile(
    r"^(?:\(?lukket(?:\s+punkt)?\)?)(?:\s*[:\-–]\s*(?P<title>.+))?$", re.I)
CLOSED_SUFFIX = re.compile(r"^(?P<title>.+?)\s*[(\[]\s*lukket(?:\s+punkt)?\s*[)\]]$", re.I)
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
TIME = re.compile(
    r"\b(?:kl\.?|klokken)\s*(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?"
    r"(?:\s*(?:[-–]|til)\s*(?:kl\.?\s*)?(?P<h2>\d{1,2})(?:[:.](?P<m2>\d{2}))?)?",
    re.I,
)
#: A time without "kl." ("13:00-15:00"): read only where a time is expected.
BARE_TIME = re.compile(
    r"(?<![\d.:/-])(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)(?!\d|[.:/]\d)"
    r"(?:\s*(?:[-–]|til)\s*(?P<h2>[01]?\d|2[0-3])[:.](?P<m2>[0-5]\d))?")
_DECISION_DATE = (r"(?:\s*[,:]?\s+(?:den|d\.)\s*(?P<date>\d{1,2}[-./]\d{1,2}[-./]\d{2,4}"
                  r"|\d{4}-\d{2}-\d{2}|\d{1,2}\.?\s+[a-zæøå]+\.?\s+\d{4}))?"
                  # eDoc adds the item's number in that meeting: "... den 12.03.2013 Punkt 4".
                  r"(?:\s*[,:]?\s+(?:punkt|pkt\.?)\s*\d{1,4})?\s*:?$")
DECISION = re.compile(
    r"^(?:beslutning(?:en|er)?(?:\s+(?:i|på|fra))?(?:\s+(?P<organ>.+?))?"
    # The organ in the genitive before the word: "Kultur- og Fritidsudvalgets beslutning".
    r"|(?P<genitive>[^\s].{1,80}?s)\s+beslutning(?:er)?)"
    + _DECISION_DATE,
    re.I,
)
TERMINAL = re.compile(r"[.!?;:,]$")
NOT_PRESENT_LINE = re.compile(
    rf"^{re.escape(NOT_PRESENT)}\s*:\s*(?P<names>.+?)\.?$|"
    r"^(?P<names2>.+?)\s+deltog ikke i (?:behandlingen af )?(?:dette )?punkt(?:et)?\.?$",
    re.I,
)
ATTACHED = re.compile(r"\s*\(vedhæftet(?: som (?P<file>[^)]+))?\)\s*$", re.I)
CLOSED_BILAG_MARK = re.compile(r"\s*\(lukket bilag\)\s*$", re.I)

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
    "beslutninger": "beslutning",
    # Working groups: "Oplæg:" what was presented, "Referat:" what was agreed.
    "oplæg": "sagsfremstilling",
    "referat": "beslutning",
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


def norm(text: str) -> str:
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


def group_headings() -> frozenset[str]:
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
    name = norm(text)
    if not name or len(name) > 90:
        return None
    # "2.1 Baggrund": a heading numbered by the document's outline.
    name = re.sub(r"^\d{1,2}(?:\.\d{1,2})+\.?\s+|^\d{1,2}\.\s+(?=\D)", "", name)
    key = _aliases().get(name)
    if key is not None:
        return key
    decision = DECISION.match(name)
    if decision is None:
        return None
    said = decision_organ(decision)
    if decision.group("date") or decision.group("genitive") or (
            organ and said and said.lower() == organ.lower()):
        return "beslutning"
    return None


#: Organs named by what they are, not by name: "Udvalgets beslutning" is the meeting's own.
_GENERIC_ORGANS = frozenset({"udvalget", "udvalg", "mødet", "organet", "gruppen"})


def decision_organ(decision: re.Match[str]) -> str | None:
    """The body a decision heading names, in its plain form ("Byrådets" -> "Byrådet")."""
    organ = decision.group("organ")
    genitive = decision.group("genitive")
    if genitive:
        organ = genitive[:-1]
        if organ.endswith("'"):
            organ = organ[:-1]
    if not organ:
        return None
    organ = organ.strip(" ,:")
    return None if organ.lower() in _GENERIC_ORGANS else organ


#: "Oplæg: Projektlederen gav en status.": a section's label and its text on one line.
_INLINE_LABEL = re.compile(r"^(?P<label>[A-ZÆØÅ][a-zæøåA-ZÆØÅ\- ]{2,40}):\s+(?P<rest>\S.*)$")


def inline_label(plain: str) -> re.Match[str] | None:
    """A line that starts with a section's label and goes on with its text."""
    match = _INLINE_LABEL.match(plain)
    return match if match and heading_key(match.group("label")) is not None else None


def decision_heading(text: str) -> tuple[str | None, dt.date | None] | None:
    """(organ, date) of a decision's heading as printed; None when it is not one."""
    decision = DECISION.match(" ".join(plain_text(text).strip().rstrip(":").split()))
    if decision is None:
        return None
    date = parse_date(decision.group("date")) if decision.group("date") else None
    return decision_organ(decision), date


def toc_plain(line: str) -> str:
    """A TOC line as text, its tab (Word's leader) kept as a leader."""
    return plain_text(line.replace("\t", " ..... "))


def is_item_heading_text(text: str) -> bool:
    match = PUNKT.match(plain_text(text))
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


def strip_date(text: str) -> str:
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
    #: The item number the line gives, if it gives one.
    number: int | None = None


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
class Heading:
    index: int
    number: int
    title: str
    closed: bool
    printed: str | None
    consumed: int


@dataclass
class Reading:
    """What every recogniser works on: the blocks, the draft it fills, the report."""

    blocks: list[TextBlock]
    report: Report
    #: The source marks headings itself; in plain text they are guessed.
    marked: bool
    #: Heading levels of the blocks can be trusted (Word styles, a tagged PDF).
    levels: bool
    draft: MeetingDraft = field(default_factory=MeetingDraft)


class Part:
    """One recogniser's share of the work, on the reading all of them share."""

    def __init__(self, reading: Reading) -> None:
        self.blocks = reading.blocks
        self.report = reading.report
        self.marked = reading.marked
        self.levels = reading.levels
        self.draft = reading.draft


# -- plain text structure ------------------------------------------------------------------

_ABBREVIATION_START = re.compile(r"^[A-ZÆØÅa-zæøå]{1,4}\.(?:\s|\d)")


def _short(block: TextBlock) -> bool:
    """A single short line without closing punctuation (a heading, a list entry)."""
    plain = block.plain
    return (block.kind == "text" and not block.subheading and 0 < len(plain) <= 90
            and len(block.lines) <= 1 and not TERMINAL.search(plain)
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
            out[index] = TextBlock("text", text=block.text, lines=block.lines,
                                   where=block.where, subheading=3)
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
