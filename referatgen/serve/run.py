"""Running the app: a socket on the loopback, uvicorn, and a clean stop on Ctrl-C."""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from dataclasses import replace
from types import FrameType

from ..diagnostics import ReferatgenError
from .config import ServeConfig

#: How many ports after a busy one are tried when naming a free one.
_SEARCH = 50


class PortInUse(ReferatgenError):
    def __init__(self, host: str, port: int, free: int | None) -> None:
        hint = (f"Prøv: --port {free}." if free is not None
                else "Vælg en anden med --port.")
        super().__init__(f"Port {port} på {host} er i brug (kører serve allerede?). {hint}")
        self.free = free


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; PortInUse naming the next free port when this one is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno != errno.EADDRINUSE:
            raise ReferatgenError(f"Kan ikke lytte på {host}:{port}: {exc.strerror}.") from exc
        raise PortInUse(host, port, _next_free(host, port, family)) from exc
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _next_free(host: str, port: int, family: int) -> int | None:
    for candidate in range(port + 1, min(port + 1 + _SEARCH, 65536)):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return None


def serve_forever(config: ServeConfig, sock: socket.socket,
                  announce: Callable[[], None] | None = None) -> None:
    """Run until Ctrl-C (or SIGTERM). The event streams end first, then uvicorn stops
    the watcher and the background builds; a build under way is left to finish."""
    import uvicorn

    from .app import make_app

    app = make_app(config)
    stop: Callable[[], None] = app.state.serve.stop

    class _Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            # Open event streams would hold the shutdown until its timeout.
            stop()
            super().handle_exit(sig, frame)

    server = _Server(uvicorn.Config(app, log_level="warning", lifespan="on",
                                    timeout_graceful_shutdown=2, access_log=False))
    if announce is not None:
        announce()
    server.run(sockets=[sock])


class InThread:
    """serve in a thread of this process, for the tests, the benchmark and the screenshot.

        with InThread(ServeConfig(path, port=0)) as running:
            open(running.url)
    """

    def __init__(self, config: ServeConfig) -> None:
        import threading

        import uvicorn

        from .app import make_app

        self.sock = bind(config.host, config.port)
        port = self.sock.getsockname()[1]
        self.config = replace(config, port=port)
        self.app = make_app(self.config)
        self.url = self.config.url()
        self._server = uvicorn.Server(uvicorn.Config(
            self.app, log_level="warning", lifespan="on", timeout_graceful_shutdown=1))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self.sock]},
                                        name="referatgen-serve", daemon=True)

    def __enter__(self) -> InThread:
        import time

        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.02)  # uvicorn says when it listens by this flag only
        return self

    def __exit__(self, *exc: object) -> None:
        self.app.state.serve.stop()
        self._server.should_exit = True
        self._thread.join(10)
        self.sock.close()
