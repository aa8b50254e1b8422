"""The command line: parse arguments, hand over to one module per subcommand.

Exit codes: 0 success, 1 problems in the input (expected errors), 2 usage errors,
3 an internal failure (a bug: reported briefly, never as a bare traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from ._version import __version__
from .diagnostics import ExitCode, ReferatgenError

SCHEMA_HELP = ("skriv '# yaml-language-server: $schema=STI' øverst i mødefilen, så editoren "
               "tjekker den mod JSON-skemaet på STI")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: fejl: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="referatgen",
        description="Referater og dagsordener fra mødefiler (YAML eller Markdown).",
    )
    parser.add_argument("--version", action="version", version=f"referatgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=_Parser)
    for add in (_add_check, _add_build, _add_convert, _add_importer, _add_find, _add_new,
                _add_schema, _add_serve):
        add(sub)
    return parser


def port(text: str) -> int:
    """A TCP port for serve: 1-65535 (argparse turns the ValueError into a usage error)."""
    number = int(text)
    if not 1 <= number <= 65535:
        raise ValueError(text)
    return number


def _add_check(sub: Any) -> None:
    check = sub.add_parser("check", help="find fejl i mødefiler")
    check.add_argument("files", nargs="+", metavar="FIL")
    check.add_argument("--strict", action="store_true", help="advarsler giver også exit 1")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="text (standard) eller json")


def _add_build(sub: Any) -> None:
    build = sub.add_parser("build", help="lav PDF/DOCX/HTML af mødefiler")
    build.add_argument("files", nargs="+", metavar="FIL")
    build.add_argument("-o", "--output", metavar="MAPPE", help="hvor filerne skrives "
                       "(standard: mødefilens mappe)")
    build.add_argument("--format", default="pdf,docx", metavar="pdf,docx,html",
                       help="kommasepareret liste af formater (standard: pdf,docx)")
    build.add_argument("--intern", action="store_true",
                       help="intern version med lukkede punkters indhold")
    build.add_argument("--som", choices=("dagsorden", "referat"),
                       help="lav en dagsorden eller et referat uanset filens type")
    build.add_argument("--stil", metavar="NAVN|STI", help="brug en anden stil end filens")
    build.add_argument("--pdf-variant", default="pdf/a-3b", metavar="VARIANT",
                       help="WeasyPrint-variant, fx pdf/a-3b (standard), pdf/ua-1 eller none")
    build.add_argument("--no-libreoffice", action="store_true",
                       help="spring LibreOffice-opmålingen af DOCX-sidetal over")
    build.add_argument("-j", "--jobs", type=int, metavar="N",
                       help="antal samtidige processer ved arkivkørsel (standard: alle kerner)")
    build.add_argument("--force", action="store_true",
                       help="byg alt igen, også det der er opdateret")
    build.add_argument("--verbose", action="store_true",
                       help="vis også filer, der ikke er mødefiler")
    build.add_argument("--executor", choices=("local", "dask"), default="local",
                       help="kør lokalt (standard) eller på en Dask-klynge")
    build.add_argument("--scheduler", metavar="ADRESSE", help="Dask-schedulerens adresse")


def _add_convert(sub: Any) -> None:
    convert = sub.add_parser("convert", help="omsæt en mødefil mellem YAML og Markdown")
    convert.add_argument("file", metavar="FIL")
    convert.add_argument("--to", choices=("yaml", "md"), required=True)
    convert.add_argument("-o", "--output", metavar="FIL",
                         help="målfil (standard: samme navn med ny endelse)")
    convert.add_argument("--force", action="store_true", help="overskriv en eksisterende fil")
    convert.add_argument("--schema", metavar="STI", help=SCHEMA_HELP)


def _add_importer(sub: Any) -> None:
    importer = sub.add_parser("import", help="lav mødefiler af eksisterende referater")
    importer.add_argument("files", nargs="+", metavar="FIL")
    importer.add_argument("-o", "--output", metavar="MAPPE",
                          help="hvor mødefilerne skrives (standard: filens egen mappe)")
    importer.add_argument("--stil", metavar="NAVN",
                          help="brug denne stil (navn eller mappe) i stedet for den, import vælger")
    importer.add_argument("--to", choices=("yaml", "md"), default="yaml",
                          help="yaml (standard) eller md")
    importer.add_argument("--force", action="store_true", help="overskriv eksisterende filer")
    importer.add_argument("--schema", metavar="STI", help=SCHEMA_HELP)
    importer.add_argument("--verbose", action="store_true",
                          help="vis alt, der ikke kunne placeres eller er udeladt")


def _add_find(sub: Any) -> None:
    find = sub.add_parser("find", help="find et sagsnummer i et bygget arkiv")
    find.add_argument("sagsnr", metavar="SAGSNR")
    find.add_argument("archive", nargs="?", default=".", metavar="ARKIV")


def _add_new(sub: Any) -> None:
    new = sub.add_parser("new", help="lav næste mødes fil ud fra det forrige (eller et skelet)")
    new.add_argument("--fra", metavar="FORRIGE",
                     help="forrige mødes fil: organ, sted, deltagere og faste punkter følger med")
    new.add_argument("--dato", metavar="ÅÅÅÅ-MM-DD",
                     help="mødets dato (standard: en uge efter forrige møde, eller i dag)")
    new.add_argument("-o", "--output", metavar="FIL",
                     help="den nye fil (standard: navn efter organ og dato, ved siden af den "
                     "forrige); .md giver Markdown-formatet")


def _add_schema(sub: Any) -> None:
    schema = sub.add_parser("schema", help="skriv mødefilens JSON Schema (til editorer)")
    schema.add_argument("-o", "--output", metavar="FIL",
                        help="skriv skemaet til denne fil (standard: standard-output)")


def _add_serve(sub: Any) -> None:
    serve = sub.add_parser("serve", help="vis mødet i browseren, mens det skrives")
    serve.add_argument("target", metavar="FIL_ELLER_MAPPE")
    serve.add_argument("--port", type=port, default=8000, help="port (standard: 8000)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="netværkskort at lytte på (standard: kun denne maskine, 127.0.0.1)")
    serve.add_argument("--open", action="store_true", help="åbn forhåndsvisningen i browseren")
    serve.add_argument("--intern", action="store_true",
                       help="intern version med lukkede punkters indhold; adressen får en "
                       "tilfældig nøgle")


#: Each subcommand and its module in commands/ (one module per subcommand).
COMMANDS: dict[str, str] = {
    "check": "check", "build": "build", "convert": "convert", "import": "import_",
    "find": "find", "new": "new", "schema": "schema", "serve": "serve",
}


def _dispatch(args: argparse.Namespace) -> int:
    # A command's module is imported only when it runs: `check` on every commit must not
    # pay for the renderers' imports.
    import importlib

    module = importlib.import_module(f"{__package__}.commands.{COMMANDS[args.command]}")
    result: int = module.run(args)
    return result


def run(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    try:
        return _dispatch(args)
    except ReferatgenError as exc:
        print(f"referatgen: {exc}", file=sys.stderr)
        return ExitCode.PROBLEMS
    except BrokenPipeError:
        # The reader (head, less) went away: nothing more to say, and no traceback.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.PROBLEMS
    except KeyboardInterrupt:
        print("referatgen: afbrudt", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as exc:
        import traceback  # only on this path: every import counts in a commit hook

        frame = traceback.extract_tb(exc.__traceback__)[-1]
        print(
            f"referatgen: intern fejl ({type(exc).__name__}: {exc}) i "
            f"{frame.filename}:{frame.lineno}.\nDet er en fejl i referatgen, ikke i din fil. "
            "Sæt REFERATGEN_DEBUG=1 for hele forløbet, og meld fejlen til IT.",
            file=sys.stderr,
        )
        import os

        if os.environ.get("REFERATGEN_DEBUG"):
            traceback.print_exc()
        return ExitCode.INTERNAL


def main() -> int:
    return run(sys.argv[1:])
