"""Web pages of published minutes (FirstAgenda's and others' public pages) into blocks.

Read with lxml.html, a real HTML parser, never with patterns. What a page holds besides
the meeting (scripts, styles, menus, navigation, the site's header and footer, cookie
notices) is left out; the meeting is the page's `main` or `article` when it has one.
Headings (`h1`-`h6`) give levels, `<b>`/`<strong>` and `<i>`/`<em>` emphasis, `<br>` line
breaks, lists and tables their own blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import ReferatgenError
from .blocks import ReadSource, Report, TextBlock, escape_inline, join_runs, plain_text

_SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "nav", "aside", "form", "button", "iframe",
    "svg", "select", "input", "textarea", "head", "title", "meta", "link", "object", "embed",
})
#: The site's own header and footer: skipped outside the meeting's article.
_SITE_TAGS = frozenset({"header", "footer"})
_SKIP_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar"})
_SKIP_CLASS = re.compile(r"(?:^|[\s_-])(?:menu|nav|navbar|breadcrumbs?|cookie\w*|skip|sidebar"
                         r"|share|social)(?:$|[\s_-])", re.I)
_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "ul", "ol", "li", "table", "h1", "h2", "h3",
    "h4", "h5", "h6", "dl", "dt", "dd", "blockquote", "pre", "header", "footer", "figure",
    "figcaption", "address", "hr", "tr", "td", "th", "thead", "tbody", "body",
})
_HEADING = re.compile(r"^h([1-6])$")

Run = tuple[str, bool, bool]


def read_html(data: bytes, report: Report) -> ReadSource:
    """Blocks of a web page; `report` names what was left out."""
    import lxml.etree
    import lxml.html

    try:
        document = lxml.html.document_fromstring(data)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ReferatgenError(f"siden kan ikke læses som HTML ({exc}).") from exc
    mains = document.xpath("//main") or document.xpath("//article") or [document]
    root = max(mains, key=lambda el: len(el.text_content()))
    reader = _Reader(report, inside=root is not document)
    reader.walk(root, depth=0)
    reader.flush()
    if reader.skipped:
        report.dropped.append("sidens menuer, scripts og navigation: "
                              f"{reader.skipped} elementer")
    return ReadSource(reader.blocks, marked=True, levels=reader.headings)


@dataclass
class _Reader:
    report: Report
    #: Reading inside the page's main part: its own header is the meeting's.
    inside: bool
    blocks: list[TextBlock] = field(default_factory=list)
    runs: list[list[Run]] = field(default_factory=lambda: [[]])
    where: str = ""
    skipped: int = 0
    headings: bool = False

    def _skip(self, element: Any) -> bool:
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag:
            return True  # comments and processing instructions
        if tag in _SKIP_TAGS or (tag in _SITE_TAGS and not self.inside):
            return True
        role = str(element.get("role", "")).lower()
        names = f"{element.get('class', '')} {element.get('id', '')}"
        return role in _SKIP_ROLES or bool(_SKIP_CLASS.search(names)) \
            or element.get("hidden") is not None or element.get("aria-hidden") == "true"

    def walk(self, element: Any, depth: int) -> None:
        for child in element:
            if self._skip(child):
                if isinstance(child.tag, str):
                    self.skipped += 1
                self._tail(child)
                continue
            tag = child.tag.lower()
            if tag in ("ul", "ol"):
                self.flush()
                self._list(child, depth, ordered=tag == "ol")
            elif tag == "table":
                self.flush()
                self._table(child)
            elif tag in _BLOCK_TAGS or _HEADING.match(tag) or _holds_blocks(child):
                self.flush()
                self.where = f"linje {child.sourceline}"
                self._block(child, depth)
                self.flush(level=_level(tag))
            elif tag == "br":
                self.runs.append([])
            else:
                self._inline(child, bold=False, italic=False)
            self._tail(child)

    def _block(self, element: Any, depth: int) -> None:
        if element.text:
            self._text(element.text, False, False)
        self.walk(element, depth)

    def _tail(self, element: Any) -> None:
        if element.tail:
            self._text(element.tail, False, False)

    def _text(self, text: str, bold: bool, italic: bool) -> None:
        self.runs[-1].append((escape_inline(re.sub(r"\s+", " ", text)), bold, italic))

    def _inline(self, element: Any, bold: bool, italic: bool) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        bold = bold or tag in ("b", "strong")
        italic = italic or tag in ("i", "em")
        if tag == "br":
            self.runs.append([])
        elif element.text:
            self._text(element.text, bold, italic)
        for child in element:
            if self._skip(child):
                self.skipped += isinstance(child.tag, str)
            else:
                self._inline(child, bold, italic)
            if child.tail:
                self._text(child.tail, bold, italic)

    def flush(self, level: int = 0) -> None:
        lines = [line for line in (_line(runs) for runs in self.runs) if plain_text(line)]
        self.runs = [[]]
        if not lines:
            return
        bold = all(_whole_bold(line) for line in lines)
        if bold:
            lines = [line.strip()[2:-2] for line in lines]
        self.headings = self.headings or level > 0
        self.blocks.append(TextBlock("text", text=" ".join(lines), lines=lines, level=level,
                                     bold=bold or level > 0, where=self.where))

    def _list(self, element: Any, depth: int, ordered: bool) -> None:
        number = int(element.get("start", "1") or 1) if ordered else 0
        for entry in element:
            if not isinstance(entry.tag, str) or entry.tag.lower() != "li" or self._skip(entry):
                continue
            self.where = f"linje {entry.sourceline}"
            nested = [c for c in entry if isinstance(c.tag, str) and c.tag.lower() in ("ul", "ol")]
            for child in nested:
                entry.remove(child)
            self._block(entry, depth)
            text = " ".join(line for line in (_line(r) for r in self.runs) if line.strip())
            self.runs = [[]]
            marker = f"{number}." if ordered else "-"
            number += 1
            if plain_text(text):
                self.blocks.append(TextBlock("item", text=text, lines=[text], marker=marker,
                                             depth=depth, where=self.where))
            for child in nested:
                self._list(child, depth + 1, ordered=child.tag.lower() == "ol")

    def _table(self, element: Any) -> None:
        rows: list[list[str]] = []
        for row in _rows(element):
            cells = []
            for cell in row:
                self._block(cell, 0)
                cells.append(" ".join(_line(r) for r in self.runs).strip())
                self.runs = [[]]
            rows.append(cells)
        rows = [r for r in rows if any(plain_text(c) for c in r)]
        if not rows:
            return
        width = max(len(r) for r in rows)
        if width == 1:
            for (cell,) in rows:
                self.blocks.append(TextBlock("text", text=cell, lines=[cell],
                                             where=f"linje {element.sourceline}"))
            return
        rows = [r + [""] * (width - len(r)) for r in rows]
        header = bool(element.xpath(".//th"))
        self.blocks.append(TextBlock("table", rows=rows, header=header, align=[""] * width,
                                     where=f"linje {element.sourceline}"))


def _holds_blocks(element: Any) -> bool:
    """An inline element around paragraphs (a `<span>` holding a `<div>`) is a block."""
    return any(isinstance(d.tag, str) and d.tag.lower() in _BLOCK_TAGS
               for d in element.iterdescendants())


def _rows(table: Any) -> Iterator[list[Any]]:
    for row in table.iter("tr"):
        yield [c for c in row if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]


def _level(tag: str) -> int:
    match = _HEADING.match(tag)
    return int(match.group(1)) if match else 0


def _line(runs: list[Run]) -> str:
    return " ".join(join_runs(runs).split())


def _whole_bold(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("**") and stripped.endswith("**") and stripped.count("**") == 2
