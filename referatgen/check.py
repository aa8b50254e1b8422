"""Stage 3: the checks a secretary runs before publishing (`referatgen check`).

Imports nothing from the renderers: this path runs on every commit through pre-commit.
markdown-it is imported only for texts that contain '<', to find raw HTML exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import cpr
from .diagnostics import Diagnostic, Severity
from .meetingfile import load
from .model import Item, Meeting, Text, Where, build_model
from .styles import Style, StyleError, resolve_style


@dataclass
class CheckResult:
    """A checked file: its model and style when they could be read, and every finding."""

    meeting: Meeting | None
    style: Style | None
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


def check_file(path: Path, display: str | None = None, stil: str | None = None) -> CheckResult:
    """Check one meeting file; `stil` checks it against another style than its own
    (a name, or a folder relative to the current directory), as `build --stil` renders it."""
    loaded = load(path, display)
    meeting, diagnostics = build_model(loaded)
    if meeting is None:
        return CheckResult(None, None, diagnostics)
    style: Style | None = None
    try:
        style = (resolve_style(stil, Path.cwd()) if stil is not None
                 else resolve_style(meeting.stil, meeting.folder))
    except StyleError as exc:
        if stil is not None:
            raise
        diagnostics.append(Diagnostic(
            loaded.source.display, meeting.stil_where.line, meeting.stil_where.column,
            "error", str(exc), "unknown-style",
        ))
    diagnostics += check_meeting(meeting, style)
    # A value YAML folded from several lines has one position for all it holds, so two
    # findings there can print as the same line; the secretary needs it once.
    unique = list(dict.fromkeys(diagnostics))
    unique.sort(key=lambda d: (d.line, d.column))
    return CheckResult(meeting, style, unique)


def check_meeting(meeting: Meeting, style: Style | None) -> list[Diagnostic]:
    return _Checker(meeting, style).run()


_ATX_H12 = re.compile(r"^ {0,3}#{1,2}(?:[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BLOCK_START = re.compile(r"^ {0,3}(?:[-*+][ \t]|\d{1,9}[.)][ \t]|>|#|\|)")
_WINDOWS_ABSOLUTE = re.compile(r"^(?:[a-zA-Z]:[\\/]|[\\/]{2})")


#: The longest organ or kommune: Word's core properties hold 255 characters, and the
#: title puts "DAGSORDEN " and " d. 05-09-2022" around the organ.
MAX_NAME_LENGTH = 200


class _Checker:
    def __init__(self, meeting: Meeting, style: Style | None) -> None:
        self.meeting = meeting
        self.style = style
        self.out: list[Diagnostic] = []

    def report(self, where: Where, severity: Severity, message: str, rule: str) -> None:
        self.out.append(Diagnostic(
            self.meeting.source.display, where.line, where.column, severity, message, rule))

    def run(self) -> list[Diagnostic]:
        meeting = self.meeting
        for index, item in enumerate(meeting.punkter):
            number = meeting.første_punkt + index
            self.item(item, number)
        self.lengths()
        # The file's name is the outputs' names and the archive index's path.
        self.cpr_plain(meeting.source.path.name, Where(1, 1))
        if meeting.sted:
            self.cpr_plain(meeting.sted, meeting.sted_where or Where(1, 1))
        self.cpr_plain(meeting.organ, meeting.organ_where)
        if meeting.kommune:
            self.cpr_plain(meeting.kommune, meeting.kommune_where or Where(1, 1))
        for person in (*meeting.deltagere, *meeting.afbud):
            self.cpr_plain(person.label(), person.where or Where(1, 1))
        return self.out

    def lengths(self) -> None:
        """organ and kommune go into the document's properties, which Word limits to 255
        characters with the title ("REFERAT <organ> d. <dato>") around them."""
        meeting = self.meeting
        for name, value, where in (("organ", meeting.organ, meeting.organ_where),
                                   ("kommune", meeting.kommune, meeting.kommune_where)):
            if value and len(value) > MAX_NAME_LENGTH:
                self.report(where or Where(1, 1), "error",
                            f"{name} er {len(value)} tegn langt; højst {MAX_NAME_LENGTH} "
                            "kan stå i dokumentets titel og egenskaber. Forkort det.",
                            "too-long")

    def item(self, item: Item, number: int) -> None:
        self.numbering_and_case(item, number)
        self.decisions(item, number)
        self.bilag(item)
        self.published(item)

    def numbering_and_case(self, item: Item, number: int) -> None:
        style = self.style
        if item.punkt_label is not None and item.punkt_label[0] != number:
            written, where = item.punkt_label
            self.report(where, "warning",
                        f"Overskriften siger 'Punkt {written}', men punktet bliver nummer "
                        f"{number}. referatgen nummererer selv: slet 'Punkt N:' eller ret tallet.",
                        "punkt-number")
        if item.sagsnr and item.sagsnr_where and style and not style.matches_sagsnr(item.sagsnr):
            example = f", fx {style.sagsnr_example}" if style.sagsnr_example else ""
            self.report(item.sagsnr_where, "error",
                        f"Sagsnummeret '{item.sagsnr}' passer ikke til mønsteret for stilen "
                        f"{style.name}{example}. Ret nummeret, eller vælg den rigtige stil.",
                        "sagsnr-pattern")

    def decisions(self, item: Item, number: int) -> None:
        meeting = self.meeting
        if meeting.type == "referat" and not item.lukket and not item.beslutning:
            self.report(item.titel_where, "warning",
                        f"Punkt {number} ('{item.titel}') har ingen beslutning. Skriv den under "
                        "'beslutning: |', eller '-' hvis der intet er at tilføje.",
                        "missing-decision")
        if meeting.type == "dagsorden" and item.beslutning:
            where = item.beslutning_where or item.where
            self.report(where, "warning",
                        "En dagsorden har endnu ingen beslutninger: teksten kommer ikke med. "
                        "Skriv 'type: referat' hvis mødet er holdt.",
                        "decision-in-agenda")

    def bilag(self, item: Item) -> None:
        for bilag in item.bilag:
            if bilag.fil and bilag.fil_where:
                self.file_reference(bilag.fil, bilag.fil_where, "Bilaget",
                                    quote=not (item.lukket or bilag.lukket))
            if not item.lukket and not bilag.lukket:
                self.cpr_plain(bilag.titel, bilag.where)
                if bilag.fil:  # the file name is the attachment's name in the PDF
                    where = bilag.fil_where or bilag.where
                    self.cpr_plain(bilag.fil, where)
                    # A link's target is what gets attached, under its own name.
                    target = (self.meeting.folder / bilag.fil).resolve().name
                    if target != Path(bilag.fil).name:
                        self.cpr_plain(target, where)

    def published(self, item: Item) -> None:
        """CPR numbers in what the public version prints of the item."""
        style = self.style
        if not item.lukket:
            for decision in item.beslutning:
                if decision.organ:
                    self.cpr_plain(decision.organ, decision.where)
            for name in item.deltog_ikke:
                self.cpr_plain(name, item.deltog_ikke_where or item.where)
        for _label, text in item.texts():
            self.text(text, published=not item.lukket)
        if not item.lukket:
            for afsnit in item.afsnit:
                self.cpr_plain(afsnit.overskrift, afsnit.where)
        # A closed item's own title is published only where the style's public title
        # quotes it (kalundborg: "Lukket: {titel}") and no offentlig_titel replaces it.
        title_published = not item.lukket or (
            style is not None and style.publishes_closed_titles and not item.offentlig_titel)
        if title_published:
            self.cpr_plain(item.titel, item.titel_where)
        if item.offentlig_titel and item.offentlig_titel_where:
            self.cpr_plain(item.offentlig_titel, item.offentlig_titel_where)
        if item.sagsnr and item.sagsnr_where:
            self.cpr_plain(item.sagsnr, item.sagsnr_where)

    def file_reference(self, name: str, where: Where, what: str, *, quote: bool = True) -> None:
        # A closed item's file names are not quoted: messages reach terminals, logs, the
        # archive's summary and serve's public panel.
        shown = f"{what} '{name}'" if quote else what
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", name) and not re.match(r"^[a-zA-Z]:[\\/]", name):
            self.report(where, "error",
                        f"{shown} peger på en adresse. Læg filen i mødets mappe og "
                        "skriv stien dertil, fx bilag/fil.pdf.", "bilag-outside")
            return
        folder = self.meeting.folder
        target = (folder / name).resolve()
        if (PurePosixPath(name).is_absolute() or _WINDOWS_ABSOLUTE.match(name)
                or not target.is_relative_to(folder)):
            self.report(where, "error",
                        f"{shown} ligger uden for mødets mappe. Kopiér filen ind i "
                        "mappen (fx bilag/) og skriv stien dertil.", "bilag-outside")
        elif not target.is_file():
            self.report(where, "error",
                        f"{shown} findes ikke. Ret stien (i forhold til mødefilens "
                        "mappe), eller læg filen der.", "bilag-missing")

    def text(self, text: Text, *, published: bool) -> None:
        lines = text.markdown.split("\n")
        fence: str | None = None
        previous_paragraph = False
        if self.meeting.source.format == "yaml":
            for index, line in enumerate(lines):
                match = _FENCE.match(line)
                if fence is not None:
                    marker = match.group(1) if match else ""
                    if marker[:1] == fence[0] and len(marker) >= len(fence):
                        fence = None
                    continue
                if match:
                    fence = match.group(1)
                    previous_paragraph = False
                    continue
                setext = previous_paragraph and _SETEXT.match(line)
                if _ATX_H12.match(line) or setext:
                    where = text.position(index, len(line) - len(line.lstrip()))
                    self.report(where, "error",
                                "Overskrifter med # eller ## (eller understregning med === og "
                                "---) er forbeholdt punkter og afsnit. Brug ### til en "
                                "underoverskrift i teksten.", "heading-in-section")
                previous_paragraph = bool(line.strip()) and not _BLOCK_START.match(line)
        if "![" in text.markdown:
            self.images(text, published=published)
        if published:
            self.cpr_printed(text, lines)
        if "<" in text.markdown:
            self.raw_html(text, quote=published)

    def images(self, text: Text, *, published: bool) -> None:
        """Every image the renderer will see, found by the renderer's own parser.

        Titles, brackets in the alt text and reference definitions ([r]: path) hide an
        image from a pattern; markdown-it is imported only for texts with "![".
        """
        from urllib.parse import unquote

        from .commonmark import parse

        found = [(child, token.map[0] if token.map else 0)
                 for token in parse(text.markdown) for child in token.children or []
                 if child.type == "image"]
        for image, line_index in found:
            src = unquote(str(image.attrs.get("src", "")))
            where = text.find(src, line_index)
            self.file_reference(src, where, "Billedet", quote=published)
            target = (self.meeting.folder / src).resolve().name
            if published and ":" not in src.split("/")[0] and target != Path(src).name:
                # A link's target is embedded, and its own name is the image's name in the
                # Word document (the name as written is checked with the text).
                self.cpr_plain(target, where)
            if not "".join(c.content for c in image.children or []).strip():
                shown = f"Billedet '{src}'" if published else "Billedet"
                self.report(where, "warning",
                            f"{shown} har ingen alternativ tekst: en skærmlæser kan "
                            "ikke fortælle, hvad det viser. Skriv det mellem de firkantede "
                            "parenteser: ![Kort over området](kort.png).", "missing-alt")

    def cpr_printed(self, text: Text, lines: list[str]) -> None:
        """CPR numbers in the text as the renderers print it, reported at their source line."""
        for found, line_index in cpr.find_in_markdown(text.markdown):
            line = lines[min(line_index, len(lines) - 1)]
            # Where the number's first digits stand in the source, if they stand together
            # there; else at the line's text.
            column = line.find(found.shown[:4])
            if column < 0:
                column = len(line) - len(line.lstrip())
            self.cpr_report(found, text.position(line_index, column))

    def cpr_plain(self, value: str, where: Where) -> None:
        for found in cpr.find(value):
            self.cpr_report(found, where)

    def cpr_report(self, found: cpr.Found, where: Where) -> None:
        self.report(where, "error",
                    f"'{found.shown}' ligner et CPR-nummer og må ikke offentliggøres. "
                    "Fjern det, eller flyt oplysningen til et lukket punkt.", "cpr-number")

    def raw_html(self, text: Text, *, quote: bool) -> None:
        from markdown_it import MarkdownIt

        lines = text.markdown.split("\n")
        for token in MarkdownIt("commonmark").parse(text.markdown):
            if token.type == "html_block" and token.map:
                snippet = token.content.strip().split("\n")[0]
                line = lines[token.map[0]]
                self.html_found(text, snippet, token.map[0], max(line.find(snippet[:10]), 0),
                                quote=quote)
            elif token.type == "inline" and token.map and token.children:
                # Inline tokens carry no line of their own: find each tag in the block's
                # lines, after the previous one, so a paragraph over several lines and a
                # repeated tag each get their own place.
                first, end = token.map
                at_line, at_column = first, 0
                for child in token.children:
                    if child.type != "html_inline":
                        continue
                    snippet = child.content.split("\n")[0]
                    for index in range(at_line, min(end, len(lines))):
                        column = lines[index].find(snippet, at_column if index == at_line else 0)
                        if column >= 0:
                            at_line, at_column = index, column + len(snippet)
                            self.html_found(text, snippet, index, column, quote=quote)
                            break
                    else:
                        self.html_found(text, snippet, first, 0, quote=quote)

    def html_found(self, text: Text, snippet: str, line_index: int, column_index: int, *,
                   quote: bool) -> None:
        # A closed item's text is not quoted: messages reach terminals, logs and summaries.
        shown = f" ('{snippet.strip()[:40]}')" if quote else ""
        self.report(text.position(line_index, column_index), "warning",
                    f"HTML{shown} vises som almindelig tekst. Brug Markdown "
                    "i stedet: **fed**, *kursiv*, lister med - og tabeller med |.",
                    "raw-html")
