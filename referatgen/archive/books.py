"""The books of an output folder during a run: the manifest, stale temporary files, the index.

The parent keeps them; workers only build. Which meetings are out of date is decided here
from content hashes, and each finished meeting is entered as its result arrives, so an
interrupted run keeps what it finished.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..diagnostics import ReferatgenError
from ..options import BuildOptions
from .discover import Found
from .index import order_files, record_with_files, sort_meetings, write_index
from .job import Job, JobResult
from .manifest import (
    MANIFEST_NAME,
    Entry,
    Hasher,
    Manifest,
    ManifestError,
    OutputState,
    code_fingerprint,
    deps_digest,
    options_key,
    output_current,
    refresh,
    temp_files,
)

#: The manifest is saved at most this often while results arrive (and always at the end).
SAVE_INTERVAL = 1.0
#: ... and at most one second in this many goes to saving it.
SAVE_SHARE = 50


class Books:
    def __init__(self, out: Path, options: BuildOptions, verbose: bool) -> None:
        self.out = out
        self.verbose = verbose
        self.manifest = self._load()
        self.key = options_key({
            **dataclasses.asdict(options),
            "code": code_fingerprint(),
            "style_path": os.environ.get("REFERATGEN_STYLE_PATH", ""),
        })
        self._next_save = 0.0

    def _load(self) -> Manifest:
        try:
            return Manifest.load(self.out)
        except ManifestError as exc:
            print(f"referatgen: advarsel: {exc}; alle møder bygges igen.", file=sys.stderr)
            return Manifest(self.out / MANIFEST_NAME)

    def clean_temp_files(self) -> None:
        # Only stale ones can exist: the lock keeps other runs out of this folder, and
        # this run's local workers have stopped when it is called again at the end (a
        # worker that died, or was stopped, leaves its temporary file behind). Dask tasks
        # cancelled while running may still be writing, so theirs wait for the next run.
        removed = 0
        for path in temp_files(self.out):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
        if removed and self.verbose:
            print(f"fjernede {removed} efterladte midlertidige filer (.*.tmp)")

    def stale(self, found: Found, formats: Sequence[str], hasher: Hasher) -> list[str]:
        """The formats of this meeting whose output is missing, changed or out of date."""
        entry = self.manifest.meetings.get(found.rel.as_posix())
        if entry is None or entry.source != str(found.path.resolve()):
            return list(formats)
        states = refresh(entry.deps, hasher)
        digest = deps_digest(states)
        stale = [fmt for fmt in formats
                 if not output_current(entry.outputs.get(fmt), self.key, digest, self.out)]
        if not stale:
            entry.deps = states  # newer stats: the next run need not re-read
        return stale

    def record(self, result: JobResult, source: str) -> None:
        """Enter a built meeting; save the manifest now and then (ReferatgenError if it cannot)."""
        entry = self.manifest.meetings.get(result.rel)
        if entry is None or entry.source != source:
            entry = Entry(source)
        # Outputs made from other inputs or options are stale: not kept, not indexed.
        entry.outputs = {fmt: state for fmt, state in entry.outputs.items()
                         if state.deps == result.digest and state.key == self.key}
        for written in result.outputs:
            entry.outputs[written.fmt] = OutputState(
                written.file, self.key, result.digest, written.sha256, written.size,
                written.mtime_ns)
        entry.deps = result.deps
        entry.index = result.index
        self.manifest.meetings[result.rel] = entry
        if time.monotonic() >= self._next_save:
            self._save_now()

    def _save_now(self) -> None:
        start = time.monotonic()
        try:
            self.manifest.save()
        except ReferatgenError as exc:
            raise ReferatgenError(f"Manifestet kan ikke gemmes: {exc}") from exc
        # A large archive's manifest takes long to write: keep that a small share of the
        # parent's time, which it shares with the workers.
        took = time.monotonic() - start
        self._next_save = time.monotonic() + max(SAVE_INTERVAL, SAVE_SHARE * took)

    def finish(self, present: Iterable[str]) -> None:
        """Drop meetings whose file is gone, save the manifest if it changed, write the index."""
        here = set(present)
        records: list[dict[str, Any]] = []
        for rel, entry in list(self.manifest.meetings.items()):
            if rel not in here and not Path(entry.source).is_file():
                # The meeting file is gone; its old outputs stay, but not in the books.
                del self.manifest.meetings[rel]
                continue
            files = order_files(state.file for state in entry.outputs.values()
                                if (self.out / state.file).is_file())
            if files and entry.index:
                records.append(record_with_files(entry.index, files))
        data = self.manifest.to_bytes()
        try:
            unchanged = self.manifest.path.read_bytes() == data
        except OSError:
            unchanged = False
        if not unchanged:
            self.manifest.save(data)
        write_index(self.out, sort_meetings(records))


def make_job(found: Found, out: Path, formats: Sequence[str], options: BuildOptions) -> Job:
    return Job(str(found.path.resolve()), found.rel.as_posix(), found.display, str(out),
               tuple(formats), options)
