"""`referatgen convert FILE --to yaml|md`: the same meeting in the other format.

Writes from the model, not from the text, so what comes out is what referatgen read.
Before anything is written, the new text is read back and its model compared with the
original's: a meeting that one format cannot hold (a section named like a standard one,
a bilag title that reads as a link, ...) is refused with a message instead of being
silently changed. Comments in the source file do not come along.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import sys
from pathlib import Path
from typing import Any

from ..check import check_file
from ..dates import short_date
from ..diagnostics import Diagnostic, ReferatgenError
from ..meetingfile.nodes import Format, Loaded, MappingNode, Source
from ..meetingfile.schema import SECTION_KEYS, section_key_for_heading
from ..meetingfile.yaml import parse_yaml
from ..model import Bilag, Decision, Item, Meeting, Person, Text, Where, build_model
from ..styles import Group, Style

SUFFIX: dict[Format, str] = {"yaml": ".yaml", "md": ".md"}


def run(args: argparse.Namespace) -> int:
    source = Path(args.file)
    fmt: Format = args.to
    target = Path(args.output) if args.output else source.with_suffix(SUFFIX[fmt])
    result = check_file(source, args.file)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    if errors or result.meeting is None:
        for diagnostic in errors:
            print(diagnostic.format(), file=sys.stderr)
        print(f"referatgen: {args.file} blev ikke omsat: ret fejlene ovenfor.", file=sys.stderr)
        return 1
    if target.exists() and not args.force:
        raise ReferatgenError(
            f"{target} findes allerede. Vælg et andet navn med -o, eller skriv --force for "
            "at overskrive den.")
    text = convert(result.meeting, result.style, fmt)
    verify(result.meeting, text, fmt, target)
    from ..write import write_atomic

    write_atomic(target, text.encode("utf-8"))
    print(target)
    return 0


def convert(meeting: Meeting, style: Style | None, fmt: Format) -> str:
    """The meeting as the text of a meeting file in `fmt`."""
    return to_markdown(meeting, style) if fmt == "md" else to_yaml(meeting, style)


# -- YAML ------------------------------------------------------------------------------


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: keeps key order and the scalar styles chosen below
    yaml.width = 4096  # long titles and lines stay on one line, as the secretary wrote them
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


def _dump(data: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def _text(text: Text) -> Any:
    from ruamel.yaml.scalarstring import LiteralScalarString

    body = text.markdown.rstrip("\n")
    # Several lines go in a literal block (`|`), so Markdown stays as typed; one line
    # stays a plain value (ruamel quotes it when YAML needs that).
    return LiteralScalarString(body + "\n") if "\n" in body else body


def _person(person: Person) -> Any:
    from ruamel.yaml.comments import CommentedMap

    if person.rolle is None:
        return person.navn
    entry = CommentedMap()
    entry["navn"] = person.navn
    entry["rolle"] = person.rolle
    return entry


def _front(meeting: Meeting) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    data = CommentedMap()
    data["type"] = meeting.type
    data["stil"] = meeting.stil
    if meeting.kommune is not None:
        data["kommune"] = meeting.kommune
    data["organ"] = meeting.organ
    data["dato"] = meeting.dato
    for key in ("tid", "sluttid"):
        value = getattr(meeting, key)
        if value is not None:
            # Quoted: unquoted 10:00 is a number in YAML 1.1 tools (sexagesimal).
            data[key] = DoubleQuotedScalarString(value)
    if meeting.sted is not None:
        data["sted"] = meeting.sted
    for key in ("deltagere", "afbud"):
        people: list[Person] = getattr(meeting, key)
        if people:
            data[key] = CommentedSeq([_person(p) for p in people])
    if meeting.første_punkt != 1:
        data["første_punkt"] = meeting.første_punkt
    return data


def _section_order(style: Style | None) -> list[str]:
    """Section keys (and 'afsnit') in the order the style prints them."""
    order: list[str] = []
    slots = style.order if style is not None else (*SECTION_KEYS, "afsnit")
    for slot in slots:
        keys = slot.keys if isinstance(slot, Group) else (slot,)
        order += [k for k in keys if k not in order]
    return order + [k for k in (*SECTION_KEYS, "afsnit") if k not in order]


def to_yaml(meeting: Meeting, style: Style | None) -> str:
    from ruamel.yaml.comments import CommentedSeq

    data = _front(meeting)
    items = CommentedSeq()
    for index, item in enumerate(meeting.punkter):
        items.append(_yaml_item(item, style))
        if index:
            items.yaml_set_comment_before_after_key(index, before="\n")
    data["punkter"] = items
    return _dump(data)


def _yaml_item(item: Item, style: Style | None) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    entry = CommentedMap()
    entry["titel"] = item.titel
    if item.sagsnr is not None:
        entry["sagsnr"] = item.sagsnr
    if item.lukket:
        entry["lukket"] = True
    if item.offentlig_titel is not None:
        entry["offentlig_titel"] = item.offentlig_titel
    for key in _section_order(style):
        if key in item.sections:
            entry[key] = _text(item.sections[key])
        elif key == "beslutning" and item.beslutning:
            entry["beslutning"] = _yaml_decisions(item.beslutning)
        elif key == "bilag" and item.bilag:
            entry["bilag"] = CommentedSeq([_yaml_bilag(b) for b in item.bilag])
        elif key == "afsnit" and item.afsnit:
            afsnit = CommentedSeq()
            for part in item.afsnit:
                section = CommentedMap()
                section["overskrift"] = part.overskrift
                section["tekst"] = _text(part.tekst)
                afsnit.append(section)
            entry["afsnit"] = afsnit
    if item.deltog_ikke:
        names = CommentedSeq(item.deltog_ikke)
        names.fa.set_flow_style()
        entry["deltog_ikke"] = names
    return entry


def _yaml_decisions(decisions: list[Decision]) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if len(decisions) == 1 and decisions[0].dato is None and decisions[0].organ is None:
        return _text(decisions[0].tekst)
    out = CommentedSeq()
    for decision in decisions:
        entry = CommentedMap()
        if decision.dato is not None:
            entry["dato"] = decision.dato
        if decision.organ is not None:
            entry["organ"] = decision.organ
        entry["tekst"] = _text(decision.tekst)
        out.append(entry)
    return out


def _yaml_bilag(bilag: Bilag) -> Any:
    from ruamel.yaml.comments import CommentedMap

    if bilag.fil is None and not bilag.lukket:
        return bilag.titel
    entry = CommentedMap()
    entry["titel"] = bilag.titel
    if bilag.fil is not None:
        entry["fil"] = bilag.fil
    if bilag.lukket:
        entry["lukket"] = True
    return entry


# -- Markdown --------------------------------------------------------------------------


def to_markdown(meeting: Meeting, style: Style | None) -> str:
    parts = [f"---\n{_dump(_front(meeting))}---\n"]
    for index, item in enumerate(meeting.punkter):
        parts.append(_markdown_item(meeting, item, meeting.første_punkt + index, style))
    return "\n".join(parts)


def _markdown_heading(key: str, style: Style | None) -> str:
    # The style's own heading when the Markdown reader maps it back to the key
    # ("Økonomiske konsekvenser"), otherwise the key itself ("Økonomi").
    if style is not None and section_key_for_heading(style.heading(key)) == key:
        return style.heading(key)
    return key.capitalize()


def _markdown_item(meeting: Meeting, item: Item, number: int, style: Style | None) -> str:
    # "Punkt N:" makes the file read like the minutes, and keeps a title that itself
    # starts with "Punkt 3:" from being taken for the number.
    lines = [f"# Punkt {number}: {item.titel}"]
    if item.sagsnr is not None:
        lines.append(f"sagsnr: {item.sagsnr}")
    if item.lukket:
        lines.append("lukket: ja")
    if item.offentlig_titel is not None:
        lines.append(f"offentlig_titel: {item.offentlig_titel}")
    if item.deltog_ikke:
        lines.append(f"deltog_ikke: {', '.join(item.deltog_ikke)}")
    blocks = ["\n".join(lines) + "\n"]
    for key in _section_order(style):
        if key in item.sections:
            blocks.append(f"## {_markdown_heading(key, style)}\n\n{item.sections[key].markdown}")
        elif key == "beslutning":
            for decision in item.beslutning:
                blocks.append(f"## {_decision_heading(meeting, decision)}\n\n"
                              f"{decision.tekst.markdown}")
        elif key == "bilag" and item.bilag:
            entries = [_markdown_bilag(b) for b in item.bilag]
            blocks.append(f"## {_markdown_heading('bilag', style)}\n\n" + "".join(entries))
        elif key == "afsnit":
            for part in item.afsnit:
                blocks.append(f"## {part.overskrift}\n\n{part.tekst.markdown}")
    return "\n".join(blocks)


def _decision_heading(meeting: Meeting, decision: Decision) -> str:
    if decision.dato is None and decision.organ is None:
        return "Beslutning"
    # The Markdown heading names both; the one the YAML left out is what the
    # document prints anyway (the meeting's organ or date).
    organ = decision.organ or meeting.organ
    return f"Beslutning {organ} den {short_date(decision.dato or meeting.dato)}"


def _markdown_bilag(bilag: Bilag) -> str:
    closed = " (lukket)" if bilag.lukket else ""
    if bilag.fil is None:
        return f"- {bilag.titel}{closed}\n"
    fil = f"<{bilag.fil}>" if any(c in bilag.fil for c in " ()") else bilag.fil
    return f"- [{bilag.titel}]({fil}){closed}\n"


# -- the check before writing ----------------------------------------------------------


def reread(text: str, fmt: Format, path: Path) -> tuple[Meeting | None, list[Diagnostic]]:
    """The model of `text` as if it were the file `path` (for relative bilag paths)."""
    source = Source(path, str(path), text, fmt)
    if fmt == "md":
        from ..meetingfile.markdown import parse_markdown_meeting

        root, diagnostics = parse_markdown_meeting(source)
    else:
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
