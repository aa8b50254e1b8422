"""Text extracted from published minutes (`.txt`, `.md`) into blocks.

Such text is Markdown only by accident: heading marks and bold on some lines and not on
others, stray `<b>` and `<sup>`, tab-separated tables, `§` bullets, paragraphs broken
where a PDF line ended. The reader repairs what is unambiguous and leaves the rest to
the shared recognisers.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .blocks import (
    ReadSource,
    Report,
    TextBlock,
    join_lines,
    plain_text,
    remove_footnote_call,
)
from .recognise import (
    BULLET_GLYPHS,
    FRONT_LABEL,
    KNOWN_AFSNIT,
    OPEN_CLOSED_MARK,
    OTHER_LABEL,
    PAGE_STAMP,
    RECORD_LINE,
    SAGSNR_LINE,
    SUB_ITEM,
    TOC_CUT,
    TOC_HEADING,
    TOC_LINE,
    TOC_PART,
    heading_key,
    inline_label,
    is_item_heading_text,
    norm,
    toc_plain,
)

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>(?:(?!\1).)+)\1\s*$")
_TAG = re.compile(r"<(/?)([a-zA-Z]+)[^>]*>")
_SUP = re.compile(r"<sup>\s*\[?\s*(\d{1,3})\s*\]?\s*</sup>", re.I)
_LIST = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>[-*+•◦▪‣·–§\uf0b7\uf0a7\uf076\uf0d8]|\d{1,3}[.)]|[a-zA-Z][)])"
    r"[ \t]+(?P<text>\S.*)$"
)
_INNER_MARKER = re.compile(
    r"^(?P<marker>[•◦▪‣·§\uf0b7\uf0a7]|\d{1,3}[.)]|[a-zA-Z][)])[ \t]+(?P<text>\S.*)$")
_MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
    "oktober", "november", "december",
)
_NOTE_DEF = re.compile(r"^\[(?P<label>\d{1,3})\]\s+(?P<text>\S.*)$")
_STAR_NOTE = re.compile(r"^(?P<mark>\*{1,3}\))\s+(?P<text>\S.*)$")
_TERMINAL = re.compile(r"[.!?:;)\]”\"»]$")
_COLUMN_GAP = re.compile(r"\S(?: {3,})\S")


def read_text(text: str, report: Report) -> ReadSource:
    """Blocks of an extracted text. `report` learns what was left out and why."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    for char, repl in (("\u00a0", " "), ("\u00ad", ""), ("\u200b", ""), ("\u2007", " ")):
        text = text.replace(char, repl)
    lines = [_inline_html(line, report, number)
             for number, line in enumerate(text.split("\n"), start=1)]
    _toc_lines(lines)
    keep = _furniture(lines, report)
    reader = _Reader(report)
    for number, (line, kept) in enumerate(zip(lines, keep, strict=True), start=1):
        reader.feed(line if kept else "", number)
    reader.flush()
    blocks = _rejoin(reader.blocks)
    blocks = _footnotes(blocks, report)
    # Levels in extracted text are whatever the extraction made of them: not trusted.
    return ReadSource(blocks, marked=reader.marked, levels=False)


def _inline_html(line: str, report: Report, number: int) -> str:
    """Stray HTML of the extraction as Markdown: <b> bold, <i> italic, <sup>[1]</sup> a call."""
    line = _SUP.sub(lambda m: f"[^{m.group(1)}]", line)

    def tag(match: re.Match[str]) -> str:
        name = match.group(2).lower()
        if name in ("b", "strong"):
            return "**"
        if name in ("i", "em"):
            return "*"
        if name == "br":
            return " "
        if name in ("span", "u", "font", "sup", "sub", "p", "div"):
            return ""
        report.drop("HTML-kode fjernet", match.group(0), f"linje {number}")
        return ""

    if "<" in line:
        line = _TAG.sub(tag, line)
        line = line.replace("** **", " ").replace("****", "")
    # A form feed ending the last page marks its break like any other.
    return line.rstrip(" \t\r\v")


