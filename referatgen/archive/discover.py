"""Find the meeting files of an archive: folders walked, globs expanded, the rest passed over.

A file is a meeting when a cheap look says so, without parsing it: a YAML file with a
top-level `punkter:` key, or a Markdown file whose front matter has `organ:` or `dato:`.
Hidden folders and files, and what a `.referatgenignore` (gitignore syntax, in any folder
of the tree) excludes, are skipped. Each meeting gets a path relative to its input root;
the output tree mirrors those paths.
"""

from __future__ import annotations

import glob
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

IGNORE_FILE = ".referatgenignore"
YAML_SUFFIXES = (".yaml", ".yml")
MD_SUFFIXES = (".md", ".markdown")
#: How much of a file the sniffing reads at most: meeting keys come early.
SNIFF_BYTES = 1 << 20
_GLOB_CHARS = frozenset("*?[")
Adder = Callable[[Path, Path, str], None]
_YAML_KEY = re.compile(
    r"""^(?:punkter|organ|dato|"punkter"|"organ"|"dato"|'punkter'|'organ'|'dato')[ \t]*:""")
_FRONT_KEY = re.compile(r"""^(?:organ|dato|"organ"|"dato"|'organ'|'dato')[ \t]*:""")


@dataclass(frozen=True)
class Found:
    """A meeting file: where it is, and its place in the mirrored output tree."""

    path: Path
    #: Relative to its input root, forward slashes: the manifest key and the output place.
    rel: PurePosixPath
    #: The path as the user would write it, for messages.
    display: str


@dataclass
class Discovery:
    meetings: list[Found] = field(default_factory=list)
    #: (path, why) of files and folders passed over, for --verbose.
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: (path, message) of inputs that cannot be built: missing, colliding.
    problems: list[tuple[str, str]] = field(default_factory=list)
    #: (path, why) of files passed over that the user must hear of even without
    #: --verbose: a FIFO or device named like a meeting file.
    notes: list[tuple[str, str]] = field(default_factory=list)

    def pass_over(self, path: Path, why: str) -> None:
        (self.skipped if regular(path) else self.notes).append((str(path), why))


def is_glob(text: str) -> bool:
    return bool(_GLOB_CHARS & set(text))


