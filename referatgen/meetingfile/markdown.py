"""The Markdown meeting format: front matter for the meeting, `#` per item, `##` per section.

What is a heading, a code fence or a paragraph is decided by markdown-it's block tokens,
the same parser the renderers use, so the file splits into items exactly where CommonMark
(and every editor's preview) shows the headings. Within that frame the lines between
headings are read as they stand: an item's key lines, then each section's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..diagnostics import Diagnostic
from .nodes import FRONT_MATTER, MappingNode, Node, Scalar, SequenceNode, Source
from .schema import ITEM_KEYS, MD_ITEM_KEYS, section_key_for_heading
from .yaml import parse_yaml

#: A heading a secretary meant, that CommonMark does not read as one: group 1 is what
#: stands before the #: white space, no-break, zero-width or BOM characters, quote marks.
_LOOKALIKE = re.compile(
    "^([\\s\u00a0\u200b\u200c\u200d\u2060\ufeff>]*)[#\uff03]{1,2}(?![#\uff03])")
#: `lukket:` inside a section's text: the key line of a closed item whose heading was lost.
_CLOSED_KEY = re.compile(r"^\s*lukket\s*:", re.I)
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
# "(lukket)" after a bilag, as secretaries write it: also "(lukket bilag)", other case,
# spaces inside, a full stop after. Anything less strict would publish a closed title.
_CLOSED_MARK = re.compile(r"\(\s*lukket(?:\s+bilag)?\s*\)\s*[.,;:]?\s*$", re.I)


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
    structure = _Structure(lines, start, display, diagnostics)
    scanner = _BodyScanner(display, diagnostics)
    scanner.fenced = structure.fenced
    index = start
    while index < len(lines):
        heading = structure.headings.get(index)
        if heading is None:
            scanner.line(lines[index], index)
            index += 1
            continue
        if heading.level == 1:
            scanner.item_heading(heading)
        elif scanner.item is not None:
            scanner.section_heading(heading)
        else:
            scanner.outside(lines[index], index + 1)
        index = heading.end
    scanner.finish_item()
    return scanner.items


@dataclass(frozen=True)
class _Heading:
    text: str
    #: 0-based line index of the heading's first line, and the index after its last.
    index: int
    column: int
    level: int = 2
    end: int = 0


class _Structure:
    """Where the items and sections start, as CommonMark (and so every editor's preview)
    reads the body: only `#` and `##` headings outside code, quotes and lists count.

    Two things CommonMark allows are refused here, because a secretary never means them
    and both would hide a heading (and with it a closed item) inside the text before it:
    a code fence that is never closed, and a heading underlined with === or ---.
    """

    def __init__(self, lines: list[str], start: int, display: str,
                 diagnostics: list[Diagnostic]) -> None:
        from ..commonmark import parse  # the renderers' own parser: same structure

        self.lines, self.start = lines, start
        self.display, self.diagnostics = display, diagnostics
        self.headings: dict[int, _Heading] = {}
        #: Lines inside fenced code: text as written, never structure.
        self.fenced: set[int] = set()
        #: Heading lines already reported (nested in a quote, list or footnote).
        self.nested: set[int] = set()
        tokens = parse("\n".join(lines[start:]))
        for position, token in enumerate(tokens):
            if token.type == "fence":
                self.fence(token.map, token.markup)
            elif token.type == "heading_open" and token.tag in ("h1", "h2"):
                self.heading(token.map, int(token.tag[1]), token.markup,
                             tokens[position + 1].content, nested=token.level > 0)
        self.lookalikes()

    def lookalikes(self) -> None:
        """Lines a secretary means as an item or a section heading that CommonMark does not
        read as one: `#Titel` without the space, a full-width ＃, a no-break or zero-width
        space or a tab before the #. Each would put what follows (a closed item, say)
        into the text of the section before it."""
        for index in range(self.start, len(self.lines)):
            if index in self.headings or index in self.fenced or index in self.nested:
                continue
            match = _LOOKALIKE.match(self.lines[index])
            if match:
                self.error(index + 1, match.end(1) + 1,
                           "Linjen ligner en overskrift (# eller ##), men er ikke en: der "
                           "skal stå '# ' eller '## ' (med mellemrum) først på linjen. Skal "
                           "den være tekst, så skriv \\# i stedet for #.")

    def fence(self, where: list[int] | None, marker: str) -> None:
        assert where is not None
        first, end = where[0] + self.start, where[1] + self.start
        self.fenced.update(range(first, end))
        closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        if end - first >= 2 and closing.match(self.lines[end - 1]):
            return
        self.error(first + 1, 1,
                   f"En kodeblok ({marker}) begynder her, men lukkes aldrig: alt efter den, "
                   f"også punkter og afsnit, ville blive til kode. Luk den med {marker} på "
                   "en linje for sig, eller slet linjen.")

    def heading(self, where: list[int] | None, level: int, markup: str, content: str, *,
                nested: bool) -> None:
        assert where is not None
        first, end = where[0] + self.start, where[1] + self.start
        if nested:
            # "> # Titel", "- # Titel": a heading inside a quote, a list or a footnote is
            # no item or section, and what follows it would stay in the text above.
            self.error(first + 1, 1,
                       f"En overskrift med {'#' * level} står inde i et citat, en liste eller "
                       "en fodnote, hvor den ikke starter et punkt eller afsnit. Ryk den ud "
                       "til venstre kant, eller brug ### i teksten.")
            self.nested.add(first)
            return
        atx = _HEADING.match(self.lines[first])
        if markup.startswith("#") and atx is not None:
            self.headings[first] = _Heading((atx.group(2) or "").strip(), first,
                                            _heading_column(atx), level, end)
            return
        # Setext: the text line(s), then a line of === (level 1) or --- (level 2).
        raw = self.lines[first]
        column = len(raw) - len(raw.lstrip()) + 1
        self.headings[first] = _Heading(" ".join(content.split()), first, column, level, end)
        sign = "#" * level
        self.error(first + 1, 1,
                   f"Linjen med {markup * 3} under linje {first + 1} gør "
                   f"teksten til en overskrift. Skriv '{sign} Titel' i stedet (punkter med #, "
                   "afsnit med ##), eller sæt en tom linje før stregen, hvis den ikke er "
                   "en overskrift.")

    def error(self, line: int, column: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(
            self.display, line, column, "error", message, "markdown-structure"))


class _BodyScanner:
    """The lines between headings: an item's key lines, then its sections' text."""

    def __init__(self, display: str, diagnostics: list[Diagnostic]) -> None:
        self.display = display
        self.diagnostics = diagnostics
        self.items: list[MappingNode] = []
        self.item: MappingNode | None = None
        self.state = "outside"  # outside | keys | gap | section
        self.section: _Heading | None = None
        self.section_lines: list[str] = []
        self.decisions: list[MappingNode] = []
        #: Lines inside fenced code, where nothing is structure.
        self.fenced: set[int] = set()

    def line(self, raw: str, index: int) -> None:
        if self.state == "section":
            self.section_lines.append(raw)
            if index not in self.fenced and _CLOSED_KEY.match(raw):
                self.diagnostics.append(Diagnostic(
                    self.display, index + 1, 1, "error",
                    "'lukket:' står inde i et afsnits tekst, hvor den ikke lukker noget: "
                    "hører den til et punkt, mangler punktets '# Titel' lige over den. "
                    "Ret overskriften, eller skriv teksten om.", "markdown-structure"))
        elif not self.item_key(raw, index + 1) and raw.strip():
            self.outside(raw, index + 1)

    def section_heading(self, heading: _Heading) -> None:
        self.flush_section()
        self.section = heading
        self.state = "section"

    def item_heading(self, heading: _Heading) -> None:
        self.finish_item()
        number, title, column = heading.index + 1, heading.text, heading.column
        item = MappingNode({}, number, 1)
        punkt = _PUNKT.match(title)
        if punkt:
            item.notes["punkt"] = Scalar(punkt.group(1), number, column)
            column += punkt.end()
            title = title[punkt.end():].strip()
        item.entries["titel"] = (Scalar("titel", number, 1), Scalar(title, number, column))
        self.items.append(item)
        self.item = item
        self.state = "keys"

    def item_key(self, raw: str, number: int) -> bool:
        """A `key: value` line right under an item heading; True when the line is used."""
        if self.state != "keys" or self.item is None:
            return False
        if raw.strip() == "":
            self.state = "gap"
            return True
        key_match = _ITEM_KEY.match(raw)
        if key_match:
            _add_item_key(self.item, key_match, number, self.display, self.diagnostics)
            return True
        self.state = "gap"
        return False

    def outside(self, raw: str, number: int) -> None:
        where = (
            "før første punkt (# overskrift)" if self.item is None
            else "mellem punktets nøgler og første afsnit (## overskrift)"
        )
        self.diagnostics.append(Diagnostic(
            self.display, number, len(raw) - len(raw.lstrip()) + 1, "error",
            f"Tekst {where} hører ikke til noget afsnit. Sæt en '## Baggrund' "
            "(eller et andet afsnit) over den, eller slet den.",
            "text-outside-section",
        ))

    def flush_section(self) -> None:
        if self.item is not None and self.section is not None:
            _Section(self.item, self.section, self.section_lines, self.decisions,
                     self.display, self.diagnostics).add()
        self.section, self.section_lines = None, []

    def finish_item(self) -> None:
        self.flush_section()
        item, decisions = self.item, self.decisions
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


def _heading_column(heading: re.Match[str]) -> int:
    return heading.start(2) + 1 if heading.group(2) is not None else heading.end(1) + 1


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


class _Section:
    """One `##` section of an item: a decision, the bilag list, a known section or an afsnit."""

    def __init__(self, item: MappingNode, heading: _Heading, body: list[str],
                 decisions: list[MappingNode], display: str,
                 diagnostics: list[Diagnostic]) -> None:
        self.item, self.heading, self.decisions = item, heading, decisions
        self.display, self.diagnostics = display, diagnostics
        while body and not body[-1].strip():
            body.pop()
        first = 0
        while first < len(body) and not body[first].strip():
            first += 1
        self.lines = body[first:]
        self.line = heading.index + 1
        self.body_line = heading.index + 2 + first
        self.text = "\n".join(self.lines) + ("\n" if self.lines else "")
        self.key_scalar = Scalar(heading.text, self.line, heading.column)

    def body_scalar(self) -> Scalar:
        return Scalar(self.text, self.line, self.heading.column, "str", self.body_line, 1,
                      exact_lines=True)

    def add(self) -> None:
        decision = _DECISION.match(self.heading.text)
        if decision and (decision.group("organ") or decision.group("dato")):
            self.dated_decision(decision)
            return
        key = section_key_for_heading(self.heading.text)
        if key == "beslutning":
            # Collected with the dated ones, in file order; the item gets the text form
            # when it stays the only one (see finish_item).
            self.decisions.append(MappingNode({"tekst": (self.key_scalar, self.body_scalar())},
                                              self.line, self.heading.column))
        elif key == "bilag":
            # The list's lines are checked even when the section turns out to be a duplicate.
            self.store(key, SequenceNode(self.bilag_entries(), self.line, self.heading.column))
        elif key is not None:
            self.store(key, self.body_scalar())
        else:
            self.afsnit()

    def store(self, key: str, node: Node) -> None:
        if key in self.item.entries:
            _duplicate_section(self.item, key, self.line, self.display, self.diagnostics)
        else:
            self.item.entries[key] = (self.key_scalar, node)

    def dated_decision(self, decision: re.Match[str]) -> None:
        line, column = self.line, self.heading.column
        entries: dict[str, tuple[Scalar, Node]] = {}
        if decision.group("dato"):
            entries["dato"] = (Scalar("dato", line, 1), Scalar(
                _iso(decision.group("dato")), line, column + decision.start("dato")))
        if decision.group("organ"):
            organ = " ".join(decision.group("organ").split())
            entries["organ"] = (Scalar("organ", line, 1), Scalar(
                organ, line, column + decision.start("organ")))
        entries["tekst"] = (Scalar("tekst", line, 1), self.body_scalar())
        self.decisions.append(MappingNode(entries, line, column))

    def afsnit(self) -> None:
        line, column = self.line, self.heading.column
        afsnit = self.item.get("afsnit")
        if not isinstance(afsnit, SequenceNode):
            afsnit = SequenceNode([], line, column)
            self.item.entries["afsnit"] = (Scalar("afsnit", line, 1), afsnit)
        afsnit.items.append(MappingNode({
            "overskrift": (Scalar("overskrift", line, 1),
                           Scalar(self.heading.text, line, column)),
            "tekst": (Scalar("tekst", line, 1), self.body_scalar()),
        }, line, column))

    def bilag_entries(self) -> list[Node]:
        bilag: list[Node] = []
        for offset, raw in enumerate(self.lines):
            if raw.strip():
                entry = self.bilag_line(raw, self.body_line + offset)
                if entry is not None:
                    bilag.append(entry)
        return bilag

    def bilag_line(self, raw: str, number: int) -> Node | None:
        link = _BILAG_LINK.match(raw)
        if link:
            return self.bilag_link(link, number)
        plain = _BILAG_PLAIN.match(raw)
        if plain is None:
            self.diagnostics.append(Diagnostic(
                self.display, number, 1, "error",
                "Under '## Bilag' skal hvert bilag stå som et listepunkt: "
                "'- Titel' eller '- [Titel](bilag/fil.pdf)'.",
                "text-outside-section",
            ))
            return None
        title = plain.group("titel")
        closed = _CLOSED_MARK.search(title)
        if not closed:
            return Scalar(title, number, plain.start("titel") + 1)
        return MappingNode({
            "titel": (Scalar("titel", number, 1),
                      Scalar(title[: closed.start()].strip(), number, plain.start("titel") + 1)),
            "lukket": (Scalar("lukket", number, 1), Scalar("true", number, 1, "bool")),
        }, number, 1)

    def bilag_link(self, link: re.Match[str], number: int) -> Node:
        rest = link.group("rest")
        fil_group = "fil" if link.group("fil") is not None else "fil_angle"
        entry: dict[str, tuple[Scalar, Node]] = {
            "titel": (Scalar("titel", number, 1),
                      Scalar(link.group("titel"), number, link.start("titel") + 1)),
            "fil": (Scalar("fil", number, 1),
                    Scalar(link.group(fil_group), number, link.start(fil_group) + 1)),
        }
        if rest and not _CLOSED_MARK.fullmatch(rest):
            self.diagnostics.append(Diagnostic(
                self.display, number, link.start("rest") + 1, "error",
                "Efter bilagets link står mere tekst. Efter linket må kun stå "
                "'(lukket)'; skriv resten i titlen mellem [ og ].",
                "text-outside-section",
            ))
        if _CLOSED_MARK.search(rest):
            entry["lukket"] = (Scalar("lukket", number, 1), Scalar("true", number, 1, "bool"))
        return MappingNode(entry, number, 1)


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
