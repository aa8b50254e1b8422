"""HTML of a planned document: the input of the PDF engine, and a file of its own.

One Jinja2 template serves both. `print` mode is what WeasyPrint lays out (footnotes as
page floats, images by relative URL through our fetcher); `screen` mode is the single
file that reads well on a phone (footnotes at the end of their section, images inline).
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import unquote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

from .._resources import resource_dir
from ..commonmark import parse, parser, split_footnotes
from ..diagnostics import Diagnostic
from ..plan import Document, PlannedBlock, Text
from ..vocabulary import INTERNAL_MARK
from .base import Rendered, image_position, inside, number_runs, stylesheet_paths, warning

Mode = Literal["print", "screen"]


class _Rules(RendererHTML):
    """markdown-it's HTML renderer with our rules; methods named after token types."""

    def __init__(self, owner: _MarkdownRenderer) -> None:
        super().__init__(parser())
        # The footnote plugin registered its rules on the parser's own renderer.
        plugin_rules = cast(RendererHTML, parser().renderer).rules
        for name, rule in plugin_rules.items():
            self.rules.setdefault(name, rule)
        self.owner = owner

    # Section bodies start below the section's own heading: `###` in a text is the first
    # level under it, whatever level the section heading has in this document.
    def _level(self, token: Token) -> int:
        written = int(token.tag[1])
        return min(6, self.owner.base_level + 1 + max(0, written - 3))

    def heading_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                     env: EnvType) -> str:
        return f"<h{self._level(tokens[idx])}>"

    def heading_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                      env: EnvType) -> str:
        return f"</h{self._level(tokens[idx])}>\n"

    def ordered_list_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                          env: EnvType) -> str:
        # "1)" lists keep their parenthesis in print, as the Word document keeps it.
        if tokens[idx].markup == ")":
            tokens[idx].attrSet("class", "paren")
        return self.renderToken(tokens, idx, options, env)

    def table_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                   env: EnvType) -> str:
        _scope_headers(tokens, idx)
        self.owner.tables += 1
        self.owner.in_table = True
        # A wrapper lets a wide table scroll on a phone instead of widening the page; in
        # print it carries how the table is made to fit the page (pdf.py decides).
        fit = self.owner.table_fit.get(self.owner.tables - 1, "")
        return f'<div class="{" ".join(("table", fit)).strip()}"><table>\n'

    def table_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
                    env: EnvType) -> str:
        self.owner.in_table = False
        return "</table></div>\n"

    def text(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
             env: EnvType) -> str:
        content = tokens[idx].content
        if not self.owner.in_table:
            return _escape(content)
        # A number in a cell stays on one line, however narrow its column.
        return "".join(f'<span class="tal">{_escape(piece)}</span>' if number else _escape(piece)
                       for piece, number in number_runs(content))

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict,
              env: EnvType) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env)
        return self.owner.image(token, str(token.attrs.get("src", "")), alt)


def _scope_headers(tokens: Sequence[Token], start: int) -> None:
    """Header cells say what they head (`scope`), for screen readers and the PDF's tags.

    An empty header cell announces nothing, so it becomes a data cell. A GFM table must
    have a header row; minutes written without one leave it empty: it is dropped. When
    the header row is empty or its first cell is (a corner above row labels), the first
    cell of each body row heads its row ("Formål:" | text)."""
    end = next(i for i in range(start, len(tokens)) if tokens[i].type == "table_close")
    table = tokens[start:end]
    head_end = next((i for i, t in enumerate(table) if t.type == "thead_close"), 0)
    cells = [(table[i], table[i + 1]) for i in range(head_end) if table[i].type == "th_open"]
    empty = [not (inline.type == "inline" and inline.content.strip()) for _, inline in cells]
    for (cell, _), blank in zip(cells, empty, strict=True):
        if not blank:
            cell.attrSet("scope", "col")
    if all(empty):
        for token in table[:head_end + 1]:
            if token.type != "table_open":
                token.hidden = True
    else:
        blank = False
        for token in table[:head_end]:
            if token.type == "th_open":
                blank = token.attrGet("scope") is None
            if token.type in ("th_open", "th_close") and blank:
                token.tag = "td"
    if empty and empty[0]:
        _row_headers(table[head_end:])


def _row_headers(body: Sequence[Token]) -> None:
    first_in_row = False
    for token in body:
        if token.type == "tr_open":
            first_in_row = True
        elif token.type == "td_open" and first_in_row:
            token.tag = "th"
            token.attrSet("scope", "row")
        elif token.type == "td_close" and first_in_row:
            token.tag = "th"
            first_in_row = False


