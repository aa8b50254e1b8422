"""`referatgen check FILE...`: every problem of every file, then an exit code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..check import check_file
from ..diagnostics import Diagnostic, ExitCode, has_errors, to_json


def run(args: argparse.Namespace) -> int:
    findings: list[Diagnostic] = []
    for name in args.files:
        # A missing or unreadable file is one finding (from the loader), not the end of
        # the run: the other files' problems are reported too.
        findings += check_file(Path(name), name).diagnostics
    if args.format == "json":
        print(to_json(findings))
    else:
        out = sys.stdout
        for finding in findings:
            print(finding.format(), file=out)
    return ExitCode.PROBLEMS if has_errors(findings, strict=args.strict) else ExitCode.OK
