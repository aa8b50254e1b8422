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
        draft = self.draft
        label: str | None = None
        wants_organ = False
        for block in field_lines(blocks):
            plain = block.plain
            if wants_organ and block.kind == "text" and len(plain) < 80 \
                    and not FRONT_LABEL.match(plain):
                # "REFERAT" on a line of its own, the body on the next.
                draft.organ = strip_date(plain) or None
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
            if draft.organ is None and (title := TITLE.match(plain)) and len(plain) < 150:
                rest = title.group("rest")
                day = parse_date(rest)
                if day is not None:
                    draft.dato = draft.dato or day
                organ = strip_date(rest)
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
            if OTHER_LABEL.match(plain):
                label = None
                draft.stray.append(block)
                continue
            if label in ("mødedeltagere", "deltagere", "til stede", "tilstede", "deltagende",
                         "medlemmer", "afbud", "fraværende", "fraværende med afbud", "fravær",
                         "ikke til stede") and len(plain) < 300:
                self._field(label, plain, block)
                continue
            if draft.organ is None and len(plain) < 80 and block.is_heading_like:
                draft.organ = strip_date(plain) or None
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
