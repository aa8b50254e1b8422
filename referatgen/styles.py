"""House styles: a folder with `style.yaml`, CSS, DOCX settings and a logo.

A style may `extends` a parent; its own files are looked up first, then the parent's
(like MkDocs' custom_dir over a theme), and its `style.yaml` keys override the parent's.
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from ._resources import resource_dir
from .diagnostics import ReferatgenError
from .meetingfile.schema import SECTION_KEYS


class StyleError(ReferatgenError):
    """A style that cannot be found or read."""


@dataclass(frozen=True)
class Group:
    """Sections printed under one shared heading (Kalundborg's "Sagsfremstilling")."""

    heading: str
    keys: tuple[str, ...]


Slot = str | Group

#: Layout marks of `rækkefølge` that are not sections: `sideskift` starts a new page
#: (where something follows it), `titel` prints the item's title again (as the 2014
#: template of Høje-Taastrup did at the top of an item's text).
PAGE_BREAK = "sideskift"
REPEATED_TITLE = "titel"
LAYOUT_MARKS = (PAGE_BREAK, REPEATED_TITLE)


@dataclass(frozen=True)
class FontFamily:
    """A font family shipped in a style folder [`skrifter`]: the PDF lays text out with
    these files only, and LibreOffice gets them too; the DOCX names the family as Word
    knows it (`word`), since a municipal PC has Times New Roman, not Liberation Serif."""

    name: str
    word: str
    files: tuple[Path, ...]


@dataclass(frozen=True)
class Style:
    """A resolved house style. Each field is a `style.yaml` key (Danish name in brackets)."""

    #: Short name of the style, as written after `stil:` [`navn`].
    name: str
    #: The style's folders, its own first, then each parent's (file lookup order).
    folders: tuple[Path, ...]
    #: The municipality's name, used when the meeting file has no `kommune` [`kommune`].
    kommune: str | None = None
    #: Regular expression a case number must match; None accepts any text [`sagsnr_mønster`].
    sagsnr_pattern: str | None = None
    #: A valid case number, shown in messages [`sagsnr_eksempel`].
    sagsnr_example: str | None = None
    #: Public title of a closed item; `{titel}` inserts the real title [`lukket_titel`].
    closed_title: str = "Lukket punkt"
    #: Heading of a decision; `{organ}`, `{ORGAN}` (in capitals) and `{dato}` (DD-MM-YYYY)
    #: [`beslutning_overskrift`].
    decision_heading: str = "Beslutning"
    #: Heading of each section key [`overskrifter`].
    headings: dict[str, str] = field(default_factory=dict)
    #: Order of the sections, with groups; `afsnit` marks where free sections go, and
    #: `sideskift`/`titel` are layout marks (LAYOUT_MARKS) [`rækkefølge`].
    order: tuple[Slot, ...] = ()
    #: Stylesheets of the PDF and HTML, parents' first [`css`].
    css: tuple[str, ...] = ()
    #: The main font family the CSS and the DOCX use; missing fonts are reported [`skrifttype`].
    font: str | None = None
    #: Font families shipped in the style's folders, parents' included [`skrifter`].
    fonts: tuple[FontFamily, ...] = ()
    #: Logo file name inside the style folder, or None [`logo`].
    logo: str | None = None
    #: Settings of the Word document (fonts, sizes, margins, colours) [`docx`].
    docx: dict[str, Any] = field(default_factory=dict)

    def file(self, name: str) -> Path | None:
        """A file of the style, from the style itself or the nearest parent that has it.

        Only files inside a style folder: a style may not make the renderer read
        /etc/passwd as its logo or ../../secret.css as its stylesheet.
        """
        for folder in self.folders:
            candidate = (folder / name).resolve()
            if candidate.is_relative_to(folder.resolve()) and candidate.is_file():
                return candidate
        return None

    def heading(self, key: str) -> str:
        return self.headings.get(key, key.capitalize())

    def matches_sagsnr(self, sagsnr: str) -> bool:
        return self.sagsnr_pattern is None or re.fullmatch(self.sagsnr_pattern, sagsnr) is not None

    def public_title(self, titel: str) -> str:
        return self.closed_title.replace("{titel}", titel)

    @property
    def publishes_closed_titles(self) -> bool:
        return "{titel}" in self.closed_title


def is_path_spec(spec: str) -> bool:
    return "/" in spec or "\\" in spec or spec.startswith(".")


def search_path() -> list[Path]:
    """Folders searched for a style by name: REFERATGEN_STYLE_PATH first, then built-ins."""
    extra = os.environ.get("REFERATGEN_STYLE_PATH", "")
    folders = [Path(p) for p in extra.split(os.pathsep) if p]
    return [*folders, resource_dir("styles")]


def find_style_folder(spec: str, base: Path) -> Path | None:
    if is_path_spec(spec):
        folder = (base / spec).resolve()
        return folder if (folder / "style.yaml").is_file() else None
    for root in search_path():
        folder = root / spec
        if (folder / "style.yaml").is_file():
            return folder.resolve()
    return None


def available_styles() -> list[str]:
    names: set[str] = set()
    for root in search_path():
        if root.is_dir():
            names.update(p.parent.name for p in root.glob("*/style.yaml"))
    return sorted(names)


def clear_cache() -> None:
    """Forget the styles read so far: a long-lived worker must see an edited style.yaml."""
    _load_folder.cache_clear()


def resolve_style(spec: str, base: Path) -> Style:
    folder = find_style_folder(spec, base)
    if folder is None:
        raise StyleError(_unknown_style_message(spec))
    return _load_folder(folder)


def _unknown_style_message(spec: str) -> str:
    if is_path_spec(spec):
        return f"Stilen '{spec}' findes ikke: mappen skal indeholde en style.yaml."
    return (
        f"Stilen '{spec}' findes ikke. Kendte stilarter: {', '.join(available_styles())}; "
        "eller angiv stien til en mappe med en style.yaml."
    )


@cache
def _load_folder(folder: Path, seen: tuple[Path, ...] = ()) -> Style:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if folder in seen:
        raise StyleError(f"Stilen i {folder} arver fra sig selv (extends danner en ring).")
    try:
        text = (folder / "style.yaml").read_text("utf-8")
        _check_style_yaml(folder / "style.yaml", text)
        data = YAML(typ="safe").load(text)
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        raise StyleError(f"{folder / 'style.yaml'} kan ikke læses: {exc}") from exc
    if not isinstance(data, dict):
        raise StyleError(f"{folder / 'style.yaml'} skal være en YAML-mapping.")
    parent: Style | None = None
    if data.get("extends"):
        parent_folder = find_style_folder(str(data["extends"]), folder)
        if parent_folder is None:
            message = _unknown_style_message(str(data["extends"]))
            raise StyleError(f"{folder / 'style.yaml'}: {message}")
        parent = _load_folder(parent_folder, (*seen, folder))
    return _merge(folder, data, parent)


#: Word's heading sizes in points, Heading 1 (the item's "Punkt N:") to Heading 6, by
#: their `docx:` key, with the size a style that does not set one gets (the DOCX
#: renderer's defaults are these).
HEADING_SIZES: tuple[tuple[str, float], ...] = (
    ("størrelse_punkt", 13), ("størrelse_afsnit", 12), ("størrelse_underafsnit", 11),
    ("størrelse_overskrift_4", 10.5), ("størrelse_overskrift_5", 10),
    ("størrelse_overskrift_6", 9.5))


def _check_heading_scale(docx: dict[str, Any], fields: _Fields) -> None:
    """A reader tells heading levels apart by size: each level must be smaller than the
    one above it, or a sub-heading looks like (or larger than) its section. Checked when
    the style loads, so `check` says it too, naming the keys to change."""
    sizes = [(key, docx.get(key, default)) for key, default in HEADING_SIZES]
    for (upper, upper_size), (lower, lower_size) in pairwise(sizes):
        if isinstance(upper_size, int | float) and isinstance(lower_size, int | float) \
                and not isinstance(upper_size, bool) and lower_size >= upper_size:
            raise fields.fail(
                f"docx: {lower} ({lower_size:g} pt) skal være mindre end {upper} "
                f"({upper_size:g} pt): hvert overskriftsniveau skal være mindre end "
                "niveauet over det.")


#: The numbers of a style's `docx:` block: sizes in points, measures in cm, line height as a
#: factor. Anything outside these bounds (a negative size, .inf, .nan, 1e308) is a typo
#: that Word or LibreOffice would choke on; it is refused when the style loads.
_NUMBER_BOUNDS = (0.0, 500.0)


def _check_style_yaml(path: Path, text: str) -> None:
    """A style is data, read like a meeting file: no aliases, no hostile nesting, no
    control characters, and numbers a document can use, each refused with its line."""
    from .meetingfile.nodes import FORBIDDEN, MappingNode, Scalar, SequenceNode
    from .meetingfile.yaml import parse_yaml

    control = FORBIDDEN.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise StyleError(f"{path}:{line}: filen indeholder et styretegn "
                         f"(U+{ord(control.group()):04X}).")
    root, problems = parse_yaml(text, str(path), kind="stilfil")
    if problems:
        first = problems[0]
        raise StyleError(f"{first.path}:{first.line}:{first.column}: {first.message}")
    docx = root.get("docx") if isinstance(root, MappingNode) else None
    todo = [docx] if docx is not None else []
    while todo:
        node = todo.pop()
        if isinstance(node, MappingNode):
            todo += [value for _key, value in node.entries.values()]
        elif isinstance(node, SequenceNode):
            todo += node.items
        elif isinstance(node, Scalar) and node.tag in ("int", "float"):
            _check_number(path, node)


def _check_number(path: Path, node: Any) -> None:
    import math

    low, high = _NUMBER_BOUNDS
    try:
        value = float(node.value.replace("_", ""))
    except ValueError:
        value = math.nan  # .inf, .nan and their spellings
    if node.value.strip().lower() in (".inf", "+.inf", "-.inf", ".nan"):
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        raise StyleError(f"{path}:{node.line}:{node.column}: '{node.value}' kan ikke bruges "
                         f"som størrelse eller mål; skriv et tal fra {low:g} til {high:g} "
                         "(punkt, cm eller en faktor).")


_STYLE_KEYS = frozenset({
    "navn", "extends", "kommune", "sagsnr_mønster", "sagsnr_eksempel", "lukket_titel",
    "beslutning_overskrift", "overskrifter", "rækkefølge", "css", "skrifttype", "skrifter",
    "logo", "docx",
})


@dataclass(frozen=True)
class _Fields:
    """The keys of one style.yaml, read with the style author's mistakes said in Danish."""

    where: Path
    data: dict[str, Any]

    def fail(self, message: str) -> StyleError:
        return StyleError(f"{self.where}: {message}")

    def text(self, key: str, default: str | None) -> str | None:
        value = self.data.get(key, default)
        if value is not None and not isinstance(value, str | int | float):
            raise self.fail(f"'{key}' skal være tekst.")
        return None if value is None else str(value)

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.data.get(key) or {}
        if not isinstance(value, dict):
            raise self.fail(f"'{key}' skal være en mapping (nøgle: værdi).")
        return {str(k): v for k, v in value.items()}

    def strings(self, key: str) -> list[str]:
        value = self.data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"'{key}' skal være en liste af filnavne.")
        return value


