"""The front page: the title line (type, organ, date) and the labelled fields."""

from __future__ import annotations

import re

from ..vocabulary import INTERNAL_MARK
from .blocks import TextBlock, plain_text, quote
from .recognise import (
    FRONT_LABEL,
    OTHER_LABEL,
    TIME,
    TITLE,
    Part,
    PersonDraft,
    parse_date,
    strip_date,
)

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
        for block in field_lines(blocks):
            wanted, self._wants_organ = self._wants_organ, False
            if wanted and self._organ_line(block):
                continue
            if block.kind == "table" and self._field_table(block):
                continue
            if block.kind != "text":
                self.draft.stray.append(block)
            elif not self._title(block):
                self._line(block)

    def _organ_line(self, block: TextBlock) -> bool:
        plain = block.plain
        if block.kind != "text" or len(plain) >= 80 or FRONT_LABEL.match(plain):
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
        organ = strip_date(rest)
        if organ:
            draft.organ = organ
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
            draft.organ = strip_date(plain) or None
            draft.dato = draft.dato or parse_date(plain)
        else:
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
            time = TIME.search(value)
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
            draft.afbud += people(value)
        else:
            draft.deltagere += people(value)


def field_lines(blocks: list[TextBlock]) -> list[TextBlock]:
    """Front-page blocks with one field each: 'Mødedato: ...' and 'Mødested: ...' written
    on consecutive lines are two fields; a line without a label continues the one above."""
    out: list[TextBlock] = []
    for block in blocks:
        lines = block.lines if block.kind == "text" and len(block.lines) > 1 else []
        if not lines or not any(FRONT_LABEL.match(plain_text(line))
                                or OTHER_LABEL.match(plain_text(line)) for line in lines[1:]):
            out.append(block)
            continue
        parts: list[list[str]] = []
        for line in lines:
            if FRONT_LABEL.match(plain_text(line)) or OTHER_LABEL.match(plain_text(line)) \
                    or not parts:
                parts.append([line])
            else:
                parts[-1].append(line)
        for part in parts:
            out.append(TextBlock("text", text=" ".join(p.strip() for p in part), lines=part,
                                 where=block.where))
    return out


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
