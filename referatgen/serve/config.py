"""What `referatgen serve` is told, and the few facts derived from it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from ..options import BuildOptions

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class ServeConfig:
    #: A meeting file, or a folder of them.
    target: Path
    port: int = 8000
    #: The interface to listen on; anything but the loopback takes an explicit --host.
    host: str = LOOPBACK
    #: The options every preview and download is made with (--intern among them).
    options: BuildOptions = field(default_factory=BuildOptions)
    #: The random token every request must carry; set when closed items are shown.
    token: str | None = None
    #: Where built files are cached; None: the user's cache folder (platformdirs).
    cache: Path | None = None
    #: Build PDF, Word and the agenda of each new version ahead, in the background (the
    #: PDF gives the table of contents its pages); False: only when one is asked for.
    prebuild: bool = True

    @property
    def folder(self) -> Path:
        """The folder watched for changes."""
        target = self.target.resolve()
        return target if target.is_dir() else target.parent

    @property
    def loopback_only(self) -> bool:
        return is_loopback(self.host)

    def cache_dir(self) -> Path:
        if self.cache is not None:
            return self.cache
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("referatgen")) / "serve"

    def allowed_hosts(self) -> frozenset[str]:
        """Host headers a browser sends for this server; anything else is DNS rebinding."""
        # The address it listens on, as the printed URL names it (::1 in brackets), and
        # the loopback's usual names.
        own = self.host if ":" not in self.host else f"[{self.host}]"
        names = {"127.0.0.1", "localhost", own.lower()}
        return frozenset(f"{name}:{self.port}" for name in names)

    def url(self) -> str:
        host = self.host if ":" not in self.host else f"[{self.host}]"
        prefix = f"{self.token}/" if self.token else ""
        return f"http://{host}:{self.port}/{prefix}"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
