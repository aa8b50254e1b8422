"""The meetings `serve` can show: one file, or every meeting file below a folder."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..archive.discover import discover
from ..archive.index import render_html, sort_meetings
from ..archive.job import index_record
from ..check import check_file
from ..diagnostics import ReferatgenError
from ..options import BuildOptions
from ..plan import plan
from .builds import Builder
from .live import Live, meeting_id


@dataclass(frozen=True)
class _Listed:
    """A meeting as the folder's list shows it; computed again only when the file changes."""

    stamp: tuple[int, int]
    record: dict[str, Any] | None
    errors: int


class Catalog:
    def __init__(self, target: Path, options: BuildOptions, builder: Builder,
                 prebuild: bool = True) -> None:
        self.root = target.resolve()
        self.single = not self.root.is_dir()
        self.options = options
        self.builder = builder
        self.prebuild = prebuild
        self.live: dict[str, Live] = {}
        self._listed: dict[Path, _Listed] = {}

    def meetings(self) -> list[tuple[str, Path]]:
        """(path relative to the folder, absolute path) of each meeting, in a stable order."""
        if self.single:
            return [(self.root.name, self.root)]
        return [(str(found.rel), found.path.resolve())
                for found in discover([str(self.root)]).meetings]

    def get(self, mid: str) -> Live | None:
        live = self.live.get(mid)
        if live is None:
            for rel, path in self.meetings():
                if meeting_id(rel) == mid:
                    live = self.live[mid] = Live(path, rel, self.options, self.builder,
                                                         self.prebuild)
        return live

    async def changed(self, paths: set[Path]) -> None:
        for live in list(self.live.values()):
            if live.relevant(paths):
                await live.refresh()

    def listing(self) -> bytes:
        """The folder's meetings as the archive's index, each opening its preview."""
        records: list[dict[str, Any]] = []
        broken: list[tuple[str, int]] = []
        for rel, path in self.meetings():
            listed = self._list(rel, path)
            if listed.record is not None:
                records.append(listed.record)
            else:
                broken.append((rel, listed.errors))
        page = render_html(sort_meetings(records)).decode("utf-8")
        if broken:
            rows = "".join(
                f'<li><a href="m/{meeting_id(rel)}/index.html">{html.escape(rel)}</a>: '
                f"{errors} fejl</li>" for rel, errors in broken)
            section = (f'<main>\n<section class="fejl"><h2>Mødefiler med fejl</h2>'
                       f"<ul>{rows}</ul></section>")
            page = page.replace("<main>", section, 1)
        return page.encode("utf-8")

    def _list(self, rel: str, path: Path) -> _Listed:
        try:
            info = path.stat()
            stamp = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = (0, 0)
        listed = self._listed.get(path)
        if listed is not None and listed.stamp == stamp:
            return listed
        record: dict[str, Any] | None = None
        try:
            result = check_file(path, rel, self.options.stil)
            errors = sum(d.severity == "error" for d in result.diagnostics)
            if result.ok and result.meeting is not None and result.style is not None:
                document = plan(result.meeting, result.style, self.options.document)
                record = {**index_record(rel, document),
                          "files": [f"m/{meeting_id(rel)}/index.html"]}
        except ReferatgenError:
            errors = 1
        listed = self._listed[path] = _Listed(stamp, record, errors)
        return listed
