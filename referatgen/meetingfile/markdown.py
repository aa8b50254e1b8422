"""The Markdown meeting format: front matter for the meeting, `#` per item, `##` per section.

A line scanner, not a Markdown parser: it only needs headings outside code fences, and
keeping markdown-it off this path keeps `referatgen check` fast enough for every commit.
"""

from __future__ import annotations

import re

from ..diagnostics import Diagnostic
from .nodes import FRONT_MATTER, MappingNode, Node, Scalar, SequenceNode, Source
from .schema import ITEM_KEYS, MD_ITEM_KEYS, section_key_for_heading
from .yaml import parse_yaml

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# CommonMark: an optional closing run of # must follow a space ("# Sag om C#" keeps its #).
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ITEM_KEY = re.compile(r"^([A-Za-zÆØÅæøå_]+)[ \t]*:[ \t]*(.*)$")
_PUNKT = re.compile(r"^Punkt\s+(\d{1,6})\s*[:.]\s*", re.I)
# "Beslutning <organ> den DD-MM-YYYY", and the forms secretaries also write: without
# "den", with "i"/"d.", dots or slashes in the date, or no date at all. Any heading that
# starts with the word Beslutning is a decision, so a dagsorden never prints one.
_DECISION = re.compile(
    r"^beslutning(?:\s+(?:i\s+|fra\s+)?(?P<organ>.+?))??"
    r"(?:\s+(?:den\s+|d\.\s*)?(?P<dato>\d{1,2}[-./]\d{1,2}[-./]\d{4}|\d{4}-\d{2}-\d{2}))?$",
    re.I,
)
# A link destination as CommonMark writes it: bare, or in <...> when it holds spaces.
_BILAG_LINK = re.compile(
    r"^\s*[-*+]\s+\[(?P<titel>[^\]]+)\]\((?:<(?P<fil_angle>[^<>\n]+)>|(?P<fil>[^)\s<>]+))\)"
    r"\s*(?P<rest>.*)$"
)
_BILAG_PLAIN = re.compile(r"^\s*[-*+]\s+(?P<titel>.+?)\s*$")
_CLOSED_MARK = re.compile(r"\(lukket\)\s*$", re.I)


def parse_markdown_meeting(source: Source) -> tuple[MappingNode | None, list[Diagnostic]]:
    text = source.text
    display = source.display
    diagnostics: list[Diagnostic] = []
    match = FRONT_MATTER.match(text)
    if match:
        front_text = match.group(1) or ""
        front, yaml_diags = parse_yaml(front_text, display, line_offset=1)
        if yaml_diags:
            return None, yaml_diags
        body_start = text.count("\n", 0, match.end())
        if not text[: match.end()].endswith("\n"):
            body_start += 1  # the closing --- is the file's last line
        if front is None:
            front = MappingNode({}, 1, 1)
        if not isinstance(front, MappingNode):
            return None, [Diagnostic(
                display, 2, 1, "error",
                "Forsiden (mellem ---) skal bestå af nøgler som organ og dato.", "wrong-type",
            )]
        if "punkter" in front.entries:
            key = front.entries.pop("punkter")[0]
            diagnostics.append(Diagnostic(
                display, key.line, key.column, "error",
                "I en Markdown-fil hører 'punkter' ikke til forsiden: skriv hvert punkt "
                "som en '# Titel'-overskrift under forsiden.",
                "unknown-key",
            ))
    else:
        front = MappingNode({}, 1, 1)
        body_start = 0
    lines = text.split("\n")
    items = _parse_body(lines, body_start, display, diagnostics)
    front.entries["punkter"] = (
        Scalar("punkter", body_start + 1, 1),
        SequenceNode(list(items), body_start + 1, 1),
    )
    return front, diagnostics


