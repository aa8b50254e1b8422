"""`referatgen build FILE...`: check, plan and render meetings.

Single files are built here, one after the other. Folders and globs (an archive) go to
the archive runner, which adds parallel workers, incremental builds and an index.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import RULES, ExitCode, MeetingInvalid, ReferatgenError
from ..options import BuildOptions

if TYPE_CHECKING:
    from .. import _pdf_worker
    from ..archive import ArchiveConfig

_GLOB_CHARS = set("*?[")
EXIT_USAGE = ExitCode.USAGE


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
        args.jobs is not None
        or args.force
        or any(Path(f).is_dir() or _GLOB_CHARS & set(f) for f in args.files)
    )


def run(args: argparse.Namespace) -> int:
    from .._api import parse_formats

    try:
        formats = parse_formats(args.format)
    except ReferatgenError as exc:
        print(f"referatgen: {exc}", file=sys.stderr)
        return EXIT_USAGE  # a usage error, like any other wrong option
    if is_batch(args):
        return _run_archive(args, formats)
    return _build_files(args, formats)


# -- an archive -------------------------------------------------------------------------


def _usage_problem(args: argparse.Namespace) -> str | None:
    if args.output is None:
        return ("-o MAPPE mangler. En arkivkørsel (mapper, mønstre, --jobs eller --force) "
                "skriver et spejl af mappetræet med indeks og manifest i én mappe, fx "
                "'referatgen build møder -o arkiv' (eller '-o møder' for at lægge filerne "
                "ved siden af mødefilerne).")
    if args.jobs is not None and args.jobs < 1:
        return "--jobs skal være mindst 1."
    if args.executor == "dask" and not args.scheduler:
        return "--executor dask kræver --scheduler ADRESSE, fx tcp://10.0.0.5:8786."
    if args.executor != "dask" and args.scheduler:
        return "--scheduler bruges kun sammen med --executor dask."
    return None


def archive_config(args: argparse.Namespace, formats: list[str]) -> ArchiveConfig:
    from ..archive import ArchiveConfig

    return ArchiveConfig(
        inputs=tuple(args.files), output=Path(args.output), formats=tuple(formats),
        options=options_from(args), jobs=args.jobs, force=args.force, verbose=args.verbose,
        executor=args.executor, scheduler=args.scheduler or None,
    )


def _run_archive(args: argparse.Namespace, formats: list[str]) -> int:
    from ..archive import print_summary, run_archive

    problem = _usage_problem(args)
    if problem is not None:
        print(f"referatgen build: fejl: {problem}", file=sys.stderr)
        return EXIT_USAGE
    summary = run_archive(archive_config(args, formats))
    print_summary(summary)
    return summary.exit_code


# -- single files -------------------------------------------------------------------------


def _build_files(args: argparse.Namespace, formats: list[str]) -> int:
    from .. import _pdf_worker

    # Started first: it imports WeasyPrint while this process reads the meetings.
    worker = _pdf_worker.PdfWorker() if _pdf_worker.wanted(formats, len(args.files)) else None
    if worker is None:
        return _build_each(args, formats, None)
    try:
        code = _build_each(args, formats, worker)
    except BaseException:
        worker.close(interrupted=True)
        raise
    worker.close()
    return code


def _build_each(args: argparse.Namespace, formats: list[str],
                worker: _pdf_worker.PdfWorker | None) -> int:
    from .._api import build_with_warnings

    options = options_from(args)
    failed = False
    printed: set[str] = set()
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"{name}:1:1: error: Filen findes ikke. Ret stien eller filnavnet. "
                  "[empty-file]", file=sys.stderr)
            failed = True
            continue
        try:
            written, warnings = build_with_warnings(path, formats, args.output, options,
                                                    worker)
        except MeetingInvalid as exc:
            for diagnostic in exc.diagnostics:
                print(diagnostic.format(), file=sys.stderr)
            print(f"referatgen: {name} blev ikke bygget: ret fejlene ovenfor.", file=sys.stderr)
            failed = True
            continue
        except ReferatgenError as exc:
            print(f"referatgen: {name}: {exc}", file=sys.stderr)
            failed = True
            continue
        for target in written:
            print(target)
        # The file's own findings are `referatgen check`'s to report; a build adds what
        # the renderers found, each once (the same font is missing for every format).
        for line in (d.format() for d in warnings if d.rule not in RULES):
            if line not in printed:
                printed.add(line)
                print(line, file=sys.stderr)
    return ExitCode.PROBLEMS if failed else ExitCode.OK