def _toc_lines(lines: list[str]) -> None:
    """The table of contents as lines of title, leader and page: extraction puts a page
    number printed flush right on a line of its own, and a line the PDF cut short has
    no leader. The TOC runs from its heading to the page's end (or 80 lines)."""
    start = next((i for i, line in enumerate(lines[:200])
                  if TOC_HEADING.match(plain_text(line.replace("\f", "")))), None)
    if start is None:
        return
    index, loose = start + 1, 0
    while index < min(len(lines), start + 80) and "\f" not in lines[index] and loose < 2:
        plain = plain_text(lines[index])
        if plain and not TOC_LINE.match(toc_plain(lines[index])) and not TOC_PART.match(plain):
            if re.fullmatch(r"\d{1,4}", plain):
                break  # a number alone that no title awaits: an item's number, past the TOC
            loose += 1
            after = index + 1
            while after < len(lines) and not lines[after].strip() and "\f" not in lines[after]:
                after += 1
            cut = TOC_CUT.match(plain)
            if after < len(lines) and re.fullmatch(r"\s*\d{1,3}\s*", lines[after]):
                lines[index] = f"{plain} ..... {lines[after].strip()}"
                lines[after] = ""
                loose = 0
            elif cut:
                lines[index] = f"{cut.group('title')} ..... {cut.group('page')}"
                loose = 0
        elif plain:
            loose = 0
        index += 1


def _page_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(plain_text(line).split())).lower()


def _furniture(lines: list[str], report: Report) -> list[bool]:
    """Which lines to keep: page stamps and running headers go, and are named."""
    keep = [True] * len(lines)
    breaks = _Breaks.find(lines)
    if breaks.count:
        # With page breaks, furniture is what stands next to them on many pages: a line
        # that repeats elsewhere is text ("Dato: 06.12.2023" in a case's history).
        counts = Counter(_page_key(lines[i]) for i in breaks.near | breaks.before)
    else:
        counts = Counter(_page_key(line) for line in lines if line.strip())
    stamps: Counter[str] = Counter()
    for index, line in enumerate(lines):
        stripped = plain_text(line.replace("\f", ""))
        if not stripped:
            if "\f" in line:
                lines[index] = ""
            continue
        name = _furniture_name(stripped, counts[_page_key(line)], breaks, index)
        if name is not None and breaks.count and name != _PAGE_NUMBERS \
                and counts[_page_key(line)] < max(2, breaks.count / 2):
            name = None  # at a few page breaks only: text that happens to stand there
        if name is not None:
            keep[index] = False
            stamps[name] += 1
    _report_furniture(stamps, report)
    return keep


@dataclass
class _Breaks:
    """The lines next to the page breaks (form feeds): where headers and footers print."""

    near: set[int] = field(default_factory=set)
    before: set[int] = field(default_factory=set)
    #: How many page breaks the text has.
    count: int = 0

    @classmethod
    def find(cls, lines: list[str]) -> _Breaks:
        breaks = cls()
        for index, line in enumerate(lines):
            if "\f" not in line:
                continue
            breaks.count += 1
            # The lines around a form feed are where headers and footers print; the line
            # that holds it starts the next page.
            if line.replace("\f", "").strip():
                breaks.near.add(index)
            breaks._mark(lines, index, -1)
            breaks._mark(lines, index, 1)
        return breaks

    def _mark(self, lines: list[str], index: int, step: int) -> None:
        """The two non-blank lines from the break at `index` in direction `step`."""
        seen, probe = 0, index + step
        while 0 <= probe < len(lines) and seen < 2:
            if lines[probe].strip():
                self.near.add(probe)
                if step < 0:
                    self.before.add(probe)
                seen += 1
            probe += step

    def holds(self, index: int, bare: bool) -> bool:
        # A bare number is a page number at a page's foot, but an item's number at its top.
        return index in (self.before if bare else self.near)


def _furniture_name(stripped: str, count: int, breaks: _Breaks, index: int) -> str | None:
    """The name a page stamp or running header is reported under; None for a line to keep."""
    if PAGE_STAMP.match(stripped):
        return _PAGE_NUMBERS
    bare = re.fullmatch(r"\d{1,4}", stripped) is not None
    repeated = count >= 2 and breaks.holds(index, bare)
    # Without page breaks, a line like a running header that repeats is one; a field
    # ("Dato: 06.12.2023") is not.
    header_like = (not breaks.count and count >= 3 and len(stripped) <= 80
                   and _looks_like_header(stripped) and not OTHER_LABEL.match(stripped)
                   and not FRONT_LABEL.match(stripped))
    if (repeated or header_like) and not _is_structure(stripped):
        return stripped
    return None


