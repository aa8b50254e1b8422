"""The front page: the title line (type, organ, date) and the labelled fields."""

from __future__ import annotations

import re

from ..vocabulary import INTERNAL_MARK
from .blocks import TextBlock, plain_text, quote
from .recognise import (
    BARE_TIME,
    FRONT_LABEL,
    OTHER_LABEL,
    TIME,
    TITLE,
    Part,
    PersonDraft,
    parse_date,
    strip_date,
)

#: Words of a table's header or a role column: never a person's name.
_NOT_NAMES = frozenset({"navn", "titel", "rolle", "funktion", "punkt", "side", "parti", "|",
                        "medlem", "medlemmer", "stilling", "deltager", "deltagere"})
#: A line that is a role beside the name above it (a table read as text).
_ROLE = re.compile(r"^(?:medlem|(?:næst|vice|udvalgs)?formand|(?:vice)?borgmester|sekretær"
                   r"|referent|(?:kommunal)?direktør|\w*chef|suppleant|observatør)$", re.I)
#: "Økonomiudvalget - Mødelokale 2": the organ, and the place after a dash.
_ORGAN_PLACE = re.compile(r"^(?P<organ>.+?)\s+[-–]\s+(?P<place>.+)$")
#: Words of a weekday and "den" that a date line holds besides its date.
_DATE_WORDS = re.compile(r"^(?:(?:man|tirs|ons|tors|fre|lør|søn)dag)?\s*(?:d\.|den)?[\s,]*$",
                         re.I)

#: Labels of fields whose value may go on over the following lines (lists of people).
_PEOPLE_LABELS = frozenset({
    "mødedeltagere", "deltagere", "til stede", "tilstede", "deltagende", "medlemmer", "afbud",
    "fraværende", "fraværende med afbud", "fravær", "ikke til stede"})


