"""Stage 2: the typed model of a meeting, built from the loaded tree.

Structural problems (missing or unknown keys, wrong types, bad dates and times) are
found here, while the tree's positions are at hand; the model keeps the positions that
later checks need. Later stages read only these dataclasses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic
from .meetingfile.nodes import Loaded, MappingNode, Node, Scalar, SequenceNode, Source
from .meetingfile.schema import (
    BILAG,
    DECISION,
    FALSE_WORDS,
    ITEM,
    ITEM_KEYS,
    MEETING,
    PERSON,
    SECTION,
    TEXT_SECTIONS,
    TRUE_WORDS,
    Key,
    names,
)
from .options import Kind


@dataclass(frozen=True)
class Where:
    line: int
    column: int


@dataclass(frozen=True)
class Text:
    """Markdown text and where it stands, so findings inside it point into the file."""

    markdown: str
    where: Where
    #: File position of the text's first character.
    body: Where
    #: True when text line i is file line body.line + i.
    exact: bool

    def position(self, line_index: int, column_index: int = 0) -> Where:
        if not self.exact:
            return self.body if line_index == 0 else self.where
        column = self.body.column + column_index if self.body.column else column_index + 1
        return Where(self.body.line + line_index, column)

    def find(self, written: str, line_index: int) -> Where:
        """Where `written` stands in the text, from line `line_index` on (an image's
        destination, found from its block's line); the block's line when it is not found
        (a reference definition may stand elsewhere). One search for `check` and the
        renderers, so a finding and a warning about one image point at the same place."""
        lines = self.markdown.split("\n")
        for index in range(line_index, len(lines)):
            column = lines[index].find(written)
            if column >= 0:
                return self.position(index, column)
        return self.position(line_index, 0)

    @property
    def is_dash(self) -> bool:
        """A section whose whole text is `-`: "nothing to add", printed as `-`."""
        return self.markdown.strip() == "-"


@dataclass(frozen=True)
class Person:
    navn: str
    rolle: str | None = None
    #: Where the name stands, for findings about it; not part of the person's identity.
    where: Where | None = field(default=None, compare=False)

    def label(self) -> str:
        return f"{self.navn} ({self.rolle})" if self.rolle else self.navn


@dataclass(frozen=True)
class Bilag:
    titel: str
    where: Where
    fil: str | None = None
    fil_where: Where | None = None
    lukket: bool = False


@dataclass(frozen=True)
class Decision:
    tekst: Text
    where: Where
    dato: dt.date | None = None
    organ: str | None = None


@dataclass(frozen=True)
class Afsnit:
    overskrift: str
    tekst: Text
    where: Where


@dataclass
class Item:
    titel: str
    where: Where
    titel_where: Where
    sagsnr: str | None = None
    sagsnr_where: Where | None = None
    lukket: bool = False
    offentlig_titel: str | None = None
    offentlig_titel_where: Where | None = None
    #: A standing item, carried over by `referatgen new`; it does not print.
    fast: bool = False
    sections: dict[str, Text] = field(default_factory=dict)
    beslutning: list[Decision] = field(default_factory=list)
    beslutning_where: Where | None = None
    bilag: list[Bilag] = field(default_factory=list)
    deltog_ikke: list[str] = field(default_factory=list)
    deltog_ikke_where: Where | None = None
    afsnit: list[Afsnit] = field(default_factory=list)
    #: "Punkt N:" written in a Markdown heading: (N, where).
    punkt_label: tuple[int, Where] | None = None

    def texts(self) -> list[tuple[str, Text]]:
        """Every Markdown text of the item, labelled with its section."""
        out = [(k, t) for k, t in self.sections.items()]
        out += [("beslutning", d.tekst) for d in self.beslutning]
        out += [(a.overskrift, a.tekst) for a in self.afsnit]
        return out


@dataclass
class Meeting:
    source: Source
    organ: str
    dato: dt.date
    type: Kind = "referat"
    stil: str = "standard"
    stil_where: Where = Where(1, 1)
    kommune: str | None = None
    tid: str | None = None
    sluttid: str | None = None
    sted: str | None = None
    sted_where: Where | None = None
    organ_where: Where = Where(1, 1)
    kommune_where: Where | None = None
    deltagere: list[Person] = field(default_factory=list)
    afbud: list[Person] = field(default_factory=list)
    første_punkt: int = 1
    #: Where the file states første_punkt (a body that numbers on through the year).
    første_punkt_where: Where | None = None
    punkter: list[Item] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.source.folder


#: The years a meeting may have: others are typing errors (and would print oddly).
YEARS = range(1900, 2101)
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DANISH_DATE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")


class _Values:
    """Reading one value of each kind from the tree, with the finding when it is wrong."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def report(self, where: Scalar | Node | Where, severity: str, message: str, rule: str) -> None:
        line, column = where.line, where.column
        self.diagnostics.append(
            Diagnostic(self.source.display, line, column, severity, message, rule)  # type: ignore[arg-type]
        )

    # -- scalars -------------------------------------------------------------------------

    def text_value(self, node: Node, what: str) -> str | None:
        if isinstance(node, Scalar):
            return None if node.tag == "null" else node.value
        kind = "en liste" if isinstance(node, SequenceNode) else "en mapping med nøgler"
        self.report(node, "error", f"{what} skal være tekst, ikke {kind}.", "wrong-type")
        return None

    def markdown(self, key: Scalar, node: Node, what: str) -> Text | None:
        if not isinstance(node, Scalar):
            kind = "en liste" if isinstance(node, SequenceNode) else "en mapping med nøgler"
            self.report(node, "error",
                        f"Afsnittet '{what}' skal være tekst (Markdown), ikke {kind}. "
                        "Skriv teksten som en blok efter 'nøgle: |'.", "wrong-type")
            return None
        if node.tag == "null" or not node.value.strip():
            return None
        # One spelling of the same text whatever the format wrote around it (YAML's `|`
        # keeps a final newline, a plain scalar has none, Markdown sections end in blank
        # lines): no blank lines first, one newline last. Converting between the
        # formats then gives the same model.
        lines = node.value.split("\n")
        blank = 0
        while not lines[blank].strip():
            blank += 1
        body_line = node.body_line or node.line
        if node.exact_lines:
            body_line += blank
        return Text(
            "\n".join(lines[blank:]).rstrip() + "\n", Where(key.line, key.column),
            Where(body_line, node.body_column or node.column),
            node.exact_lines,
        )

    def boolean(self, node: Node, what: str) -> bool:
        if isinstance(node, Scalar):
            word = node.value.strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS or node.tag == "null":
                return False
        self.report(node, "error", f"{what} skal være ja eller nej (true/false).", "wrong-type")
        return False

    def date(self, node: Node, what: str) -> dt.date | None:
        if not isinstance(node, Scalar) or node.tag == "null":
            self.report(node, "error", f"{what} skal være en dato som 2022-09-05.", "wrong-type")
            return None
        value = node.value.strip()
        match = _DATE.match(value)
        if match:
            try:
                day = dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                day = None
            if day is not None and day.year not in YEARS:
                self.report(node, "error",
                            f"{what} '{value}' ligger uden for årene 1900-2100. Ret årstallet.",
                            "bad-date")
                return None
            if day is not None:
                return day
            else:
                self.report(node, "error",
                            f"{what} '{value}' findes ikke i kalenderen. Ret dag eller måned.",
                            "bad-date")
                return None
        danish = _DANISH_DATE.match(value)
        if danish:
            hint = f"{int(danish[3]):04d}-{int(danish[2]):02d}-{int(danish[1]):02d}"
            self.report(node, "error",
                        f"{what} '{value}' skal skrives år-måned-dag: {hint}.", "bad-date")
        else:
            self.report(node, "error",
                        f"{what} '{value}' er ikke en dato. Skriv den som år-måned-dag, "
                        "fx 2022-09-05.", "bad-date")
        return None

    def time(self, node: Node, what: str) -> str | None:
        value = self.text_value(node, what)
        if value is None:
            return None
        value = value.strip()
        match = _TIME.match(value)
        if match:
            return f"{int(match[1]):02d}:{match[2]}"
        hint = value.replace(".", ":") if re.fullmatch(r"\d{1,2}\.\d{2}", value) else "10:00"
        self.report(node, "error",
                    f"{what} '{value}' er ikke et klokkeslæt. Skriv timer og minutter med "
                    f'kolon i anførselstegn, fx "{hint}".', "bad-time")
        return None

    def integer(self, node: Node, what: str) -> int | None:
        # Decimal digits only, and few of them: YAML's 0x10 or a 5000-digit number would
        # print as nonsense or not convert at all.
        if isinstance(node, Scalar) and re.fullmatch(r"\+?\d{1,6}", node.value.strip()):
            number = int(node.value.strip())
            if number >= 1:
                return number
        self.report(node, "error", f"{what} skal være et helt tal fra 1 og op, fx 1.",
                    "wrong-type")
        return None

    def names(self, node: Node, what: str) -> list[str]:
        if isinstance(node, Scalar):
            if node.tag == "null":
                return []
            return [n.strip() for n in node.value.split(",") if n.strip()]
        if isinstance(node, MappingNode):
            self.report(node, "error", f"{what} skal være en liste af navne.", "wrong-type")
            return []
        return [v for n in node.items if (v := self.text_value(n, f"Et navn i {what}"))]

    def people(self, node: Node, what: str) -> list[Person]:
        if isinstance(node, Scalar) and node.tag != "null":
            return [Person(n, where=Where(node.line, node.column))
                    for n in self.names(node, what)]
        if not isinstance(node, SequenceNode):
            if not (isinstance(node, Scalar) and node.tag == "null"):
                self.report(node, "error",
                            f"{what} skal være en liste: '- Navn' eller "
                            "'- navn: ... / rolle: ...'.", "wrong-type")
            return []
        people: list[Person] = []
        for entry in node.items:
            if isinstance(entry, MappingNode):
                fields = self.keys(entry, PERSON, f"en person i {what}")
                navn = fields.get("navn")
                if navn is None:
                    self.report(entry, "error",
                                f"En person i {what} mangler 'navn'.", "missing-key")
                    continue
                name = self.text_value(navn, "navn")
                role = self.text_value(fields["rolle"], "rolle") if "rolle" in fields else None
                if name and name.strip():
                    people.append(Person(name.strip(), role.strip() if role else None,
                                         Where(navn.line, navn.column)))
            else:
                name = self.text_value(entry, f"Et navn i {what}")
                if name and name.strip():
                    people.append(Person(name.strip(), where=Where(entry.line, entry.column)))
        return people

    # -- keys ----------------------------------------------------------------------------

    def keys(self, mapping: MappingNode, declared: tuple[Key, ...], where: str,
             elsewhere: tuple[tuple[str, ...], str] | None = None) -> dict[str, Node]:
        """The mapping's entries whose keys the declaration knows; `unknown-key` for the rest."""
        allowed = names(declared)
        found: dict[str, Node] = {}
        for name, (key, value) in mapping.entries.items():
            if name in allowed:
                found[name] = value
            else:
                self.report(key, "error", f"Ukendt nøgle '{name}' i {where}."
                            f"{_unknown_key_hint(name, allowed, elsewhere)}", "unknown-key")
        return found

    def require(self, mapping: MappingNode, found: dict[str, Node], declared: tuple[Key, ...],
                where: str) -> None:
        """`missing-key` for each required key of the declaration that is not there."""
        for key in declared:
            if key.required and key.name not in found:
                line, column = (1, 1) if where == "mødet" else (mapping.line, mapping.column)
                self.diagnostics.append(Diagnostic(
                    self.source.display, line, column, "error",
                    f"Nøglen '{key.name}' mangler i {where}. {key.hint}", "missing-key",
                ))



class _Builder(_Values):
    """The meeting and its items, key by key as the schema declares them."""

    def value(self, key: Key, key_node: Scalar, node: Node) -> object:
        """A key's value read by its declared type (with `wrong-type` & co. on the way)."""
        return _READERS[key.type](self, key, key_node, node)

    def values(self, mapping: MappingNode, declared: tuple[Key, ...],
               found: dict[str, Node]) -> dict[str, tuple[object, Where]]:
        """Every declared key that is present: its value and where the value stands."""
        out: dict[str, tuple[object, Where]] = {}
        for key in declared:
            if key.name in found:
                node = found[key.name]
                out[key.name] = (self.value(key, mapping.entries[key.name][0], node),
                                 Where(node.line, node.column))
        return out

    def choice(self, node: Node, key: Key) -> str | None:
        word = (self.text_value(node, key.name) or "").strip().lower()
        if word in key.choices:
            return word
        allowed = " eller ".join(f"'{c}'" for c in key.choices)
        self.report(node, "error", f"{key.name} skal være {allowed}.", "wrong-type")
        return None

    # -- meeting -------------------------------------------------------------------------

    def meeting(self, root: MappingNode) -> Meeting:
        found = self.keys(root, MEETING, "mødet", (ITEM_KEYS, "et punkt"))
        self.require(root, found, MEETING, "mødet")
        values = self.values(root, MEETING, found)
        meeting = Meeting(self.source, "", dt.date.min)
        for name, (value, where) in values.items():
            _MEETING_FIELDS.get(name, _set_plain)(self, meeting, name, value, where)
        return meeting

    def items(self, node: Node) -> list[Item]:
        if not isinstance(node, SequenceNode):
            self.report(node, "error",
                        "punkter skal være en liste, hvor hvert punkt starter med '- titel:'.",
                        "wrong-type")
            return []
        if not node.items:
            self.report(node, "error",
                        "Mødet har ingen punkter. Skriv mindst ét punkt under 'punkter:'.",
                        "missing-key")
        return [item for entry in node.items if (item := self.item(entry)) is not None]

    # -- items ---------------------------------------------------------------------------

    def item(self, node: Node) -> Item | None:
        if not isinstance(node, MappingNode):
            self.report(node, "error",
                        "Et punkt skal have nøgler som 'titel:' og 'sagsnr:', ikke kun en tekst.",
                        "wrong-type")
            return None
        found = self.keys(node, ITEM, "et punkt")
        self.require(node, found, ITEM, "punktet")
        item = Item("", Where(node.line, node.column), Where(node.line, node.column))
        if "punkt" in node.notes:
            label = node.notes["punkt"]
            item.punkt_label = (int(label.value), Where(label.line, label.column))
        for name, (value, where) in self.values(node, ITEM, found).items():
            _ITEM_FIELDS.get(name, _set_plain)(self, item, name, value, where)
        if "beslutning" in found:
            key_scalar = node.entries["beslutning"][0]
            item.beslutning_where = Where(key_scalar.line, key_scalar.column)
        return item

    def decisions(self, key: Scalar, node: Node) -> list[Decision]:
        if isinstance(node, Scalar):
            text = self.markdown(key, node, "beslutning")
            return [Decision(text, Where(key.line, key.column))] if text else []
        if isinstance(node, MappingNode):
            self.report(node, "error",
                        "beslutning skal være tekst eller en liste af '- dato: / organ: / tekst:'.",
                        "wrong-type")
            return []
        out: list[Decision] = []
        for entry in node.items:
            if not isinstance(entry, MappingNode):
                self.report(entry, "error",
                            "Hver beslutning i listen skal have 'dato:', 'organ:' og 'tekst:'.",
                            "wrong-type")
                continue
            fields = self.keys(entry, DECISION, "en beslutning")
            self.require(entry, fields, DECISION, "beslutningen")
            tekst_node = fields.get("tekst")
            if tekst_node is None:
                continue
            tekst_key = entry.entries["tekst"][0]
            text = self.markdown(tekst_key, tekst_node, "beslutning")
            if text is None:
                continue
            dato = self.date(fields["dato"], "dato") if "dato" in fields else None
            organ = self.text_value(fields["organ"], "organ") if "organ" in fields else None
            out.append(Decision(text, Where(entry.line, entry.column), dato, organ))
        return out

    def bilag(self, node: Node) -> list[Bilag]:
        if isinstance(node, Scalar) and node.tag != "null":
            return [Bilag(line.strip(" -"), Where(node.line, node.column))
                    for line in node.value.splitlines() if line.strip(" -")]
        if not isinstance(node, SequenceNode):
            if not (isinstance(node, Scalar) and node.tag == "null"):
                self.report(node, "error",
                            "bilag skal være en liste: '- Titel' eller '- titel: ... / fil: ...'.",
                            "wrong-type")
            return []
        out: list[Bilag] = []
        for entry in node.items:
            where = Where(entry.line, entry.column)
            if isinstance(entry, MappingNode):
                fields = self.keys(entry, BILAG, "et bilag")
                self.require(entry, fields, BILAG, "bilaget")
                titel_node = fields.get("titel")
                titel = (self.text_value(titel_node, "titel") if titel_node else None) or ""
                fil = self.text_value(fields["fil"], "fil") if "fil" in fields else None
                fil_where = (Where(fields["fil"].line, fields["fil"].column)
                             if "fil" in fields else None)
                lukket = self.boolean(fields["lukket"], "lukket") if "lukket" in fields else False
                if fil is not None and not fil.strip():
                    self.report(fields["fil"], "error",
                                "fil er tom. Skriv stien til bilagets fil, eller slet 'fil:'.",
                                "missing-key")
                    fil = None
                if titel or fil:
                    out.append(Bilag(titel.strip() or Path(fil or "").name, where,
                                     fil.strip() if fil else None, fil_where, lukket))
            else:
                plain = self.text_value(entry, "Et bilag")
                if plain and plain.strip():
                    out.append(Bilag(plain.strip(), where))
        return out

    def afsnit(self, node: Node) -> list[Afsnit]:
        if not isinstance(node, SequenceNode):
            self.report(node, "error",
                        "afsnit skal være en liste af '- overskrift: ... / tekst: |'.",
                        "wrong-type")
            return []
        out: list[Afsnit] = []
        for entry in node.items:
            if not isinstance(entry, MappingNode):
                self.report(entry, "error",
                            "Hvert afsnit skal have 'overskrift:' og 'tekst:'.", "wrong-type")
                continue
            fields = self.keys(entry, SECTION, "et afsnit")
            self.require(entry, fields, SECTION, "afsnittet")
            head_node, tekst_node = fields.get("overskrift"), fields.get("tekst")
            if head_node is None or tekst_node is None:
                continue
            heading = self.text_value(head_node, "overskrift") or ""
            text = self.markdown(entry.entries["tekst"][0], tekst_node, heading)
            if not heading.strip():
                # Without a heading the text would vanish from the document unseen.
                self.report(head_node, "error",
                            "Afsnittets overskrift er tom. Skriv overskriften, fx "
                            "'overskrift: Sagsforløb' (i Markdown: '## Sagsforløb').",
                            "missing-key")
            elif text is not None:
                out.append(Afsnit(heading.strip(), text, Where(entry.line, entry.column)))
        return out


Reader = Callable[["_Builder", Key, Scalar, Node], object]

#: How each declared value type is read (the key, its own node, the value's node).
_READERS: dict[str, Reader] = {
    "text": lambda b, key, _k, node: b.text_value(node, key.name),
    "markdown": lambda b, key, key_node, node: b.markdown(key_node, node, key.name),
    "boolean": lambda b, key, _k, node: b.boolean(node, key.name),
    "integer": lambda b, key, _k, node: b.integer(node, key.name),
    "date": lambda b, key, _k, node: b.date(node, key.name),
    "time": lambda b, key, _k, node: b.time(node, key.name),
    "choice": lambda b, key, _k, node: b.choice(node, key),
    "people": lambda b, key, _k, node: b.people(node, key.name),
    "names": lambda b, key, _k, node: b.names(node, key.name),
    "items": lambda b, _key, _k, node: b.items(node),
    "decisions": lambda b, _key, key_node, node: b.decisions(key_node, node),
    "bilag": lambda b, _key, _k, node: b.bilag(node),
    "sections": lambda b, _key, _k, node: b.afsnit(node),
}


def _unknown_key_hint(name: str, allowed: tuple[str, ...],
                      elsewhere: tuple[tuple[str, ...], str] | None) -> str:
    """A suggestion for an unknown key: a near spelling, or the level where it belongs."""
    import difflib  # only on this error path: it costs a commit hook's start-up

    guess = difflib.get_close_matches(name.lower(), allowed, n=1, cutoff=0.6)
    other = (difflib.get_close_matches(name.lower(), elsewhere[0], n=1, cutoff=0.75)
             if elsewhere else [])
    if other and (not guess or other[0] == name.lower()
                  or difflib.SequenceMatcher(None, name, other[0]).ratio()
                  > difflib.SequenceMatcher(None, name, guess[0]).ratio()):
        assert elsewhere is not None
        return f" '{other[0]}' hører til {elsewhere[1]}: ryk den ind under punktet."
    if guess:
        return f" Mente du '{guess[0]}'?"
    return f" Gyldige nøgler: {', '.join(allowed)}."


# -- from values to fields ------------------------------------------------------------------
# Most keys are stored as read, under their own name (with `<key>_where` where the model
# keeps the position). These setters are the exceptions: defaults, stripping, emptiness.

Setter = Callable[[_Builder, Any, str, Any, Where], None]


def _set_plain(builder: _Builder, target: Any, name: str, value: Any, where: Where) -> None:
    if value is None:
        return
    setattr(target, name, value)
    if hasattr(target, f"{name}_where"):
        setattr(target, f"{name}_where", where)


def _set_organ(builder: _Builder, meeting: Any, name: str, value: Any, where: Where) -> None:
    organ = value or ""
    if not organ.strip():
        builder.report(where, "error",
                       "organ er tomt. Skriv mødets organ, fx 'organ: Direktionen'.",
                       "missing-key")
    meeting.organ, meeting.organ_where = organ.strip(), where


def _set_stil(builder: _Builder, meeting: Any, name: str, value: Any, where: Where) -> None:
    meeting.stil, meeting.stil_where = (value or "standard").strip(), where


def _set_kept_position(builder: _Builder, target: Any, name: str, value: Any,
                       where: Where) -> None:
    # A value whose position later checks need even when it is empty (kommune, sted,
    # deltog_ikke).
    setattr(target, name, value)
    setattr(target, f"{name}_where", where)


def _set_titel(builder: _Builder, item: Any, name: str, value: Any, where: Where) -> None:
    titel = value or ""
    if not titel.strip():
        builder.report(where, "error",
                       "Punktets titel er tom. Skriv titlen, fx 'titel: Øvrige sager'.",
                       "missing-key")
    item.titel, item.titel_where = " ".join(titel.split()), where


def _set_stripped(builder: _Builder, item: Any, name: str, value: Any, where: Where) -> None:
    if value is not None and value.strip():
        _set_plain(builder, item, name, value.strip(), where)


def _set_section(builder: _Builder, item: Any, name: str, value: Any, where: Where) -> None:
    if value is not None:
        item.sections[name] = value


_MEETING_FIELDS: dict[str, Setter] = {
    "organ": _set_organ, "stil": _set_stil, "kommune": _set_kept_position,
    "sted": _set_kept_position,
}
_ITEM_FIELDS: dict[str, Setter] = {
    "titel": _set_titel, "sagsnr": _set_stripped, "offentlig_titel": _set_stripped,
    "deltog_ikke": _set_kept_position, **{key: _set_section for key in TEXT_SECTIONS},
}


def build_model(loaded: Loaded) -> tuple[Meeting | None, list[Diagnostic]]:
    """The meeting, as far as it can be read, and the structural problems found."""
    if loaded.root is None:
        return None, list(loaded.diagnostics)
    builder = _Builder(loaded.source)
    meeting = builder.meeting(loaded.root)
    return meeting, [*loaded.diagnostics, *builder.diagnostics]