_PAGE_NUMBERS = "sidetal"


def _report_furniture(stamps: Counter[str], report: Report) -> None:
    for text, count in stamps.items():
        if text == _PAGE_NUMBERS:
            report.dropped.append(f"sidetal ('Side N af M' o.l.): {count} linjer")
        else:
            report.dropped.append(f"sidehoved/sidefod '{text}': {count} gange")


def _looks_like_header(text: str) -> bool:
    return bool(re.search(r"\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\breferat\b|\bdagsorden\b|\bside\b",
                          text, re.I)) and not _TERMINAL.search(text)


def _is_structure(text: str) -> bool:
    return (heading_key(text) is not None or is_item_heading_text(text)
            or SAGSNR_LINE.match(text) is not None)


@dataclass(frozen=True)
class _Line:
    """A non-blank line and the readings of it the reader's steps ask for."""

    text: str
    number: int
    stripped: str
    plain: str
    listed: tuple[int, str, str] | None

    @classmethod
    def read(cls, text: str, number: int) -> _Line:
        stripped = text.strip()
        return cls(text, number, stripped, plain_text(stripped), _list_item(text))


class _Reader:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.blocks: list[TextBlock] = []
        self.para: list[str] = []
        self.para_start = 0
        self.table: list[list[str]] = []
        self.table_start = 0
        self.table_gap = False
        self.item: TextBlock | None = None
        self.indents: list[int] = []
        self.in_toc = False
        self.marked = False
        #: Record lines ("Dato: 06.12.2023") just read, one after the other.
        self.records = 0
        self.steps: tuple[Callable[[_Line], bool], ...] = (
            self._toc_heading, self._toc_entry, self._tab_bullet, self._tab_row,
            self._table_continues, self._heading_line, self._bold_line, self._list_line,
            self._column_row,
        )

    # -- flushing ------------------------------------------------------------------------

    def flush_para(self) -> None:
        if self.para:
            text = join_lines(self.para)
            self.blocks.append(TextBlock("text", text=text, lines=[p.strip() for p in self.para],
                                         where=f"linje {self.para_start}"))
        self.para = []

    def flush_item(self) -> None:
        if self.item is not None:
            self.item.text = join_lines(self.item.lines)
            self.blocks.append(self.item)
        self.item = None

    def flush_table(self) -> None:
        if not self.table:
            return
        rows = self.table
        width = max(len(r) for r in rows)
        caption: str | None = None
        if len(rows) > 1 and sum(1 for c in rows[0] if c.strip()) == 1 and rows[0][0].strip() \
                and width > 2:
            # A title written into the table's first row, with tabs trailing.
            caption = rows[0][0].strip()
            rows = rows[1:]
        if caption is not None:
            self.blocks.append(TextBlock("text", text=caption, lines=[caption],
                                         where=f"linje {self.table_start}"))
        if len(rows) == 1 and sum(1 for c in rows[0] if c.strip()) <= 1:
            only = " ".join(c.strip() for c in rows[0] if c.strip())
            if only:
                self.blocks.append(TextBlock("text", text=only, lines=[only],
                                             where=f"linje {self.table_start}"))
        else:
            self.blocks.append(table_block(rows, f"linje {self.table_start}"))
        self.table = []
        self.table_gap = False

    def flush(self) -> None:
        self.flush_para()
        self.flush_item()
        self.flush_table()

    # -- lines ---------------------------------------------------------------------------

    def feed(self, raw: str, number: int) -> None:
        line = raw.rstrip()
        if not line.strip():
            self._blank()
            return
        current = _Line.read(line, number)
        # The first step that takes the line has it; the order is the order of precedence.
        for step in self.steps:
            if step(current):
                return
        self._text(current)

    def _blank(self) -> None:
        self.flush_para()
        self.flush_item()
        if self.table:
            self.table_gap = True

    def _toc_heading(self, line: _Line) -> bool:
        level, text = self._heading(line.stripped)
        if not TOC_HEADING.match(plain_text(text)):
            return False
        self.flush()
        self.in_toc = True
        self.blocks.append(TextBlock("text", text=text, lines=[text], level=level,
                                     where=f"linje {line.number}"))
        return True

    def _toc_entry(self, line: _Line) -> bool:
        if not self.in_toc:
            return False
        entry = toc_plain(line.stripped)
        if TOC_PART.match(line.plain):
            # "Åbent referat" / "Lukket referat": the TOC goes on in two parts.
            self.flush()
            self.blocks.append(TextBlock("text", text=line.stripped, lines=[line.stripped],
                                         where=f"linje {line.number}"))
            return True
        if not (TOC_LINE.match(entry) or (self.para and not is_item_heading_text(line.plain))):
            self.in_toc = False
            return False
        # Each entry is its own block; a wrapped title joins its page number line.
        self.flush_item()
        line_text = line.stripped.replace("\t", " ..... ")
        if self.para and not TOC_LINE.match(toc_plain(self.para[-1])):
            self.para.append(line_text)
        else:
            self.flush_para()
            self.para = [line_text]
            self.para_start = line.number
        if TOC_LINE.match(entry):
            self.flush_para()
        return True

    def _tab_bullet(self, line: _Line) -> bool:
        # "\uf0b7<tab>text": Word's bullet and the tab after it, not a table row.
        if (line.listed is None or line.text.count("\t") != 1
                or not re.match(r"^\s*\S{1,4}\t", line.text)):
            return False
        self._list(line.listed, line.number)
        return True

    def _tab_row(self, line: _Line) -> bool:
        if "\t" not in line.text or TOC_LINE.match(line.plain):
            return False
        self.flush_para()
        self.flush_item()
        if not self.table:
            self.table_start = line.number
        self.table.append(line.text.split("\t"))
        self.table_gap = False
        return True

    def _table_continues(self, line: _Line) -> bool:
        if not self.table:
            return False
        if self.table_gap or not _continues_table(line.text, self.table):
            self.flush_table()
            return False
        self.table.append(_split_columns(line.text))
        return True

    def _heading_line(self, line: _Line) -> bool:
        heading = _HEADING.match(line.text)
        if not heading:
            return False
        self.marked = True
        self.flush()
        self._marked_heading(len(heading.group(1)), heading.group(2), line.number)
        return True

    def _bold_line(self, line: _Line) -> bool:
        bold = _BOLD_LINE.match(line.text)
        if not bold or self.para or self.item is not None:
            return False
        self.marked = True
        text = bold.group("text").strip()
        self.flush()
        self.blocks.append(TextBlock("text", text=text, lines=[text], bold=True,
                                     where=f"linje {line.number}"))
        return True

    def _list_line(self, line: _Line) -> bool:
        if line.listed is None:
            return False
        self._list(line.listed, line.number)
        return True

    def _column_row(self, line: _Line) -> bool:
        if not _is_columns(line.text) or FRONT_LABEL.match(line.plain):
            return False
        self.flush_para()
        self.flush_item()
        self.table_start = line.number
        self.table.append(_split_columns(line.text))
        return True

    def _text(self, line: _Line) -> None:
        if self.item is not None and _starts_structure(line.plain):
            self.flush_item()  # "1. Titel" then "Sagsnr.: ...": not a wrapped list entry
        if self.item is not None:
            self.item.lines.append(line.stripped)
            return
        record = RECORD_LINE.match(line.plain) is not None
        if self.para and (_starts_structure(line.plain)
                          or _starts_structure(plain_text(self.para[-1]))
                          or (record and self.records) or (not record and self.records >= 2)):
            # pdftotext runs a heading into its paragraph: a known heading stands alone;
            # records one a line ("Udvalg: ...", "Dato: ...") stay lines.
            self.flush_para()
        self.records = self.records + 1 if record else 0
        if not self.para:
            self.para_start = line.number
        self.para.append(line.stripped)

    def _list(self, listed: tuple[int, str, str], number: int) -> None:
        self.flush_para()
        self.flush_item()
        indent, marker, text = listed
        if not self.blocks or self.blocks[-1].kind != "item":
            self.indents = []
        # Nesting by indentation: deeper than the open item is a level down.
        while self.indents and indent < self.indents[-1]:
            self.indents.pop()
        if not self.indents or indent > self.indents[-1]:
            self.indents.append(indent)
        depth = len(self.indents) - 1
        self.item = TextBlock("item", lines=[text], marker=marker, depth=depth,
                              where=f"linje {number}")

    def _heading(self, text: str) -> tuple[int, str]:
        heading = _HEADING.match(text)
        level = len(heading.group(1)) if heading else 0
        body = heading.group(2) if heading else text
        bold = _BOLD_LINE.match(body)
        return level, (bold.group("text").strip() if bold else body.strip())

    def _marked_heading(self, level: int, body: str, number: int) -> None:
        bold = _BOLD_LINE.match(body)
        text = bold.group("text").strip() if bold else body.strip()
        plain = plain_text(text)
        listed = _list_item(text)
        if listed is not None and (listed[1] in ("-",) or _lower_after_marker(listed[2])):
            # "#### 1. drøfter og tager ..." is a list item that lost its way.
            _indent, marker, item_text = listed
            self.blocks.append(TextBlock("item", text=item_text, lines=[item_text], marker=marker,
                                         where=f"linje {number}"))
            return
        if plain.endswith(":") and not is_item_heading_text(plain):
            self.blocks.append(TextBlock("text", text=text, lines=[text], where=f"linje {number}"))
            return
        self.blocks.append(TextBlock("text", text=text, lines=[text], level=level, bold=bool(bold),
                                     where=f"linje {number}"))


