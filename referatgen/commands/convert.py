"""`referatgen convert FILE --to yaml|md [--schema PATH]`: the same meeting in the other format.

Writes from the model, not from the text, so what comes out is what referatgen read.
Before anything is written, the new text is read back and its model compared with the
original's (dump.verify): a meeting that one format cannot hold (a section named like a
standard one, a bilag title that reads as a link, ...) is refused with a message instead
of being silently changed. Comments in the source file do not come along.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..check import check_file
from ..diagnostics import ExitCode, ReferatgenError
from ..dump import dump, verify
from ..meetingfile.nodes import Format

SUFFIX: dict[Format, str] = {"yaml": ".yaml", "md": ".md"}


def run(args: argparse.Namespace) -> int:
    source = Path(args.file)
    fmt: Format = args.to
    target = Path(args.output) if args.output else source.with_suffix(SUFFIX[fmt])
    result = check_file(source, args.file)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    if errors or result.meeting is None:
        for diagnostic in errors:
            print(diagnostic.format(), file=sys.stderr)
        print(f"referatgen: {args.file} blev ikke omsat: ret fejlene ovenfor.", file=sys.stderr)
        return ExitCode.PROBLEMS
    if target.exists() and not args.force:
        raise ReferatgenError(
            f"{target} findes allerede. Vælg et andet navn med -o, eller skriv --force for "
            "at overskrive den.")
    text = dump(result.meeting, result.style, fmt, schema=args.schema)
    verify(result.meeting, text, fmt, target)
    from ..write import write_atomic

    write_atomic(target, text.encode("utf-8"))
    print(target)
    return ExitCode.OK