def _parse_body(
    lines: list[str], start: int, display: str, diagnostics: list[Diagnostic]
) -> list[MappingNode]:
    items: list[MappingNode] = []
    item: MappingNode | None = None
    state = "outside"  # outside | keys | gap | section
    section: tuple[str, int, int] | None = None  # heading text, its line index and column
    section_lines: list[str] = []
    decisions: list[MappingNode] = []
    fence: str | None = None

    def flush_section() -> None:
        nonlocal section, section_lines
        if item is not None and section is not None:
            _add_section(item, section[0], section[1], section[2], section_lines, decisions,
                         display, diagnostics)
        section, section_lines = None, []

    def finish_item() -> None:
        flush_section()
        if item is not None and decisions:
            first = decisions[0]
            key = Scalar("beslutning", first.line, first.column)
            if len(decisions) == 1 and "dato" not in first.entries:
                # One plain "## Beslutning": the text form, as YAML's `beslutning: |`.
                item.entries["beslutning"] = (key, first.entries["tekst"][1])
            else:
                item.entries["beslutning"] = (
                    key, SequenceNode(list(decisions), first.line, first.column))
        decisions.clear()

    for index in range(start, len(lines)):
        raw = lines[index]
        number = index + 1
        if fence is None:
            fence_match = _FENCE.match(raw)
            heading = None if fence_match else _HEADING.match(raw)
        else:
            fence_match, heading = _FENCE.match(raw), None
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
        if heading and len(heading.group(1)) == 1:
            finish_item()
            title = (heading.group(2) or "").strip()
            column = heading.start(2) + 1 if heading.group(2) is not None else heading.end(1) + 1
            item = MappingNode({}, number, 1)
            punkt = _PUNKT.match(title)
            if punkt:
                item.notes["punkt"] = Scalar(punkt.group(1), number, column)
                column += punkt.end()
                title = title[punkt.end():].strip()
            item.entries["titel"] = (Scalar("titel", number, 1), Scalar(title, number, column))
            items.append(item)
            state = "keys"
            continue
        if heading and len(heading.group(1)) == 2 and item is not None:
            flush_section()
            column = heading.start(2) + 1 if heading.group(2) is not None else heading.end(1) + 1
            section = ((heading.group(2) or "").strip(), index, column)
            state = "section"
            continue
        if state == "section":
            section_lines.append(raw)
            continue
        if state == "keys" and item is not None:
            key_match = _ITEM_KEY.match(raw)
            if raw.strip() == "":
                state = "gap"
                continue
            if key_match:
                _add_item_key(item, key_match, number, display, diagnostics)
                continue
            state = "gap"
        if raw.strip():
            where = (
                "før første punkt (# overskrift)" if item is None
                else "mellem punktets nøgler og første afsnit (## overskrift)"
            )
            diagnostics.append(Diagnostic(
                display, number, len(raw) - len(raw.lstrip()) + 1, "error",
                f"Tekst {where} hører ikke til noget afsnit. Sæt en '## Baggrund' "
                "(eller et andet afsnit) over den, eller slet den.",
                "text-outside-section",
            ))
    finish_item()
    return items


def _add_item_key(
    item: MappingNode, match: re.Match[str], number: int, display: str,
    diagnostics: list[Diagnostic],
) -> None:
    key, value = match.group(1).lower(), match.group(2).strip()
    key_scalar = Scalar(key, number, 1)
    value_column = match.start(2) + 1
    if key not in MD_ITEM_KEYS:
        diagnostics.append(Diagnostic(
            display, number, 1, "error", _unknown_item_key(key), "unknown-key"))
        return
    if key in item.entries:
        diagnostics.append(Diagnostic(
            display, number, 1, "error",
            f"Nøglen '{key}' står to gange under samme punkt. Slet den ene.", "yaml-syntax",
        ))
        return
    node: Node
    if key == "deltog_ikke":
        names = [n.strip() for n in value.split(",") if n.strip()]
        node = SequenceNode(
            [Scalar(n, number, value_column + value.find(n)) for n in names],
            number, value_column,
        )
    else:
        node = Scalar(value, number, value_column, body_line=number, body_column=value_column,
                      exact_lines=True)
    item.entries[key] = (key_scalar, node)


def _unknown_item_key(key: str) -> str:
    lower = key.lower()
    if lower == "titel":
        return ("Under overskriften står 'titel:', men i en Markdown-fil er punktets titel "
                "overskriften selv ('# Titel'). Slet linjen.")
    if lower in ITEM_KEYS:
        return (f"I en Markdown-fil skrives '{key}' som et afsnit: '## {key.capitalize()}' "
                "på sin egen linje med teksten under, ikke som en nøgle under overskriften.")
    import difflib  # only on this error path

    guess = difflib.get_close_matches(lower, MD_ITEM_KEYS, n=1, cutoff=0.6)
    hint = f" Mente du '{guess[0]}'?" if guess else ""
    return (f"Ukendt nøgle '{key}' under punktets overskrift.{hint} Her kan kun stå "
            f"{', '.join(MD_ITEM_KEYS)}; tekst hører under en '## Overskrift'.")


