"""`referatgen find SAGSNR [ARKIV]`: every item of a built archive with that case number.

Reads the archive's index.json (written by `referatgen build DIR -o ARKIV`), so it is as
fast on ten thousand meetings as on ten, and shows public titles only.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from ..archive.index import load_index, sort_meetings
from ..diagnostics import ExitCode

_SEPARATORS = re.compile(r"[,;]|\s+og\s+|\s+")


def _normal(text: str) -> str:
    return "".join(text.split()).casefold()


def case_numbers(value: str) -> set[str]:
    """The case numbers in an item's `sagsnr` (it may hold more than one)."""
    whole = _normal(value)
    parts = {_normal(p) for p in _SEPARATORS.split(value) if p.strip()}
    return {whole, *parts} - {""}


def _short_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}-{month}-{year}"


def _document(archive: Path, files: list[Any]) -> str:
    names = [str(f) for f in files]
    chosen = next((f for f in names if f.lower().endswith(".pdf")), names[0] if names else None)
    if chosen is None:
        return "-"
    return str(archive / chosen) if archive != Path(".") else chosen


def run(args: argparse.Namespace) -> int:
    archive = Path(args.archive)
    wanted = _normal(args.sagsnr)
    if not wanted:
        print("referatgen find: fejl: skriv et sagsnummer, fx 21/24696.", file=sys.stderr)
        return ExitCode.USAGE
    lines: list[str] = []
    for meeting in sort_meetings(load_index(archive)):
        for item in meeting.get("punkter", []):
            sagsnr = item.get("sagsnr")
            if not isinstance(sagsnr, str) or wanted not in case_numbers(sagsnr):
                continue
            lines.append(
                f"{_short_date(str(meeting['dato']))}  {meeting['organ']}  "
                f"Punkt {item['nr']}: {item['titel']}  "
                f"{_document(archive, list(meeting.get('files', [])))}")
    if not lines:
        print(f"referatgen: sagsnummeret {args.sagsnr} står ikke i {archive / 'index.json'}.",
              file=sys.stderr)
        return ExitCode.PROBLEMS
    print("\n".join(lines))
    return ExitCode.OK
