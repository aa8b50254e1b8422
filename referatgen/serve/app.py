"""The Starlette app: the preview page, the published HTML, the state, events and files.

    /                       the folder's meetings (a single file: its preview)
    /m/ID/                  the preview page of one meeting (serve's own page)
    /m/ID/doc.html          the published HTML of its last good version, byte for byte
    /m/ID/state             what the page shows now, as JSON
    /m/ID/events            server-sent events: one each time the state changes
    /m/ID/hent/KIND         the PDF, Word document or agenda of the current version
    /m/ID/fil/PATH          a bilag or image the version shows
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from .builds import KINDS, Builder, prune
from .catalog import Catalog
from .config import ServeConfig
from .guard import Guard
from .live import Live, meeting_id
from .preview import FRONT

STATIC = Path(__file__).resolve().parent / "static"
_ASSETS = {"preview.js": "text/javascript", "preview.css": "text/css"}
#: The preview page runs its own script only; the published HTML keeps its own policy.
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'none'")
_NO_STORE = {"Cache-Control": "no-store"}
#: Seconds between keep-alive comments on an idle event stream.
_KEEPALIVE = 15.0


@dataclass
class Server:
    config: ServeConfig
    catalog: Catalog
    builder: Builder
    stopping: asyncio.Event
    loop: asyncio.AbstractEventLoop | None = None

    def stop(self) -> None:
        """End the event streams; callable from a signal handler or another thread."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.stopping.set)


def make_app(config: ServeConfig) -> Starlette:
    builder = Builder(config.cache_dir(), config.options)
    catalog = Catalog(config.target, config.options, builder, config.prebuild)
    server = Server(config, catalog, builder, asyncio.Event())

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        server.loop = asyncio.get_running_loop()
        await asyncio.to_thread(prune, builder.cache)
        watcher = asyncio.create_task(_watch(server))
        try:
            yield
        finally:
            server.stopping.set()
            watcher.cancel()
            builder.close()

    routes = [
        Route("/", home),
        Route("/_serve/{name}", asset),
        Route("/m/{mid}/", preview),
        Route("/m/{mid}/index.html", preview),
        Route("/m/{mid}/doc.html", published),
        Route("/m/{mid}/state", state),
        Route("/m/{mid}/events", events),
        Route("/m/{mid}/hent/{kind}", download),
        Route("/m/{mid}/fil/{path:path}", local_file),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(Guard, config=config)])
    app.state.serve = server
    return app


async def _watch(server: Server) -> None:
    """Watch the folder, not the file: editors that save by writing a new file and
    renaming it over the old one replace the file a watch on it would follow."""
    from watchfiles import awatch

    async for changes in awatch(server.config.folder, stop_event=server.stopping, step=50,
                                debounce=400, ignore_permission_denied=True):
        await server.catalog.changed({Path(path) for _change, path in changes})


def _server(request: Request) -> Server:
    server: Server = request.app.state.serve
    return server


async def _live(request: Request) -> Live | None:
    server = _server(request)
    live = await asyncio.to_thread(server.catalog.get, request.path_params["mid"])
    if live is not None and live.state.stamp == 0:
        await live.refresh()
    return live


def _not_found() -> Response:
    return PlainTextResponse("Findes ikke.", status_code=404)


async def home(request: Request) -> Response:
    catalog = _server(request).catalog
    if catalog.single:
        root = request.scope.get("root_path", "")
        return RedirectResponse(f"{root}/m/{meeting_id(catalog.root.name)}/", status_code=303)
    page = await asyncio.to_thread(catalog.listing)
    return HTMLResponse(page, headers=_NO_STORE)


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in _ASSETS:
        return _not_found()
    return Response((STATIC / name).read_bytes(), media_type=_ASSETS[name], headers=_NO_STORE)


@cache
def _templates() -> Environment:
    return Environment(loader=FileSystemLoader(str(STATIC)),
                       autoescape=select_autoescape(default=True, default_for_string=True))


async def preview(request: Request) -> Response:
    live = await _live(request)
    if live is None:
        return _not_found()
    catalog = _server(request).catalog
    page = _templates().get_template("preview.html.j2").render(
        name=live.rel, kinds=KINDS, home=None if catalog.single else "../../")
    return HTMLResponse(page, headers={**_NO_STORE, "Content-Security-Policy": PAGE_POLICY})


