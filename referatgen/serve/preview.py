"""One look at a meeting file: its messages and, when it has no errors, its published HTML.

Runs in a worker thread on each save. What it returns is immutable, so the server swaps
the meeting's current look in one assignment and never shows half of one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .._version import __version__
from ..check import check_file
from ..diagnostics import Diagnostic, ReferatgenError
from ..model import Meeting
from ..options import BuildOptions
from ..plan import Document, plan
from ..render import render
from ..styles import Style

#: The preview-only anchor of the front page (the published HTML gives it no id).
FRONT = "serve-forside"


@dataclass(frozen=True)
class Message:
    """A check message as the panel shows it, with the element of the preview it is about."""

    line: int
    column: int
    severity: str
    text: str
    rule: str
    #: The id of the element in the preview (an item's anchor, or FRONT).
    target: str | None

    def as_json(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "severity": self.severity,
                "message": self.text, "rule": self.rule, "target": self.target}


@dataclass(frozen=True)
class Good:
    """The last version of a meeting without errors: what the preview keeps showing."""

    html: bytes
    document: Document
    #: What the background builds plan their versions from (the agenda among them).
    meeting: Meeting
    style: Style
    #: The content hash of everything the outputs are made from.
    key: str
    #: Each item's first line in the file, in order: messages point into the preview by it.
    item_lines: tuple[int, ...]

    @property
    def title(self) -> str:
        return self.document.title


@dataclass(frozen=True)
class Look:
    messages: tuple[Message, ...]
    #: This version when it has no errors; otherwise None (the caller keeps the last good).
    good: Good | None


def look(path: Path, options: BuildOptions, last: Good | None) -> Look:
    """Check, plan and render the HTML of one meeting file. Never raises for bad input."""
    try:
        result = check_file(path, path.name, options.stil)
    except ReferatgenError as exc:  # a --stil that cannot be found
        return Look((Message(1, 1, "error", str(exc), "unknown-style", FRONT),), None)
    diagnostics = list(result.diagnostics)
    good: Good | None = None
    if result.ok and result.meeting is not None and result.style is not None:
        try:
            document = plan(result.meeting, result.style, options.document)
            rendered = render(document, "html", options)
        except ReferatgenError as exc:
            diagnostics.append(Diagnostic(path.name, 1, 1, "error", str(exc), "internal"))
        else:
            diagnostics += rendered.warnings
            good = Good(rendered.data, document, result.meeting, result.style,
                        content_key(path, document, options),
                        tuple(item.where.line for item in result.meeting.punkter))
    shown = good or last
    lines = _item_lines(result.meeting, shown)
    anchors = tuple(item.anchor for item in shown.document.items) if shown else ()
    messages = tuple(Message(d.line, d.column, d.severity, d.message, d.rule,
                             _target(d.line, lines, anchors)) for d in diagnostics)
    return Look(messages, good)


def _item_lines(meeting: Meeting | None, good: Good | None) -> tuple[int, ...]:
    # The file as it is now places the messages best; a file too broken for a model
    # falls back on where the items stood in the last good version.
    if meeting is not None:
        return tuple(item.where.line for item in meeting.punkter)
    return good.item_lines if good is not None else ()


def _target(line: int, item_lines: tuple[int, ...], anchors: tuple[str, ...]) -> str | None:
    """The item a line lies in (the last one starting at or before it), else the front."""
    index = -1
    for position, start in enumerate(item_lines):
        if start <= line:
            index = position
    if index < 0:
        return FRONT
    return anchors[index] if index < len(anchors) else None


def content_key(path: Path, document: Document, options: BuildOptions) -> str:
    """A hash of everything the outputs are made from: the same key, the same files.

    The meeting file, the files the version shows (bilag, images), every file of the
    style's folders, the options and referatgen's version.
    """
    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{options!r}\0".encode())
    for file in (path, *sorted(document.inputs), *_style_files(document.style)):
        digest.update(str(file).encode("utf-8", "surrogateescape") + b"\0")
        try:
            digest.update(hashlib.sha256(file.read_bytes()).digest())
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()[:32]


def _style_files(style: Style) -> Iterable[Path]:
    for folder in style.folders:
        yield from sorted(p for p in folder.rglob("*") if p.is_file())
