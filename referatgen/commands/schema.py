"""`referatgen schema [-o FILE]`: the meeting file's JSON Schema, for editors.

VS Code's YAML extension (and any editor speaking the yaml-language-server protocol)
completes and checks a meeting file while it is typed when it knows this schema.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..diagnostics import ExitCode
from ..meetingfile.schema import schema_text


def run(args: argparse.Namespace) -> int:
    text = schema_text()
    if args.output is None:
        sys.stdout.write(text)
        return ExitCode.OK
    from ..write import write_atomic

    target = Path(args.output)
    write_atomic(target, text.encode("utf-8"))
    print(target)
    return ExitCode.OK