def _starts_structure(plain: str) -> bool:
    return (heading_key(plain) is not None or norm(plain) in KNOWN_AFSNIT
            or is_item_heading_text(plain) or SAGSNR_LINE.match(plain) is not None
            or OPEN_CLOSED_MARK.match(plain) is not None
            or inline_label(plain) is not None or SUB_ITEM.match(plain) is not None)


def _lower_after_marker(text: str) -> bool:
    first = plain_text(text)[:1]
    return first.islower()


def _list_item(line: str) -> tuple[int, str, str] | None:
    match = _LIST.match(line)
    if not match:
        return None
    marker = match.group("marker")
    text = match.group("text").strip()
    indent = len(match.group("indent").expandtabs(4))
    if marker in ("*", "+") and text.endswith("*"):
        return None  # "* text*" is emphasis, not a bullet
    if marker == "§" and re.match(r"^\d", text):
        return None  # "§ 17, stk. 4" is a reference to the law, not a bullet
    if marker[0].isdigit():
        first_word = text.split()[0].lower().strip(".,")
        if first_word in _MONTHS:
            return None  # "17. september ..." starts a sentence with a date
        if marker.endswith(".") and int(marker[:-1]) > 50:
            return None
    if marker[0].isalpha():
        # Only a letter alone before ")" ("a)", "B)"); not a word like "kr)".
        pass
    inner = _INNER_MARKER.match(text)
    if marker in (*BULLET_GLYPHS, "-", "*", "+") and inner:
        # "- § Et medlem", "- 1) New Public ...": the extraction doubled the marker.
        marker, text = inner.group("marker"), inner.group("text").strip()
    if marker in (*BULLET_GLYPHS, "*", "+"):
        marker = "-"
    if marker[0].isalpha():
        marker = marker[0] + ")"
    return indent, marker, text


