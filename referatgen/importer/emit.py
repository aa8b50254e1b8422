"""Writing the imported meeting: section texts as Markdown, the file as YAML or Markdown.

YAML goes through ruamel.yaml's round-trip dumper with `|` block scalars, so the file
reads like the hand-written examples; Markdown follows the format meetingfile/markdown.py reads.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

from .blocks import Block, escape_line_start

# -- section texts -------------------------------------------------------------------------


def section_markdown(blocks: list[Block]) -> str:
    """The Markdown of a section's blocks; footnotes numbered 1, 2, ... within the section."""
    labels: dict[str, str] = {}

    def relabel(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            label = match.group(1)
            if label not in labels:
                labels[label] = str(len(labels) + 1)
            return f"[^{labels[label]}]"

        return re.sub(r"\[\^([^\]\s]+)\]", one, text)

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
            depth = min(block.depth, len(offsets))
            del offsets[depth:]
            indent = offsets[depth - 1] if depth else 0
            marker = block.marker or "-"
            text = escape_line_start(relabel(block.text.strip()))
            list_lines.append(" " * indent + f"{marker} {text}")
            offsets.append(indent + len(marker) + 1)
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


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\ufeff]")


def _notes(block: Block, relabel: Callable[[str], str]) -> str:
    lines = []
    for label, text in block.notes:
        lines.append(f"{relabel(f'[^{label}]')}: {' '.join(text.split())}")
    return "\n".join(lines)


def table_markdown(block: Block) -> str:
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


# -- YAML ----------------------------------------------------------------------------------


def to_yaml(meeting: dict[str, Any]) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    def convert(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: convert(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v, key) for v in value]
        if isinstance(value, str):
            if key in ("sagsnr", "tid", "sluttid") or value == "-":
                return DoubleQuotedScalarString(value)
            if "\n" in value:
                return LiteralScalarString(value)
        return value

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.allow_unicode = True
    stream = io.StringIO()
    yaml.dump(convert(meeting), stream)
    text = stream.getvalue()
    # A blank line between items, as in the hand-written examples.
    return re.sub(r"\n(  - titel:)", r"\n\n\1", text).replace("punkter:\n\n", "punkter:\n")


# -- Markdown ------------------------------------------------------------------------------

_MD_HEADINGS = {
    "resume": "Resume", "baggrund": "Baggrund", "indstilling": "Indstilling",
    "behandling": "Behandling", "beslutning": "Beslutning",
    "sagsfremstilling": "Sagsfremstilling", "økonomi": "Økonomi", "bilag": "Bilag",
}


def to_markdown(meeting: dict[str, Any], first: int) -> str:
    """The Markdown meeting format: front matter, `#` per item, `##` per section."""
    front = {k: v for k, v in meeting.items() if k != "punkter"}
    out = ["---", to_yaml(front).rstrip("\n"), "---", ""]
    for offset, item in enumerate(meeting["punkter"]):
        out.append(f"# Punkt {first + offset}: {item['titel']}")
        for key in ("sagsnr", "lukket", "offentlig_titel", "deltog_ikke"):
            if key not in item:
                continue
            value = item[key]
            if key == "lukket":
                value = "ja" if value else "nej"
            elif key == "deltog_ikke":
                value = ", ".join(value)
            out.append(f"{key}: {value}")
        out.append("")
        for key, value in item.items():
            if key in ("titel", "sagsnr", "lukket", "offentlig_titel", "deltog_ikke"):
                continue
            if key == "afsnit":
                for afsnit in value:
                    out += [f"## {afsnit['overskrift']}", "", afsnit["tekst"].rstrip("\n"), ""]
            elif key == "bilag":
                out += ["## Bilag", ""]
                for bilag in value:
                    if isinstance(bilag, dict):
                        out.append(f"- {bilag['titel']} (lukket)")
                    else:
                        out.append(f"- {bilag}")
                out.append("")
            elif key == "beslutning" and isinstance(value, list):
                for decision in value:
                    day = decision.get("dato")
                    heading = "Beslutning"
                    if isinstance(day, dt.date):
                        heading += f" {decision.get('organ') or meeting['organ']} den " \
                                   f"{day:%d-%m-%Y}"
                    out += [f"## {heading}", "", decision["tekst"].rstrip("\n"), ""]
            else:
                out += [f"## {_MD_HEADINGS.get(key, key)}", "", str(value).rstrip("\n"), ""]
    return "\n".join(out).rstrip("\n") + "\n"
