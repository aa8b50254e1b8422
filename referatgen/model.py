"""Stage 2: the typed model of a meeting, built from the loaded tree.

Structural problems (missing or unknown keys, wrong types, bad dates and times) are
found here, while the tree's positions are at hand; the model keeps the positions that
later checks need. Later stages read only these dataclasses.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic
from .meetingfile.nodes import Loaded, MappingNode, Node, Scalar, SequenceNode, Source
from .meetingfile.schema import FALSE_WORDS, ITEM_KEYS, MEETING_KEYS, TEXT_SECTIONS, TRUE_WORDS
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
    punkter: list[Item] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.source.folder


_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DANISH_DATE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")


class _Builder:
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
            if day is not None and not 1900 <= day.year <= 2100:
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
                fields = self.keys(entry, ("navn", "rolle"), f"en person i {what}")
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

    def keys(self, mapping: MappingNode, allowed: tuple[str, ...], where: str,
             elsewhere: tuple[tuple[str, ...], str] | None = None) -> dict[str, Node]:
        found: dict[str, Node] = {}
        for name, (key, value) in mapping.entries.items():
            if name in allowed:
                found[name] = value
                continue
            import difflib  # only on this error path: it costs a commit hook's start-up

            guess = difflib.get_close_matches(name.lower(), allowed, n=1, cutoff=0.6)
            other = (difflib.get_close_matches(name.lower(), elsewhere[0], n=1, cutoff=0.75)
                     if elsewhere else [])
            if other and (not guess or other[0] == name.lower()
                          or difflib.SequenceMatcher(None, name, other[0]).ratio()
                          > difflib.SequenceMatcher(None, name, guess[0]).ratio()):
                assert elsewhere is not None
                hint = f" '{other[0]}' hører til {elsewhere[1]}: ryk den ind under punktet."
            elif guess:
                hint = f" Mente du '{guess[0]}'?"
            else:
                hint = f" Gyldige nøgler: {', '.join(allowed)}."
            self.report(key, "error", f"Ukendt nøgle '{name}' i {where}.{hint}", "unknown-key")
        return found

    def require(self, mapping: MappingNode, found: dict[str, Node], key: str, where: str,
                hint: str) -> Node | None:
        if key in found:
            return found[key]
        line, column = (1, 1) if where == "mødet" else (mapping.line, mapping.column)
        self.diagnostics.append(Diagnostic(
            self.source.display, line, column, "error",
            f"Nøglen '{key}' mangler i {where}. {hint}", "missing-key",
        ))
        return None

    # -- meeting -------------------------------------------------------------------------

    def meeting(self, root: MappingNode) -> Meeting:
        found = self.keys(root, MEETING_KEYS, "mødet", (ITEM_KEYS, "et punkt"))
        organ_node = self.require(root, found, "organ", "mødet",
                                  "Skriv fx 'organ: Direktionen'.")
        dato_node = self.require(root, found, "dato", "mødet", "Skriv fx 'dato: 2022-09-05'.")
        punkter_node = self.require(root, found, "punkter", "mødet",
                                    "Skriv mødets punkter under 'punkter:'.")
        organ = (self.text_value(organ_node, "organ") if organ_node else None) or ""
        if organ_node is not None and not organ.strip():
            self.report(organ_node, "error",
                        "organ er tomt. Skriv mødets organ, fx 'organ: Direktionen'.",
                        "missing-key")
        dato = self.date(dato_node, "dato") if dato_node else None
        meeting = Meeting(self.source, organ.strip(), dato or dt.date.min)
        if organ_node is not None:
            meeting.organ_where = Where(organ_node.line, organ_node.column)
        if "type" in found:
            kind = (self.text_value(found["type"], "type") or "").strip().lower()
            if kind in ("referat", "dagsorden"):
                meeting.type = kind  # type: ignore[assignment]
            else:
                self.report(found["type"], "error",
                            "type skal være 'referat' eller 'dagsorden'.", "wrong-type")
        if "stil" in found:
            meeting.stil = (self.text_value(found["stil"], "stil") or "standard").strip()
            meeting.stil_where = Where(found["stil"].line, found["stil"].column)
        if "kommune" in found:
            meeting.kommune = self.text_value(found["kommune"], "kommune")
            meeting.kommune_where = Where(found["kommune"].line, found["kommune"].column)
        for key in ("tid", "sluttid"):
            if key in found:
                setattr(meeting, key, self.time(found[key], key))
        if "sted" in found:
            meeting.sted = self.text_value(found["sted"], "sted")
            meeting.sted_where = Where(found["sted"].line, found["sted"].column)
        if "deltagere" in found:
            meeting.deltagere = self.people(found["deltagere"], "deltagere")
        if "afbud" in found:
            meeting.afbud = self.people(found["afbud"], "afbud")
        if "første_punkt" in found:
            first = self.integer(found["første_punkt"], "første_punkt")
            if first is not None:
                meeting.første_punkt = first
        if punkter_node is not None:
            if isinstance(punkter_node, SequenceNode):
                if not punkter_node.items:
                    self.report(punkter_node, "error",
                                "Mødet har ingen punkter. Skriv mindst ét punkt under 'punkter:'.",
                                "missing-key")
                for entry in punkter_node.items:
                    item = self.item(entry)
                    if item is not None:
                        meeting.punkter.append(item)
            else:
                self.report(punkter_node, "error",
                            "punkter skal være en liste, hvor hvert punkt starter med '- titel:'.",
                            "wrong-type")
        return meeting

    # -- items ---------------------------------------------------------------------------

    def item(self, node: Node) -> Item | None:
        if not isinstance(node, MappingNode):
            self.report(node, "error",
                        "Et punkt skal have nøgler som 'titel:' og 'sagsnr:', ikke kun en tekst.",
                        "wrong-type")
            return None
        found = self.keys(node, ITEM_KEYS, "et punkt")
        titel_node = self.require(node, found, "titel", "punktet",
                                  "Skriv fx 'titel: Øvrige sager'.")
        titel = (self.text_value(titel_node, "titel") if titel_node else None) or ""
        if titel_node is not None and not titel.strip():
            self.report(titel_node, "error",
                        "Punktets titel er tom. Skriv titlen, fx 'titel: Øvrige sager'.",
                        "missing-key")
        titel_where = Where(titel_node.line, titel_node.column) if titel_node else Where(
            node.line, node.column)
        item = Item(" ".join(titel.split()), Where(node.line, node.column), titel_where)
        if "punkt" in node.notes:
            label = node.notes["punkt"]
            item.punkt_label = (int(label.value), Where(label.line, label.column))
        if "sagsnr" in found:
            value = self.text_value(found["sagsnr"], "sagsnr")
            if value is not None and value.strip():
                item.sagsnr = value.strip()
                item.sagsnr_where = Where(found["sagsnr"].line, found["sagsnr"].column)
        if "lukket" in found:
            item.lukket = self.boolean(found["lukket"], "lukket")
        if "offentlig_titel" in found:
            value = self.text_value(found["offentlig_titel"], "offentlig_titel")
            if value and value.strip():
                item.offentlig_titel = value.strip()
                item.offentlig_titel_where = Where(found["offentlig_titel"].line,
                                                   found["offentlig_titel"].column)
        for key in TEXT_SECTIONS:
            if key in found:
                text = self.markdown(node.entries[key][0], found[key], key)
                if text is not None:
                    item.sections[key] = text
        if "beslutning" in found:
            key_scalar = node.entries["beslutning"][0]
            item.beslutning_where = Where(key_scalar.line, key_scalar.column)
            item.beslutning = self.decisions(key_scalar, found["beslutning"])
        if "bilag" in found:
            item.bilag = self.bilag(found["bilag"])
        if "deltog_ikke" in found:
            item.deltog_ikke = self.names(found["deltog_ikke"], "deltog_ikke")
            item.deltog_ikke_where = Where(found["deltog_ikke"].line, found["deltog_ikke"].column)
        if "afsnit" in found:
            item.afsnit = self.afsnit(found["afsnit"])
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
            fields = self.keys(entry, ("dato", "organ", "tekst"), "en beslutning")
            tekst_node = self.require(entry, fields, "tekst", "beslutningen",
                                      "Skriv beslutningens tekst under 'tekst: |'.")
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
                fields = self.keys(entry, ("titel", "fil", "lukket"), "et bilag")
                titel_node = self.require(entry, fields, "titel", "bilaget",
                                          "Skriv fx 'titel: Bilag 1 - Budget'.")
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
            fields = self.keys(entry, ("overskrift", "tekst"), "et afsnit")
            head_node = self.require(entry, fields, "overskrift", "afsnittet",
                                     "Skriv fx 'overskrift: Sagsforløb'.")
            tekst_node = self.require(entry, fields, "tekst", "afsnittet",
                                      "Skriv afsnittets tekst under 'tekst: |'.")
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


def build_model(loaded: Loaded) -> tuple[Meeting | None, list[Diagnostic]]:
    """The meeting, as far as it can be read, and the structural problems found."""
    if loaded.root is None:
        return None, list(loaded.diagnostics)
    builder = _Builder(loaded.source)
    meeting = builder.meeting(loaded.root)
    return meeting, [*loaded.diagnostics, *builder.diagnostics]
