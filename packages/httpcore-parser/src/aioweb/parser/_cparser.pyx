# cython: language_level=3, freethreading_compatible=False
"""The compiled request and response parsers: the pure twin, in C where it is hot.

How this works: the same state machine as ``_base.py`` and ``_parser.py``,
step for step, but over a raw pointer into the input. When a ``feed_data``
starts with an empty buffer, the caller's bytes are parsed in place and only
an unfinished tail is copied; otherwise the input is appended to the buffer.
Lines are found with ``memchr``; start lines and field lines are checked with
256-entry lookup tables; a head becomes one list of pairs, one CIMultiDict
and one head object, with common names and methods interned.

What is rare stays in Python and is shared with the pure twin, so both behave
the same: checks of an unfinished line (``_early``), framing beyond a single
Content-Length (``_framing``), chunk extensions (the ``_abnf`` regex).
"""

from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytearray cimport PyByteArray_AS_STRING
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.unicode cimport PyUnicode_DecodeLatin1
from libc.stdint cimport uint64_t
from libc.string cimport memchr, memcmp

# One import per line, no parentheses: tools/depcheck.py reads the imports of a
# Cython file line by line.
from multidict import CIMultiDict, CIMultiDictProxy, istr

from . import _early, _framing
from ._abnf import CHUNK_LINE_LENIENT_RE, CHUNK_LINE_RE
from ._abnf import FIELD_VCHAR, TARGET_CHAR, TCHAR
from ._version import HttpVersion, HttpVersion10, HttpVersion11
from .exceptions import BadRequestLine, BadStatusLine, ChunkTooLarge, DataAfterClose
from .exceptions import IncompleteMessage, InvalidChunk, InvalidContentLength
from .exceptions import InvalidHeader, LineTooLong, ParserClosed, TooManyHeaders
from .exceptions import UnsupportedVersion
from .limits import MAX_CHUNK_SIZE_DIGITS, MAX_CONTENT_LENGTH_DIGITS, MAX_FIELD_SIZE
from .limits import MAX_HEADERS, MAX_LINE_SIZE, MAX_TRAILER_SIZE, check_limits

__all__ = ("RequestHead", "ResponseHead", "RequestParser", "ResponseParser")

# Parser states, as in _base.py.
cdef enum:
    S_HEAD = 0
    S_BODY_LENGTH = 1
    S_CHUNK_SIZE = 2
    S_CHUNK_DATA = 3
    S_CHUNK_END = 4
    S_TRAILERS = 5
    S_UNTIL_CLOSE = 6
    S_CLOSED = 7
    S_HANDED_OVER = 8
    S_FINISHED = 9
    S_DEAD = 10

# Body kinds, as in _framing.py.
cdef enum:
    K_NO_BODY = 0
    K_LENGTH = 1
    K_CHUNKED = 2
    K_UNTIL_CLOSE = 3

# Byte classes, built from the sets in _abnf.py (the grammar lives there).
cdef unsigned char TCHAR_TABLE[256]
cdef unsigned char TARGET_TABLE[256]
cdef unsigned char VALUE_TABLE[256]  # strict: HTAB, SP, VCHAR, obs-text
cdef unsigned char VALUE_LENIENT_TABLE[256]  # lenient: all but NUL, CR, LF
cdef unsigned char HEX_TABLE[256]  # hex digit value + 1, 0 if not hex
cdef int _byte
for _byte in range(256):
    TCHAR_TABLE[_byte] = _byte in TCHAR
    TARGET_TABLE[_byte] = _byte in TARGET_CHAR
    VALUE_TABLE[_byte] = _byte in FIELD_VCHAR or _byte in (9, 32)
    VALUE_LENIENT_TABLE[_byte] = _byte not in (0, 10, 13)
    HEX_TABLE[_byte] = 0
for _byte in range(10):
    HEX_TABLE[48 + _byte] = _byte + 1
for _byte in range(6):
    HEX_TABLE[65 + _byte] = _byte + 11
    HEX_TABLE[97 + _byte] = _byte + 11

# Interned strings: the methods and field names most messages carry.
cdef dict METHODS = {m.encode("ascii"): m for m in (
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
)}
cdef dict NAMES = {n.encode("ascii"): istr(n) for n in (
    "Host", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language",
    "Accept-Ranges", "Age", "Authorization", "Cache-Control", "Connection",
    "Content-Encoding", "Content-Language", "Content-Length", "Content-Type",
    "Cookie", "Date", "ETag", "Expires", "Last-Modified", "Location", "Origin",
    "Pragma", "Referer", "Server", "Set-Cookie", "Transfer-Encoding", "Upgrade",
    "Upgrade-Insecure-Requests", "Vary", "Via", "X-Forwarded-For",
    "X-Requested-With", "If-Modified-Since", "If-None-Match", "Keep-Alive",
    "Priority", "DNT", "TE", "Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site",
    "Sec-Fetch-User", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
    "Sec-WebSocket-Accept", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol",
    "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform",
    "host", "user-agent", "accept", "accept-encoding", "accept-language",
    "connection", "content-length", "content-type", "cookie",
)}
# The same names by length, as (bytes, istr) pairs: a field name found here
# costs no new object at all (its raw bytes are shared too).
cdef list NAME_BUCKETS = [[] for _ in range(32)]
for _name, _key in NAMES.items():
    if len(_name) < 32:
        NAME_BUCKETS[len(_name)].append((_name, _key))


cdef inline tuple _known_name(const unsigned char* p, Py_ssize_t n):
    """The interned (bytes, istr) of a common field name, or None."""
    cdef tuple entry
    cdef bytes candidate
    if n >= 32:
        return None
    for entry in <list>NAME_BUCKETS[n]:
        candidate = <bytes>entry[0]
        if (<const unsigned char*><char*>candidate)[0] == p[0] and memcmp(<char*>candidate, p, n) == 0:
            return entry
    return None


cdef dict REASONS = {r.encode("ascii"): r for r in (
    "OK", "Created", "No Content", "Not Modified", "Not Found", "Found",
    "Moved Permanently", "Bad Request", "Continue", "Switching Protocols",
)}


cdef inline bint _name_is(const unsigned char* p, Py_ssize_t n, const char* lower):
    """Case-insensitive comparison of a field name with a lowercase literal."""
    cdef Py_ssize_t i
    cdef unsigned char c
    for i in range(n):
        c = p[i]
        if 65 <= c <= 90:
            c += 32
        if c != <unsigned char>lower[i]:
            return False
    return True


cdef inline str _latin1(const unsigned char* p, Py_ssize_t n):
    return PyUnicode_DecodeLatin1(<const char*>p, n, NULL)


cdef inline bytes _bytes(const unsigned char* p, Py_ssize_t n):
    return PyBytes_FromStringAndSize(<const char*>p, n)


include "_cheads.pxi"
include "_cbase.pxi"
include "_cstart.pxi"