def _merge(folder: Path, data: dict[str, Any], parent: Style | None) -> Style:
    fields = _Fields(folder / "style.yaml", data)
    unknown = sorted(str(k) for k in data if k not in _STYLE_KEYS)
    if unknown:
        valid = ", ".join(sorted(_STYLE_KEYS))
        raise fields.fail(f"ukendte nøgler: {', '.join(unknown)}. Gyldige: {valid}.")
    base = parent or Style(name="", folders=())
    headings = _headings(fields, base)
    order = _order(fields, folder, base)
    css = tuple(base.css) + tuple(c for c in fields.strings("css") if c not in base.css)
    pattern = _sagsnr_pattern(fields, base)
    decision = _decision_heading(fields, base)
    own_fonts = _fonts(fields, (folder, *base.folders))
    fonts = (*own_fonts, *(f for f in base.fonts if f.name not in {o.name for o in own_fonts}))
    style = Style(
        name=fields.text("navn", folder.name) or folder.name,
        folders=(folder, *base.folders),
        kommune=fields.text("kommune", base.kommune),
        sagsnr_pattern=pattern,
        sagsnr_example=fields.text("sagsnr_eksempel", base.sagsnr_example),
        closed_title=fields.text("lukket_titel", base.closed_title) or base.closed_title,
        decision_heading=decision,
        headings=headings,
        order=_complete_order(order),
        css=css,
        font=fields.text("skrifttype", base.font),
        fonts=fonts,
        logo=fields.text("logo", base.logo),
        docx={**base.docx, **fields.mapping("docx")},
    )
    _check_heading_scale(style.docx, fields)
    for name in (*style.css, *([style.logo] if style.logo else [])):
        if style.file(name) is None:
            raise fields.fail(f"filen '{name}' findes ikke i stilens mappe (eller dens forældres). "
                              "Filer skal ligge i stilens egen mappe.")
    return style


