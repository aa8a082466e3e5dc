"""Picks the compiled or the pure-Python parser twin.

``AIOWEB_NO_EXTENSIONS=1`` forces the pure twin; otherwise the compiled one
is used when it was built. Type checkers see the pure twin: the compiled one
mirrors it name for name (``_cparser.pyi``).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

NO_EXTENSIONS = os.environ.get("AIOWEB_NO_EXTENSIONS", "") not in ("", "0")

if TYPE_CHECKING or NO_EXTENSIONS:
    from ._heads import RequestHead, ResponseHead
    from ._parser import RequestParser, ResponseParser
else:
    try:
        from ._cparser import RequestHead, RequestParser, ResponseHead, ResponseParser
    except ImportError:  # built without a compiler: the pure twin serves
        from ._heads import RequestHead, ResponseHead
        from ._parser import RequestParser, ResponseParser

COMPILED = RequestParser.__module__.endswith("_cparser")

__all__ = (
    "COMPILED",
    "NO_EXTENSIONS",
    "RequestHead",
    "RequestParser",
    "ResponseHead",
    "ResponseParser",
)