def regular(path: Path) -> bool:
    """A regular file (or a link to one): a FIFO or a device named *.yaml would block
    the run or never end, so it is never opened."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return True  # unreadable: the build says so, with the file's name


def _head(path: Path) -> str:
    with path.open("rb") as handle:
        data = handle.read(SNIFF_BYTES)
    # A meeting file saved as UTF-16 (Notepad's "Unicode") still looks like one, so the
    # build reports it as one that cannot be read, rather than passing over it unseen.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff")


def sniff(path: Path) -> bool:
    """Does this file look like a meeting file? Reads at most SNIFF_BYTES, parses nothing.

    A YAML file with a top-level `punkter:`, `organ:` or `dato:` line counts, whatever
    else is wrong with it: such a file that cannot be read or parsed is a failed meeting
    in the summary, not a file passed over in silence."""
    suffix = path.suffix.lower()
    if suffix not in YAML_SUFFIXES + MD_SUFFIXES or not regular(path):
        return False
    try:
        text = _head(path)
    except OSError:
        # Unreadable: let the build say so with the file's name.
        return True
    lines = text.replace("\r\n", "\n").split("\n")
    if suffix in YAML_SUFFIXES:
        return any(_YAML_KEY.match(line) for line in lines)
    if not lines or lines[0].rstrip() != "---":
        return False
    for line in lines[1:]:
        if line.rstrip() in ("---", "..."):
            return False
        if _FRONT_KEY.match(line):
            return True
    return False


class IgnoreRules:
    """`.referatgenignore` files, each applying below its own folder, deeper ones winning."""

    def __init__(self) -> None:
        self._specs: dict[Path, GitIgnoreSpec | None] = {}

    def _spec(self, folder: Path) -> GitIgnoreSpec | None:
        if folder not in self._specs:
            spec: GitIgnoreSpec | None = None
            try:
                lines = (folder / IGNORE_FILE).read_text("utf-8", errors="replace").splitlines()
            except OSError:
                lines = None
            if lines is not None:
                # Imported only when an ignore file exists: pathspec pulls in asyncio,
                # a tenth of a second on every run of an archive without one.
                from pathspec import GitIgnoreSpec

                spec = GitIgnoreSpec.from_lines(lines)
            self._specs[folder] = spec
        return self._specs[folder]

    def ignored(self, path: Path, root: Path, *, is_dir: bool) -> bool:
        """Is `path` (below `root`) excluded by an ignore file in root or a folder between?"""
        folders = [path.parent]
        while folders[-1] != root and root in folders[-1].parents:
            folders.append(folders[-1].parent)
        for folder in folders:  # deepest first: a nearer file overrides a farther one
            spec = self._spec(folder)
            if spec is None:
                continue
            rel = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
            result = spec.check_file(rel)
            if result.include is not None:
                return bool(result.include)
        return False


def discover(inputs: Sequence[str], exclude: Path | None = None) -> Discovery:
    """Meeting files of folders, globs and files, in a stable order, each file once.

    `exclude` (the output folder) is not walked when it lies inside an input folder.
    """
    found = Discovery()
    rules = IgnoreRules()
    excluded = exclude.resolve() if exclude is not None else None
    seen: set[Path] = set()

    def add(path: Path, root: Path, display_root: str) -> None:
        resolved = path.resolve()
        if resolved in seen:
            return
        seen.add(resolved)
        rel = PurePosixPath(os.path.normpath(path.relative_to(root)).replace(os.sep, "/"))
        if rel.is_absolute() or rel.parts[:1] == ("..",):
            # "*/../../m.yaml": the output would land outside -o. Outputs mirror the
            # input tree below its root, so a file above the root has no place there.
            found.problems.append((str(path), "Filen ligger uden for mønsterets startmappe "
                                   f"({root}), så dens PDF ville havne uden for uddatamappen. "
                                   "Angiv mappen eller filen selv i stedet."))
            return
        display = os.path.join(display_root, *rel.parts) if display_root else str(path)
        found.meetings.append(Found(path, rel, display))

    for text in inputs:
        if is_glob(text):
            _expand_glob(text, found, rules, excluded, add)
            continue
        path = Path(text)
        if path.is_dir():
            for meeting in _walk(path, found, rules, excluded):
                add(meeting, path, text)
        elif path.is_file():
            add(path, path.parent, "")
        elif path.exists():
            found.notes.append((text, _why_not(path)))
        else:
            found.problems.append((text, "Filen eller mappen findes ikke. Ret stien."))
    _refuse_collisions(found)
    return found


def _expand_glob(pattern: str, found: Discovery, rules: IgnoreRules, excluded: Path | None,
                 add: Adder) -> None:
    parts = Path(pattern).parts
    fixed = list(_takewhile_plain(parts))
    root = Path(*fixed) if fixed else Path(".")
    display_root = os.path.join(*fixed) if fixed else ""
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        found.problems.append((pattern, "Mønsteret passer ikke på nogen filer eller mapper."))
        return
    for match in matches:
        path = Path(match)
        if _hidden_below(path, root) or rules.ignored(path, root, is_dir=path.is_dir()):
            found.skipped.append((match, f"udelukket af {IGNORE_FILE} eller skjult"))
            continue
        if path.is_dir():
            for meeting in _walk(path, found, rules, excluded, root):
                add(meeting, root, display_root)
        elif sniff(path):
            add(path, root, display_root)
        else:
            found.pass_over(path, _why_not(path))


def _takewhile_plain(parts: Iterable[str]) -> Iterable[str]:
    for part in parts:
        if is_glob(part):
            return
        yield part


def _hidden_below(path: Path, root: Path) -> bool:
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = path
    return any(part.startswith(".") and part not in (".", "..") for part in rel.parts)


def _walk(top: Path, found: Discovery, rules: IgnoreRules, excluded: Path | None,
          root: Path | None = None) -> Iterable[Path]:
    root = root if root is not None else top
    for folder, dirs, files in os.walk(top):
        here = Path(folder)
        kept: list[str] = []
        for name in sorted(dirs):
            sub = here / name
            if name.startswith("."):
                continue
            if excluded is not None and sub.resolve() == excluded:
                found.skipped.append((str(sub), "uddatamappen"))
            elif rules.ignored(sub, root, is_dir=True):
                found.skipped.append((str(sub) + os.sep, f"udelukket af {IGNORE_FILE}"))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            path = here / name
            if name.startswith("."):
                continue
            if rules.ignored(path, root, is_dir=False):
                found.skipped.append((str(path), f"udelukket af {IGNORE_FILE}"))
            elif sniff(path):
                yield path
            else:
                found.pass_over(path, _why_not(path))


def _why_not(path: Path) -> str:
    suffix = path.suffix.lower()
    if not regular(path):
        return "ikke en almindelig fil (fx en FIFO eller en enhed); den åbnes ikke"
    if suffix in YAML_SUFFIXES:
        return "ikke en mødefil (ingen 'punkter:', 'organ:' eller 'dato:' øverst i filen)"
    if suffix in MD_SUFFIXES:
        return "ikke en mødefil (ingen forside med 'organ:' eller 'dato:')"
    return "ikke en mødefil (kun .yaml, .yml og .md læses)"


def _refuse_collisions(found: Discovery) -> None:
    """Two meetings whose outputs would land on the same names: refuse all but the first."""
    first: dict[tuple[str, str], Found] = {}
    kept: list[Found] = []
    for meeting in found.meetings:
        slot = (meeting.rel.parent.as_posix(), meeting.rel.stem)
        other = first.get(slot)
        if other is None:
            first[slot] = meeting
            kept.append(meeting)
            continue
        found.problems.append((
            meeting.display,
            f"Giver de samme filnavne i uddatamappen som {other.display} "
            f"({meeting.rel.with_suffix('').as_posix()}.pdf osv.). Omdøb den ene af filerne.",
        ))
    found.meetings = sorted(kept, key=lambda m: m.rel.as_posix())
