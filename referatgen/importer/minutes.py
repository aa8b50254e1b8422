"""What minutes look like, whoever made them: the recognisers in reading order.

Blocks go in; a draft of the meeting comes out: the title line and the front fields, the
table of contents (kept aside to cross-check the items), the items with their numbers,
case numbers and closed flags, and each item's sections. Whatever cannot be placed
stays in the nearest section and is named in the report.
"""

from __future__ import annotations

from .blocks import Report, TextBlock
from .contents import Contents
from .front import FrontPage
from .headings import ItemHeadings
from .recognise import MeetingDraft, Part, Reading
from .sections import ItemBody


class Recogniser(Part):
    """Turns blocks into a meeting draft. `levels` says whether block levels can be trusted."""

    def __init__(self, blocks: list[TextBlock], report: Report, *, marked: bool,
                 levels: bool) -> None:
        reading = Reading([b for b in blocks if b.kind != "text" or b.plain or b.notes],
                          report, marked, levels)
        super().__init__(reading)
        self.front = FrontPage(reading)
        self.contents = Contents(reading)
        self.headings = ItemHeadings(reading)
        self.body = ItemBody(reading)

    def run(self) -> MeetingDraft:
        blocks = self.blocks
        toc_range = self.contents.find()
        front_end = toc_range[0] if toc_range else None
        self.front.title_and_type()
        if toc_range:
            self.contents.read(blocks[toc_range[0]:toc_range[1]])
        headings = self.headings.find(toc_range)
        first_item = headings[0].index if headings else len(blocks)
        if front_end is None or front_end > first_item:
            front_end = first_item
        self.front.read(blocks[:front_end])
        for position, heading in enumerate(headings):
            end = headings[position + 1].index if position + 1 < len(headings) else len(blocks)
            self.body.read(heading, blocks[heading.index + heading.consumed:end])
        self._closed_from_toc()
        self._numbering()
        return self.draft

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


