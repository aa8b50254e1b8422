"""`referatgen serve FILE_OR_FOLDER`: a live preview while the meeting file is written."""

from __future__ import annotations

import argparse
import contextlib
import secrets
import sys
from pathlib import Path

from ..diagnostics import ExitCode
from ..options import BuildOptions


def run(args: argparse.Namespace) -> int:
    try:
        from ..serve import ServeConfig, bind, serve_forever
    except ImportError as exc:
        print(f"referatgen serve: {exc.name} mangler. Installér med: "
              "pip install 'referatgen[serve]'", file=sys.stderr)
        return ExitCode.PROBLEMS
    target = Path(args.target)
    if not target.exists():
        print(f"{args.target}:1:1: error: Filen eller mappen findes ikke. Ret stien. "
              "[empty-file]", file=sys.stderr)
        return ExitCode.PROBLEMS
    config = ServeConfig(
        target=target, port=args.port, host=args.host,
        options=BuildOptions.make(intern=args.intern),
        # The loopback of a terminal server is shared by all its users: closed items
        # are shown only to whoever has the address with its random token.
        token=secrets.token_urlsafe(18) if args.intern else None,
    )
    if not config.loopback_only:
        print(f"referatgen serve: ADVARSEL: --host {args.host} gør forhåndsvisningen "
              "synlig for andre maskiner på netværket.", file=sys.stderr)
    sock = bind(config.host, config.port)  # PortInUse names the next free port

    def announce() -> None:
        print(f"referatgen serve: {config.url()}  (stop med Ctrl-C)", file=sys.stderr)
        if args.open:
            import webbrowser

            webbrowser.open(config.url())

    # uvicorn stops on Ctrl-C and raises the signal again once it has: stopping is the
    # normal way to end serve, not an error.
    with contextlib.suppress(KeyboardInterrupt):
        serve_forever(config, sock, announce)
    print("referatgen serve: stoppet.", file=sys.stderr)
    _leave_now()
    return ExitCode.OK  # not reached: for the type checker and the reader


def _leave_now() -> None:
    """End the process now. A background build still running (a long PDF) would hold it
    until done, and a second Ctrl-C would print a traceback; the preview is gone, so its
    result is not wanted. The exit handlers run first: they remove LibreOffice's
    temporary profile."""
    import atexit
    import os

    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(ExitCode.OK)
