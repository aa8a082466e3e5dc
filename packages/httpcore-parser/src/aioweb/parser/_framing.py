"""How long a body is, and whether the connection stays open: RFC 9112 §6, §9.

Both twins call these functions once per head, with the raw values of the
fields that matter (``Content-Length``, ``Transfer-Encoding``,
``Connection``), already stripped of surrounding whitespace. The compiled
parser answers the common cases itself and calls here for the rest, so the
rules live in one place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ._version import HttpVersion10
from .exceptions import (
    BodyTooLarge,
    ConflictingFraming,
    InvalidContentLength,
    InvalidTransferEncoding,
    UnsupportedTransferEncoding,
)
from .limits import MAX_CONTENT_LENGTH_DIGITS

__all__ = (
    "NO_BODY",
    "LENGTH",
    "CHUNKED",
    "UNTIL_CLOSE",
    "Framing",
    "content_length",
    "transfer_codings",
    "connection_tokens",
    "keep_alive",
    "request_framing",
    "response_framing",
)

# Body kinds.
NO_BODY = 0
LENGTH = 1
CHUNKED = 2
UNTIL_CLOSE = 3

#: (body kind, Content-Length value or None, whether framing forbids reuse)
Framing = tuple[int, "int | None", bool]

# RFC 9110 §8.6: Content-Length = 1*DIGIT
_DIGITS = re.compile(rb"[0-9]+")
# RFC 9110 §5.6.2: token
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def content_length(values: Sequence[bytes], lenient: bool) -> int:
    """The value of the Content-Length fields.

    Strict mode takes exactly one field holding one number: a repeated or
    list-valued Content-Length is rejected even when the values agree,
    because some recipients take the first and others the last (RFC 9110 §8.6
    allows collapsing equal values; being stricter closes the question).
    Lenient mode collapses equal values.

    Raises:
        InvalidContentLength: Not digits, repeated (strict) or conflicting.
        BodyTooLarge: More than ``MAX_CONTENT_LENGTH_DIGITS`` digits.
    """
    if len(values) > 1 and not lenient:
        raise InvalidContentLength("Content-Length is repeated")
    items: list[bytes] = []
    for value in values:
        if b"," in value:
            if not lenient:
                raise InvalidContentLength("Content-Length holds a list")
            items.extend(part.strip(b" \t") for part in value.split(b","))
        else:
            items.append(value)
    first = items[0]
    for item in items:
        if _DIGITS.fullmatch(item) is None:
            raise InvalidContentLength(f"Content-Length is not a number: {item!r}")
        if item != first and int(item) != int(first):
            raise InvalidContentLength("Content-Length values disagree")
    if len(first.lstrip(b"0")) > MAX_CONTENT_LENGTH_DIGITS:
        raise BodyTooLarge(f"Content-Length is too large: {first!r}")
    return int(first)


def transfer_codings(values: Sequence[bytes]) -> list[bytes]:
    """The transfer codings named by the Transfer-Encoding fields, lowercased.

    RFC 9112 §6.1: Transfer-Encoding = #transfer-coding. An empty list element
    is rejected rather than skipped: ``Transfer-Encoding: ,chunked`` is read
    as chunked by some and as unknown by others.

    Raises:
        InvalidTransferEncoding: An empty element or one that is not a token.
    """
    codings = []
    for value in values:
        for part in value.split(b","):
            coding = part.strip(b" \t")
            # Parameters (RFC 9112 §7: transfer-coding = token *( OWS ";" ...))
            # only matter to codings we do not support; keep the name.
            name = coding.split(b";", 1)[0].rstrip(b" \t")
            if _TOKEN.fullmatch(name) is None:
                raise InvalidTransferEncoding(
                    f"invalid Transfer-Encoding element: {coding!r}"
                )
            codings.append(name.lower())
    return codings


def connection_tokens(values: Sequence[bytes]) -> frozenset[bytes]:
    """The lowercased connection options of the Connection fields (RFC 9110 §7.6.1)."""
    return frozenset(
        token
        for value in values
        for token in (part.strip(b" \t").lower() for part in value.split(b","))
        if token
    )


def keep_alive(version: tuple[int, int], tokens: frozenset[bytes]) -> bool:
    """Whether the connection persists after the message (RFC 9112 §9.3).

    HTTP/1.1 persists unless ``close`` is named; HTTP/1.0 only when
    ``keep-alive`` is named (RFC 9112 appendix C.2.2) and ``close`` is not.
    """
    if b"close" in tokens:
        return False
    if version == HttpVersion10:
        return b"keep-alive" in tokens
    return True


def _chunked(codings: list[bytes], lenient: bool, *, request: bool) -> tuple[int, bool]:
    """Body kind for a message with Transfer-Encoding (RFC 9112 §6.3 item 4)."""
    if codings[-1] != b"chunked":
        if request:
            # The length of a request body cannot be found: 400.
            raise InvalidTransferEncoding("the final transfer coding is not chunked")
        return UNTIL_CLOSE, True
    if b"chunked" in codings[:-1]:
        # RFC 9112 §6.1: chunked MUST NOT be applied more than once.
        raise InvalidTransferEncoding("chunked is applied more than once")
    if len(codings) > 1 and not lenient:
        unsupported = b", ".join(codings[:-1]).decode("ascii")
        raise UnsupportedTransferEncoding(f"unsupported transfer coding: {unsupported}")
    return CHUNKED, False


def request_framing(
    version: tuple[int, int],
    cl_values: Sequence[bytes],
    te_values: Sequence[bytes],
    lenient: bool,
) -> Framing:
    """How the body of a request is framed (RFC 9112 §6.3 items 3 to 6).

    Raises:
        ConflictingFraming: Content-Length together with Transfer-Encoding.
        InvalidTransferEncoding: Chunked is not the final coding, or an
            HTTP/1.0 request carries Transfer-Encoding (RFC 9112 §6.1).
        UnsupportedTransferEncoding: A coding other than chunked.
        InvalidContentLength: See :func:`content_length`.
    """
    if te_values:
        if cl_values and not lenient:
            # RFC 9112 §6.3 item 3: a request smuggling signature.
            raise ConflictingFraming("Content-Length with Transfer-Encoding")
        if version == HttpVersion10 and not lenient:
            raise InvalidTransferEncoding("Transfer-Encoding in an HTTP/1.0 message")
        kind, close = _chunked(transfer_codings(te_values), lenient, request=True)
        return kind, None, close or bool(cl_values)
    if cl_values:
        length = content_length(cl_values, lenient)
        return (LENGTH if length else NO_BODY), length, False
    return NO_BODY, None, False


def response_framing(
    status: int,
    method: str,
    version: tuple[int, int],
    cl_values: Sequence[bytes],
    te_values: Sequence[bytes],
    lenient: bool,
) -> Framing:
    """How the body of a response is framed (RFC 9112 §6.3 items 1 to 7).

    ``method`` is the method of the request being answered.

    Raises:
        ConflictingFraming: Content-Length together with Transfer-Encoding.
        InvalidTransferEncoding: See :func:`transfer_codings`.
        UnsupportedTransferEncoding: A coding other than chunked before it.
        InvalidContentLength: See :func:`content_length`.
    """
    no_body = (
        method == "HEAD"
        or status < 200
        or status in (204, 304)
        or (method == "CONNECT" and status < 300)
    )
    if no_body:
        # Items 1 and 2: the header section ends the message; a Content-Length
        # is reported (a 304 or HEAD tells the length of the representation).
        if cl_values and not te_values:
            return NO_BODY, content_length(cl_values, lenient), False
        return NO_BODY, None, False
    if te_values:
        if cl_values and not lenient:
            raise ConflictingFraming("Content-Length with Transfer-Encoding")
        if version == HttpVersion10 and not lenient:
            raise InvalidTransferEncoding("Transfer-Encoding in an HTTP/1.0 message")
        kind, close = _chunked(transfer_codings(te_values), lenient, request=False)
        return kind, None, close or bool(cl_values)
    if cl_values:
        return LENGTH, content_length(cl_values, lenient), False
    return UNTIL_CLOSE, None, True
