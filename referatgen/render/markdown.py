"""The one Markdown dialect of referatgen, shared by every renderer.

CommonMark with GFM tables, strikethrough and footnotes. Raw HTML is off: text from a
meeting file is data, and `<script>` or `<img src=...>` in it prints as text.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin


@cache
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    return md


def parse(text: str, env: dict[str, object] | None = None) -> list[Token]:
    return parser().parse(text, env if env is not None else {})
