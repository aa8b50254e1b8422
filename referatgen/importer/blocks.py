"""The intermediate form every reader produces: blocks of text with what layout told us.

A reader (text, PDF, Word) knows how its format marks headings, lists and tables; the
recognisers know what minutes look like. Blocks are the hand-over between the two, so
the recognisers are written once. Text is inline Markdown (`**bold**`, `*italic*`,
footnote calls as `[^n]`) so emphasis survives; `plain` is what recognisers compare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

TextBlockKind = Literal["text", "item", "table"]


@dataclass
class TextBlock:
    """A paragraph, a list item or a table, in reading order."""

    kind: TextBlockKind
    #: Inline Markdown of a paragraph or list item.
    text: str = ""
    #: The lines as laid out (a TOC entry per line, a field value that wraps).
    lines: list[str] = field(default_factory=list)
    #: Heading level the source states (`#` marks, Word heading styles, PDF tags); 0: none.
    level: int = 0
    #: The whole block is bold (a heading in most layouts).
    bold: bool = False
    italic: bool = False
    #: Font size in points; 0 when the source does not say.
    size: float = 0.0
    #: A heading guessed from plain text alone (a short line between paragraphs).
    guessed: bool = False
    #: List items: the marker as Markdown writes it ("-", "1.", "1)") or "a)" for letters.
    marker: str = ""
    depth: int = 0
    #: Tables: rows of inline Markdown cells; `header` says whether the first row is one.
    rows: list[list[str]] = field(default_factory=list)
    header: bool = True
    #: Per column: "" (left), "right" or "center".
    align: list[str] = field(default_factory=list)
    #: Footnote definitions that follow this block: (label, inline Markdown).
    notes: list[tuple[str, str]] = field(default_factory=list)
    #: Where the block stands in the source, for the report ("side 3", "linje 41").
    where: str = ""
    #: The block starts a new page (PDF): a heading there is likely an item's.
    page_start: bool = False
    #: A sub-heading inside a section, printed as a Markdown heading of this level (3-6).
    subheading: int = 0
    #: Where an item's text starts on the page (PDF), to tell its continuation lines.
    indent: float = 0.0

    @property
    def plain(self) -> str:
        return plain_text(self.text)

    @property
    def is_heading_like(self) -> bool:
        return self.kind == "text" and (self.level > 0 or self.bold or self.guessed)


@dataclass
class ReadSource:
    """What a reader hands the recognisers."""

    blocks: list[TextBlock]
    #: The source marks headings itself; in plain text they are guessed.
    marked: bool
    #: Heading levels of the blocks can be trusted (Word styles, a tagged PDF).
    levels: bool


@dataclass
class Report:
    """What the import found and did, printed on stderr after each file."""

    notes: list[str] = field(default_factory=list)
    #: Text that could not be placed where it belongs: kept in the nearest section.
    unplaced: list[str] = field(default_factory=list)
    #: Text left out on purpose (page furniture, repeated titles): named, never silent.
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def drop(self, what: str, text: str, where: str = "") -> None:
        place = f" ({where})" if where else ""
        self.dropped.append(f"{what}: {quote(text)}{place}")

    def unplace(self, text: str, where: str, target: str) -> None:
        self.unplaced.append(f"{quote(text)} ({where}) står nu i {target}")


_EMPHASIS = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")
_FOOTNOTE_CALL = re.compile(r"\[\^[^\]\s]+\]")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def remove_footnote_call(block: TextBlock, label: str) -> None:
    """Drop a "[^label]" call whose note was lost (extraction often keeps only the mark)."""
    call = f"[^{label}]"
    if block.kind == "table":
        block.rows = [[c.replace(call, "") for c in r] for r in block.rows]
    else:
        block.text = block.text.replace(call, "")


#: After "sags-" at a line end, these words keep their space ("sags- og dokument...").
SPACED_JOIN = frozenset({"og", "eller", "samt", "til", "&"})
_HYPHENS = ("-", "\u2010", "\u00ad")


def hyphen_join(text: str, more: str) -> str | None:
    """A word broken at a line end joined as a reader reads it; None when it is no such
    break ("sags-" + "og" keeps its space). The hyphen that typesetting adds (U+2010 or
    the soft hyphen, "kommu‐" + "nen") goes between small letters; a hyphen the writer
    typed ("Høje-" + "Taastrup", "ikke-" + "kerneopgaver") stays."""
    if not text.endswith(_HYPHENS) or len(text) < 2 or text.endswith(" -"):
        return None
    before, first = text[-2], more[:1]
    word = more.split(" ", 1)[0].lower().strip(".,;:")
    if not first.isalpha() or word in SPACED_JOIN:
        return None
    if text.endswith("-"):
        return text + more
    if before.isalpha() and before.islower() and first.islower():
        return text[:-1] + more
    return text[:-1] + "-" + more


def join_lines(lines: list[str]) -> str:
    """Lines of one paragraph as one text: hyphenated words whole, a space elsewhere."""
    text = ""
    for line in (part.strip() for part in lines):
        if not text:
            text = line
            continue
        text = hyphen_join(text, line) or f"{text} {line}"
    return text


def plain_text(text: str) -> str:
    """Inline Markdown without emphasis, footnote calls and escapes, whitespace collapsed."""
    text = _FOOTNOTE_CALL.sub("", text)
    text = _EMPHASIS.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    return " ".join(text.split())


def quote(text: str, limit: int = 70) -> str:
    text = " ".join(plain_text(text).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"'{text}'"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
_LINE_START = re.compile(r"^(\s*)([#>+]|[-*](?=\s)|\d{1,9}(?=[.)](?:\s|$))|=+\s*$)")


def escape_inline(text: str) -> str:
    """Plain text from a PDF or Word file as Markdown that prints the same characters."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def escape_line_start(text: str) -> str:
    """Keep a paragraph that starts like a list item or heading a paragraph."""
    match = _LINE_START.match(text)
    if not match:
        return text
    head = match.group(2)
    if head[0].isdigit():
        end = match.end()
        return text[:end] + "\\" + text[end:]
    return text[: match.start(2)] + "\\" + text[match.start(2):]


def emphasis(text: str, bold: bool, italic: bool) -> str:
    """Wrap a run in emphasis marks, keeping its outer spaces outside the marks."""
    if not (bold or italic) or not text.strip():
        return text
    stripped = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    mark = "***" if bold and italic else "**" if bold else "*"
    return f"{lead}{mark}{stripped}{mark}{trail}"


def join_runs(runs: list[tuple[str, bool, bool]]) -> str:
    """Inline Markdown of runs (text, bold, italic); adjacent runs alike are merged first."""
    merged: list[tuple[str, bool, bool]] = []
    for text, bold, italic in runs:
        if not text:
            continue
        # A space between two bold words stays inside the bold run.
        if merged and (not text.strip() or merged[-1][1:] == (bold, italic)):
            previous, was_bold, was_italic = merged[-1]
            merged[-1] = (previous + text, was_bold, was_italic)
        else:
            merged.append((text, bold, italic))
    return "".join(emphasis(text, bold, italic) for text, bold, italic in merged)
