"""Who may talk to `serve`: checked for every request before any route runs.

- The Host header must name this server on the loopback (or the --host given): a web
  page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) is refused.
- On the loopback, only clients on the loopback (a misconfigured proxy is not a way in).
- With --intern, the random token: in the address once (`?t=`), then in a cookie that
  lives as long as the browser session and is sent to this server only.
"""

from __future__ import annotations

import ipaddress
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .config import ServeConfig


class Guard:
    def __init__(self, app: ASGIApp, config: ServeConfig) -> None:
        self.app = app
        self.hosts = config.allowed_hosts()
        self.loopback_only = config.loopback_only
        self.token = config.token
        self.cookie = f"referatgen-{config.port}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _refuse(send, *refusal)
            return
        if self.token is not None and self._query_token(scope) == self.token:
            await self.app(scope, receive, self._with_cookie(send))
            return
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        if headers.get("host", "").lower() not in self.hosts:
            return 421, "Forkert Host-navn: referatgen serve svarer kun på sin egen adresse."
        client = scope.get("client")
        if self.loopback_only and not (client and _is_loopback(client[0])):
            return 403, "referatgen serve svarer kun på denne maskine."
        if self.token is not None and not self._has_token(scope, headers):
            return 403, ("Adressen mangler sin nøgle. Brug hele adressen, som "
                         "referatgen serve skrev den (med ?t=...).")
        return None

    def _query_token(self, scope: Scope) -> str | None:
        values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("t")
        return values[0] if values else None

    def _has_token(self, scope: Scope, headers: dict[str, str]) -> bool:
        assert self.token is not None
        given = self._query_token(scope)
        if given is None:
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(headers.get("cookie", ""))
            except Exception:  # a malformed Cookie header is no token
                return False
            morsel = cookie.get(self.cookie)
            given = morsel.value if morsel is not None else None
        return given is not None and secrets.compare_digest(given.encode(), self.token.encode())

    def _with_cookie(self, send: Send) -> Send:
        value = (f"{self.cookie}={self.token}; Path=/; HttpOnly; SameSite=Strict").encode()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"set-cookie", value)]}
            await send(message)

        return sending


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
