"""Stage 1: read a meeting file (YAML, or Markdown with front matter) into positioned nodes.

`load` reads the bytes, refuses what is not a text file, and hands the text to the parser
of its format: `yaml.py` or `markdown.py`. Both give the same tree (`nodes.py`); `dump.py`
is the inverse, from the model back to a file.
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostic
from .nodes import FORBIDDEN, Loaded, MappingNode, Scalar, Source, meeting_format
from .yaml import parse_yaml

__all__ = ["load"]


class _Refused(Exception):
    """The file cannot be read as a meeting file at all: one finding, nothing more."""

    def __init__(self, line: int, column: int, message: str, rule: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.rule = line, column, message, rule


def load(path: Path, display: str | None = None) -> Loaded:
    """Read and parse one meeting file. Never raises for bad content."""
    display = display if display is not None else str(path)
    fmt = meeting_format(path)
    source = Source(path, display, "", fmt)
    try:
        source.text = _text(_read(path))
        if not source.text.strip():
            raise _Refused(1, 1, "Filen er tom. Skriv mødets oplysninger og punkter i den.",
                           "empty-file")
        if fmt == "md":
            from .markdown import parse_markdown_meeting

            front, md_diagnostics = parse_markdown_meeting(source)
            return Loaded(source, front, md_diagnostics)
        return Loaded(source, _yaml_root(source.text, display), [])
    except _Refused as refused:
        return Loaded(source, None, [Diagnostic(display, refused.line, refused.column, "error",
                                                refused.message, refused.rule)])
    except _YamlProblems as problems:
        return Loaded(source, None, problems.diagnostics)


def _read(path: Path) -> bytes:
    try:
        if path.exists() and not path.is_dir() and not path.is_file():
            # A pipe or a device would block or never end; only regular files are read.
            raise _Refused(1, 1, "Filen er ikke en almindelig fil. Angiv en mødefil.",
                           "empty-file")
        return path.read_bytes()
    except OSError as exc:
        # A file that cannot be read has no content to check; one finding, not a crash,
        # so the other files of the run are still checked.
        reason = "findes ikke" if isinstance(exc, FileNotFoundError) else (
            "er en mappe, ikke en fil" if isinstance(exc, IsADirectoryError) else
            f"kan ikke læses ({exc.strerror or exc})")
        raise _Refused(1, 1, f"Filen {reason}. Ret stien eller filnavnet.",
                       "empty-file") from exc


def _text(data: bytes) -> str:
    """The bytes as text: UTF-8 (with or without BOM), `\n` line ends, no control characters."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        raise _Refused(
            line, column,
            f"Filen er ikke gemt som UTF-8 (byte 0x{data[exc.start]:02X} kan ikke læses). "
            "Gem den igen med kodningen UTF-8 (i Notesblok: Filer > Gem som > Kodning: UTF-8).",
            "not-utf8") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = FORBIDDEN.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        column = control.start() - (text.rfind("\n", 0, control.start()) + 1) + 1
        raise _Refused(line, column,
                       f"Filen indeholder et styretegn (U+{ord(control.group()):04X}), som ikke "
                       "hører hjemme i en tekstfil. Er det den rigtige fil? Slet tegnet, eller "
                       "gem filen igen som almindelig tekst (UTF-8).", "not-utf8")
    return text


class _YamlProblems(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("yaml")
        self.diagnostics = diagnostics


def _yaml_root(text: str, display: str) -> MappingNode | None:
    root, diagnostics = parse_yaml(text, display)
    if diagnostics:
        raise _YamlProblems(diagnostics)
    if isinstance(root, Scalar) and root.tag == "null":
        root = None  # "---" and "..." alone: a document with nothing in it
    if root is None:
        raise _Refused(1, 1, "Filen indeholder kun kommentarer. Skriv mødets oplysninger og "
                       "punkter i den.", "empty-file")
    if not isinstance(root, MappingNode):
        raise _Refused(root.line, root.column,
                       "Filen skal bestå af nøgler som organ, dato og punkter (en YAML-mapping), "
                       "ikke en liste eller en enkelt værdi.", "wrong-type")
    return root


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, column
