"""The one declaration of the meeting file: every key, its type, whether it is required,
and what it means in Danish (for the secretary: messages, the JSON Schema) and in English
(for the README's key tables).

Everything else derives from here: the key tuples the loaders and the model use, the
generic checks (`unknown-key` with its suggestion, `wrong-type`, `missing-key`), the key
order of both writers (`dump.py`), the Markdown item keys, the JSON Schema that
`referatgen schema` writes, and the README's tables (a test keeps them equal). A new key
is one `Key(...)` line here plus, if it means something new, its use in the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

#: How a key's value is written. The model reads each type one way; the JSON Schema and
#: the `wrong-type` messages are derived from it.
ValueType = Literal[
    "text",        # one line of text
    "markdown",    # Markdown text, usually a `|` block
    "boolean",     # true/false, ja/nej
    "integer",
    "date",        # YYYY-MM-DD
    "time",        # "HH:MM"
    "choice",      # one of `choices`
    "people",      # a list of names or of {navn, rolle}
    "names",       # a list of names, or one comma-separated line
    "items",       # the list of items (punkter)
    "decisions",   # Markdown text, or a list of {dato, organ, tekst}
    "bilag",       # a list of titles, or of {titel, fil, lukket}
    "sections",    # a list of {overskrift, tekst}
]


@dataclass(frozen=True)
class Key:
    name: str
    type: ValueType
    #: What it means, in Danish: the JSON Schema's description, shown while typing.
    da: str
    #: What it means, in English: the README's key tables.
    en: str
    required: bool = False
    choices: tuple[str, ...] = ()
    #: A section of an item: Markdown printed under a heading the style chooses.
    section: bool = False
    #: Written on the lines right under a `# heading` in the Markdown format.
    md_item_line: bool = False
    #: How to write a required key that is missing (the end of the `missing-key` message).
    hint: str = ""


MEETING: tuple[Key, ...] = (
    Key("type", "choice", "referat (standard) eller dagsorden.",
        "`referat` (default) or `dagsorden`", choices=("referat", "dagsorden")),
    Key("stil", "text",
        "Husstilen: standard, htk, kalundborg, en stil på REFERATGEN_STYLE_PATH, eller "
        "stien til en stilmappe (i forhold til mødefilen).",
        "a style name (`standard`, `htk`, `kalundborg`, or one on `REFERATGEN_STYLE_PATH`) "
        "or a path to a style folder, relative to the meeting file"),
    Key("kommune", "text", "Kommunen; standard fra stilen.",
        "the municipality; default from the style"),
    Key("organ", "text", "Udvalget eller ledelsen, der holder mødet, fx Direktionen.",
        "the board or committee", required=True,
        hint="Skriv fx 'organ: Direktionen'."),
    Key("dato", "date", "Mødets dato som år-måned-dag, fx 2022-09-05.",
        "the meeting date, `YYYY-MM-DD`", required=True,
        hint="Skriv fx 'dato: 2022-09-05'."),
    Key("tid", "time", 'Starttidspunkt som "TT:MM" (i anførselstegn).',
        'start time, `"HH:MM"` (quote it)'),
    Key("sluttid", "time", 'Sluttidspunkt som "TT:MM" (i anførselstegn).',
        'end time, `"HH:MM"` (quote it)'),
    Key("sted", "text", "Mødestedet.", "the place"),
    Key("deltagere", "people",
        "Deltagerne: navne, eller '- navn: ... / rolle: ...'; roller skrives som "
        "'Navn (rolle)'.",
        "a list of names or of `{navn, rolle}`; roles print as \"Navn (rolle)\""),
    Key("afbud", "people", "Afbud, skrevet som deltagere.", "like `deltagere`"),
    Key("første_punkt", "integer",
        "Nummeret på mødets første punkt (for organer, der nummererer året igennem).",
        "number of the first item (councils that number on through the year)"),
    Key("punkter", "items", "Punkterne i rækkefølge; referatgen nummererer dem selv.",
        "the items, in order; referatgen numbers them itself", required=True,
        hint="Skriv mødets punkter under 'punkter:'."),
)

ITEM: tuple[Key, ...] = (
    Key("titel", "text", "Punktets titel (fortrolig, når punktet er lukket).",
        "the item's title (confidential when the item is closed, see below)",
        required=True, hint="Skriv fx 'titel: Øvrige sager'."),
    Key("sagsnr", "text", "Sagsnummeret; tjekkes mod stilens mønster.",
        "the case number; checked against the style's pattern", md_item_line=True),
    Key("lukket", "boolean", "true/false (også ja/nej): et lukket punkt.",
        "`true`/`false` (also `ja`/`nej`): a closed item", md_item_line=True),
    Key("offentlig_titel", "text",
        "Den offentlige titel på et lukket punkt; standard fra stilen.",
        "the public title of a closed item; default from the style", md_item_line=True),
    Key("fast", "boolean",
        "true: et fast punkt (fx Eventuelt), som 'referatgen new' tager med til næste "
        "møde; trykkes ikke.",
        "`true`: a standing item (e.g. Eventuelt) that `referatgen new` carries over to the "
        "next meeting; not printed", md_item_line=True),
    Key("resume", "markdown", "Resumé (Markdown).", "Markdown: the summary", section=True),
    Key("baggrund", "markdown", "Sagens baggrund (Markdown).", "Markdown: the background",
        section=True),
    Key("indstilling", "markdown", "Indstillingen (Markdown).", "Markdown: the recommendation",
        section=True),
    Key("behandling", "markdown", "Behandlingen (Markdown).",
        "Markdown: how the item was treated", section=True),
    Key("beslutning", "decisions",
        "Beslutningen (Markdown), eller en liste af '- dato: / organ: / tekst:' for et "
        "punkt, der er besluttet på flere møder.",
        "Markdown text, or a list of `{dato, organ, tekst}` for an item decided at several "
        "meetings", section=True),
    Key("sagsfremstilling", "markdown", "Sagsfremstillingen (Markdown).",
        "Markdown: the presentation of the case", section=True),
    Key("økonomi", "markdown", "Økonomi (Markdown).", "Markdown: the economy", section=True),
    Key("bilag", "bilag",
        "Bilag: titler, eller '- titel: ... / fil: ... / lukket: ...'; fil er en sti i "
        "mødets mappe og vedhæftes PDF'en.",
        "a list of titles, or of `{titel, fil, lukket}`; `fil` is a path inside the "
        "meeting's folder and is embedded in the PDF", section=True),
    Key("deltog_ikke", "names",
        "Navne; giver 'Følgende deltog ikke i behandlingen af punktet: ...' under "
        "beslutningen.",
        "names; prints \"Følgende deltog ikke i behandlingen af punktet: ...\" under the "
        "decision", md_item_line=True),
    Key("afsnit", "sections",
        "Andre afsnit: en liste af '- overskrift: ... / tekst: |', trykt efter de faste.",
        "other sections: a list of `{overskrift, tekst}`, printed in this order after the "
        "standard ones"),
)

PERSON: tuple[Key, ...] = (
    Key("navn", "text", "Personens navn.", "the name", required=True),
    Key("rolle", "text", "Rollen, fx sekretær.", "the role, e.g. sekretær"),
)

DECISION: tuple[Key, ...] = (
    Key("dato", "date", "Datoen for beslutningen (år-måned-dag).", "the date of the decision"),
    Key("organ", "text", "Organet, der besluttede.", "the body that decided"),
    Key("tekst", "markdown", "Beslutningens tekst (Markdown).", "the decision (Markdown)",
        required=True, hint="Skriv beslutningens tekst under 'tekst: |'."),
)

BILAG: tuple[Key, ...] = (
    Key("titel", "text", "Bilagets titel.", "the title", required=True,
        hint="Skriv fx 'titel: Bilag 1 - Budget'."),
    Key("fil", "text", "Stien til bilagets fil i mødets mappe.",
        "the file, a path inside the meeting's folder"),
    Key("lukket", "boolean", "true: et lukket bilag (kun titlen 'Lukket bilag' offentligt).",
        "`true`: a closed bilag (listed as \"Lukket bilag\" in public)"),
)

SECTION: tuple[Key, ...] = (
    Key("overskrift", "text", "Afsnittets overskrift.", "the heading", required=True,
        hint="Skriv fx 'overskrift: Sagsforløb'."),
    Key("tekst", "markdown", "Afsnittets tekst (Markdown).", "the text (Markdown)",
        required=True, hint="Skriv afsnittets tekst under 'tekst: |'."),
)


def names(keys: tuple[Key, ...]) -> tuple[str, ...]:
    return tuple(k.name for k in keys)


MEETING_KEYS: tuple[str, ...] = names(MEETING)
ITEM_KEYS: tuple[str, ...] = names(ITEM)
#: Section keys of an item, in the default order.
SECTION_KEYS: tuple[str, ...] = tuple(k.name for k in ITEM if k.section)
#: Markdown text sections of an item: the sections besides beslutning and bilag.
TEXT_SECTIONS: tuple[str, ...] = tuple(k.name for k in ITEM if k.type == "markdown")
#: Keys the Markdown format accepts on the lines right under an item heading.
MD_ITEM_KEYS: tuple[str, ...] = tuple(k.name for k in ITEM if k.md_item_line)
PERSON_KEYS: tuple[str, ...] = names(PERSON)
DECISION_KEYS: tuple[str, ...] = names(DECISION)
BILAG_KEYS: tuple[str, ...] = names(BILAG)
SECTION_ENTRY_KEYS: tuple[str, ...] = names(SECTION)

#: `## Heading` names (lower case) that mean a section key in the Markdown format, besides
#: the key itself and the headings the meeting's style uses.
SECTION_ALIASES: dict[str, str] = {
    "resumé": "resume",
    "resume og sagens baggrund": "resume",
    "sagens baggrund": "baggrund",
    "indstillinger": "indstilling",
    "økonomiske konsekvenser": "økonomi",
    "økonomiske konsekvenser og finansiering": "økonomi",
    "bilagsliste": "bilag",
}

TRUE_WORDS = frozenset({"true", "ja", "yes", "sand"})
FALSE_WORDS = frozenset({"false", "nej", "no", "falsk"})


def section_key_for_heading(heading: str) -> str | None:
    name = " ".join(heading.strip().rstrip(":").split()).lower()
    if name in SECTION_KEYS:
        return name
    return SECTION_ALIASES.get(name)


# -- JSON Schema ------------------------------------------------------------------------------

#: An identifier, never fetched: nothing here points at the network.
SCHEMA_ID = "urn:referatgen:schema:moede"

_BOOLEAN_WORDS = sorted(TRUE_WORDS | FALSE_WORDS)


def _object(keys: tuple[Key, ...], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": {k.name: _value(k) for k in keys},
        "required": [k.name for k in keys if k.required],
        "additionalProperties": False,
    }


def _list_of(entry: dict[str, Any], plain: dict[str, Any] | None = None) -> dict[str, Any]:
    items: dict[str, Any] = {"anyOf": [plain, entry]} if plain else entry
    return {"type": "array", "items": items}


_TEXT: dict[str, Any] = {"type": "string"}

#: The JSON Schema of each value type (key -> schema; `choice` reads the key's choices).
_VALUE_SCHEMAS: dict[str, Any] = {
    "text": lambda key: dict(_TEXT),
    "markdown": lambda key: dict(_TEXT),
    "boolean": lambda key: {"anyOf": [{"type": "boolean"}, {"enum": _BOOLEAN_WORDS}]},
    "integer": lambda key: {"type": "integer", "minimum": 0},
    "date": lambda key: {"type": "string", "pattern": r"^\d{4}-\d{1,2}-\d{1,2}$"},
    "time": lambda key: {"type": "string", "pattern": r"^([01]?\d|2[0-3]):[0-5]\d$"},
    "choice": lambda key: {"enum": list(key.choices)},
    "people": lambda key: _list_of(_object(PERSON, "En person med rolle."), _TEXT),
    "names": lambda key: {"anyOf": [_TEXT, {"type": "array", "items": _TEXT}]},
    "items": lambda key: {**_list_of(_object(ITEM, "Et punkt.")), "minItems": 1},
    "decisions": lambda key: {
        "anyOf": [_TEXT, _list_of(_object(DECISION, "En dateret beslutning."))]},
    "bilag": lambda key: {"anyOf": [_TEXT, _list_of(_object(BILAG, "Et bilag."), _TEXT)]},
    "sections": lambda key: _list_of(_object(SECTION, "Et afsnit.")),
}


def _value(key: Key) -> dict[str, Any]:
    return {**_VALUE_SCHEMAS[key.type](key), "description": key.da}


def json_schema() -> dict[str, Any]:
    """The meeting file as a JSON Schema (draft 2020-12), with Danish descriptions."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "referatgen mødefil",
        **_object(MEETING, "Et møde: forsidens oplysninger og punkterne."),
    }


# -- README ----------------------------------------------------------------------------------

#: The README's key tables: heading -> the keys it documents.
README_TABLES: dict[str, tuple[Key, ...]] = {
    "Meeting keys": MEETING,
    "Item keys": ITEM,
    "Keys of a person (`deltagere`, `afbud`)": PERSON,
    "Keys of a dated decision (`beslutning` as a list)": DECISION,
    "Keys of a bilag": BILAG,
    "Keys of a free section (`afsnit`)": SECTION,
}


def readme_table(keys: tuple[Key, ...]) -> str:
    """One Markdown table of keys with their English docs, as the README prints it."""
    rows = ["| key | required | value |", "| --- | --- | --- |"]
    rows += [f"| `{k.name}` | {'yes' if k.required else 'no'} | {k.en} |" for k in keys]
    return "\n".join(rows) + "\n"


#: The schema as shipped in the wheel, beside this module (a test keeps it current).
SCHEMA_FILE = "moede.schema.json"


def schema_text() -> str:
    """The JSON Schema as the file `referatgen schema` writes: stable, readable, UTF-8."""
    import json  # only for this command and the editor's schema, not for `check`

    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
