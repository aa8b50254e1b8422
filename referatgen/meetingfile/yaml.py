"""Stage 1, YAML: compose the text with ruamel and convert it to positioned nodes."""

from __future__ import annotations

import re
from typing import Any

from ..diagnostics import Diagnostic
from .nodes import FORBIDDEN, MappingNode, Node, Scalar, SequenceNode

_TAGS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "timestamp",
}


def parse_yaml(
    text: str, display: str, *, line_offset: int = 0, kind: str = "mødefil"
) -> tuple[Node | None, list[Diagnostic]]:
    """Compose (not construct) the YAML: nodes keep their marks and cost less than objects.
    `kind` names the file in messages ("mødefil", "stilfil")."""
    deep = _too_deep(text)
    if deep is not None:
        # Checked before parsing: libyaml's composer recurses in C, and a file nested
        # some ten thousand levels deep overflows its stack (a segfault, no message).
        return None, [Diagnostic(display, deep[0] + line_offset, deep[1], "error", _TOO_DEEP,
                                 "yaml-syntax")]
    try:
        return _parse(text, display, line_offset, kind)
    except RecursionError:
        # ruamel's pure parser recurses per level of nesting: a hostile file ends here,
        # with a message, instead of in a crash.
        line, column = _too_deep_line(text) or (1, 1)
        return None, [Diagnostic(display, line + line_offset, column, "error", _TOO_DEEP,
                                 "yaml-syntax")]


def _parse(text: str, display: str, line_offset: int,
           kind: str) -> tuple[Node | None, list[Diagnostic]]:
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
    converter = _Converter(text, line_offset, display, diagnostics)
    converter.kind = kind
    tree = converter.convert(node)
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





#: Levels of lists and mappings a meeting file may nest. The deepest real one has six
#: (punkter, an item, beslutning as a list, a decision, ...); hundreds only come from a
#: broken or hostile file, and would exhaust Python's recursion on the way in.
MAX_DEPTH = 40
_TOO_DEEP = ("Filen er indlejret for dybt (lister i lister i lister ...). En mødefil har "
             "højst nogle få niveauer: ret klammerne [ ] og { } eller indrykningen her.")


_DEEP_INDENT = re.compile(rf"^ {{{2 * MAX_DEPTH + 1},}}\S", re.M)
_DEEP_DASHES = re.compile(rf"(?:-[ \t]+){{{MAX_DEPTH + 1},}}")


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where the nesting passes MAX_DEPTH, if it does: flow brackets, indentation, or
    block sequences written on one line ("- - - x"). Cheap tests first: a meeting file
    has a handful of brackets and little indentation."""
    if (text.count("[") + text.count("{") <= MAX_DEPTH and not _DEEP_INDENT.search(text)
            and not _DEEP_DASHES.search(text)):
        return None
    return _too_deep_line(text)


def _too_deep_line(text: str) -> tuple[int, int] | None:
    """Where the nesting first passes MAX_DEPTH: brackets counted, or the indentation."""
    depth = 0
    for number, line in enumerate(text.split("\n"), start=1):
        for column, char in enumerate(line, start=1):
            depth += (char in "[{") - (char in "]}")
            if depth > MAX_DEPTH:
                return number, column
        if len(line) - len(line.lstrip(" ")) > 2 * MAX_DEPTH:
            return number, 1
        dashes = _DEEP_DASHES.search(line)
        if dashes:
            return number, dashes.start() + 1
    return None


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
        self.too_deep_reported = False
        #: What the file is, for messages: "mødefil" or "stilfil".
        self.kind = "mødefil"

    def error(self, line: int, column: int, message: str) -> None:
        self.diagnostics.append(
            Diagnostic(self.display, line, column, "error", message, "yaml-syntax"))

    def convert(self, node: object, depth: int = 0) -> Node:
        from ruamel.yaml import nodes as ruamel_nodes

        mark = node.start_mark  # type: ignore[attr-defined]
        line, column = mark.line + 1 + self.offset, mark.column + 1
        if depth > MAX_DEPTH:
            if not self.too_deep_reported:
                self.too_deep_reported = True
                self.error(line, column, _TOO_DEEP)
            return Scalar("", line, column, "null")
        if id(node) in self.seen:
            if not self.alias_reported:
                self.alias_reported = True
                self.error(line, column, "Ankre og aliaser (& og *) kan ikke bruges i en "
                           f"{self.kind}. Skriv teksten ud de steder, den skal stå.")
            return Scalar("", line, column, "null")
        self.seen.add(id(node))
        if isinstance(node, ruamel_nodes.ScalarNode):
            return self.scalar(node, line, column)
        if isinstance(node, ruamel_nodes.SequenceNode):
            return SequenceNode([self.convert(n, depth + 1) for n in node.value], line, column)
        assert isinstance(node, ruamel_nodes.MappingNode)
        entries: dict[str, tuple[Scalar, Node]] = {}
        for key_node, value_node in node.value:
            key = self.convert(key_node, depth + 1)
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
            entries[key.value] = (key, self.convert(value_node, depth + 1))
        return MappingNode(entries, line, column)

    def scalar(self, node: Any, line: int, column: int) -> Scalar:
        tag = _TAGS.get(str(getattr(node.tag, "value", node.tag)), "str")
        bad = FORBIDDEN.search(node.value)
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
