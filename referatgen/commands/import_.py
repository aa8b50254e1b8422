"""`referatgen import FILE... [-o DIR] [--stil NAME] [--to yaml|md] [--schema PATH] [--force]`.

Each published meeting (PDF, Word, extracted text) becomes one meeting file, named
`<stem>.yaml` or `<stem>.md`, next to it or in DIR. An existing file is never replaced
without --force. The report on stderr says what was found, what was checked against the
table of contents, which style was chosen and what text could not be placed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, ExitCode, ReferatgenError
from ..write import write_atomic

if TYPE_CHECKING:
    from ..importer import ImportResult


def run(args: argparse.Namespace) -> int:
    from ..check import check_file
    from ..importer import import_file

    fmt: str = args.to
    failed = False
    targets: set[Path] = set()
    for name in args.files:
        path = Path(name)
        folder = Path(args.output) if args.output else path.parent
        target = folder / f"{path.stem}.{'md' if fmt == 'md' else 'yaml'}"
        err = sys.stderr
        if target.resolve() in targets:
            print(f"referatgen: {name}: {target} er allerede skrevet af en anden fil i samme "
                  "kørsel. Importér filerne til hver sin mappe med -o.", file=err)
            failed = True
            continue
        if target.exists() and not args.force:
            print(f"referatgen: {target} findes allerede og overskrives ikke. "
                  "Brug --force for at overskrive den, eller vælg en anden mappe med -o.",
                  file=err)
            failed = True
            continue
        if target.resolve() == path.resolve():
            print(f"referatgen: {name}: mødefilen ville overskrive den fil, der importeres. "
                  "Vælg en anden mappe med -o eller --to.", file=err)
            failed = True
            continue
        try:
            result = import_file(path, args.stil, target.parent)
            write_atomic(target, result.text(fmt, args.schema).encode("utf-8"))
        except ReferatgenError as exc:
            print(f"referatgen: {exc}", file=err)
            failed = True
            continue
        except (OSError, ValueError) as exc:
            print(f"referatgen: {name}: filen kan ikke læses som {path.suffix.lstrip('.')}: "
                  f"{exc}. Er den beskadiget eller beskyttet med adgangskode?", file=err)
            failed = True
            continue
        targets.add(target.resolve())
        checked = check_file(target)
        errors = [d for d in checked.diagnostics if d.severity == "error"]
        warnings = [d for d in checked.diagnostics if d.severity == "warning"]
        print(f"{name} -> {target}", file=err)
        for line in report_lines(result, errors, warnings, getattr(args, "verbose", False)):
            print(f"  {line}", file=err)
        print(target)
        if errors:
            failed = True
    return ExitCode.PROBLEMS if failed else ExitCode.OK


#: Lines of each list the report shows without --verbose.
SHOWN = 3


def report_lines(result: ImportResult, errors: list[Diagnostic],
                 warnings: list[Diagnostic], verbose: bool = False) -> list[str]:
    """The report: what was found, notes and warnings; of the text that could not be
    placed and of what was left out a count and the first few, all with `verbose`."""
    report = result.report
    lines = list(result.summary)
    lines += report.notes
    lines += [f"Advarsel: {w}" for w in report.warnings]
    lines += _listed("Ikke placeret", "tekst kunne ikke placeres og står i nærmeste afsnit",
                     report.unplaced, verbose)
    lines += _listed("Udeladt", "udeladt (sidehoveder, sidetal o.l.)", report.dropped, verbose)
    if errors:
        lines.append(f"referatgen check finder {len(errors)} fejl i den skrevne fil:")
        lines += [f"  {d.format()}" for d in errors]
    else:
        rules = sorted({d.rule for d in warnings})
        count = "1 advarsel" if len(warnings) == 1 else f"{len(warnings)} advarsler"
        extra = f" ({count}: {', '.join(rules)})" if warnings else ""
        lines.append(f"referatgen check: ingen fejl{extra}.")
    return lines


def _listed(label: str, what: str, entries: list[str], verbose: bool) -> list[str]:
    if verbose or len(entries) <= SHOWN:
        return [f"{label}: {text}" for text in entries]
    out = [f"{label}: {len(entries)} i alt ({what}); de første {SHOWN}:"]
    out += [f"  {text}" for text in entries[:SHOWN]]
    out.append(f"  ... og {len(entries) - SHOWN} mere; se dem alle med --verbose.")
    return out
