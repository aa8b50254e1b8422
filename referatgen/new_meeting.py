"""`referatgen new`: the next meeting's file, made from the last one or from nothing.

From a previous meeting it keeps what stays the same from meeting to meeting (organ,
style, municipality, place, time, members with their roles) and the standing items
(`fast: true`, titles only), and nothing case-specific: no texts, decisions, bilag, case
numbers or absences. Copying last week's file by hand is how stale decisions and wrong
dates reach a published agenda; this never copies them.

Without a previous meeting it writes a skeleton whose every key is explained in Danish,
taken from the schema declaration, so the explanation is the one the editor shows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .meetingfile.nodes import Format, Source
from .meetingfile.schema import ITEM, MEETING, Key
from .model import Item, Meeting, Where

#: The standing item of every meeting, for a previous meeting that marks none.
STANDING_FALLBACK = "Eventuelt"
#: The number of days from one meeting to the next when no date is given.
DEFAULT_INTERVAL = dt.timedelta(days=7)


@dataclass(frozen=True)
class NextMeeting:
    meeting: Meeting
    #: What `new` decided on its own, for the secretary to read (stderr).
    notes: tuple[str, ...]


def next_meeting(previous: Meeting, dato: dt.date | None, numbers_on: bool,
                 target: Path) -> NextMeeting:
    """The meeting after `previous`, on `dato` (default: one week later, same weekday).

    `numbers_on`: the previous file states `første_punkt` (a body that numbers its items
    on through the year): the new meeting continues after its last item, and starts at
    1 again in a new calendar year."""
    notes: list[str] = []
    if dato is None:
        dato = previous.dato + DEFAULT_INTERVAL
        notes.append(f"dato: {dato.isoformat()}, en uge efter forrige møde (--dato ændrer den).")
    first = 1
    if numbers_on:
        if dato.year == previous.dato.year:
            first = previous.første_punkt + len(previous.punkter)
            notes.append(f"første_punkt: {first}, efter forrige mødes sidste punkt.")
        else:
            notes.append(f"første_punkt: 1, fordi {dato.year} er et nyt år.")
    meeting = Meeting(
        Source(target, str(target), "", previous.source.format), previous.organ, dato,
        type="dagsorden", stil=previous.stil, kommune=previous.kommune, tid=previous.tid,
        sluttid=previous.sluttid, sted=previous.sted, deltagere=list(previous.deltagere),
        første_punkt=first,
        punkter=[_standing(item) for item in previous.punkter if item.fast],
    )
    if not meeting.punkter:
        # A meeting has at least one item, and every Danish meeting ends with this one.
        where = Where(1, 1)
        meeting.punkter.append(Item(STANDING_FALLBACK, where, where, fast=True))
        notes.append(f"Forrige møde har ingen faste punkter (fast: ja): det nye har kun "
                     f"'{STANDING_FALLBACK}'. Skriv de øvrige punkter.")
    return NextMeeting(meeting, tuple(notes))


def _standing(item: Item) -> Item:
    # The title and whether it is closed; never its case number, texts or decisions.
    where = Where(1, 1)
    return Item(item.titel, where, where, lukket=item.lukket,
                offentlig_titel=item.offentlig_titel, fast=True)


def default_target(previous: Path, previous_date: dt.date, organ: str, dato: dt.date,
                   fmt: Format) -> Path:
    """Next to the previous file: its name with the new date where it has the old one
    ("htk-direktionen-2022-09-05.yaml" -> "...-2022-09-12.yaml"), else organ and date."""
    suffix = ".md" if fmt == "md" else previous.suffix or ".yaml"
    old = previous_date.isoformat()
    if old in previous.stem:
        return previous.with_name(previous.stem.replace(old, dato.isoformat()) + suffix)
    return previous.with_name(f"{slug(organ)}-{dato.isoformat()}{suffix}")


_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def slug(text: str) -> str:
    """A file name part: "Børne- og Ungeudvalget" -> "boerne-og-ungeudvalget"."""
    return re.sub(r"[^a-z0-9]+", "-", text.translate(_DANISH).lower()).strip("-") or "moede"


# -- the skeleton ------------------------------------------------------------------------------

#: The skeleton's values: examples that pass `check` and say what to write.
_EXAMPLE: dict[str, str] = {
    "type": "dagsorden",
    "stil": "standard",
    "kommune": "Eksempel Kommune",
    "organ": "Udvalgets navn",
    "tid": '"10:00"',
    "sluttid": '"12:00"',
    "sted": "Mødelokale 1",
}
#: Keys left out of the skeleton's front: første_punkt is for bodies that number on.
_SKIP = frozenset({"første_punkt", "punkter", "deltagere", "afbud"})


def _comment(key: Key) -> str:
    return f"# {key.name}: {key.da}"


def _front_lines(dato: dt.date) -> list[str]:
    lines: list[str] = []
    for key in MEETING:
        if key.name in _SKIP:
            continue
        value = dato.isoformat() if key.name == "dato" else _EXAMPLE[key.name]
        lines += [_comment(key), f"{key.name}: {value}"]
    people = next(k for k in MEETING if k.name == "deltagere")
    absent = next(k for k in MEETING if k.name == "afbud")
    lines += [_comment(people), "deltagere:", "  - Første Deltager",
              "  - navn: Anden Deltager", "    rolle: sekretær",
              _comment(absent), "afbud: []"]
    return lines


def _item_doc(name: str) -> str:
    return next(k for k in ITEM if k.name == name).da


def skeleton(fmt: Format, dato: dt.date) -> str:
    """A new meeting file with a comment on every key; it passes `check` as it stands."""
    front = _front_lines(dato)
    standing = ("Godkendelse af dagsorden", "Eventuelt")
    if fmt == "md":
        items = [f"# {title}\nfast: ja\n\n## Indstilling\n\n-\n" for title in standing]
        guide = ("# Mødefil til referatgen. Linjer med # her i forsiden er forklaringer. "
                 "Under forsiden: hvert punkt som '# Titel', lige under den linjer som "
                 "'sagsnr: 22/123', og så afsnit som '## Indstilling' med teksten under.")
        return "---\n" + "\n".join([guide, *front]) + "\n---\n\n" + "\n".join(items)
    lines = ["# Mødefil til referatgen. Linjer med # er forklaringer; slet dem, når du vil.",
             *front,
             "# punkter: " + next(k for k in MEETING if k.name == "punkter").da,
             "punkter:"]
    for title in standing:
        lines += [f"  # titel: {_item_doc('titel')}", f"  - titel: {title}",
                  f"    # fast: {_item_doc('fast')}", "    fast: ja",
                  f"    # indstilling: {_item_doc('indstilling')}", "    indstilling: '-'"]
    lines += ["  # Flere nøgler til et punkt: " + ", ".join(
        k.name for k in ITEM if k.name not in ("titel", "fast", "indstilling")) + "."]
    return "\n".join(lines) + "\n"
