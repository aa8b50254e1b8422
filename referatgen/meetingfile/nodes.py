"""Stage 1's product: a tree of values that remember where they stand in the file.

Both formats (YAML, and Markdown with front matter) load into this same tree, so the
model and the checks downstream are written once. Positions are 1-based and count
characters, as an editor shows them. The names end in Node so that they never shadow
`collections.abc.Mapping` and `SequenceNode`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..diagnostics import Diagnostic

Format = Literal["yaml", "md"]

# Characters XML (and so PDF metadata and Word) cannot hold, and DEL and the C1 controls
# (0x7F-0x9F), which no text file means: YAML escapes can produce them too.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


@dataclass
class Scalar:
    """A value written as text. `tag` is the YAML type it resolves to (str, int, ...)."""

    value: str
    line: int
    column: int
    tag: str = "str"
    #: Where the text itself starts in the file (a block scalar starts on the next line).
    body_line: int = 0
    body_column: int = 0
    #: True when line i of `value` is file line body_line + i (block scalars, Markdown).
    exact_lines: bool = False


@dataclass
class SequenceNode:
    items: list[Node]
    line: int
    column: int


@dataclass
class MappingNode:
    #: key -> (the key as written, its value); in file order.
    entries: dict[str, tuple[Scalar, Node]]
    line: int
    column: int
    #: Facts the Markdown loader learned from headings (for example "Punkt 3:").
    notes: dict[str, Scalar] = field(default_factory=dict)

    def get(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return entry[1] if entry else None


Node = Scalar | SequenceNode | MappingNode


@dataclass
class Source:
    """The file as read: what messages point into."""

    path: Path
    display: str
    text: str
    format: Format

    @property
    def folder(self) -> Path:
        return self.path.parent.resolve()


@dataclass
class Loaded:
    source: Source
    root: MappingNode | None
    diagnostics: list[Diagnostic]


def meeting_format(path: Path) -> Format:
    return "md" if path.suffix.lower() in (".md", ".markdown") else "yaml"
