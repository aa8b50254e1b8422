"""The archive's index: OUT/index.json for programs, OUT/index.html for people.

Both list every meeting with its outputs and every item's number, public title and case
number, newest first. Titles come from the index records, which hold public titles only.
The HTML is one file with its CSS and script inline, so it works opened from a folder
or a file share (file://) with no server; without script it is a plain table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from .._resources import resource_dir
from ..diagnostics import ReferatgenError
from ..write import write_atomic

INDEX_JSON = "index.json"
INDEX_HTML = "index.html"
FORMAT_ORDER = ("pdf", "docx", "html")
_LABELS = {"pdf": "PDF", "docx": "Word", "html": "HTML"}


def sort_meetings(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Newest first; meetings of the same day by path, so the order never depends on a run."""
    by_path = sorted((dict(r) for r in records), key=lambda r: str(r["path"]))
    return sorted(by_path, key=lambda r: str(r["dato"]), reverse=True)


def record_with_files(index: Mapping[str, Any], files: Sequence[str]) -> dict[str, Any]:
    """The index.json record in the documented key order."""
    return {
        "path": index["path"],
        "dato": index["dato"],
        "organ": index["organ"],
        "kommune": index.get("kommune"),
        "type": index["type"],
        "files": list(files),
        "punkter": [{"nr": p["nr"], "titel": p["titel"], "sagsnr": p.get("sagsnr"),
                     "lukket": bool(p.get("lukket"))} for p in index["punkter"]],
    }


def order_files(files: Iterable[str]) -> list[str]:
    def rank(name: str) -> tuple[int, str]:
        suffix = PurePosixPath(name).suffix.lstrip(".")
        return (FORMAT_ORDER.index(suffix) if suffix in FORMAT_ORDER else len(FORMAT_ORDER), name)

    return sorted(files, key=rank)


def render_json(meetings: Sequence[Mapping[str, Any]]) -> bytes:
    text = json.dumps({"meetings": list(meetings)}, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def _short_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}-{month}-{year}"


def render_html(meetings: Sequence[Mapping[str, Any]]) -> bytes:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    environment = Environment(
        loader=FileSystemLoader(str(resource_dir("templates"))),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    rows = []
    for meeting in meetings:
        punkter = meeting["punkter"]
        search = " ".join(
            [meeting["organ"], meeting.get("kommune") or "", meeting["type"],
             meeting["dato"], _short_date(meeting["dato"]), meeting["path"]]
            + [f"punkt {p['nr']} {p['titel']} {p.get('sagsnr') or ''}" for p in punkter]
        )
        rows.append({
            **meeting,
            "dato_kort": _short_date(meeting["dato"]),
            "links": [{"href": quote(f), "label": _LABELS.get(PurePosixPath(f).suffix.lstrip("."),
                                                              PurePosixPath(f).suffix.lstrip(".")),
                       "name": f} for f in meeting["files"]],
            "search": search.lower(),
        })
    kommuner = sorted({m["kommune"] for m in meetings if m.get("kommune")})
    items = sum(len(m["punkter"]) for m in meetings)
    html = environment.get_template("index.html.j2").render(
        meetings=rows, kommuner=kommuner, item_count=items)
    return html.encode("utf-8")


def write_index(out: Path, meetings: Sequence[Mapping[str, Any]]) -> list[Path]:
    """Write index.json and index.html when their content changed; return what was written."""
    written: list[Path] = []
    for name, data in ((INDEX_JSON, render_json(meetings)), (INDEX_HTML, render_html(meetings))):
        target = out / name
        try:
            if target.is_file() and target.read_bytes() == data:
                continue
        except OSError:
            pass
        write_atomic(target, data)
        written.append(target)
    return written


#: The keys of an index record and the types `find` and the index page rely on.
_RECORD_TYPES: dict[str, tuple[type, ...]] = {
    "path": (str,), "dato": (str,), "organ": (str,), "type": (str,), "files": (list,),
    "punkter": (list,)}
_ITEM_TYPES: dict[str, tuple[type, ...]] = {
    "nr": (int,), "titel": (str,), "sagsnr": (str, type(None)), "lukket": (bool,)}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def record_problem(record: object) -> str | None:
    """What is wrong with one meeting record of index.json (or of the manifest), if
    anything: a hand-edited or truncated file must be a message, never a crash."""
    if not isinstance(record, dict):
        return "et møde er ikke en JSON-mapping"
    for key, types in _RECORD_TYPES.items():
        if key == "files" and key not in record:
            continue  # the manifest's copy of a record has no files yet
        if not isinstance(record.get(key), types):
            where = str(record.get("path", "?"))[:80]
            return f"mødet {where} mangler '{key}' eller har en forkert værdi"
    if not _ISO_DATE.fullmatch(record["dato"]):
        return f"mødet {record['path']:.80} har datoen '{record['dato']:.20}'"
    for item in record["punkter"]:
        if not isinstance(item, dict) or isinstance(item.get("nr"), bool) or any(
                not isinstance(item.get(k), t) for k, t in _ITEM_TYPES.items()):
            return f"et punkt i {record['path']:.80} er ødelagt"
    return None


def load_index(archive: Path) -> list[dict[str, Any]]:
    """The meetings of a built archive's index.json; ReferatgenError when there is none."""
    path = archive / INDEX_JSON
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ReferatgenError(
            f"{archive} har intet {INDEX_JSON}. Byg arkivet først: "
            f"referatgen build MAPPE -o {archive}") from exc
    except OSError as exc:
        raise ReferatgenError(f"{path} kan ikke læses: {exc.strerror}.") from exc
    except (ValueError, RecursionError) as exc:
        # RecursionError: JSON nested thousands deep, which json.loads recurses through.
        raise ReferatgenError(
            f"{path} er ødelagt ({type(exc).__name__}). Byg arkivet igen.") from exc
    meetings = data.get("meetings") if isinstance(data, dict) else None
    if not isinstance(meetings, list):
        raise ReferatgenError(f"{path} er ikke et referatgen-indeks. Byg arkivet igen.")
    for record in meetings:
        problem = record_problem(record)
        if problem is not None:
            raise ReferatgenError(f"{path} er ødelagt: {problem}. Byg arkivet igen "
                                  "(referatgen build ... --force).")
    return meetings
