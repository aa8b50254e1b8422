"""`referatgen new [--fra FORRIGE] [--dato YYYY-MM-DD] [-o FIL]`: the next meeting's file."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..check import check_file
from ..diagnostics import ExitCode, ReferatgenError
from ..meetingfile.nodes import Format, meeting_format
from ..model import YEARS


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ReferatgenError(
            f"--dato '{text}' er ikke en dato. Skriv den som år-måned-dag, fx 2025-03-17."
        ) from None
    return _in_range(day, "--dato")


def _in_range(day: dt.date, what: str) -> dt.date:
    if day.year not in YEARS:
        raise ReferatgenError(f"{what} {day.isoformat()} ligger uden for årene "
                              f"{YEARS[0]}-{YEARS[-1]}, som en mødefil kan have.")
    return day


def _refuse_existing(target: Path) -> None:
    if target.exists():
        raise ReferatgenError(
            f"{target} findes allerede, og new overskriver ikke. Vælg et andet navn med -o.")


def _write(target: Path, text: str) -> None:
    from ..write import write_atomic

    write_atomic(target, text.encode("utf-8"))
    print(target)


def run(args: argparse.Namespace) -> int:
    dato = _date(args.dato)
    if args.fra is None:
        return _skeleton(args, dato)
    return _from_previous(Path(args.fra), args, dato)


def _skeleton(args: argparse.Namespace, dato: dt.date | None) -> int:
    from ..new_meeting import skeleton

    if dato is None:
        dato = dt.date.today()
        print(f"referatgen: dato: {dato.isoformat()}, i dag (--dato ændrer den).",
              file=sys.stderr)
    target = Path(args.output) if args.output else Path(f"moede-{dato.isoformat()}.yaml")
    _refuse_existing(target)
    _write(target, skeleton(meeting_format(target), dato))
    return ExitCode.OK


def _from_previous(previous: Path, args: argparse.Namespace, dato: dt.date | None) -> int:
    from ..dump import dump
    from ..new_meeting import DEFAULT_INTERVAL, default_target, next_meeting

    result = check_file(previous, str(previous))
    errors = [d for d in result.diagnostics if d.severity == "error"]
    if errors or result.meeting is None:
        for diagnostic in errors:
            print(diagnostic.format(), file=sys.stderr)
        print(f"referatgen: {previous} har fejl; ret dem, før det næste møde laves ud fra den.",
              file=sys.stderr)
        return ExitCode.PROBLEMS
    old = result.meeting
    numbers_on = old.første_punkt_where is not None
    fmt: Format = old.source.format
    new_date = _in_range(dato if dato is not None else old.dato + DEFAULT_INTERVAL,
                         "Det nye mødes dato")
    target = (Path(args.output) if args.output
              else default_target(previous, old.dato, old.organ, new_date, fmt))
    if args.output:
        fmt = meeting_format(target)
    _refuse_existing(target)
    made = next_meeting(old, dato, numbers_on, target)
    for note in made.notes:
        print(f"referatgen: {note}", file=sys.stderr)
    _write(target, dump(made.meeting, result.style, fmt))
    return ExitCode.OK
