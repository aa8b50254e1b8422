"""What an archive run remembers: content hashes of every input, and what each output was made of.

`OUT/.referatgen-manifest.json` lets the next run skip a meeting when nothing it depends
on changed: the meeting file, its bilag and images, the style's folders (parents too),
referatgen itself and the options. Decisions rest on content hashes. A file's size,
times and inode only save re-reading it, and only when they were recorded long enough
after the file was last changed that a later change in the same clock tick cannot hide
behind them (Git's "racy clean" rule).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .._resources import resource_dir
from .._version import __version__
from ..write import write_atomic

MANIFEST_NAME = ".referatgen-manifest.json"
MANIFEST_FORMAT = 1
#: A stat is trusted only for files last changed this long before they were hashed.
RACY_NS = 2_000_000_000
#: Names in a style folder that do not shape the output.
_NOT_STYLE = ("__pycache__",)


@dataclass
class FileState:
    """One input as it was when hashed: a file, a folder (its listing and files) or nothing."""

    #: sha256 of the content; of the listing and contents for a folder; None: missing.
    sha256: str | None
    is_dir: bool = False
    size: int = -1
    mtime_ns: int = 0
    ctime_ns: int = 0
    ino: int = 0
    hashed_ns: int = 0

    def token(self) -> str:
        if self.sha256 is None:
            return "missing"
        return ("dir:" if self.is_dir else "file:") + self.sha256


@dataclass
class OutputState:
    """A file written by a run, and what it was made from."""

    #: Path relative to OUT, with forward slashes.
    file: str
    #: Options key of the run that wrote it (options, version, templates).
    key: str
    #: Digest of the inputs it was made from (`deps_digest`).
    deps: str
    sha256: str
    size: int
    mtime_ns: int


@dataclass
class Entry:
    """One meeting of the archive: its source, inputs, outputs per format and index record."""

    source: str
    deps: dict[str, FileState] = field(default_factory=dict)
    outputs: dict[str, OutputState] = field(default_factory=dict)
    index: dict[str, Any] = field(default_factory=dict)


class ManifestError(Exception):
    """The manifest cannot be read; the run starts afresh."""


@dataclass
class Manifest:
    path: Path
    meetings: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def load(cls, out: Path) -> Manifest:
        """The manifest in OUT, or an empty one; ManifestError when it cannot be read."""
        path = out / MANIFEST_NAME
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls(path)
        except OSError as exc:
            raise ManifestError(f"{path} kan ikke læses: {exc.strerror}") from exc
        try:
            data = json.loads(raw)
            if data.get("format") != MANIFEST_FORMAT:
                raise ManifestError(f"{path} er fra en anden udgave af referatgen")
            meetings = {str(rel): _entry(value) for rel, value in data["meetings"].items()}
        except ManifestError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            raise ManifestError(f"{path} er ødelagt ({type(exc).__name__})") from exc
        return cls(path, meetings)

    def to_bytes(self) -> bytes:
        data = {
            "format": MANIFEST_FORMAT,
            "generator": f"referatgen {__version__}",
            "meetings": {rel: _plain(entry) for rel, entry in self.meetings.items()},
        }
        # Compact: only then does json use its C encoder. The parent saves the manifest
        # while workers build, and indented output took a tenth of a core from them.
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return (text + "\n").encode()

    def save(self, data: bytes | None = None) -> None:
        """Write the manifest (or `data`, its bytes already made)."""
        # write_atomic: a kill at any moment leaves the previous manifest or this one.
        write_atomic(self.path, self.to_bytes() if data is None else data)


def _plain(entry: Entry) -> dict[str, Any]:
    # What dataclasses.asdict gives, without its deep copies: the result is dumped at once.
    return {
        "source": entry.source,
        "deps": {path: vars(state) for path, state in entry.deps.items()},
        "outputs": {fmt: vars(state) for fmt, state in entry.outputs.items()},
        "index": entry.index,
    }


def _typed(cls: type[_State], values: Mapping[str, Any]) -> _State:
    """A state record, its fields checked against their types: a hand-edited manifest
    must make the run start afresh, not crash it later."""
    state = cls(**values)
    for item in dataclasses.fields(state):
        value = getattr(state, item.name)
        allowed = _FIELD_TYPES[str(item.type)]
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            raise TypeError(f"{item.name} has a wrong value")
    return state


_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "bool": (bool,), "str | None": (str, type(None))}
_State = TypeVar("_State", "FileState", "OutputState")


def _entry(value: Mapping[str, Any]) -> Entry:
    from .index import record_problem

    problem = record_problem(value["index"])
    if problem is not None:
        raise ValueError(problem)
    return Entry(
        source=str(value["source"]),
        deps={str(p): _typed(FileState, s) for p, s in value["deps"].items()},
        outputs={str(f): _typed(OutputState, o) for f, o in value["outputs"].items()},
        index=dict(value["index"]),
    )


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Hasher:
    """Current states of inputs, each path looked at once per run.

    `known` states (from the manifest) let a file whose stat is unchanged, and was not
    changed just before it was hashed, keep its recorded hash without being read.
    """

    def __init__(self) -> None:
        self._memo: dict[str, FileState] = {}

    def state(self, path: str, known: FileState | None = None, *,
              folder: bool = False) -> FileState:
        memo = self._memo.get(path)
        if memo is not None:
            # A style's files are hashed with its folder before they come up on their own:
            # the same file unchanged keeps its record, so unchanged books stay unchanged.
            if known is not None and _same_file(known, memo):
                return known
            return memo
        state = self._compute(Path(path), known, folder or (known is not None and known.is_dir))
        self._memo[path] = state
        return state

    def _compute(self, path: Path, known: FileState | None, folder: bool) -> FileState:
        if folder:
            return FileState(_folder_digest(path, self), is_dir=True) if path.is_dir() else \
                FileState(None, is_dir=True)
        try:
            st = path.stat()
        except OSError:
            return FileState(None)
        if (known is not None and known.sha256 is not None and not known.is_dir
                and (known.size, known.mtime_ns, known.ctime_ns, known.ino)
                == (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                and max(st.st_mtime_ns, st.st_ctime_ns) < known.hashed_ns - RACY_NS):
            return known
        hashed_ns = time.time_ns()
        try:
            digest = sha256_file(path)
        except IsADirectoryError:
            return FileState(_folder_digest(path, self), is_dir=True)
        except OSError:
            return FileState(None)
        return FileState(digest, False, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino,
                         hashed_ns)


def _same_file(a: FileState, b: FileState) -> bool:
    return (a.sha256, a.is_dir, a.size, a.mtime_ns, a.ctime_ns, a.ino) == \
        (b.sha256, b.is_dir, b.size, b.mtime_ns, b.ctime_ns, b.ino)


def _folder_digest(folder: Path, hasher: Hasher) -> str:
    # The listing is part of the digest: a file added to a style that overrides its
    # parent's changes the output although no existing file changed.
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _NOT_STYLE)
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            state = hasher.state(str(path))
            digest.update(f"{path.relative_to(folder).as_posix()}\0{state.token()}\n".encode())
    return digest.hexdigest()


def deps_digest(states: Mapping[str, FileState]) -> str:
    digest = hashlib.sha256()
    for path in sorted(states):
        digest.update(f"{path}\0{states[path].token()}\n".encode())
    return digest.hexdigest()


def code_fingerprint() -> str:
    """referatgen's version and the document templates: what shapes every output alike."""
    digest = hashlib.sha256(__version__.encode())
    templates = resource_dir("templates")
    hasher = Hasher()
    for path in sorted(templates.rglob("*")):
        # The archive index is written every run; changing it changes no meeting's output.
        if path.is_file() and not path.name.startswith(("index.", ".")):
            digest.update(f"{path.relative_to(templates).as_posix()}\0"
                          f"{hasher.state(str(path)).token()}\n".encode())
    return digest.hexdigest()[:32]


def options_key(parts: Mapping[str, object]) -> str:
    text = json.dumps(dict(parts), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def output_current(state: OutputState | None, key: str, digest: str, out: Path) -> bool:
    """Is the recorded output there, unchanged, and made from these inputs with these options?"""
    if state is None or state.key != key or state.deps != digest:
        return False
    path = out / state.file
    try:
        st = path.stat()
    except OSError:
        return False
    if st.st_size != state.size:
        return False
    if st.st_mtime_ns == state.mtime_ns:
        return True
    try:
        same = sha256_file(path) == state.sha256
    except OSError:
        return False
    if same:
        state.mtime_ns = st.st_mtime_ns
    return same


def refresh(states: Mapping[str, FileState], hasher: Hasher) -> dict[str, FileState]:
    return {path: hasher.state(path, known) for path, known in states.items()}


def temp_files(out: Path) -> Iterable[Path]:
    """Hidden temporary files under OUT (`.*.tmp`), as write_atomic names them."""
    for root, _dirs, files in os.walk(out):
        for name in files:
            if name.startswith(".") and name.endswith(".tmp"):
                yield Path(root) / name
