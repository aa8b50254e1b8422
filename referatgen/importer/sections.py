"""An item's body: its case number, its sections, decisions, own sections (afsnit) and bilag."""

from __future__ import annotations

import re

from ..vocabulary import CLOSED_BILAG
from .blocks import TextBlock, plain_text
from .recognise import (
    ATTACHED,
    CLOSED_BILAG_MARK,
    KNOWN_AFSNIT,
    NOT_PRESENT_LINE,
    OPEN_CLOSED_MARK,
    SAGSNR_LINE,
    SUB_ITEM,
    AfsnitDraft,
    BilagEntry,
    DecisionDraft,
    Heading,
    ItemDraft,
    Part,
    decision_heading,
    group_headings,
    guess_structure,
    heading_key,
    inline_label,
    norm,
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
        self._head_lines(item, heading, rest, toc_title)
        kept: list[TextBlock] = []
        for block in rest:
            if block.kind == "text" and block.plain and norm(block.plain) in (
                    norm(heading.title), toc_title) and not block.notes:
                self.report.drop("titlen gentaget i teksten", block.plain, block.where)
                continue
            kept.append(block)
        self._sections(item, kept)
        self.draft.items.append(item)

    def _head_lines(self, item: ItemDraft, heading: Heading, rest: list[TextBlock],
                    toc_title: str) -> None:
        """The lines under the heading: the case number ("Sagsnr.: X Dok.nr.: Y"), and the
        "Åben"/"Lukket" mark, in either order; the title repeated stays for the caller."""
        probe = 0
        while probe < min(3, len(rest)):
            block = rest[probe]
            if block.kind != "text":
                return
            plain = block.plain
            mark = OPEN_CLOSED_MARK.match(plain)
            match = SAGSNR_LINE.match(plain) if item.sagsnr is None else None
            if mark:
                item.closed = item.closed or mark.group("mark").lower().startswith("lukket")
                del rest[probe]
            elif match:
                item.sagsnr = (match.group("labelled") or match.group("bare")).strip()
                del rest[probe]
            elif norm(plain) in (norm(heading.title), toc_title):
                probe += 1
            else:
                return

    def _toc_title_at(self, position: int) -> str:
        toc = self.draft.toc
        return norm(toc[position].title) if position < len(toc) else "\0"

    def _section_heading(self, block: TextBlock) -> str | None:
        if block.kind != "text" or len(block.plain) > 120:
            return None
        if not (block.is_heading_like or len(block.lines) <= 1 or not self.marked):
            return None
        return heading_key(block.plain, self.draft.organ)

    def _expand(self, item: ItemDraft, blocks: list[TextBlock]) -> list[TextBlock]:
        """Labels on the line of their text split off ("Referat: Godkendt."); sub-items
        ("2.1 Nyt fra projektgruppen") made sub-headings, their own labels kept as text."""
        out: list[TextBlock] = []
        in_sub = False
        for block in blocks:
            sub = SUB_ITEM.match(block.plain) if block.kind == "text" else None
            if sub and int(sub.group("n")) == item.number and len(block.plain) < 150:
                in_sub = True
                out.append(TextBlock("text", text=block.plain, lines=[block.plain],
                                     where=block.where, subheading=3))
                continue
            label = inline_label(block.plain) if block.kind == "text" and not in_sub else None
            if label and not self._proposal(label.group("label")):
                head = label.group("label")
                body = re.sub(rf"^\W*{re.escape(head)}\W*:\**\s*", "", block.text, count=1)
                out.append(TextBlock("text", text=head, lines=[head], where=block.where))
                out.append(TextBlock("text", text=body, lines=[body], where=block.where,
                                     notes=block.notes))
                continue
            out.append(block)
        return out

    def _proposal(self, label: str) -> bool:
        """In an agenda, "Beslutning:" in the text is the proposal, not a decision taken."""
        return self.draft.type == "dagsorden" and heading_key(label) == "beslutning"

    def _sections(self, item: ItemDraft, blocks: list[TextBlock]) -> None:
        current: list[TextBlock] | None = None
        current_key: str | None = None
        current_head: TextBlock | None = None
        pending: list[TextBlock] = []
        blocks = self._expand(item, blocks)
        keys = self._keys(blocks)
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
            if current_key == "bilag" and current is not None and block.kind == "text" \
                    and self._bilag_title(block, blocks[index + 1:], False):
                current.append(block)  # "Høringssvar" under Bilag is an attachment
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

    def _keys(self, blocks: list[TextBlock]) -> list[str | None]:
        keys: list[str | None] = []
        in_sub = False
        in_bilag = False
        for index, block in enumerate(blocks):
            in_sub = in_sub or bool(block.subheading and SUB_ITEM.match(block.plain))
            key = None if in_sub else self._section_heading(block)
            if key == "beslutning" and self.draft.type == "dagsorden" and (
                    block.plain.rstrip().endswith(":")
                    or (self.marked and not block.is_heading_like)):
                key = None  # "Beslutning:" in an agenda's proposal text
            if in_bilag and key is not None and key not in ("bilag", "beslutning") \
                    and self._bilag_title(block, blocks[index + 1:], key in keys):
                key = None  # an attachment named like a section: "Indstilling"
            in_bilag = key == "bilag" or (in_bilag and key is None)
            keys.append(key)
        return keys

    def _bilag_title(self, block: TextBlock, after: list[TextBlock], seen: bool) -> bool:
        """Under "Bilag", a line named like a section is an attachment's title when the
        item has had that section already, or when only more titles follow it (short
        lines, no sentences) up to the next heading; a heading that is marked as one, or
        that text follows, is a heading."""
        if block.level or block.bold or block.kind != "text":
            return False
        if seen:
            return True
        for nxt in after[:12]:
            if nxt.kind != "text" or nxt.subheading or nxt.bold or nxt.level:
                return nxt.kind != "table"
            if self._section_heading(nxt) is not None and norm(nxt.plain) not in KNOWN_AFSNIT:
                return True
            if len(nxt.plain) > 90 or re.search(r"[.:!?]$", nxt.plain):
                return False
        return len(after) <= 12

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
            organ, dato = decision_heading(block.plain) or (None, None)
            entry = DecisionDraft([], dato, self._spelled(organ), block.plain)
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

    def _spelled(self, organ: str | None) -> str | None:
        """An organ printed in capitals ("ØKONOMIUDVALGET") as the document spells it
        elsewhere, or with capitals where Danish has them."""
        if organ is None or not organ.isupper():
            return organ
        wanted = organ.lower()
        if self.draft.organ and self.draft.organ.lower() == wanted:
            return self.draft.organ
        for block in self.blocks:
            found = re.search(re.escape(wanted), block.plain.lower()) if block.kind == "text" \
                else None
            if found:
                spelled = block.plain[found.start():found.end()]
                if not spelled.isupper():
                    return spelled
        small = {"og", "for", "i", "af", "med", "til"}
        return " ".join(w if w in small else w[:1].upper() + w[1:] for w in wanted.split(" "))

    def _finish(self, item: ItemDraft) -> None:
        if "bilag" in item.sections:
            for block in item.sections.pop("bilag"):
                if block.kind == "text" and len(block.plain) > 150 and len(block.lines) <= 2:
                    # A paragraph is not an attachment's title: it stays text.
                    item.sections.setdefault("sagsfremstilling", []).append(block)
                    self._place(item, [block], "sagsfremstilling")
                    continue
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
