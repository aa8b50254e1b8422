"""An item's body: its case number, its sections, decisions, own sections (afsnit) and bilag."""

from __future__ import annotations

import re

from ..vocabulary import CLOSED_BILAG
from .blocks import TextBlock, plain_text
from .recognise import (
    ATTACHED,
    CLOSED_BILAG_MARK,
    DECISION,
    KNOWN_AFSNIT,
    NOT_PRESENT_LINE,
    SAGSNR_LINE,
    AfsnitDraft,
    BilagEntry,
    DecisionDraft,
    Heading,
    ItemDraft,
    Part,
    group_headings,
    guess_structure,
    heading_key,
    norm,
    parse_date,
)


class ItemBody(Part):
    """Each item's text, from its heading to the next, into the item's draft."""

    # -- items ---------------------------------------------------------------------------

    def read(self, heading: Heading, blocks: list[TextBlock]) -> None:
        where = self.blocks[heading.index].where
        item = ItemDraft(heading.number, heading.title, where, heading.closed, heading.printed)
        position = len(self.draft.items)
        toc_title = self._toc_title_at(position)
        rest = list(blocks)
        # The case number right under the heading (or the second line after it).
        for probe in range(min(2, len(rest))):
            block = rest[probe]
            if block.kind != "text":
                break
            match = SAGSNR_LINE.match(block.plain)
            if match:
                item.sagsnr = (match.group("labelled") or match.group("bare")).strip()
                del rest[probe]
                break
            if probe == 0 and norm(block.plain) in (norm(heading.title), toc_title):
                continue
            break
        # A mark under the heading: "Lukket punkt".
        if rest and rest[0].kind == "text" and re.fullmatch(
                r"\(?lukket(?: punkt)?\)?\.?", rest[0].plain, re.I):
            item.closed = True
            del rest[0]
        kept: list[TextBlock] = []
        for block in rest:
            if block.kind == "text" and block.plain and norm(block.plain) in (
                    norm(heading.title), toc_title) and not block.notes:
                self.report.drop("titlen gentaget i teksten", block.plain, block.where)
                continue
            kept.append(block)
        self._sections(item, kept)
        self.draft.items.append(item)

    def _toc_title_at(self, position: int) -> str:
        toc = self.draft.toc
        return norm(toc[position].title) if position < len(toc) else "\0"

    def _section_heading(self, block: TextBlock) -> str | None:
        if block.kind != "text" or len(block.plain) > 120:
            return None
        if not (block.is_heading_like or len(block.lines) <= 1 or not self.marked):
            return None
        return heading_key(block.plain, self.draft.organ)

    def _sections(self, item: ItemDraft, blocks: list[TextBlock]) -> None:
        current: list[TextBlock] | None = None
        current_key: str | None = None
        current_head: TextBlock | None = None
        pending: list[TextBlock] = []
        keys = [self._section_heading(b) for b in blocks]
        for index, block in enumerate(blocks):
            key = keys[index]
            if key is not None:
                nxt_key = keys[index + 1] if index + 1 < len(keys) else "end"
                if nxt_key is not None and key != "beslutning":
                    # A heading with nothing under it: a group heading ("Sagsfremstilling"
                    # over Kalundborg's parts) or an empty section.
                    item.headings.append(block.plain)
                    if norm(block.plain) not in group_headings():
                        self.report.notes.append(
                            f"Punkt {item.number}: overskriften '{block.plain}' ({block.where}) "
                            "har ingen tekst og er udeladt.")
                    continue
                item.headings.append(block.plain)
                current, current_key, current_head = self._open(item, key, block)
                if pending:
                    self._place(item, pending, key)
                    current[:0] = pending
                    pending = []
                continue
            named = norm(block.plain) in KNOWN_AFSNIT and len(block.lines) <= 1
            if (block.is_heading_like or named) and block.kind == "text" and (
                    current is None or current_key == "bilag"
                    or self._is_afsnit(block, current_head, current_key, keys[index + 1:])):
                afsnit = AfsnitDraft(block.text.strip(), [])
                item.afsnit.append(afsnit)
                item.headings.append(block.plain)
                current, current_key, current_head = afsnit.blocks, "afsnit", block
                if pending:
                    self._place(item, pending, afsnit.heading)
                    current[:0] = pending
                    pending = []
                continue
            if current is None:
                pending.append(block)
                continue
            if block.is_heading_like and block.kind == "text" and current_key != "bilag":
                current.append(self._subheading(block, current_head))
                continue
            current.append(block)
        if pending:
            item.sections.setdefault("sagsfremstilling", []).extend(pending)
            self._place(item, pending, "sagsfremstilling")
        self._finish(item)

    def _place(self, item: ItemDraft, blocks: list[TextBlock], section: str) -> None:
        """Text between an item's heading and its first section goes into that section."""
        for block in blocks:
            self.report.unplace(block.text or "tabel", block.where,
                                f"punkt {item.number}, {section}")

    def _is_afsnit(self, block: TextBlock, section_head: TextBlock | None,
                   section_key: str | None, later_keys: list[str | None]) -> bool:
        if any(k is not None and k != "bilag" for k in later_keys):
            return False  # a later standard section follows: this is inside the current one
        if section_head is None:
            return True
        if self.levels and block.level and section_head.level:
            return block.level <= section_head.level
        if norm(block.plain) in KNOWN_AFSNIT:
            return True
        # Without levels: type larger than the section's heading is a heading of its rank.
        return bool(section_head.size and block.size and block.size > section_head.size + 0.4)

    def _subheading(self, block: TextBlock, section_head: TextBlock | None) -> TextBlock:
        level = 3
        if self.levels and block.level and section_head is not None and section_head.level:
            level = min(6, 3 + max(0, block.level - section_head.level - 1))
        elif block.italic and section_head is not None and not section_head.italic \
                and block.size and section_head.size and block.size < section_head.size:
            level = 4
        text = block.text.strip()
        if block.bold and text.startswith("**") and text.endswith("**"):
            text = text[2:-2]
        return TextBlock("text", text=text, lines=[text], where=block.where, notes=block.notes,
                         subheading=level)

    def _open(self, item: ItemDraft, key: str,
              block: TextBlock) -> tuple[list[TextBlock], str, TextBlock]:
        if key == "beslutning":
            decision = DECISION.match(norm(block.plain))
            dato = organ = None
            if decision:
                if decision.group("date"):
                    dato = parse_date(decision.group("date"))
                if decision.group("organ"):
                    organ = decision.group("organ").strip()
            entry = DecisionDraft([], dato, organ, block.plain)
            item.decisions.append(entry)
            return entry.blocks, key, block
        if key in item.sections:
            self.report.warnings.append(
                f"Punkt {item.number}: afsnittet '{block.plain}' står to gange "
                f"({block.where}); teksterne er lagt sammen.")
            target = item.sections[key]
            target.append(TextBlock("text", text=plain_text(block.text), subheading=3,
                                    where=block.where))
            return target, key, block
        target = item.sections.setdefault(key, [])
        return target, key, block

    def _finish(self, item: ItemDraft) -> None:
        if "bilag" in item.sections:
            for block in item.sections.pop("bilag"):
                self._bilag(item, block)
        for decision in item.decisions:
            kept: list[TextBlock] = []
            for block in decision.blocks:
                match = NOT_PRESENT_LINE.match(block.plain) if block.kind == "text" else None
                if match:
                    names = match.group("names") or match.group("names2") or ""
                    item.deltog_ikke += [n.strip() for n in re.split(r",|\bog\b", names)
                                         if n.strip()]
                    continue
                kept.append(block)
            decision.blocks = kept
        for key, blocks in list(item.sections.items()):
            item.sections[key] = self._clean(blocks, item, key)
            if not item.sections[key]:
                del item.sections[key]
        for decision in item.decisions:
            decision.blocks = self._clean(decision.blocks, item, "beslutning")
        for afsnit in item.afsnit:
            afsnit.blocks = self._clean(afsnit.blocks, item, afsnit.heading)

    def _clean(self, blocks: list[TextBlock], item: ItemDraft, label: str) -> list[TextBlock]:
        """A lone '-' is 'nothing to add' only when it is the whole section."""
        if len(blocks) > 1:
            out = []
            for block in blocks:
                if block.kind in ("text", "item") and block.plain in ("-", "–") \
                        and not block.subheading:
                    self.report.drop("tomt listepunkt '-'", "-",
                                     f"{block.where}, punkt {item.number}, {label}")
                    continue
                out.append(block)
            blocks = out
        if not self.marked:
            blocks = guess_structure(blocks)
        return blocks

    def _bilag(self, item: ItemDraft, block: TextBlock) -> None:
        if block.kind == "table":
            for row in block.rows:
                text = " – ".join(c for c in row if c.strip())
                if text:
                    item.bilag.append(BilagEntry(plain_text(text)))
            self.report.notes.append(
                f"Punkt {item.number}: en tabel under Bilag er lavet om til bilagstitler "
                f"({block.where}).")
            return
        lines = block.lines if block.kind == "text" and len(block.lines) > 1 else [block.text]
        for line in lines:
            title = plain_text(line).strip()
            if not title or title in ("-", "–"):
                continue
            closed = False
            attached = ATTACHED.search(title)
            if attached:
                title = title[: attached.start()].strip()
                name = attached.group("file")
                self.report.notes.append(
                    f"Punkt {item.number}: bilaget '{title}' var vedhæftet"
                    f"{f' som {name}' if name else ''}; filen er ikke hentet ud, kun titlen.")
            closed_mark = CLOSED_BILAG_MARK.search(title)
            if closed_mark:
                title, closed = title[: closed_mark.start()].strip(), True
            elif title == CLOSED_BILAG:
                closed = True
            item.bilag.append(BilagEntry(title, closed))
