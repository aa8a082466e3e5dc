"""Sans-I/O HTTP/1.0 and HTTP/1.1 request and response parsers.

Bytes in, handler callbacks out; no I/O and no asyncio. See
:class:`RequestParser`, :class:`ResponseParser` and :class:`ParserHandler`.
"""

from __future__ import annotations

from . import exceptions
from ._implementation import (
    COMPILED,
    RequestHead,
    RequestParser,
    ResponseHead,
    ResponseParser,
)
from ._version import HttpVersion, HttpVersion10, HttpVersion11
from .exceptions import *  # noqa: F403 - the error classes, named once there
from .handler import ParserHandler

__version__ = "0.1.0"

__all__ = (
    "__version__",
    # parsers and what they produce
    "RequestParser",
    "ResponseParser",
    "ParserHandler",
    "RequestHead",
    "ResponseHead",
    "HttpVersion",
    "HttpVersion10",
    "HttpVersion11",
    "COMPILED",
    # errors
    *exceptions.__all__,
)
