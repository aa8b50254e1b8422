"""Stage 1: read a meeting file into a tree of values that remember where they stand.

Both formats (YAML, and Markdown with front matter) load into the same tree, so the
model and the checks downstream are written once. Positions are 1-based and count
characters, as an editor shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .diagnostics import Diagnostic

Format = Literal["yaml", "md"]


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
class Sequence:
    items: list[Node]
    line: int
    column: int


@dataclass
class Mapping:
    #: key -> (the key as written, its value); in file order.
    entries: dict[str, tuple[Scalar, Node]]
    line: int
    column: int
    #: Facts the Markdown loader learned from headings (for example "Punkt 3:").
    notes: dict[str, Scalar] = field(default_factory=dict)

    def get(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return entry[1] if entry else None


Node = Scalar | Sequence | Mapping


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
    root: Mapping | None
    diagnostics: list[Diagnostic]


def meeting_format(path: Path) -> Format:
    return "md" if path.suffix.lower() in (".md", ".markdown") else "yaml"


def load(path: Path, display: str | None = None) -> Loaded:
    """Read and parse one meeting file. Never raises for bad content."""
    display = display if display is not None else str(path)
    fmt = meeting_format(path)
    source = Source(path, display, "", fmt)

    def fail(line: int, column: int, message: str, rule: str) -> Loaded:
        return Loaded(source, None, [Diagnostic(display, line, column, "error", message, rule)])

    try:
        if path.exists() and not path.is_dir() and not path.is_file():
            # A pipe or a device would block or never end; only regular files are read.
            return fail(1, 1, "Filen er ikke en almindelig fil. Angiv en mødefil.", "empty-file")
        data = path.read_bytes()
    except OSError as exc:
        # A file that cannot be read has no content to check; one finding, not a crash,
        # so the other files of the run are still checked.
        reason = "findes ikke" if isinstance(exc, FileNotFoundError) else (
            "er en mappe, ikke en fil" if isinstance(exc, IsADirectoryError) else
            f"kan ikke læses ({exc.strerror or exc})")
        return fail(1, 1, f"Filen {reason}. Ret stien eller filnavnet.", "empty-file")

    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start)
        return fail(
            line,
            column,
            f"Filen er ikke gemt som UTF-8 (byte 0x{data[exc.start]:02X} kan ikke læses). "
            "Gem den igen med kodningen UTF-8 (i Notesblok: Filer > Gem som > Kodning: UTF-8).",
            "not-utf8",
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _FORBIDDEN.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        column = control.start() - (text.rfind("\n", 0, control.start()) + 1) + 1
        return fail(line, column,
                    f"Filen indeholder et styretegn (U+{ord(control.group()):04X}), som ikke "
                    "hører hjemme i en tekstfil. Er det den rigtige fil? Slet tegnet, eller "
                    "gem filen igen som almindelig tekst (UTF-8).", "not-utf8")
    source.text = text
    if not text.strip():
        return fail(1, 1, "Filen er tom. Skriv mødets oplysninger og punkter i den.", "empty-file")
    if fmt == "md":
        from .load_md import parse_markdown_meeting

        front, md_diagnostics = parse_markdown_meeting(source)
        return Loaded(source, front, md_diagnostics)
    root, diagnostics = parse_yaml(text, display)
    if isinstance(root, Scalar) and root.tag == "null":
        root = None  # "---" and "..." alone: a document with nothing in it
    if root is None and not diagnostics:
        return fail(1, 1, "Filen indeholder kun kommentarer. Skriv mødets oplysninger og "
                    "punkter i den.", "empty-file")
    if root is not None and not isinstance(root, Mapping):
        return fail(
            root.line,
            root.column,
            "Filen skal bestå af nøgler som organ, dato og punkter (en YAML-mapping), "
            "ikke en liste eller en enkelt værdi.",
            "wrong-type",
        )
    return Loaded(source, root, diagnostics)


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, column


_TAGS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "timestamp",
}


def parse_yaml(
    text: str, display: str, *, line_offset: int = 0
) -> tuple[Node | None, list[Diagnostic]]:
    """Compose (not construct) the YAML: nodes keep their marks and cost less than objects."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    # libyaml (ruamel.yaml.clib) when installed: the same marks at a tenth of the time.
    try:
        node = YAML(typ="safe").compose(text)
    except MarkedYAMLError as fast_error:
        # The pure parser words its errors better ("found character '\t'") and the
        # Danish messages are written for its wording: ask it again, only on this path,
        # so the messages are the same with or without libyaml.
        error: MarkedYAMLError | None = None
        try:
            node = YAML(typ="safe", pure=True).compose(text)
        except MarkedYAMLError as pure_error:
            error = pure_error
        if error is not None:
            mark = error.problem_mark or error.context_mark or fast_error.problem_mark
            line = (mark.line + 1 if mark else 1) + line_offset
            column = mark.column + 1 if mark else 1
            message = _yaml_message(str(error.problem or error.context or ""))
            return None, [Diagnostic(display, line, column, "error", message, "yaml-syntax")]
    except YAMLError as exc:  # pragma: no cover - ruamel raises marked errors in practice
        message = _yaml_message(str(exc))
        return None, [Diagnostic(display, 1 + line_offset, 1, "error", message, "yaml-syntax")]
    if node is None:
        return None, []
    diagnostics: list[Diagnostic] = []
    tree = _Converter(text, line_offset, display, diagnostics).convert(node)
    if diagnostics:
        return None, diagnostics
    return tree, []