def _fonts(fields: _Fields, folders: tuple[Path, ...]) -> tuple[FontFamily, ...]:
    """`skrifter: {Familie: {word: Navn i Word, filer: [fonts/X-Regular.ttf, ...]}}`."""
    lookup = Style(name="", folders=folders)
    families: list[FontFamily] = []
    for name, entry in fields.mapping("skrifter").items():
        if not isinstance(entry, dict) or not isinstance(entry.get("filer"), list):
            raise fields.fail(f"skriften '{name}' skal have 'filer' (en liste af skriftfiler) "
                              "og 'word' (navnet i Word).")
        files: list[Path] = []
        for file_name in entry["filer"]:
            path = lookup.file(str(file_name))
            if path is None or path.suffix.lower() not in (".ttf", ".otf"):
                raise fields.fail(f"skriftfilen '{file_name}' findes ikke i stilens mappe "
                                  "(eller er ikke en .ttf/.otf-fil).")
            files.append(path)
        word = entry.get("word", name)
        if not isinstance(word, str):
            raise fields.fail(f"'word' for skriften '{name}' skal være tekst.")
        families.append(FontFamily(str(name), word, tuple(files)))
    return tuple(families)


def _headings(fields: _Fields, base: Style) -> dict[str, str]:
    own = fields.mapping("overskrifter")
    bad = [k for k, v in own.items() if not isinstance(v, str | int | float)]
    if bad:
        raise fields.fail(f"overskriften for '{bad[0]}' skal være tekst.")
    return {**base.headings, **{k: str(v) for k, v in own.items()}}