class FrontPage(Part):
    """Type, organ, date, time, place and people from the blocks before the first item."""

    # -- the front page ------------------------------------------------------------------

    def title_and_type(self) -> None:
        for block in self.blocks[:12]:
            match = TITLE.match(block.plain) if block.kind == "text" else None
            if match and len(block.plain) < 150:
                self.draft.type = "dagsorden" if match.group("type").lower() == "dagsorden" \
                    else "referat"
                return

    def read(self, blocks: list[TextBlock]) -> None:
        #: The label of the field being read: lines without a label continue it.
        self._label: str | None = None
        #: A title line ("REFERAT") without an organ: the organ is on the next line.
        self._wants_organ = False
        #: The first line, when it is neither a field nor the title: maybe the organ.
        self._first: TextBlock | None = None
        #: The line before was a date or time without a label: a place may follow.
        self._after_when = False
        for block in field_lines(blocks):
            wanted, self._wants_organ = self._wants_organ, False
            after_when, self._after_when = self._after_when, False
            if wanted and self._organ_line(block):
                continue
            if block.kind == "table" and (self._field_table(block) or self._people_table(block)):
                continue
            if block.kind != "text":
                self.draft.stray.append(block)
            elif self._when(block) or (after_when and self._place(block)):
                continue
            elif not self._title(block):
                self._line(block)
        first = self._first
        if self.draft.organ is None and first is not None and first in self.draft.stray:
            # The organ alone on the first line, the title ("Referat") under it.
            self.draft.stray.remove(first)
            self._organ(first.plain)

    def _organ(self, text: str) -> None:
        organ = strip_date(text)
        split = _ORGAN_PLACE.match(organ)
        if split and not TITLE.match(split.group("place")):
            organ = split.group("organ")
            self.draft.sted = self.draft.sted or split.group("place").strip()
        self.draft.organ = organ or None

    def _when(self, block: TextBlock) -> bool:
        """A date or a time on a line of its own, without a label."""
        plain = block.plain
        if len(plain) > 80 or FRONT_LABEL.match(plain):
            return False
        day = parse_date(plain)
        rest = TIME.sub("", strip_date(plain)) if day else plain
        time = TIME.search(plain)
        if day is not None and _DATE_WORDS.match(rest):
            self.draft.dato = self.draft.dato or day
        elif not (time and not TIME.sub("", plain).strip(" ,")):
            return False
        if time:
            self._set_time(time)
        self._after_when = True
        return True

    def _place(self, block: TextBlock) -> bool:
        plain = block.plain
        if self.draft.sted or len(plain) > 60 or OTHER_LABEL.match(plain) \
                or re.search(r"[.!?:]$", plain) or TITLE.match(plain):
            return False
        self.draft.sted = plain
        return True

    def _set_time(self, time: re.Match[str]) -> None:
        self.draft.tid = f"{int(time.group('h')):02d}:{time.group('m') or '00'}"
        if time.group("h2"):
            self.draft.sluttid = f"{int(time.group('h2')):02d}:{time.group('m2') or '00'}"

    def _people_table(self, block: TextBlock) -> bool:
        """Members in a table of name and role, under a label such as "Medlemmer"."""
        if self._label not in _PEOPLE_LABELS or not block.rows:
            return False
        rows = block.rows
        if all(plain_text(c).lower() in _NOT_NAMES for c in rows[0] if c.strip()):
            rows = rows[1:]
        target = self.draft.afbud if self._label in _ABSENT else self.draft.deltagere
        for row in rows:
            cells = [plain_text(c) for c in row if c.strip()]
            if cells and cells[0].lower() not in _NOT_NAMES:
                role = cells[1].lower() if len(cells) > 1 else None
                target.append(PersonDraft(cells[0], None if role == "medlem" else role))
        return True

    def _organ_line(self, block: TextBlock) -> bool:
        plain = block.plain
        if block.kind != "text" or len(plain) >= 80 or FRONT_LABEL.match(plain):
            return False
        if self._first is not None:
            return False  # the organ stood above the title
        day = parse_date(plain)
        if (day is not None and _DATE_WORDS.match(TIME.sub("", strip_date(plain)))) \
                or (TIME.search(plain) and not TIME.sub("", plain).strip(" ,")):
            return False
        # "REFERAT" on a line of its own, the body on the next.
        self.draft.organ = strip_date(plain) or None
        self.draft.dato = self.draft.dato or parse_date(plain)
        return True

    def _field_table(self, block: TextBlock) -> bool:
        if not block.rows or not all(FRONT_LABEL.match(plain_text(row[0]))
                                     for row in block.rows if row[0].strip()):
            return False
        # The front page as a table of labels and values (Word, some PDFs).
        for row in block.rows:
            match = FRONT_LABEL.match(plain_text(" ".join(row)))
            if match:
                self._label = match.group("label").lower()
                self._field(self._label, match.group("value"), block)
        return True

    def _title(self, block: TextBlock) -> bool:
        draft, plain = self.draft, block.plain
        title = TITLE.match(plain) if draft.organ is None and len(plain) < 150 else None
        if title is None:
            return False
        rest = title.group("rest")
        day = parse_date(rest)
        if day is not None:
            draft.dato = draft.dato or day
        if strip_date(rest):
            self._organ(rest)
        else:
            self._wants_organ = True
        self._label = None
        return True

    def _line(self, block: TextBlock) -> None:
        draft, plain = self.draft, block.plain
        field_match = FRONT_LABEL.match(plain)
        if plain == INTERNAL_MARK or plain.startswith("INTERNT"):
            draft.intern = True
            self.report.notes.append("Intern version: lukkede punkter har indhold.")
        elif re.fullmatch(r"[\wÆØÅæøå .\-]{2,40} [Kk]ommune", plain):
            draft.kommune = plain
        elif field_match:
            self._label = field_match.group("label").lower()
            self._field(self._label, field_match.group("value"), block)
        elif OTHER_LABEL.match(plain):
            self._label = None
            draft.stray.append(block)
        elif self._label in _PEOPLE_LABELS and len(plain) < 300:
            self._field(self._label, plain, block)
        elif draft.organ is None and len(plain) < 80 and block.is_heading_like:
            self._organ(plain)
            draft.dato = draft.dato or parse_date(plain)
        else:
            if self._first is None and draft.organ is None and len(plain) < 80 \
                    and not draft.stray:
                self._first = block
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
            time = TIME.search(value) or BARE_TIME.search(strip_date(value) if day else value)
            if time:
                self._set_time(time)
            if day is None and not time:
                self.report.unplaced.append(
                    f"{quote(value)} ({block.where}) er ikke en dato; står ikke i mødefilen")
        elif label in ("mødested", "mødelokale", "sted"):
            draft.sted = f"{draft.sted} {value}".strip() if draft.sted else value
        else:
            target = draft.afbud if label in _ABSENT else draft.deltagere
            lines = block.lines if block.kind == "text" else []
            values = [value]
            if len(lines) > 1 and "," not in block.plain:
                # One person a line, under the label or on the lines after it.
                first = FRONT_LABEL.match(plain_text(lines[0]))
                values = [first.group("value") if first else plain_text(lines[0]),
                          *map(plain_text, lines[1:])]
            for part in values:
                found = people(part)
                if len(found) == 1 and _ROLE.match(found[0].navn) and target:
                    # A role on the line under the name (a table read as text).
                    role = found[0].navn.lower()
                    target[-1].rolle = target[-1].rolle or (None if role == "medlem" else role)
                    continue
                target += [p for p in found if p.navn.lower() not in _NOT_NAMES]


_ABSENT = frozenset({"afbud", "fraværende", "fraværende med afbud", "fravær", "ikke til stede"})


def field_lines(blocks: list[TextBlock]) -> list[TextBlock]:
    """Front-page blocks with one field each: 'Mødedato: ...' and 'Mødested: ...' written
    on consecutive lines are two fields; a line without a label continues the one above."""
    out: list[TextBlock] = []
    for block in blocks:
        lines = block.lines if block.kind == "text" and len(block.lines) > 1 else []
        if not lines or not any(_starts_field(line) for line in lines[1:]):
            out.append(block)
            continue
        parts: list[list[str]] = []
        for line in lines:
            labelled = bool(parts) and bool(FRONT_LABEL.match(plain_text(parts[-1][0]))
                                            or OTHER_LABEL.match(plain_text(parts[-1][0])))
            if _starts_field(line) or not parts or not labelled:
                parts.append([line])
            else:
                parts[-1].append(line)
        for part in parts:
            out.append(TextBlock("text", text=" ".join(p.strip() for p in part), lines=part,
                                 where=block.where))
    return out


def _starts_field(line: str) -> bool:
    """A front-page line that starts a field of its own: a label, the title, a date."""
    plain = plain_text(line)
    if FRONT_LABEL.match(plain) or OTHER_LABEL.match(plain) or TITLE.match(plain):
        return True
    if TIME.search(plain) and not TIME.sub("", plain).strip(" ,"):
        return True
    day = parse_date(plain)
    return day is not None and len(plain) < 60 and bool(
        _DATE_WORDS.match(TIME.sub("", strip_date(plain))))


def people(value: str) -> list[PersonDraft]:
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