def _yaml_message(problem: str) -> str:
    if "'\\t'" in problem or "\\t" in problem:
        return (
            "Tabulatortegn er ikke tilladt i YAML. Ryk ind med mellemrum "
            "(fx to mellemrum pr. niveau)."
        )
    if "mapping values are not allowed" in problem:
        return (
            "Et kolon står et sted, hvor YAML ikke venter det. Sæt teksten i anførselstegn "
            '(titel: "Punkt: tekst") eller skriv den som tekstblok med |.'
        )
    if "could not find expected ':'" in problem:
        return "Der mangler et kolon efter en nøgle, eller en linje er rykket forkert ind."
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return (
            "Indrykningen passer ikke: linjer på samme niveau skal stå lige under "
            "hinanden, og en tekstblok (|) skal være rykket længere ind end sin nøgle."
        )
    if "another document" in problem or "expected a single document" in problem:
        return (
            "En linje med --- starter et nyt YAML-dokument, men en mødefil er ét dokument. "
            "Slet linjen (eller skriv filen som Markdown med --- kun om forsiden)."
        )
    if "found undefined alias" in problem or "found unknown escape" in problem:
        return f"Ugyldigt tegn i YAML ({problem}). Sæt teksten i anførselstegn eller brug |."
    return f"YAML-fejl: {problem}. Ret indrykning og tegnsætning omkring dette sted."


# Characters XML (and so PDF metadata and Word) cannot hold; YAML escapes can produce them.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class _Converter:
    """Ruamel nodes to our positioned nodes, refusing what a meeting file cannot mean."""

    def __init__(self, text: str, offset: int, display: str,
                 diagnostics: list[Diagnostic]) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.offset = offset
        self.display = display
        self.diagnostics = diagnostics
        # Nodes met so far: an alias is the same node met twice. Refusing it keeps a
        # "billion laughs" file from expanding and a self-referring alias from looping.
        self.seen: set[int] = set()
        self.alias_reported = False

    def error(self, line: int, column: int, message: str) -> None:
        self.diagnostics.append(
            Diagnostic(self.display, line, column, "error", message, "yaml-syntax"))

    def convert(self, node: object) -> Node:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        mark = node.start_mark  # type: ignore[attr-defined]
        line, column = mark.line + 1 + self.offset, mark.column + 1
        if id(node) in self.seen:
            if not self.alias_reported:
                self.alias_reported = True
                self.error(line, column, "Ankre og aliaser (& og *) kan ikke bruges i en "
                           "mødefil. Skriv teksten ud de steder, den skal stå.")
            return Scalar("", line, column, "null")
        self.seen.add(id(node))
        if isinstance(node, ScalarNode):
            return self.scalar(node, line, column)
        if isinstance(node, SequenceNode):
            return Sequence([self.convert(n) for n in node.value], line, column)
        assert isinstance(node, MappingNode)
        entries: dict[str, tuple[Scalar, Node]] = {}
        for key_node, value_node in node.value:
            key = self.convert(key_node)
            if not isinstance(key, Scalar):
                self.error(key.line, key.column,
                           "En nøgle skal være et ord, ikke en liste eller mapping.")
                continue
            if key.value in entries:
                first = entries[key.value][0]
                self.error(key.line, key.column,
                           f"Nøglen '{key.value}' står to gange (første gang i linje "
                           f"{first.line}). Slet den ene, eller flet teksterne sammen.")
                continue
            entries[key.value] = (key, self.convert(value_node))
        return Mapping(entries, line, column)

    def scalar(self, node: Any, line: int, column: int) -> Scalar:
        tag = _TAGS.get(str(getattr(node.tag, "value", node.tag)), "str")
        bad = _FORBIDDEN.search(node.value)
        if bad:
            self.error(line, column,
                       f"Teksten indeholder et tegn, der ikke kan stå i et dokument "
                       f"(U+{ord(bad.group()):04X}). Fjern escape-sekvensen (fx \\u eller "
                       "\\x) og skriv tegnet direkte.")
            return Scalar("", line, column, "null")
        mark = node.start_mark
        style = node.style
        if style in ("|", ">"):
            body_line = mark.line + 1
            body_column = (_literal_indent(node.value, self.lines, body_line) if style == "|"
                           else _block_indent(self.lines, body_line))
            return Scalar(
                node.value, line, column, tag,
                body_line + 1 + self.offset, body_column + 1, exact_lines=style == "|",
            )
        quote = 1 if style in ("'", '"') else 0
        # Columns inside the value match the file only when the value is the text as
        # written: one line (YAML folds plain and quoted scalars that span lines) and no
        # escapes ('' or \t) that make the value shorter than its source.
        written = self.text[mark.index + quote:node.end_mark.index - quote]
        return Scalar(
            node.value, line, column, tag, line, column + quote,
            exact_lines=node.end_mark.line == mark.line and written == node.value,
        )


def _literal_indent(value: str, lines: list[str], start: int) -> int:
    # Line i of a literal block is file line start + i minus the block's indentation, so
    # the difference in length is that indentation, also where an indicator (|2) makes
    # the first line more indented than the block.
    for index, text in enumerate(value.split("\n")):
        if text.strip() and start + index < len(lines):
            return len(lines[start + index]) - len(text)
    return _block_indent(lines, start)


def _block_indent(lines: list[str], start: int) -> int:
    for text in lines[start:]:
        if text.strip():
            return len(text) - len(text.lstrip(" "))
    return 0


FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
