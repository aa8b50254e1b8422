"""referatgen: meeting files in, the municipality's minutes and agendas out.

The public API is small: `check_file` to find problems, `build` to render a meeting
into documents, and `__version__`. Everything else is internal and may change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._api import build, check_file

__all__ = ["__version__", "build", "check_file"]


def __getattr__(name: str) -> Any:
    # Lazy: `referatgen check` runs on every commit and should not pay for _api's imports.
    if name in ("build", "check_file"):
        from . import _api

        return getattr(_api, name)
    raise AttributeError(f"module 'referatgen' has no attribute {name!r}")
