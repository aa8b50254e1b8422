"""Findings about a meeting file, and the exceptions that carry them.

Every stage reports problems the same way, so `check`, `build` and `convert` print
identical lines and the pre-commit hook, editors and CI can all parse them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import IntEnum
from typing import Literal

Severity = Literal["error", "warning"]

#: Every rule id, in the order the format reference documents them.
RULES: tuple[str, ...] = (
    "yaml-syntax",
    "not-utf8",
    "empty-file",
    "missing-key",
    "unknown-key",
    "wrong-type",
    "bad-date",
    "bad-time",
    "sagsnr-pattern",
    "bilag-missing",
    "bilag-outside",
    "unknown-style",
    "raw-html",
    "heading-in-section",
    "text-outside-section",
    "markdown-structure",
    "missing-decision",
    "decision-in-agenda",
    "cpr-number",
    "too-long",
    "punkt-number",
    "missing-alt",
)

#: Rule ids of the warnings a renderer returns while it builds an output file.
BUILD_RULES: tuple[str, ...] = (
    "missing-font",
    "image-outside",
    "image-format",
    "fetch-refused",
    "docx-toc-estimate",
    "table-too-wide",
)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place: 1-based line and column, counted in characters."""

    path: str
    line: int
    column: int
    severity: Severity
    message: str
    rule: str

    def format(self) -> str:
        return (
            f"{self.path}:{self.line}:{self.column}: {self.severity}: "
            f"{self.message} [{self.rule}]"
        )


def has_errors(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> bool:
    return any(d.severity == "error" or strict for d in diagnostics)


def to_json(diagnostics: Iterable[Diagnostic]) -> str:
    import json  # only for --format json: every import counts in a commit hook

    return json.dumps([asdict(d) for d in diagnostics], ensure_ascii=False, indent=2)


class ExitCode(IntEnum):
    """What every command's exit status means (as pre-commit's hooks use them)."""

    #: Done; no errors (warnings only fail with --strict).
    OK = 0
    #: Problems in the input: the messages say which; expected, the user's to fix.
    PROBLEMS = 1
    #: Wrong usage: an unknown option or format.
    USAGE = 2
    #: A bug in referatgen: reported briefly, never as a bare traceback.
    INTERNAL = 3
    #: Interrupted with Ctrl-C (128 + SIGINT, as shells report it).
    INTERRUPTED = 130


class ReferatgenError(Exception):
    """An expected failure with a message meant for the secretary (exit code 1)."""


class MeetingInvalid(ReferatgenError):
    """The meeting file has errors; the diagnostics say which."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics
