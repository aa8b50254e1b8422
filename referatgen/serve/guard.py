"""Who may talk to `serve`: checked for every request before any route runs.

- The Host header must name this server on the loopback (or the --host given): a web
  page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) is refused.
- On the loopback, only clients on the loopback (a misconfigured proxy is not a way in).
- With --intern, the random token as the first part of every path (`/TOKEN/...`): the
  pages link relatively, so the token stays in every address the browser asks for. Not a
  cookie: a browser sends 127.0.0.1's cookies to every port of it, so another user's
  server on the same terminal server would receive the token.
"""

from __future__ import annotations

import ipaddress
import secrets

from starlette.types import ASGIApp, Receive, Scope, Send

from .config import ServeConfig


class Guard:
    def __init__(self, app: ASGIApp, config: ServeConfig) -> None:
        self.app = app
        self.hosts = config.allowed_hosts()
        self.loopback_only = config.loopback_only
        self.token = config.token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _refuse(send, *refusal)
            return
        if self.token is not None:
            scope = self._without_token(scope)
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        if headers.get("host", "").lower() not in self.hosts:
            return 421, "Forkert Host-navn: referatgen serve svarer kun på sin egen adresse."
        client = scope.get("client")
        if self.loopback_only and not (client and _is_loopback(client[0])):
            return 403, "referatgen serve svarer kun på denne maskine."
        if self.token is not None and not self._has_token(scope):
            return 403, ("Adressen mangler sin nøgle. Brug hele adressen, som "
                         "referatgen serve skrev den.")
        return None

    def _has_token(self, scope: Scope) -> bool:
        assert self.token is not None
        given = str(scope.get("path", "")).split("/")[1:2]
        return bool(given) and secrets.compare_digest(given[0].encode(), self.token.encode())

    def _without_token(self, scope: Scope) -> Scope:
        """The request as the app sees it: the token's part moved into root_path."""
        assert self.token is not None
        prefix = f"/{self.token}"
        path = str(scope["path"])[len(prefix):] or "/"
        raw = scope.get("raw_path")
        return {**scope, "path": path, "root_path": scope.get("root_path", "") + prefix,
                "raw_path": raw[len(prefix):] or b"/" if isinstance(raw, bytes) else raw}


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def _refuse(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
