"""HTTP version numbers (RFC 9110 §2.5)."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ("HttpVersion", "HttpVersion10", "HttpVersion11")


class HttpVersion(NamedTuple):
    """An HTTP version: ``HTTP/<major>.<minor>``."""

    major: int
    minor: int


HttpVersion10 = HttpVersion(1, 0)
HttpVersion11 = HttpVersion(1, 1)
