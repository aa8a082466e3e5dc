"""HTTP version numbers, as aiohttp's ``HttpVersion``, ``HttpVersion10`` and
``HttpVersion11``.

They are defined by :mod:`aioweb.parser`, which reads them off the wire, and
re-exported here so that client and server code imports them from one place.

Example::

    >>> from aioweb.protocol import HttpVersion, HttpVersion11
    >>> HttpVersion11 == (1, 1) and HttpVersion11.minor
    1
"""

from __future__ import annotations

from aioweb.parser import HttpVersion, HttpVersion10, HttpVersion11

__all__ = ("HttpVersion", "HttpVersion10", "HttpVersion11")
