"""`referatgen check FILE...`: every problem of every file, then an exit code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..check import check_file
from ..diagnostics import Diagnostic, has_errors, to_json


def run(args: argparse.Namespace) -> int:
    findings: list[Diagnostic] = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            findings.append(Diagnostic(name, 1, 1, "error",
                                       "Filen findes ikke. Ret stien eller filnavnet.",
                                       "empty-file"))
            continue
        findings += check_file(path, name).diagnostics
    if args.format == "json":
        print(to_json(findings))
    else:
        out = sys.stdout
        for finding in findings:
            print(finding.format(), file=out)
    return 1 if has_errors(findings, strict=args.strict) else 0
