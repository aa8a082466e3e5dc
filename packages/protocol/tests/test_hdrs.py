from __future__ import annotations

import re

import pytest
from multidict import CIMultiDict, istr

from aioweb.protocol import hdrs

# RFC 9110 §5.1: field-name = token.
TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")

HEADER_NAMES = sorted(
    name
    for name, value in vars(hdrs).items()
    if name.isupper() and isinstance(value, istr)
)


@pytest.mark.parametrize("name", HEADER_NAMES)
def test_constant_names_its_header(name: str) -> None:
    value = getattr(hdrs, name)
    assert TOKEN.match(value)
    # The constant's name is its header spelled upper case with underscores.
    assert value.upper().replace("-", "_") == name


def test_headers_are_istr_and_fold_case() -> None:
    headers = CIMultiDict([("content-type", "text/plain")])
    assert headers[hdrs.CONTENT_TYPE] == "text/plain"
    assert hdrs.CONTENT_TYPE == "Content-Type"
    assert isinstance(hdrs.SET_COOKIE, istr)


@pytest.mark.parametrize(
    ("constant", "spelling"),
    [
        (hdrs.SEC_WEBSOCKET_ACCEPT, "Sec-WebSocket-Accept"),
        (hdrs.SEC_WEBSOCKET_EXTENSIONS, "Sec-WebSocket-Extensions"),
        (hdrs.SEC_WEBSOCKET_KEY, "Sec-WebSocket-Key"),
        (hdrs.SEC_WEBSOCKET_PROTOCOL, "Sec-WebSocket-Protocol"),
        (hdrs.SEC_WEBSOCKET_VERSION, "Sec-WebSocket-Version"),
        (hdrs.FORWARDED, "Forwarded"),
        (hdrs.X_FORWARDED_FOR, "X-Forwarded-For"),
        (hdrs.X_FORWARDED_HOST, "X-Forwarded-Host"),
        (hdrs.X_FORWARDED_PROTO, "X-Forwarded-Proto"),
        (hdrs.WWW_AUTHENTICATE, "WWW-Authenticate"),
        (hdrs.ETAG, "ETag"),
        (hdrs.TE, "TE"),
    ],
)
def test_canonical_spelling(constant: istr, spelling: str) -> None:
    # str() keeps the spelling a writer puts on the wire.
    assert str(constant) == spelling


def test_methods() -> None:
    expected = {
        "CONNECT",
        "HEAD",
        "GET",
        "DELETE",
        "OPTIONS",
        "PATCH",
        "POST",
        "PUT",
        "TRACE",
    }
    assert set(hdrs.METH_ALL) == expected
    assert hdrs.METH_ANY == "*"
    assert hdrs.METH_ANY not in hdrs.METH_ALL
    assert isinstance(hdrs.METH_ALL, frozenset)


def test_no_duplicate_headers() -> None:
    values = [getattr(hdrs, name).lower() for name in HEADER_NAMES]
    assert len(values) == len(set(values))
