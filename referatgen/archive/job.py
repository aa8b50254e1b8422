"""The per-meeting job of an archive run, the same on a local worker process and on Dask.

A job does what `referatgen build` does for one file (check, plan, render each format,
write atomically) into a given output folder, and returns what the parent needs to keep
the manifest and the index: the content hashes of every input it used, the outputs it
wrote, the meeting's public index record, and its messages. It never raises: one bad
meeting must not stop the others, so every failure becomes a result.
"""

from __future__ import annotations

import errno
import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, MeetingInvalid, ReferatgenError
from ..options import BuildOptions
from ..write import write_atomic
from .manifest import FileState, Hasher, deps_digest, sha256_bytes

if TYPE_CHECKING:
    from ..plan import Document

#: Output names at the top of OUT that belong to the archive, not to a meeting.
RESERVED = ("index.html", "index.json")
#: Storage errors after which no other job can succeed either: the run stops.
FATAL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})

#: Style folder -> its state when this process last loaded it.
_seen_styles: dict[str, FileState] = {}


@dataclass(frozen=True)
class Job:
    source: str
    #: Path relative to the input root, forward slashes (the manifest key).
    rel: str
    display: str
    #: The output root (OUT), absolute; outputs go to OUT / rel's folder.
    out: str
    formats: tuple[str, ...]
    options: BuildOptions


@dataclass(frozen=True)
class Written:
    fmt: str
    #: Relative to OUT, forward slashes.
    file: str
    sha256: str
    size: int
    mtime_ns: int


@dataclass
class JobResult:
    rel: str
    ok: bool
    outputs: list[Written] = field(default_factory=list)
    deps: dict[str, FileState] = field(default_factory=dict)
    digest: str = ""
    #: The meeting's record in index.json, without "files" (the parent adds them).
    index: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    #: Frozen dataclasses of plain fields: they pickle, so they travel back from Dask too.
    warnings: list[Diagnostic] = field(default_factory=list)
    #: A storage problem (full disk, read-only) that stops the whole run.
    fatal: str | None = None
    seconds: float = 0.0
    pid: int = 0


def run_job(job: Job) -> JobResult:
    start = time.perf_counter()
    result = JobResult(job.rel, ok=False, pid=os.getpid())
    try:
        _build(job, result)
        result.ok = not result.errors
    except MeetingInvalid as exc:
        result.errors = [d.format() for d in exc.diagnostics]
    except ReferatgenError as exc:
        result.errors = [str(exc)]
        cause = exc.__cause__
        if isinstance(cause, OSError) and cause.errno in FATAL_ERRNOS:
            result.fatal = str(exc)
    except OSError as exc:
        result.errors = [f"Kan ikke læse {exc.filename or job.display}: {exc.strerror}."]
    except Exception as exc:  # a bug hit by one meeting must not stop the archive
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        result.errors = [f"intern fejl ({type(exc).__name__}: {exc}) i {frame.filename}:"
                         f"{frame.lineno}. Det er en fejl i referatgen, ikke i filen; meld "
                         "den til IT."]
    if not result.ok:
        result.outputs, result.deps, result.digest, result.index = [], {}, "", {}
    result.seconds = time.perf_counter() - start
    return result


def _build(job: Job, result: JobResult) -> None:
    # The engine is imported here, not at the top: the parent imports this module for
    # Job and JobResult and must stay light (a rerun with nothing to do builds nothing).
    from .._api import render_all

    hasher = Hasher()
    # Hashed before it is read: if it changes during the build, the next run sees a
    # different hash and builds again, never the other way round.
    deps = {job.source: hasher.state(job.source)}
    document, diagnostics = _prepare(job, hasher, deps)
    result.warnings += [d for d in diagnostics if d.severity == "warning"]
    for path in document.inputs:
        deps[str(path)] = hasher.state(str(path))

    rel = PurePosixPath(job.rel)
    names = {fmt: document.output_name(fmt) for fmt in job.formats}
    top = rel.parent == PurePosixPath(".")
    taken = sorted(set(names.values()) & set(RESERVED)) if top else []
    if taken:
        result.errors.append(
            f"{job.display}: ville skrive {', '.join(taken)}, som er arkivets indeks. "
            "Omdøb mødefilen, eller læg den i en undermappe.")
        return
    # Every format is rendered before any is written: a failure leaves all old outputs.
    rendered = render_all(document, job.formats, job.options)
    folder = Path(job.out) / rel.parent
    for fmt, output in rendered.items():
        result.warnings += output.warnings
        target = folder / names[fmt]
        write_atomic(target, output.data)
        st = target.stat()
        result.outputs.append(Written(fmt, (rel.parent / names[fmt]).as_posix(),
                                      sha256_bytes(output.data), st.st_size, st.st_mtime_ns))
    result.deps = deps
    result.digest = deps_digest(deps)
    result.index = index_record(job.rel, document)


def _prepare(job: Job, hasher: Hasher,
             deps: dict[str, FileState]) -> tuple[Document, list[Diagnostic]]:
    """Check and plan the meeting; add its style's folders (and rivals) to `deps`."""
    from .._api import prepare
    from ..styles import clear_cache, search_path

    source = Path(job.source)
    document, diagnostics = prepare(source, job.options, job.display)
    styles = {str(f.resolve()): hasher.state(str(f.resolve()), folder=True)
              for f in document.style.folders}
    if any(_seen_styles.get(path) != state for path, state in styles.items()):
        # A worker lives for many meetings (on Dask, for many runs) and styles.py caches
        # each style it loads: a style new to this job's bookkeeping, or changed since,
        # must be read afresh, or the output and its recorded hashes would disagree.
        clear_cache()
        document, diagnostics = prepare(source, job.options, job.display)
    _seen_styles.update(styles)
    deps.update(styles)
    for folder in document.style.folders:
        # A style of the same name placed earlier on the search path later would be
        # chosen instead: its absence is an input too.
        for root in search_path():
            candidate = str((root / folder.name / "style.yaml").absolute())
            deps.setdefault(candidate, hasher.state(candidate))
    return document, diagnostics


def index_record(rel: str, document: Document) -> dict[str, Any]:
    """The meeting in index.json: public titles only, whatever version was built."""
    return {
        "path": rel,
        "dato": document.date.isoformat(),
        "organ": document.organ,
        "kommune": document.kommune,
        "type": document.kind,
        "punkter": [
            {"nr": item.number, "titel": item.title, "sagsnr": item.sagsnr,
             "lukket": item.closed}
            for item in document.public_items
        ],
    }
