"""Writing a meeting file: the model's `Meeting` as YAML or Markdown text.

The one writer of the meeting format, used by `convert` and by `import`. Which keys
exist, their order and the shape of their values come from the schema declaration
(meetingfile/schema.py); an item's sections follow the order the style prints them.
`verify` reads the written text back and refuses a file whose meeting differs from the
one written, so a meeting that one format cannot hold is never silently changed.

It lies above the model (it takes a `Meeting`), not in meetingfile/, which is stage 1.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .dates import short_date
from .diagnostics import Diagnostic, ReferatgenError
from .meetingfile.nodes import Format, Loaded, MappingNode, Source
from .meetingfile.schema import (
    BILAG,
    DECISION,
    ITEM,
    MD_ITEM_KEYS,
    MEETING,
    PERSON,
    SECTION,
    Key,
    section_key_for_heading,
)
from .model import Decision, Item, Meeting, Text, Where, build_model
from .styles import Group, Style
from .vocabulary import item_heading

__all__ = ["AS_TYPED", "IMPORTED", "Spelling", "dump", "to_markdown", "to_yaml", "verify"]


@dataclass(frozen=True)
class Spelling:
    """How values are spelled where the format allows several spellings of one value.

    Every choice reads back as the same meeting; they only change how the file looks."""

    #: Text keys whose values are always written in double quotes.
    quoted: frozenset[str] = frozenset()
    #: A one-line Markdown text is still written as a `|` block.
    block_one_line: bool = False
    #: A text that is only "-" is written as "-" (double quotes).
    quote_dash: bool = False
    #: A list of names (`deltog_ikke`) on one line, `[A, B]`, rather than one per line.
    flow_names: bool = True
    #: Markdown section headings as the style prints them (when they read back as the
    #: key: "Økonomiske konsekvenser" for økonomi), rather than the key itself.
    style_headings: bool = True


#: `convert`: the file as a secretary types it; YAML quotes only what needs quotes.
AS_TYPED = Spelling()
#: `import`: recognised case numbers come in every shape, and some ("2022.10", "1-2-3")
#: would read as numbers or dates unquoted; every text is a block, so the secretary can
#: add lines to it as it stands; headings are the keys, whatever the style prints.
IMPORTED = Spelling(quoted=frozenset({"sagsnr"}), block_one_line=True, quote_dash=True,
                    flow_names=False, style_headings=False)

SCHEMA_COMMENT = "# yaml-language-server: $schema={}\n"

#: The meeting's keys besides the items, and the key that holds the items.
_FRONT = tuple(k for k in MEETING if k.type != "items")
_ITEMS = next(k.name for k in MEETING if k.type == "items")
#: An item's body: its sections and its other sections (afsnit), in the style's order.
_BODY = tuple(k for k in ITEM if k.section or k.type == "sections")
_HEAD = ITEM[:ITEM.index(_BODY[0])]
#: What follows the body in YAML (deltog_ikke): the keys neither head nor body.
_TAIL = tuple(k for k in ITEM if k not in _HEAD and k not in _BODY)
_BODY_KEYS = {k.name: k for k in _BODY}
#: A number equal to the model's default says nothing (første_punkt 1).
_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Meeting)}


def dump(meeting: Meeting, style: Style | None, fmt: Format,
         spelling: Spelling = AS_TYPED, schema: str | None = None) -> str:
    """The meeting as the text of a meeting file in `fmt`.

    `schema` is the path or address of the JSON Schema that an editor should check the
    file against; it is named in a comment on the file's (or the front matter's) first line."""
    if fmt == "md":
        return to_markdown(meeting, style, spelling, schema)
    return to_yaml(meeting, style, spelling, schema)


# -- values ----------------------------------------------------------------------------


def _omitted(key: Key, value: Any) -> bool:
    if value is None or value is False or (isinstance(value, list) and not value):
        return True
    return key.type == "integer" and value == _DEFAULTS.get(key.name)


def _field(owner: Any, key: Key) -> Any:
    if isinstance(owner, Item) and key.type == "markdown" and key.section:
        return owner.sections.get(key.name)
    return getattr(owner, key.name)


def _text(text: Text, spelling: Spelling) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    body = text.markdown.rstrip("\n")
    if spelling.quote_dash and body == "-":
        return DoubleQuotedScalarString(body)
    # Several lines go in a literal block (`|`), so Markdown stays as typed; one line
    # stays a plain value (ruamel quotes it when YAML needs that).
    if "\n" in body or spelling.block_one_line:
        return LiteralScalarString(body + "\n")
    return body


def _scalar(key: Key, value: Any, spelling: Spelling) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if key.type == "time" or key.name in spelling.quoted or (
            spelling.quote_dash and value == "-"):
        # Times quoted: unquoted 10:00 is a number in YAML 1.1 tools (sexagesimal).
        return DoubleQuotedScalarString(value)
    return value


def _entry(owner: Any, keys: tuple[Key, ...], spelling: Spelling, plain: bool) -> Any:
    """One entry of a list (person, bilag, decision, afsnit) as a mapping; when `plain`
    and only its first key is set, as that value alone ("- Navn")."""
    from ruamel.yaml.comments import CommentedMap

    entry = CommentedMap()
    for key in keys:
        value = _field(owner, key)
        if not _omitted(key, value):
            entry[key.name] = _value(key, value, spelling)
    if plain and list(entry) == [keys[0].name]:
        return entry[keys[0].name]
    return entry


def _decisions(decisions: list[Decision], spelling: Spelling) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    if len(decisions) == 1 and decisions[0].dato is None and decisions[0].organ is None:
        return _text(decisions[0].tekst, spelling)
    return CommentedSeq([_entry(d, DECISION, spelling, plain=False) for d in decisions])


def _names(names: list[str], spelling: Spelling) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(names)
    if spelling.flow_names:
        seq.fa.set_flow_style()
    return seq


def _value(key: Key, value: Any, spelling: Spelling) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    if key.type == "markdown":
        return _text(value, spelling)
    if key.type == "decisions":
        return _decisions(value, spelling)
    if key.type == "names":
        return _names(value, spelling)
    entries = {"people": (PERSON, True), "bilag": (BILAG, True), "sections": (SECTION, False)}
    if key.type in entries:
        keys, plain = entries[key.type]
        return CommentedSeq([_entry(v, keys, spelling, plain) for v in value])
    return _scalar(key, value, spelling)


def _body_order(style: Style | None) -> list[Key]:
    """The item's body keys in the order the style prints them; the rest after."""
    names: list[str] = []
    for slot in style.order if style is not None else ():
        names += slot.keys if isinstance(slot, Group) else (slot,)
    order = [_BODY_KEYS[n] for n in dict.fromkeys(names) if n in _BODY_KEYS]
    return order + [k for k in _BODY if k not in order]