def _order(fields: _Fields, folder: Path, base: Style) -> tuple[Slot, ...]:
    if "rækkefølge" not in fields.data:
        return base.order
    if not isinstance(fields.data["rækkefølge"], list):
        raise fields.fail("'rækkefølge' skal være en liste af afsnitsnøgler.")
    return _parse_order(fields.data["rækkefølge"], folder)


def _sagsnr_pattern(fields: _Fields, base: Style) -> str | None:
    pattern = fields.text("sagsnr_mønster", base.sagsnr_pattern)
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            message = f"'sagsnr_mønster' er ikke et gyldigt regulært udtryk: {exc}."
            raise fields.fail(message) from exc
    return pattern


def _decision_heading(fields: _Fields, base: Style) -> str:
    decision = fields.text("beslutning_overskrift", base.decision_heading) or "Beslutning"
    # Only the three bare fields: str.format would also read attributes ({organ.__class__})
    # and pad to any width ({organ:>99999999}).
    try:
        fields_used = [(name, spec, conversion)
                       for _, name, spec, conversion in string.Formatter().parse(decision)
                       if name is not None]
    except ValueError:
        fields_used = [("", "", None)]
    if any(name not in ("organ", "ORGAN", "dato") or spec or conversion
           for name, spec, conversion in fields_used):
        raise fields.fail("'beslutning_overskrift' må kun indeholde {organ}, {ORGAN} "
                          "(med store bogstaver) og {dato}.")
    return decision


def _parse_order(raw: list[Any], folder: Path) -> tuple[Slot, ...]:
    slots: list[Slot] = []
    placed: list[str] = []
    known = (*SECTION_KEYS, "afsnit")
    for entry in raw:
        if isinstance(entry, dict) and set(entry.get("afsnit") or []) & set(LAYOUT_MARKS):
            raise StyleError(f"{folder / 'style.yaml'}: 'sideskift' og 'titel' kan kun stå "
                             "direkte i rækkefølge, ikke i en gruppes afsnit.")
        if entry in LAYOUT_MARKS:
            if entry == REPEATED_TITLE and entry in slots:
                raise StyleError(f"{folder / 'style.yaml'}: 'titel' står to gange i rækkefølge.")
            slots.append(entry)
            continue
        listed: list[Any] = ([entry] if isinstance(entry, str) else
                             list(entry.get("afsnit", [])) if isinstance(entry, dict) else [])
        for key in listed:
            if key not in known:
                raise StyleError(f"{folder / 'style.yaml'}: ukendt afsnit '{key}' i rækkefølge. "
                                 f"Kendte: {', '.join((*known, *LAYOUT_MARKS))}.")
            if key in placed:
                raise StyleError(f"{folder / 'style.yaml'}: '{key}' står to gange i rækkefølge.")
            placed.append(key)
        if isinstance(entry, str):
            slots.append(entry)
        elif (isinstance(entry, dict) and "gruppe" in entry
              and isinstance(entry.get("afsnit", []), list)):
            slots.append(Group(str(entry["gruppe"]), tuple(str(k) for k in listed)))
        else:
            raise StyleError(f"{folder / 'style.yaml'}: ukendt post i rækkefølge: {entry!r}")
    return tuple(slots)


def _complete_order(order: tuple[Slot, ...]) -> tuple[Slot, ...]:
    # A style that forgets a section key must not lose that section's text.
    placed = {k for slot in order for k in ((slot,) if isinstance(slot, str) else slot.keys)}
    missing = [k for k in (*SECTION_KEYS, "afsnit") if k not in placed]
    return (*order, *missing)
