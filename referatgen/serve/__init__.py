"""`referatgen serve`: a live preview of meeting files while the secretary writes them.

The meeting's published HTML is shown inside a preview page of serve's own, with the
check's messages above it; saving the file updates the open page (the folder is watched
with watchfiles, the page told over server-sent events). PDF, Word and the agenda are
built in the background and cached by content under the user's cache folder, the only
place serve writes.

    config = ServeConfig(Path("moede.yaml"))
    app = make_app(config)        # a Starlette app: tests drive it directly
    serve_forever(config)         # uvicorn on 127.0.0.1, until Ctrl-C

Layers: above `_api`'s stages (check, plan, render, write) and beside `archive/`, whose
discovery and index it reuses for a folder of meetings.
"""

from __future__ import annotations

from .app import make_app
from .config import ServeConfig
from .run import InThread, PortInUse, bind, serve_forever

__all__ = ["InThread", "PortInUse", "ServeConfig", "bind", "make_app", "serve_forever"]
