"""Item headings: 'Punkt 3: Titel', '3. Titel', or a number on a line of its own."""

from __future__ import annotations

import re

from .blocks import TextBlock
from .recognise import (
    BARE_NUMBER,
    CLOSED_SUFFIX,
    CLOSED_TITLE,
    NUMBERED,
    OPEN_CLOSED_MARK,
    PUNKT,
    SAGSNR_LINE,
    TERMINAL,
    TOC_LINE,
    UNKNOWN_CLOSED_TITLE,
    Heading,
    Part,
    heading_key,
    inline_label,
    norm,
)

#: What the next heading must fit: the number expected (None before the first item), the
#: TOC's titles and the heading's position among the items found.
_Wanted = tuple[int | None, list[str], int]


class ItemHeadings(Part):
    """The items' headings, with their numbers, titles and closed marks."""

    # -- item headings -------------------------------------------------------------------

    def find(self, toc_range: tuple[int, int] | None) -> list[Heading]:
        blocks = self.blocks
        toc_titles = [norm(entry.raw) for entry in self.draft.toc]
        found: list[Heading] = []
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
        if position < len(toc_titles) and toc_titles[position] and norm(title) and (
                toc_titles[position] == norm(title)
                or toc_titles[position].startswith(norm(title))):
            return True
        return self._marked_below(index)

    def _marked_below(self, index: int) -> bool:
        """The line under the heading is its case number or its "Åben"/"Lukket" mark."""
        if index + 1 < len(self.blocks):
            nxt = self.blocks[index + 1]
            if SAGSNR_LINE.match(nxt.plain) or OPEN_CLOSED_MARK.match(nxt.plain) \
                    or heading_key(nxt.plain) is not None or inline_label(nxt.plain):
                return True
        return False

    def _toc_says(self, toc_titles: list[str], position: int, title: str) -> bool:
        return position < len(toc_titles) and bool(toc_titles[position]) and bool(norm(title)) \
            and toc_titles[position].startswith(norm(title)[:40])

    def _heading_at(self, index: int, expected: int | None, toc_titles: list[str],
                    position: int) -> Heading | None:
        block = self.blocks[index]
        if block.kind == "table":
            return None
        plain = block.plain
        if block.kind == "item":
            if not re.fullmatch(r"\d{1,3}[.)]", block.marker):
                return None
            plain = f"{block.marker[:-1]}. {plain}"
        want = (expected, toc_titles, position)
        punkt = PUNKT.match(plain)
        if punkt and len(plain) < 400 and not TOC_LINE.match(plain):
            found = self._punkt(index, punkt, want)
        else:
            found = self._numbered(index, plain, want)
        if found is None:
            return None
        number, title, consumed = found
        # A title that wraps onto the next line(s).
        while index + consumed < len(self.blocks):
            nxt = self.blocks[index + consumed]
            if not self._continues_title(block, nxt, title, toc_titles, position):
                break
            title = f"{title} {nxt.plain}".strip()
            consumed += 1
        return _closed_mark(Heading(index, number, title, False, None, consumed))

    def _punkt(self, index: int, punkt: re.Match[str],
               want: _Wanted) -> tuple[int, str, int] | None:
        """'Punkt 3: Titel', or 'Punkt 3' with the title on the next line."""
        expected, toc_titles, position = want
        number = int(punkt.group("n"))
        title = punkt.group("title").strip()
        consumed = 1
        if not title:
            title_index = index + 1
            if title_index >= len(self.blocks) or self.blocks[title_index].kind != "text":
                return None
            title = self.blocks[title_index].plain
            consumed = 2
        ok = expected is None or number == expected or (
            number > expected - 1 and self._evidence(index, toc_titles, position, title))
        return (number, title, consumed) if ok else None

    def _numbered(self, index: int, plain: str,
                  want: _Wanted) -> tuple[int, str, int] | None:
        """'3. Titel', or '3' on a line of its own with the title on the next: an item's
        heading only in its place in the numbering and with evidence that it is one."""
        expected, toc_titles, position = want
        numbered = NUMBERED.match(plain)
        bare = BARE_NUMBER.match(plain)
        nxt = self.blocks[index + 1] if index + 1 < len(self.blocks) else None
        if numbered and len(plain) < 250 and not TOC_LINE.match(plain):
            number, title, consumed = int(numbered.group("n")), numbered.group("title").strip(), 1
            if title[:1].islower() or re.match(r"^\d", title):
                return None
        elif bare and nxt is not None and nxt.kind == "text" and len(nxt.plain) < 250:
            number, title, consumed = int(bare.group("n")), nxt.plain, 2
        else:
            return None
        if expected is not None and number != expected:
            return None
        if expected is None and number > 200 and not (
                self._toc_says(toc_titles, position, title)
                or self._marked_below(index + consumed - 1)):
            # Numbers run on through the year ("412 Skolestruktur"), but a first item
            # numbered so high needs the TOC or its case number to say it is one.
            return None
        evidence = self._evidence(index, toc_titles, position, title) or (
            consumed == 2 and self._evidence(index + 1, toc_titles, position, title))
        return (number, title, consumed) if evidence else None

    def _continues_title(self, head: TextBlock, nxt: TextBlock, title: str,
                         toc_titles: list[str], position: int) -> bool:
        if nxt.kind != "text" or not nxt.plain or len(nxt.plain) > 150:
            return False
        if SAGSNR_LINE.match(nxt.plain) or heading_key(nxt.plain) is not None \
                or OPEN_CLOSED_MARK.match(nxt.plain) \
                or PUNKT.match(nxt.plain) or norm(nxt.plain) == norm(title):
            return False
        joined = norm(f"{title} {nxt.plain}")
        if position < len(toc_titles) and toc_titles[position]:
            toc = toc_titles[position]
            if toc == norm(title):
                return False
            if toc == joined or toc.startswith(joined):
                return True
        same_look = (head.level == nxt.level and head.bold == nxt.bold and nxt.is_heading_like
                     and abs(head.size - nxt.size) < 0.3 and not nxt.page_start)
        return same_look or (nxt.plain[:1].islower() and not TERMINAL.search(title))


def _closed_mark(heading: Heading) -> Heading:
    """A closed item's heading: 'Lukket: Titel', 'Titel (lukket)' or the unknown title."""
    title = heading.title
    if title == UNKNOWN_CLOSED_TITLE:
        heading.title, heading.closed = "", True
        return heading
    closed_match = CLOSED_TITLE.match(title)
    suffix = CLOSED_SUFFIX.match(title)
    if closed_match:
        heading.closed, heading.printed = True, title
        heading.title = (closed_match.group("title") or "").strip()
    elif suffix:
        heading.closed, heading.printed = True, title
        heading.title = suffix.group("title").strip()
    return heading
