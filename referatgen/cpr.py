"""CPR numbers in text as it will be printed, so none is published.

A CPR number is six digits that are a valid date (DDMMYY), an optional separator a reader
would read as one (a space, a line break, any dash or hyphen, or nothing), and four
digits. It is looked for in the text *as printed*: Markdown rendered (`0101**90-12**34`,
`010190\\-1234`, `010190&#45;1234` all print as 010190-1234) and invisible characters
(zero-width space, soft hyphen, ...) removed.

What is not a CPR number, and passes:
- a CPR-shaped run inside a longer number: a digit, or a dash-, dot- or comma-joined
  number, right before or after it (journal number `2023-150385-4471`, EAN codes);
- phone numbers, case numbers (`22-010739`, `20-082075K`, `EMN-2025-003383`), dates,
  amounts: none of them has six date digits and four digits in a row;
- ten digits without a separator when one of the three words before them is `konto`,
  `kontonr.`, `reg.nr.`, `EAN` or `tlf.` (account and phone numbers are written so).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.token import Token

#: Every character a reader takes for a dash: Unicode's dash punctuation (hyphen-minus,
#: hyphen, non-breaking hyphen, figure, en, em and horizontal bar dashes, the two-
#: and three-em dashes, small and full-width forms, ...), the minus signs and the
#: hyphen bullet.
DASHES = ("-\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40"
          "\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d"
          "\u2212\u02d7\u2043\u207b\u208b\u2796")
#: Characters that print as nothing or only change the character before them: soft
#: hyphen, zero-width and joiner characters, direction marks and isolates, invisible
#: operators, variation selectors, tag characters, and combining marks (an accent on a
#: digit still reads as the digit). Removed before looking.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\U000e0000-\U000e0fff]")

_CPR = re.compile(
    rf"(?<!\d)(?<!\d[{DASHES}.,])"
    rf"(?P<day>\d{{2}})(?P<month>\d{{2}})(?P<year>\d{{2}})"
    # Any run of white space a reader skips (HTML and PDF collapse it to one space).
    rf"(?P<sep>\s{{0,8}}(?:[{DASHES}]\s{{0,8}})?)"
    rf"(?P<serial>\d{{4}})"
    rf"(?!\d)(?![{DASHES}.,]\d)"
)
#: Words that make ten plain digits an account, EAN or phone number.
_NOT_CPR_WORDS = frozenset({"konto", "kontonr.", "reg.nr.", "ean", "tlf."})


@dataclass(frozen=True)
class Found:
    """A CPR number as printed, and the line of the text looked at it stands on (0-based)."""

    shown: str
    line: int


def _valid_date(day: int, month: int, year: int) -> bool:
    for century in (1900, 2000):
        try:
            dt.date(century + year, month, day)
            return True
        except ValueError:
            continue
    return False


def _words_before(text: str, start: int) -> list[str]:
    # The words before it on its own line: what a reader takes for the number's label.
    line = text[text.rfind("\n", 0, start) + 1:start]
    return [w.strip(":;,()").lower() for w in line.split()[-3:]]


def visible(text: str) -> str:
    """The text as a reader reads its characters: compatibility forms folded (superscript
    and full-width digits are digits), invisible and combining characters removed."""
    import unicodedata

    return unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))


def find(text: str) -> list[Found]:
    """Every CPR number in `text` as it prints (invisible characters are ignored)."""
    seen = visible(text)
    found: list[Found] = []
    for match in _CPR.finditer(seen):
        if not _valid_date(int(match["day"]), int(match["month"]), int(match["year"])):
            continue
        if not match["sep"] and _NOT_CPR_WORDS & set(_words_before(seen, match.start())):
            continue
        found.append(Found(" ".join(match[0].split()), seen.count("\n", 0, match.start())))
    return found


@dataclass(frozen=True)
class Printed:
    """A piece of a Markdown text as printed, and the 0-based source line it starts on."""

    text: str
    line_index: int


#: Stands where an image is in the running text: an image's alt text does not print
#: visibly beside the text around it, so digits on either side are not joined through it.
_IMAGE = "\ufffc"


def _inline_text(children: list[Token]) -> tuple[str, list[str]]:
    """An inline token's printed text, and what else it publishes: link and image
    targets (as written and decoded, as file names print), link titles, alt texts."""
    from urllib.parse import unquote

    out: list[str] = []
    extra: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type == "image":
            alt, inner = _inline_text(child.children or [])
            out.append(_IMAGE)
            src = str(child.attrs.get("src", ""))
            extra += [alt, src, unquote(src), str(child.attrs.get("title", "")), *inner]
        elif child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            extra += [href, unquote(href), str(child.attrs.get("title", ""))]
    return "".join(out), extra


def printed(markdown: str) -> list[Printed]:
    """The text as the renderers print it, piece by piece with source lines: paragraphs,
    headings, table cells, footnotes, code (and a fence's info string, which the HTML
    prints as a class), image alt texts, link and image targets and titles."""
    from .commonmark import parse

    pieces: list[Printed] = []
    line_index = 0
    for token in parse(markdown):
        if token.map:
            line_index = token.map[0]
        if token.type == "inline":
            text, extra = _inline_text(token.children or [])
            pieces.append(Printed(text, line_index))
            pieces += [Printed(value, line_index) for value in dict.fromkeys(extra) if value]
        elif token.type in ("fence", "code_block"):
            pieces.append(Printed(token.content, line_index + (token.type == "fence")))
            if token.info:
                pieces.append(Printed(token.info, line_index))
    return pieces


#: What makes Markdown print something other than what is written: emphasis, code,
#: escapes, links and images ([), autolinks and HTML (<), strikethrough, tables, and
#: entities. A text without any of them prints as written, apart from white space and
#: list markers. (Parentheses and a lone "&" print as written.)
_MARKUP = re.compile(r"[*_`\\\[\]<~|]|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_SPACE_AROUND_BREAK = re.compile(r"[ \t]*\n[ \t]*")


#: Link and image destinations and reference labels, which print nowhere in the text.
_DESTINATION = re.compile(r"\]\([^)]*\)|\]\[[^\]]*\]")
#: An inline image as written: it prints as an image, apart from the text around it.
_IMAGE_SYNTAX = re.compile(r"!\[[^\]]*\]\([^)]*\)")
#: Markup characters that can stand between two printed digits.
_BETWEEN_DIGITS = str.maketrans(dict.fromkeys("*_`~\\[]!<>", None))


def _could_hold_cpr(markdown: str) -> bool:
    """Could the printed text hold a CPR number? Never no when it does: every way Markdown
    joins printed characters (emphasis, code, escapes, entities, link and image texts,
    autolinks, line breaks) is undone here by deleting or decoding, in two readings: with
    the link targets (they are published too) and without them (their text joins what
    follows). A yes is only a reason to parse the text and look properly."""
    import html
    from urllib.parse import unquote

    text = visible(_SPACE_AROUND_BREAK.sub("\n", html.unescape(markdown)))
    readings = (text.translate(_BETWEEN_DIGITS), unquote(text).translate(_BETWEEN_DIGITS),
                _DESTINATION.sub("]", text).translate(_BETWEEN_DIGITS),
                _IMAGE_SYNTAX.sub(_IMAGE, text).translate(_BETWEEN_DIGITS))
    return any(_valid_date(int(m["day"]), int(m["month"]), int(m["year"]))
               for reading in readings for m in _CPR.finditer(reading))


def find_in_markdown(markdown: str) -> list[tuple[Found, int]]:
    """Every CPR number of a Markdown text as printed, with its 0-based source line.

    A text without markup prints as written and is looked at as it stands; a text with
    markup is parsed only when it could hold a CPR number at all. `check` runs on every
    commit, and importing the Markdown parser is most of its time."""
    if _MARKUP.search(markdown) is None:
        return [(found, found.line) for found in find(_SPACE_AROUND_BREAK.sub("\n", markdown))]
    if not _could_hold_cpr(markdown):
        return []
    return [(found, piece.line_index + found.line)
            for piece in printed(markdown) for found in find(piece.text)]