def _split_columns(line: str) -> list[str]:
    if "\t" in line:
        return line.split("\t")
    return [c for c in re.split(r" {3,}", line.strip())]


def _is_columns(line: str) -> bool:
    return len(_COLUMN_GAP.findall(line.strip())) >= 1 and len(line.strip()) > 0 \
        and len(re.split(r" {3,}", line.strip())) >= 2 and not line.startswith("    ")


def _continues_table(line: str, table: list[list[str]]) -> bool:
    return _is_columns(line) and len(_split_columns(line)) >= 2 and len(table[0]) >= 2


def table_block(rows: list[list[str]], where: str) -> TextBlock:
    """A table from rows of cells: merged continuation rows, a header, numeric columns."""
    width = max(len(r) for r in rows)
    cells = [[c.strip() for c in r] + [""] * (width - len(r)) for r in rows]
    # Drop columns empty in every row (trailing tabs).
    used = [i for i in range(width) if any(r[i] for r in cells)]
    cells = [[r[i] for i in used] for r in cells]
    merged: list[list[str]] = []
    for row in cells:
        if merged and _continues_row(merged[-1], row):
            previous = merged[-1]
            for index, cell in enumerate(row):
                if cell:
                    previous[index] = f"{previous[index]} {cell}".strip()
            continue
        merged.append(row)
    header = not _uniform_labels(merged)
    body = merged[1:] if header else merged
    align = [("right" if numeric_column([r[i] for r in body]) else "")
             for i in range(len(merged[0]) if merged else 0)]
    return TextBlock("table", rows=merged, header=header, align=align, where=where)