class _MarkdownRenderer:
    """Renders the Markdown texts of one document in one mode; collects the warnings."""

    def __init__(self, document: Document, mode: Mode,
                 table_fit: Mapping[int, str] | None = None) -> None:
        self.document = document
        self.mode = mode
        #: Classes of the tables that must shrink or turn to fit, by their order.
        self.table_fit = table_fit or {}
        self.tables = 0
        self.in_table = False
        self.roots = document.allowed_roots
        self.counter = 0
        self.base_level = 3
        self.html = _Rules(self)
        self.warnings: list[Diagnostic] = []
        #: The text being rendered, and the line of each of its images (by token id).
        self.text: Text | None = None
        self.image_lines: dict[int, int] = {}

    def image(self, token: Token, src: str, alt: str) -> str:
        target = self._local_file(src)
        if target is None:
            self._warn_outside(token, src)
            return f'<span class="missing-image">[{_escape(alt)}]</span>'
        # Embedded, not linked, in both modes: the output must not depend on where the
        # meeting folder lies (same input, same bytes after a move).
        src = _data_uri(target)
        return f'<img src="{_escape(src)}" alt="{_escape(alt)}">'

    def _warn_outside(self, token: Token, src: str) -> None:
        where = (1, 1)
        if self.text is not None:
            where = image_position(self.text, self.image_lines.get(id(token), 0), src)
        message = f"billedet '{src}' bruges ikke: det ligger ikke i mødets mappe."
        self.warnings.append(warning(self.document.source_name, message, "image-outside", where))

    def _local_file(self, src: str) -> Path | None:
        if ":" in src.split("/")[0] or src.startswith("/"):
            return None
        target = (self.document.folder / unquote(src)).resolve()
        return target if inside(target, self.roots) and target.is_file() else None

    def render(self, text: Text, base_level: int) -> Markup:
        if text.is_dash:
            return Markup("<p>-</p>\n")
        self.base_level = base_level
        self.counter += 1
        env: dict[str, Any] = {"docId": f"t{self.counter}"}
        tokens = parse(text.markdown, env)
        self.text = text
        # Inline tokens carry no line; their block does (footnote bodies included).
        self.image_lines = {id(child): token.map[0] for token in tokens if token.map
                            for child in token.children or [] if child.type == "image"}
        if self.mode == "print":
            tokens = self._float_footnotes(tokens, env)
        return Markup(self.html.render(tokens, parser().options, env))

    def _float_footnotes(self, tokens: list[Token], env: dict[str, Any]) -> list[Token]:
        """Put each note's text at its call, as a span that CSS floats to the page foot."""
        main, blocks = split_footnotes(tokens)
        notes = {note_id: self._inline_html(body, env) for note_id, body in blocks.items()}
        for token in main:
            for index, child in enumerate(token.children or []):
                if child.type == "footnote_ref":
                    note = notes.get(int(child.meta["id"]), "")
                    span = Token("html_inline", "", 0)
                    span.content = f'<span class="fn">{note}</span>'
                    assert token.children is not None
                    token.children[index] = span
        return main

    def _inline_html(self, tokens: list[Token], env: dict[str, Any]) -> str:
        """A note's blocks as one run of inline text: a page float holds no lists.

        List items become "– item" runs and paragraphs are joined; the back-link to the
        call is dropped, since the note stands at its call.
        """
        parts: list[str] = []
        prefix = ""
        for token in tokens:
            if token.type == "list_item_open":
                prefix = "– "
            elif token.type == "inline":
                children = [c for c in token.children or [] if c.type != "footnote_anchor"]
                text = self.html.renderInline(children, parser().options, env).strip()
                if text:
                    parts.append(prefix + text)
                prefix = ""
        return " ".join(parts)


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


@cache
def _environment() -> Environment:
    # One per process: a batch worker renders many meetings with one compiled template.
    return Environment(
        loader=FileSystemLoader(str(resource_dir("templates"))),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(document: Document, mode: Mode = "print", stylesheets: Sequence[str] = ()) -> str:
    """The document as HTML. `stylesheets` are CSS texts inlined into the head."""
    return html_with_warnings(document, mode, stylesheets)[0]


def html_with_warnings(document: Document, mode: Mode = "print", stylesheets: Sequence[str] = (),
                       table_fit: Mapping[int, str] | None = None,
                       ) -> tuple[str, list[Diagnostic]]:
    """The document as HTML, and the warnings about what it could not show.

    `table_fit` gives classes to the Markdown tables by their order in the document
    (0 first): how the PDF makes a table that is too wide fit the page."""
    markdown = _MarkdownRenderer(document, mode, table_fit)

    def body(block: PlannedBlock, level: int) -> Markup:
        assert block.text is not None
        return markdown.render(block.text, level)

    template = _environment().get_template("document.html.j2")
    html = template.render(
        doc=document,
        mode=mode,
        body=body,
        internal_mark=INTERNAL_MARK,
        header=document.running_header,
        # The meeting's day (the plan's date): WeasyPrint takes the PDF's creation date
        # from this meta too, so the same meeting gives the same bytes.
        created=document.date.isoformat(),
        logo_src=_logo_src(document, mode),
        # "</" would end the <style> element early: CSS reads "<\/" the same way.
        stylesheets=[Markup(css.replace("</", "<\\/")) for css in stylesheets],
    )
    return html, markdown.warnings


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _logo_src(document: Document, mode: Mode) -> str | None:
    logo = document.style.file(document.style.logo) if document.style.logo else None
    if logo is None:
        return None
    return _data_uri(logo)


def render_html_file(document: Document) -> Rendered:
    """A self-contained HTML file: print CSS and screen CSS inlined, images embedded."""
    css = [path.read_text("utf-8") for path in stylesheet_paths(document)]
    screen = resource_dir("templates") / "screen.css"
    css.append(screen.read_text("utf-8"))
    html, warnings = html_with_warnings(document, "screen", css)
    return Rendered(html.encode("utf-8"), tuple(warnings))
