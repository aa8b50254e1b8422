"""Tables that always fit the PDF's page: which class each too-wide table gets.

WeasyPrint lays a table out at least as wide as its longest words; wider than the text
block, it runs off the paper and its last columns are lost. After a layout, each table
wider than the text block gets the next step that should fit it: smaller type (9, 8,
then 7 pt, below the style's own size), then a landscape page of its own at the largest
of its own size, 8 and 7 pt that fits there, and as a last resort words broken
anywhere. The step is estimated from the table's measured width (its words scale with
the type, padding and borders do not) and checked by the next layout. A document
without a too-wide table is laid out once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..plan import Document

#: The classes of the steps, in the order tried (styles/standard/style.css draws them),
#: each with its type size and whether it turns the page.
#: None is the style's own size (9 pt in standard, 10 in htk, whose originals set tables
#: in the text's size).
STEPS: tuple[tuple[str, float | None, bool], ...] = (
    ("", None, False),
    ("tabel-9pt", 9, False),  # skipped by the estimate where the style's size is 9
    ("tabel-8pt", 8, False),
    ("tabel-7pt", 7, False),
    ("tabel-tvaers", None, True),
    ("tabel-tvaers tabel-8pt", 8, True),
    ("tabel-tvaers tabel-7pt", 7, True),
    ("tabel-tvaers tabel-7pt tabel-bryd", 7, True),
)
#: The usual size of a table's type, in pt, where the style's own is not measured.
_USUAL_SIZE = 9.0
#: Room left for the estimate's error, in CSS px: a step that fits only by less is skipped.
_SLACK = 2.0


@dataclass(frozen=True)
class _Measured:
    """One laid-out table: its width, its words' share of it, and the room on its page."""

    width: float
    words: float
    #: The table's type size now, in pt.
    size: float
    portrait: float
    landscape: float
    #: The 1-based page it stands on (its first, for a table over several).
    page: int = 0


def classes(steps: dict[int, int]) -> dict[int, str]:
    """The HTML classes of the tables that do not take the first step."""
    return {table: STEPS[step][0] for table, step in steps.items() if step}


def next_steps(pages: list[Any], steps: dict[int, int]) -> dict[int, int]:
    """Each table's step for the next layout: unchanged where it fits (equal to `steps`
    when all fit), else the first later step estimated to fit."""
    wanted = dict(steps)
    for table, measured in _too_wide(pages).items():
        current = steps.get(table, 0)
        later = range(current + 1, len(STEPS))
        wanted[table] = next((s for s in later if _fits(measured, current, s)), len(STEPS) - 1)
    return {table: step for table, step in wanted.items() if step}


def too_wide_pages(pages: list[Any]) -> list[int]:
    """The pages (1-based) where a table is still wider than its page: after the last
    step, a table with more columns than a landscape page holds even at one letter each."""
    return sorted({measured.page for measured in _too_wide(pages).values()})


def _fits(measured: _Measured, current: int, step: int) -> bool:
    _, size, landscape = STEPS[step]
    # The style's own size is the measured one while the table has it; from a smaller
    # step back to it the estimate takes standard's 9 pt (the next layout checks it).
    own = measured.size if STEPS[current][1] is None else _USUAL_SIZE
    scale = (own if size is None else size) / measured.size
    width = measured.width - measured.words + measured.words * scale
    room = measured.landscape if landscape else measured.portrait
    return width + _SLACK <= room


def _too_wide(pages: list[Any]) -> dict[int, _Measured]:
    """The Markdown tables (by order in the document) wider than the text block."""
    order: dict[int, int] = {}
    found: dict[int, _Measured] = {}
    for number, page in enumerate(pages, 1):
        box = page._page_box
        for table in _tables(box):
            index = order.setdefault(id(table.element), len(order))
            offset = table.position_x - box.content_box_x()
            width = table.margin_width()
            if offset + width > box.width + 0.5:
                words = sum(table.column_widths)
                margins = box.margin_width() - box.width
                short, long = sorted((box.margin_width(), box.margin_height()))
                size = float(table.style["font_size"]) * 0.75  # CSS px -> pt
                found.setdefault(index, _Measured(width, words, size, short - margins - offset,
                                                  long - margins - offset, number))
    return found


def _tables(box: Any) -> Iterator[Any]:
    if type(box).__name__ == "TableBox":
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from _tables(child)


#: How far over the text block the measured estimate must put a table before it is set
#: smaller ahead of the layout: an estimate that is slightly off costs a layout, not a
#: smaller type than the table needs.
_PREDICT_MARGIN = 1.03


def predicted(document: Document, html: str) -> dict[int, int]:
    """The first smaller type for the tables the fonts' own widths already show too wide,
    before any layout: the widest word of each column, measured as the Word renderer
    measures it (`_docx_tables`), at the table size the style gives Word (the same as
    its CSS). The layout checks every prediction and takes the next steps from there."""
    if "<table" not in html:
        return {}
    from lxml import html as lxml_html

    from ._docx_styles import word_style
    from ._docx_tables import TableFonts, extent
    from ._fonts import face

    ws = word_style(document.style)
    family = next((f for f in document.style.fonts if document.style.font == f.name), None)
    if family is None:
        return {}
    upright = {face(path)[0]: path for path in family.files if not face(path)[1]}
    fonts = TableFonts(upright.get(400), upright.get(700))
    steps: dict[int, int] = {}
    for index, table in enumerate(lxml_html.fromstring(html).iter("table")):
        cells = [[(cell.text_content(), cell.tag == "th") for cell in row.iter("th", "td")]
                 for row in table.iter("tr")]
        if sum(extent(cells, fonts, ws.table_size)) <= ws.text_width * _PREDICT_MARGIN:
            continue
        # One step down only: the estimate knows less than the layout of where a line
        # may break (after a hyphen, say), so it never decides more than that step.
        steps[index] = next(i for i, (_, size, landscape) in enumerate(STEPS)
                            if size is not None and not landscape and size < ws.table_size)
    return steps
