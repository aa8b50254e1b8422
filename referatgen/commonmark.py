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


def split_footnotes(tokens: list[Token]) -> tuple[list[Token], dict[int, list[Token]]]:
    """The text's own tokens, and each footnote's block tokens by footnote id.

    The footnote plugin appends every note after the text; renderers that place notes
    where they are called (page floats, Word footnotes) need them apart.
    """
    main: list[Token] = []
    notes: dict[int, list[Token]] = {}
    current: list[Token] | None = None
    in_block = False
    for token in tokens:
        if token.type == "footnote_block_open":
            in_block = True
        elif token.type == "footnote_block_close":
            in_block = False
        elif token.type == "footnote_open":
            current = notes.setdefault(int(token.meta["id"]), [])
        elif token.type == "footnote_close":
            current = None
        elif in_block:
            if current is not None:
                current.append(token)
        else:
            main.append(token)
    return main, notes
