"""Early rejection: checks on a line that has not ended yet.

A parser that waits for LF before looking at a line lets a peer fill its
buffer with garbage, and learns late that a TLS handshake or a binary
protocol reached a plain HTTP port. These checks run on the unfinished line
left at the end of each ``feed_data`` and raise as soon as the bytes so far
cannot begin a valid line. Both twins call them (it is the slow path: at most
once per ``feed_data``), so they reject at the same byte.
"""

from __future__ import annotations

import re

from ._abnf import HTTP_VERSION_RE
from .exceptions import (
    BadRequestLine,
    BadStatusLine,
    InvalidHeader,
    UnsupportedVersion,
)

__all__ = ("check_request_line", "check_status_line", "check_field_line")

_TCHAR = rb"!#$%&'*+\-.^_`|~0-9A-Za-z"
_VERSION_PREFIX = rb"(?:H(?:T(?:T(?:P(?:/(?:[0-9](?:\.(?:[0-9]\r?)?)?)?)?)?)?)?)?"
_TARGET = rb"[\x21\x22\x24-\x7e]"  # VCHAR but "#", as _abnf.TARGET_CHAR
_METHOD = rb"[" + _TCHAR + rb"]+"
# Every prefix of: method SP request-target SP HTTP-version [CR]
_REQUEST_PREFIX = re.compile(
    rb"(?:" + _METHOD + rb"(?: " + _TARGET + rb"*(?: " + _VERSION_PREFIX + rb")?)?)?"
)
# Every prefix of: HTTP-version SP 3DIGIT, the part a status line must start with.
_STATUS_PREFIX = re.compile(
    rb"(?:H(?:T(?:T(?:P(?:/(?:[0-9](?:\.(?:[0-9](?: [0-9]{0,3})?)?)?)?)?)?)?)?)"
)
_NAME_PREFIX = re.compile(rb"[" + _TCHAR + rb"]*")
_SUPPORTED = (b"HTTP/1.0", b"HTTP/1.1")


def _version_check(version: bytes) -> None:
    if HTTP_VERSION_RE.fullmatch(version) and version not in _SUPPORTED:
        raise UnsupportedVersion(f"unsupported HTTP version {version.decode('ascii')}")


def check_request_line(buf: bytes | bytearray, pos: int, end: int) -> None:
    """Raise unless ``buf[pos:end]`` can begin a request line (RFC 9112 §3).

    Raises:
        BadRequestLine: It cannot.
        UnsupportedVersion: The version is complete and not 1.0 or 1.1.
    """
    # A version is judged on its first eight bytes, so that "HTTP/1.32" is
    # refused the same way whether or not the "2" has arrived yet.
    parts = bytes(buf[pos:end]).split(b" ", 3)
    if len(parts) >= 3:
        _version_check(parts[2][:8])
    if len(parts) >= 2 and b"#" in parts[1]:
        # RFC 9112 §3.2: no request-target form holds a fragment.
        raise BadRequestLine("a request-target holds '#': a fragment is never sent")
    match = _REQUEST_PREFIX.match(buf, pos, end)
    if match is None or match.end() != end:
        raise BadRequestLine(f"invalid request line {bytes(buf[pos:end])[:60]!r}")


def check_status_line(buf: bytes | bytearray, pos: int, end: int) -> None:
    """Raise unless ``buf[pos:end]`` can begin a status line (RFC 9112 §4).

    Raises:
        BadStatusLine: It cannot.
        UnsupportedVersion: The version is complete and not 1.0 or 1.1.
    """
    if end - pos >= 8:
        _version_check(bytes(buf[pos : pos + 8]))
    stop = min(end, pos + 12)
    match = _STATUS_PREFIX.match(buf, pos, stop)
    if match is None or match.end() != stop:
        raise BadStatusLine(f"invalid status line {bytes(buf[pos:end])[:60]!r}")


def check_field_line(buf: bytes | bytearray, pos: int, end: int, lenient: bool) -> None:
    """Raise unless ``buf[pos:end]`` can begin a field line (RFC 9112 §5).

    Raises:
        InvalidHeader: Whitespace first (obs-fold, strict mode only) or a
            byte that no field name may hold before the colon.
    """
    if pos == end:
        return
    first = buf[pos]
    if first in (32, 9):
        if not lenient:
            raise InvalidHeader("a field line starts with whitespace (obs-fold)")
        return
    match = _NAME_PREFIX.match(buf, pos, end)
    assert match is not None
    stop = match.end()
    if stop == end or (buf[stop] == 58 and stop > pos):
        return
    if buf[stop] == 13 and stop + 1 == end:
        return  # the CR of an empty line, or of a line without a colon
    raise InvalidHeader(f"invalid field name {bytes(buf[pos : stop + 1])[:60]!r}")
