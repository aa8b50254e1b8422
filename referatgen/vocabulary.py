"""The Danish words referatgen prints, in one place.

The renderers, the archive index and `import` (which must recognise what we print) read
them from here, so a wording changes in one place and the importer keeps up with it.
The words of the meeting file itself (its keys) are declared in `meetingfile/schema.py`.
"""

from __future__ import annotations

#: A closed bilag of an open item, in the public version.
CLOSED_BILAG = "Lukket bilag"
#: The mark on every page of the internal version.
INTERNAL_MARK = "INTERNT – indeholder lukkede punkter"
#: The sentence under a decision that names who did not take part.
NOT_PRESENT = "Følgende deltog ikke i behandlingen af punktet"
#: Printed under a closed item's heading in the internal version, so a reader (and
#: `referatgen import`) knows which content must not be published.
CLOSED_ITEM_MARK = "Lukket punkt"
#: A closed bilag's title gets this after it in the internal version.
CLOSED_BILAG_SUFFIX = "(lukket bilag)"

#: The labels of the front page's meeting block.
LABEL_DATE = "Mødedato"
LABEL_PLACE = "Mødested"
LABEL_PARTICIPANTS = "Mødedeltagere"
LABEL_ABSENT = "Afbud"


def item_heading(number: int, title: str) -> str:
    """The heading every item is printed under: "Punkt 3: Titel"."""
    return f"Punkt {number}: {title}"
