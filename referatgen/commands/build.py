"""`referatgen build FILE...`: check, plan and render meetings.

Single files are built here, one after the other. Folders and globs (an archive) go to
the batch runner, which adds parallel workers, incremental builds and an index.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .._api import build, parse_formats
from ..diagnostics import MeetingInvalid, ReferatgenError
from ..options import BuildOptions

_GLOB_CHARS = set("*?[")


def options_from(args: argparse.Namespace) -> BuildOptions:
    variant = args.pdf_variant
    return BuildOptions.make(
        intern=args.intern,
        som=args.som,
        stil=args.stil,
        pdf_variant=None if variant in (None, "", "none") else variant,
        libreoffice=not args.no_libreoffice,
    )


def is_batch(args: argparse.Namespace) -> bool:
    return (
        getattr(args, "jobs", None) is not None
        or getattr(args, "force", False)
        or any(Path(f).is_dir() or _GLOB_CHARS & set(f) for f in args.files)
    )


def run(args: argparse.Namespace) -> int:
    if is_batch(args):
        from ..archive import run_batch

        return run_batch(args)
    try:
        formats = parse_formats(args.format)
    except ReferatgenError as exc:
        print(f"referatgen: {exc}", file=sys.stderr)
        return 2  # a usage error, like any other wrong option
    options = options_from(args)
    failed = False
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"{name}:1:1: error: Filen findes ikke. Ret stien eller filnavnet. "
                  "[empty-file]", file=sys.stderr)
            failed = True
            continue
        try:
            for written in build(path, formats, args.output, options):
                print(written)
        except MeetingInvalid as exc:
            for diagnostic in exc.diagnostics:
                print(diagnostic.format(), file=sys.stderr)
            print(f"referatgen: {name} blev ikke bygget: ret fejlene ovenfor.", file=sys.stderr)
            failed = True
        except ReferatgenError as exc:
            print(f"referatgen: {name}: {exc}", file=sys.stderr)
            failed = True
    return 1 if failed else 0
