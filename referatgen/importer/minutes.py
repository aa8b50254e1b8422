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
from .recognise import ItemDraft, MeetingDraft, Part, Reading, TocEntry, norm
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
        """A TOC line marks an item closed only when it is that item's line: its number,
        or in its place with its title. A line cut short or missing never shifts the
        mark onto the next item. And the heading wins: an item that printed any content
        of its own was published, so the TOC never closes it (that would drop its text
        from the rebuilt public version); only an item printed as title and case number
        alone, as closed items are, takes the TOC's word."""
        numbered = all(entry.number is not None for entry in self.draft.toc)
        for position, item in enumerate(self.draft.items):
            entry = self._entry_for(item, position, numbered)
            if entry is not None and entry.closed and not item.closed and _bare(item):
                item.closed = True
                # The heading printed the title: that is the public title it had.
                item.printed_title = item.printed_title or item.title
                self.report.notes.append(
                    f"Punkt {item.number} er lukket ifølge indholdsfortegnelsen.")

    def _entry_for(self, item: ItemDraft, position: int, numbered: bool) -> TocEntry | None:
        toc = self.draft.toc
        if numbered:
            return next((e for e in toc if e.number == item.number), None)
        entry = toc[position] if position < len(toc) else None
        if entry is not None and (not entry.title or not item.title):
            return entry  # a closed line without a title: the place is all there is
        # Its own line in its place, or elsewhere when a line is missing or cut.
        near = [entry] if entry is not None else []
        return next((e for e in [*near, *toc] if e.title and _same_title(item.title, e.title)),
                    None)

    def _numbering(self) -> None:
        seen: set[int] = set()
        for item in self.draft.items:
            if item.number in seen:
                self.report.warnings.append(
                    f"Punkt {item.number} står to gange; referatgen nummererer fortløbende.")
            seen.add(item.number)




def _bare(item: ItemDraft) -> bool:
    """Printed as a closed item is: title and case number, no text of its own."""
    return not (any(item.sections.values()) or item.decisions or item.bilag or item.afsnit
                or item.deltog_ikke)


def _same_title(title: str, line: str) -> bool:
    """A heading's title and a TOC line's: equal, or one cut short of the other."""
    mine, theirs = norm(title), norm(line)
    return mine == theirs or (len(theirs) >= 10 and mine.startswith(theirs)) or (
        len(mine) >= 10 and theirs.startswith(mine))