def _add_section(
    item: MappingNode, heading: str, heading_index: int, heading_column: int, body: list[str],
    decisions: list[MappingNode], display: str, diagnostics: list[Diagnostic],
) -> None:
    while body and not body[-1].strip():
        body.pop()
    first = 0
    while first < len(body) and not body[first].strip():
        first += 1
    text_lines = body[first:]
    line = heading_index + 1
    body_line = heading_index + 2 + first
    text = "\n".join(text_lines) + ("\n" if text_lines else "")
    key_scalar = Scalar(heading, line, heading_column)

    def body_scalar() -> Scalar:
        return Scalar(text, line, heading_column, "str", body_line, 1, exact_lines=True)

    decision = _DECISION.match(heading)
    if decision and (decision.group("organ") or decision.group("dato")):
        entries: dict[str, tuple[Scalar, Node]] = {}
        if decision.group("dato"):
            entries["dato"] = (Scalar("dato", line, 1), Scalar(
                _iso(decision.group("dato")), line, heading_column + decision.start("dato")))
        if decision.group("organ"):
            organ = " ".join(decision.group("organ").split())
            entries["organ"] = (Scalar("organ", line, 1), Scalar(
                organ, line, heading_column + decision.start("organ")))
        entries["tekst"] = (Scalar("tekst", line, 1), body_scalar())
        decisions.append(MappingNode(entries, line, heading_column))
        return
    key = section_key_for_heading(heading)
    if key == "beslutning":
        # Collected with the dated ones, in file order; the item gets the text form when
        # it stays the only one (see finish_item).
        decisions.append(MappingNode({"tekst": (key_scalar, body_scalar())}, line, heading_column))
        return
    if key == "bilag":
        bilag: list[Node] = []
        for offset, raw in enumerate(text_lines):
            number = body_line + offset
            if not raw.strip():
                continue
            link = _BILAG_LINK.match(raw)
            plain = _BILAG_PLAIN.match(raw)
            if link:
                rest = link.group("rest")
                fil_group = "fil" if link.group("fil") is not None else "fil_angle"
                entry: dict[str, tuple[Scalar, Node]] = {
                    "titel": (Scalar("titel", number, 1),
                              Scalar(link.group("titel"), number, link.start("titel") + 1)),
                    "fil": (Scalar("fil", number, 1),
                            Scalar(link.group(fil_group), number, link.start(fil_group) + 1)),
                }
                if rest and not _CLOSED_MARK.fullmatch(rest):
                    diagnostics.append(Diagnostic(
                        display, number, link.start("rest") + 1, "error",
                        f"Efter bilagets link står '{rest}'. Efter linket må kun stå "
                        "'(lukket)'; skriv resten i titlen mellem [ og ].",
                        "text-outside-section",
                    ))
                if _CLOSED_MARK.search(rest):
                    entry["lukket"] = (Scalar("lukket", number, 1),
                                       Scalar("true", number, 1, "bool"))
                bilag.append(MappingNode(entry, number, 1))
            elif plain:
                title = plain.group("titel")
                closed = _CLOSED_MARK.search(title)
                if closed:
                    title = title[: closed.start()].strip()
                    bilag.append(MappingNode({
                        "titel": (Scalar("titel", number, 1),
                                  Scalar(title, number, plain.start("titel") + 1)),
                        "lukket": (Scalar("lukket", number, 1), Scalar("true", number, 1, "bool")),
                    }, number, 1))
                else:
                    bilag.append(Scalar(title, number, plain.start("titel") + 1))
            else:
                diagnostics.append(Diagnostic(
                    display, number, 1, "error",
                    "Under '## Bilag' skal hvert bilag stå som et listepunkt: "
                    "'- Titel' eller '- [Titel](bilag/fil.pdf)'.",
                    "text-outside-section",
                ))
        if key in item.entries:
            _duplicate_section(item, key, line, display, diagnostics)
            return
        item.entries["bilag"] = (key_scalar, SequenceNode(bilag, line, heading_column))
        return
    if key is not None:
        if key in item.entries:
            _duplicate_section(item, key, line, display, diagnostics)
            return
        item.entries[key] = (key_scalar, body_scalar())
        return
    afsnit = item.get("afsnit")
    if not isinstance(afsnit, SequenceNode):
        afsnit = SequenceNode([], line, heading_column)
        item.entries["afsnit"] = (Scalar("afsnit", line, 1), afsnit)
    afsnit.items.append(MappingNode({
        "overskrift": (Scalar("overskrift", line, 1), Scalar(heading, line, heading_column)),
        "tekst": (Scalar("tekst", line, 1), body_scalar()),
    }, line, heading_column))


def _duplicate_section(
    item: MappingNode, key: str, line: int, display: str, diagnostics: list[Diagnostic]
) -> None:
    first = item.entries[key][0]
    diagnostics.append(Diagnostic(
        display, line, 1, "error",
        f"Afsnittet '{key}' står to gange i samme punkt (første gang i linje {first.line}). "
        "Flet de to afsnit sammen.",
        "yaml-syntax",
    ))


def _iso(day: str) -> str:
    """'03-02-2025' (as headings print it) -> '2025-02-03' (as the model reads dates)."""
    parts = re.split(r"[-./]", day)
    if len(parts[0]) == 4:
        return day
    return f"{parts[2]}-{int(parts[1]):02d}-{int(parts[0]):02d}"
