"""Recognised blocks as Markdown: the text of one section of an imported item.

Lists keep their nesting, tables become pipe tables, footnotes are numbered 1, 2, ...
within the section. The meeting file around the texts is written by referatgen.dump.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .blocks import TextBlock, escape_line_start


def section_markdown(blocks: list[TextBlock]) -> str:
    """The Markdown of a section's blocks; footnotes numbered 1, 2, ... within the section."""
    relabel = _footnote_numbers()
    parts: list[str] = []
    list_lines: list[str] = []
    offsets: list[int] = []

    def flush_list() -> None:
        if list_lines:
            parts.append("\n".join(list_lines))
            list_lines.clear()
            offsets.clear()

    for block in blocks:
        if block.kind == "item" and not block.marker[:1].isalpha():
            list_lines.append(_list_line(block, offsets, relabel))
            if block.notes:
                flush_list()
                parts.append(_notes(block, relabel))
            continue
        flush_list()
        if block.kind == "table":
            parts.append(relabel(table_markdown(block)))
        elif block.kind == "item":
            # "a)" lists have no Markdown form: each entry stays a paragraph of its own.
            parts.append(f"{block.marker} {relabel(block.text.strip())}")
        elif block.subheading:
            parts.append("#" * block.subheading + " " + relabel(block.text.strip()))
        else:
            parts.append(escape_line_start(relabel(block.text.strip())))
        if block.notes:
            parts.append(_notes(block, relabel))
    flush_list()
    text = "\n\n".join(p for p in parts if p.strip()) + "\n"
    # Tabs and control characters have no place in a YAML block (nor in Markdown text).
    text = _CONTROL.sub("", text.replace("\t", " "))
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _footnote_numbers() -> Callable[[str], str]:
    """Renumbers footnote calls "[^x]" 1, 2, ... in the order first met."""
    labels: dict[str, str] = {}

    def one(match: re.Match[str]) -> str:
        return f"[^{labels.setdefault(match.group(1), str(len(labels) + 1))}]"

    def relabel(text: str) -> str:
        return re.sub(r"\[\^([^\]\s]+)\]", one, text)

    return relabel


def _list_line(block: TextBlock, offsets: list[int], relabel: Callable[[str], str]) -> str:
    """A list entry, indented under its parent's text; `offsets` holds the open lists'."""
    depth = min(block.depth, len(offsets))
    del offsets[depth:]
    indent = offsets[depth - 1] if depth else 0
    marker = block.marker or "-"
    text = escape_line_start(relabel(block.text.strip()))
    offsets.append(indent + len(marker) + 1)
    return " " * indent + f"{marker} {text}"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\ufeff]")


def _notes(block: TextBlock, relabel: Callable[[str], str]) -> str:
    lines = []
    for label, text in block.notes:
        lines.append(f"{relabel(f'[^{label}]')}: {' '.join(text.split())}")
    return "\n".join(lines)


def table_markdown(block: TextBlock) -> str:
    rows = [[_cell(c) for c in row] for row in block.rows]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    header = rows[0] if block.header else [""] * width
    body = rows[1:] if block.header else rows
    align = (block.align + [""] * width)[:width]
    rule = [{"right": "---:", "center": ":---:"}.get(a, "---") for a in align]
    lines = [_row(header), "|" + "|".join(rule) + "|"] + [_row(r) for r in body]
    return "\n".join(lines)


def _cell(text: str) -> str:
    text = " ".join(text.split())
    return re.sub(r"(?<!\\)\|", r"\\|", text)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
