"""referatgen: meeting files in, the municipality's minutes and agendas out.

The public API is small: `check_file` to find problems, `build` to render a meeting
into documents, and `__version__`. Everything else is internal and may change.
"""

from __future__ import annotations

from ._api import build, check_file
from ._version import __version__

__all__ = ["__version__", "build", "check_file"]