async def published(request: Request) -> Response:
    """The published HTML as `build --format html` writes it: bytes and policy untouched."""
    live = await _live(request)
    if live is None or live.state.good is None:
        return _not_found()
    return Response(live.state.good.html, media_type="text/html; charset=utf-8",
                    headers={**_NO_STORE, "X-Content-Type-Options": "nosniff"})


def state_json(live: Live, builder: Builder) -> dict[str, Any]:
    current = live.state
    good = current.good
    ready = {kind: builder.ready(good, kind) is not None for kind in KINDS} if good else {}
    return {
        "stamp": current.stamp,
        "ok": not any(m.severity == "error" for m in current.messages),
        "title": good.title if good else live.rel,
        "html": f"doc.html?v={current.good_stamp}" if good else None,
        "messages": [m.as_json() for m in current.messages],
        "pages": builder.pages(good) if good else None,
        "ready": ready,
        "bilag": [{"name": path.name,
                   "href": "fil/" + quote(path.relative_to(good.document.folder).as_posix())}
                  for path in (bilag.path for bilag in good.document.attachments)
                  if path is not None and path.is_relative_to(good.document.folder)]
        if good else [],
        "front": FRONT,
    }


async def state(request: Request) -> Response:
    live = await _live(request)
    if live is None:
        return _not_found()
    builder = _server(request).builder
    data = await asyncio.to_thread(state_json, live, builder)
    return JSONResponse(data, headers=_NO_STORE)


async def events(request: Request) -> Response:
    live = await _live(request)
    if live is None:
        return _not_found()
    stopping = _server(request).stopping

    async def stream() -> AsyncIterator[str]:
        yield f"retry: 500\ndata: {live.state.stamp}\n\n"
        while not stopping.is_set():
            waits = {asyncio.ensure_future(live.changed()), asyncio.ensure_future(stopping.wait())}
            done, pending = await asyncio.wait(waits, timeout=_KEEPALIVE,
                                               return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            yield f"data: {live.state.stamp}\n\n" if done else ": idle\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={**_NO_STORE, "X-Accel-Buffering": "no"})


_MEDIA = {"pdf": "application/pdf",
          "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


async def download(request: Request) -> Response:
    """The current version's file: from the cache at once, else when its build is done."""
    kind = request.path_params["kind"]
    live = await _live(request)
    if live is None or kind not in KINDS:
        return _not_found()
    builder = _server(request).builder
    for _attempt in range(3):
        good = live.state.good
        if good is None:
            return PlainTextResponse("Mødefilen har fejl: ret dem, så bygges filen.",
                                     status_code=409)
        try:
            path = await asyncio.wrap_future(builder.request(good, kind))
        except asyncio.CancelledError:
            continue  # a newer save replaced the build: ask for the newer one
        except Exception as exc:
            return PlainTextResponse(f"Filen kunne ikke bygges: {exc}", status_code=500)
        spec = KINDS[kind]
        stem = good.document.output_stem
        if spec.som is not None and good.document.kind != spec.som:
            stem += f"-{spec.som}"
        return FileResponse(path, media_type=_MEDIA[spec.fmt], filename=f"{stem}.{spec.fmt}",
                            content_disposition_type="inline", headers=_NO_STORE)
    return PlainTextResponse("Filen ændres hele tiden; prøv igen.", status_code=503)


async def local_file(request: Request) -> Response:
    """A bilag or image of the version shown; nothing else of the folder.

    The path is resolved (symbolic links followed) before it is compared, so `..`,
    percent-encoded separators and links out of the folder all end at 404, and so does
    a file the version does not show (a closed item's bilag in the public version).
    """
    live = await _live(request)
    good = live.state.good if live is not None else None
    if good is None:
        return _not_found()
    written = request.path_params["path"]
    if "\\" in written or "\0" in written or any(
            part in ("", ".", "..") for part in written.split("/")):
        return _not_found()
    folder = good.document.folder.resolve()
    target = (folder / written).resolve()
    shown = {path.resolve() for path in good.document.inputs}
    if not (target.is_relative_to(folder) and target in shown and target.is_file()):
        return _not_found()
    return FileResponse(target, headers=_NO_STORE)
