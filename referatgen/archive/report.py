"""The summary at the end of an archive run: failures, warnings (each once), counts."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from ..diagnostics import Diagnostic
from .config import ArchiveSummary


def print_summary(summary: ArchiveSummary) -> None:
    if summary.failed:
        count = len(summary.failed)
        print(f"\nFejl i {count} {'fil' if count == 1 else 'filer'}:", file=sys.stderr)
        for failure in summary.failed:
            print(f"  {failure.display}", file=sys.stderr)
            for message in failure.messages:
                for line in message.splitlines():
                    print(f"    {line}", file=sys.stderr)
    _print_warnings(summary.warnings)
    print(f"Færdig: {summary.total} møder. bygget: {len(summary.built)}, allerede opdateret: "
          f"{len(summary.up_to_date)}, fejlede: {len(summary.failed)}.")
    if summary.fatal is not None:
        print(f"referatgen: {summary.fatal}\nKørslen blev stoppet. Ret problemet, og kør "
              "kommandoen igen: det færdige er gemt.", file=sys.stderr)
    elif summary.interrupted:
        print("referatgen: afbrudt. Det færdige er gemt; kør kommandoen igen for resten.",
              file=sys.stderr)


def _print_warnings(warnings: Iterable[Diagnostic]) -> None:
    # The same warning in many meetings (a font missing on this machine, a decision left
    # out of every agenda of a template) is printed once, at its first place, with a count.
    groups: dict[tuple[str, str, str], list[Diagnostic]] = {}
    for warning in warnings:
        groups.setdefault((warning.severity, warning.message, warning.rule), []).append(warning)
    if not groups:
        return
    print(f"\nAdvarsler ({len(groups)}):", file=sys.stderr)
    for places in groups.values():
        print(f"  {places[0].format()}", file=sys.stderr)
        others = len({d.path for d in places[1:]} - {places[0].path})
        if others:
            where = "1 anden fil" if others == 1 else f"{others} andre filer"
            print(f"    (samme advarsel i {where})", file=sys.stderr)