def _continues_row(previous: list[str], row: list[str]) -> bool:
    filled = [i for i, c in enumerate(row) if c]
    if not filled:
        return True
    return all(previous[i].count("(") > previous[i].count(")") for i in filled)


def _uniform_labels(rows: list[list[str]]) -> bool:
    """Rows of 'Label:' and value: no header row, every row is data."""
    return len(rows) >= 2 and all(r[0].endswith(":") for r in rows if r[0])


_NUMBER = re.compile(
    r"^[-−+]?\s?\(?[\d.,]+\)?\s*(?:%|kr\.?|mio\.?(?: kr\.?)?|mia\.?(?: kr\.?)?|pct\.?)?$")


def numeric_column(values: list[str]) -> bool:
    cells = [plain_text(v) for v in values if plain_text(v)]
    return bool(cells) and all(_NUMBER.match(c) for c in cells)


def _rejoin(blocks: list[TextBlock]) -> list[TextBlock]:
    """Join a paragraph the extraction broke at a line end ('... Det' + 'betyder, at ...')."""
    out: list[TextBlock] = []
    for block in blocks:
        previous = out[-1] if out else None
        if (previous is not None and block.kind == "text" and not block.level
                and not block.bold and previous.kind in ("text", "item")
                and not previous.level and not previous.bold
                and _first_letter_lower(block.plain) and not _TERMINAL.search(previous.plain)
                and not TOC_LINE.match(previous.plain)
                and not FRONT_LABEL.match(block.plain)):
            previous.text = join_lines([previous.text, block.text])
            previous.lines += block.lines
            continue
        out.append(block)
    return out


def _first_letter_lower(text: str) -> bool:
    return bool(text) and text[0].isalpha() and text[0].islower()


def _footnotes(blocks: list[TextBlock], report: Report) -> list[TextBlock]:
    """Footnote notes under their calls: '[^1]' with '[1] text', '*)' with '*) text'."""
    counter = itertools.count(1)
    defined: dict[str, str] = {}
    for block in blocks:
        note = _NOTE_DEF.match(block.plain) if block.kind == "text" else None
        if note:
            defined[note.group("label")] = _NOTE_DEF.sub(r"\g<text>", block.text.strip())
    out: list[TextBlock] = []
    for block in blocks:
        star = _STAR_NOTE.match(block.text.strip()) if block.kind == "text" else None
        if star and any(_attach_star(target, star.group("mark"), star.group("text"),
                                     f"t{next(counter)}") for target in reversed(out[-4:])):
            continue
        out.append(block)
    calls = {label for block in out for label in _calls(block)}
    result = [b for b in out if not (b.kind == "text" and (m := _NOTE_DEF.match(b.plain))
                                     and m.group("label") in calls)]
    used: set[str] = set()
    for block in result:
        own = {label for label, _ in block.notes}
        for label in _calls(block):
            if label in own:
                continue
            if label in defined and label not in used:
                block.notes.append((label, defined[label]))
                used.add(label)
            else:
                remove_footnote_call(block, label)
                report.drop("fodnotemærke uden fodnotetekst", f"[{label}]", block.where)
    return result


def _attach_star(block: TextBlock, mark: str, note: str, label: str) -> bool:
    """Put a '*)' note's call where the mark stands in a cell or paragraph before it."""
    call = f"[^{label}]"
    if block.kind == "table":
        for row in block.rows:
            for index, cell in enumerate(row):
                if cell.rstrip().endswith(mark):
                    row[index] = cell.rstrip()[: -len(mark)].rstrip() + call
                    block.notes.append((label, note))
                    return True
        return False
    if block.kind == "text" and (f" {mark}" in block.text or block.text.endswith(mark)):
        if f" {mark}" in block.text:
            block.text = block.text.replace(f" {mark}", call, 1)
        else:
            block.text = block.text[: -len(mark)] + call
        block.notes.append((label, note))
        return True
    return False


def _calls(block: TextBlock) -> list[str]:
    texts = [block.text] if block.kind != "table" else [c for r in block.rows for c in r]
    return [m.group(1) for t in texts for m in re.finditer(r"\[\^(\w+)\]", t)]


