"""The table of contents: kept aside to cross-check the items' titles and closed flags."""

from __future__ import annotations

import re

from .blocks import TextBlock, quote
from .recognise import (
    CLOSED_SUFFIX,
    CLOSED_TITLE,
    PUNKT,
    TOC_CUT,
    TOC_HEADING,
    TOC_LINE,
    TOC_PART,
    UNKNOWN_CLOSED_TITLE,
    Part,
    TocEntry,
    toc_plain,
)


class Contents(Part):
    """Where the table of contents stands, and its entries."""

    # -- table of contents ---------------------------------------------------------------

    def find(self) -> tuple[int, int] | None:
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
        headed = TOC_HEADING.match(blocks[start].plain) is not None
        end = start + 1
        while end < len(blocks):
            block = blocks[end]
            if self._is_toc_block(block) or (headed and block.kind == "text" and (
                    TOC_PART.match(block.plain) or _cut(block))):
                end += 1
                continue
            nxt = blocks[end + 1] if end + 1 < len(blocks) else None
            if block.kind == "text" and nxt is not None and self._is_toc_block(nxt) \
                    and len(block.plain) < 200 and not PUNKT.match(block.plain):
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

    def read(self, blocks: list[TextBlock]) -> None:
        pending = ""
        part_closed = False
        for block in blocks:
            if block.kind == "text" and TOC_HEADING.match(block.plain):
                continue
            if block.kind == "text" and TOC_PART.match(block.plain):
                part_closed = block.plain.lower().startswith(("luk", "fortrol"))
                continue
            lines = block.lines or [block.text]
            for line in lines:
                plain = toc_plain(line)
                match = TOC_LINE.match(plain) or TOC_CUT.match(plain)
                if not match:
                    pending = f"{pending} {plain}".strip()
                    continue
                title = f"{pending} {match.group('title')}".strip().rstrip(". …")
                pending = ""
                number = _number(title)
                raw = title = toc_title(title)
                closed_match = CLOSED_TITLE.match(title) or CLOSED_SUFFIX.match(title)
                closed = bool(closed_match) or title == UNKNOWN_CLOSED_TITLE or part_closed
                if closed:
                    # The entry without its mark: "Lukket: X" and "X (lukket)" are item X.
                    title = (closed_match.group("title") or "").strip() if closed_match else ""
                self.draft.toc.append(TocEntry(title, int(match.group("page")), closed,
                                               block.where, raw, number))
        if pending:
            self.report.unplaced.append(
                f"{quote(pending)} i indholdsfortegnelsen er ikke en linje med sidetal; "
                "står ikke i mødefilen")


def toc_title(title: str) -> str:
    """A TOC line's title without its item number ('Punkt 3:', '14.')."""
    punkt = PUNKT.match(title)
    if punkt and punkt.group("title"):
        return punkt.group("title").strip()
    numbered = re.match(r"^\d{1,3}[.:)]?\s+(?P<title>\S.*)$", title)
    return numbered.group("title").strip() if numbered else title


def _cut(block: TextBlock) -> bool:
    """A TOC line cut short without a leader ("3. Tilskud til foreningernes kursusv 4")."""
    return len(block.lines) <= 1 and TOC_CUT.match(block.plain) is not None


def _number(title: str) -> int | None:
    """The item number a TOC line starts with, if any."""
    match = re.match(r"^(?:(?:punkt|pkt\.?)\s*)?(\d{1,4})\b", title, re.I)
    return int(match.group(1)) if match else None