# -- YAML ------------------------------------------------------------------------------


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: keeps key order and the scalar styles chosen above
    yaml.width = 4096  # long titles and lines stay on one line, as the secretary wrote them
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


def _dump(data: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def _front(meeting: Meeting, spelling: Spelling) -> Any:
    from ruamel.yaml.comments import CommentedMap

    data = CommentedMap()
    for key in _FRONT:
        value = getattr(meeting, key.name)
        if not _omitted(key, value):
            data[key.name] = _value(key, value, spelling)
    return data


def _yaml_item(item: Item, order: list[Key], spelling: Spelling) -> Any:
    from ruamel.yaml.comments import CommentedMap

    entry = CommentedMap()
    for key in (*_HEAD, *order, *_TAIL):
        value = _field(item, key)
        if not _omitted(key, value):
            entry[key.name] = _value(key, value, spelling)
    return entry


def to_yaml(meeting: Meeting, style: Style | None, spelling: Spelling = AS_TYPED,
            schema: str | None = None) -> str:
    from ruamel.yaml.comments import CommentedSeq

    data = _front(meeting, spelling)
    order = _body_order(style)
    items = CommentedSeq()
    for index, item in enumerate(meeting.punkter):
        items.append(_yaml_item(item, order, spelling))
        if index:
            # A blank line between items, as in the hand-written examples.
            items.yaml_set_comment_before_after_key(index, before="\n")
    data[_ITEMS] = items
    return _schema_comment(schema) + _dump(data)


def _schema_comment(schema: str | None) -> str:
    return SCHEMA_COMMENT.format(schema) if schema else ""


# -- Markdown --------------------------------------------------------------------------


def to_markdown(meeting: Meeting, style: Style | None, spelling: Spelling = AS_TYPED,
                schema: str | None = None) -> str:
    front = _dump(_front(meeting, spelling))
    parts = [f"---\n{_schema_comment(schema)}{front}---\n"]
    order = _body_order(style)
    for index, item in enumerate(meeting.punkter):
        parts.append(_markdown_item(meeting, item, meeting.første_punkt + index,
                                    (style, order, spelling)))
    return "\n".join(parts)


def _markdown_heading(key: str, style: Style | None, spelling: Spelling) -> str:
    # The style's own heading when the Markdown reader maps it back to the key
    # ("Økonomiske konsekvenser"), otherwise the key itself ("Økonomi").
    if (spelling.style_headings and style is not None
            and section_key_for_heading(style.heading(key)) == key):
        return style.heading(key)
    return key.capitalize()


def _item_line(key: Key, value: Any) -> str:
    if key.type == "boolean":
        value = "ja" if value else "nej"
    elif key.type == "names":
        value = ", ".join(value)
    return f"{key.name}: {value}"


_LINE_KEYS = tuple(k for k in ITEM if k.name in MD_ITEM_KEYS)

Layout = tuple[Style | None, list[Key], Spelling]


def _markdown_item(meeting: Meeting, item: Item, number: int, layout: Layout) -> str:
    style, order, spelling = layout
    # "Punkt N:" makes the file read like the minutes, and keeps a title that itself
    # starts with "Punkt 3:" from being taken for the number.
    lines = [f"# {item_heading(number, item.titel)}"]
    lines += [_item_line(k, _field(item, k)) for k in _LINE_KEYS
              if not _omitted(k, _field(item, k))]
    blocks = ["\n".join(lines) + "\n"]
    for key in order:
        value = _field(item, key)
        if _omitted(key, value):
            continue
        if key.type == "decisions":
            blocks += [_section(_decision_heading(meeting, d), d.tekst) for d in value]
        elif key.type == "sections":
            blocks += [_section(part.overskrift, part.tekst) for part in value]
        elif key.type == "bilag":
            entries = "".join(_markdown_bilag(b.titel, b.fil, b.lukket) for b in value)
            blocks.append(f"## {_markdown_heading(key.name, style, spelling)}\n\n{entries}")
        else:
            blocks.append(_section(_markdown_heading(key.name, style, spelling), value))
    return "\n".join(blocks)


def _section(heading: str, text: Text) -> str:
    return f"## {heading}\n\n{text.markdown.rstrip(chr(10))}\n"


#: "Beslutning": the heading of a decision made at the meeting itself.
_DECISION_HEADING = next(k.name for k in ITEM if k.type == "decisions").capitalize()


def _decision_heading(meeting: Meeting, decision: Decision) -> str:
    plain = _DECISION_HEADING
    if decision.dato is None and decision.organ is None:
        return plain
    # The Markdown heading names both; the one the YAML left out is what the
    # document prints anyway (the meeting's organ or date).
    organ = decision.organ or meeting.organ
    return f"{plain} {organ} den {short_date(decision.dato or meeting.dato)}"


def _markdown_bilag(titel: str, fil: str | None, lukket: bool) -> str:
    closed = " (lukket)" if lukket else ""
    if fil is None:
        return f"- {titel}{closed}\n"
    fil = f"<{fil}>" if any(c in fil for c in " ()") else fil
    return f"- [{titel}]({fil}){closed}\n"


# -- the check before writing ----------------------------------------------------------


def reread(text: str, fmt: Format, path: Path) -> tuple[Meeting | None, list[Diagnostic]]:
    """The model of `text` as if it were the file `path` (for relative bilag paths)."""
    source = Source(path, str(path), text, fmt)
    if fmt == "md":
        from .meetingfile.markdown import parse_markdown_meeting

        root, diagnostics = parse_markdown_meeting(source)
    else:
        from .meetingfile.yaml import parse_yaml

        node, diagnostics = parse_yaml(text, str(path))
        root = node if isinstance(node, MappingNode) else None
    return build_model(Loaded(source, root, diagnostics))


def comparable(meeting: Meeting) -> Any:
    """The meeting's content: every field but positions and the source file."""
    return _content(meeting, meeting)


def _content(value: Any, meeting: Meeting) -> Any:
    if isinstance(value, Where | Source):
        return None
    if isinstance(value, Text):
        # `exact` says how positions map into the file, not what the text says.
        return ("Text", value.markdown)
    if isinstance(value, Decision) and (value.dato is not None or value.organ is not None):
        # A Markdown decision heading names organ and date; one the YAML left out is
        # the meeting's, which is what the document prints either way.
        value = dataclasses.replace(value, dato=value.dato or meeting.dato,
                                    organ=value.organ or meeting.organ)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # punkt_label is how a Markdown heading was written ("Punkt 3:"), not content.
        return (type(value).__name__, tuple(
            (f.name, _content(getattr(value, f.name), meeting))
            for f in dataclasses.fields(value) if f.name != "punkt_label"))
    if isinstance(value, list | tuple):
        return tuple(_content(v, meeting) for v in value)
    if isinstance(value, dict):
        return tuple((k, _content(v, meeting)) for k, v in value.items())
    return value


def verify(meeting: Meeting, text: str, fmt: Format, target: Path) -> None:
    """Refuse to write a file whose meeting differs from the one read."""
    again, diagnostics = reread(text, fmt, target)
    errors = [d for d in diagnostics if d.severity == "error"]
    if again is not None and not errors and comparable(again) == comparable(meeting):
        return
    detail = errors[0].message if errors else _first_difference(meeting, again)
    raise ReferatgenError(
        f"Mødet kan ikke skrives som {'Markdown' if fmt == 'md' else 'YAML'} uden at ændre "
        f"indholdet ({detail}). Intet er skrevet. Ret det nævnte i kildefilen og prøv igen.")


def _first_difference(meeting: Meeting, again: Meeting | None) -> str:
    if again is None:
        return "filen kunne ikke læses igen"
    if len(again.punkter) != len(meeting.punkter):
        return f"{len(meeting.punkter)} punkter blev til {len(again.punkter)}"
    for number, (old, new) in enumerate(zip(meeting.punkter, again.punkter, strict=True),
                                         start=meeting.første_punkt):
        if _content(old, meeting) != _content(new, again):
            return (f"punkt {number} '{old.titel}' blev ikke det samme: se efter afsnit, der "
                    "hedder som et standardafsnit, og bilag- og punkttitler med [ ] eller #")
    return "mødets oplysninger blev ikke de samme"
