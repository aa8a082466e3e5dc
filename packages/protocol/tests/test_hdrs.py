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


def test_host_all() -> None:
    assert len(hdrs.HOST_ALL) == 16
    assert {"Host", "host", "HOST", "hOsT"} <= hdrs.HOST_ALL
    assert all(name.lower() == "host" for name in hdrs.HOST_ALL)


def test_aiohttp_names_are_all_here() -> None:
    # aiohttp's hdrs module, name for name (its values are spelled alike).
    names = [
        "ACCEPT",
        "ACCEPT_CH",
        "ACCEPT_CHARSET",
        "ACCEPT_ENCODING",
        "ACCEPT_LANGUAGE",
        "ACCEPT_RANGES",
        "ACCESS_CONTROL_ALLOW_CREDENTIALS",
        "ACCESS_CONTROL_ALLOW_HEADERS",
        "ACCESS_CONTROL_ALLOW_METHODS",
        "ACCESS_CONTROL_ALLOW_ORIGIN",
        "ACCESS_CONTROL_EXPOSE_HEADERS",
        "ACCESS_CONTROL_MAX_AGE",
        "ACCESS_CONTROL_REQUEST_HEADERS",
        "ACCESS_CONTROL_REQUEST_METHOD",
        "AGE",
        "ALLOW",
        "ALT_SVC",
        "ALT_USED",
        "AUTHENTICATION_INFO",
        "AUTHORIZATION",
        "BAGGAGE",
        "CACHE_CONTROL",
        "CACHE_STATUS",
        "CDN_CACHE_CONTROL",
        "CDN_LOOP",
        "CLEAR_SITE_DATA",
        "CONNECTION",
        "CONTENT_DIGEST",
        "CONTENT_DISPOSITION",
        "CONTENT_ENCODING",
        "CONTENT_ID",
        "CONTENT_LANGUAGE",
        "CONTENT_LENGTH",
        "CONTENT_LOCATION",
        "CONTENT_MD5",
        "CONTENT_RANGE",
        "CONTENT_SECURITY_POLICY",
        "CONTENT_SECURITY_POLICY_REPORT_ONLY",
        "CONTENT_TRANSFER_ENCODING",
        "CONTENT_TYPE",
        "COOKIE",
        "CROSS_ORIGIN_EMBEDDER_POLICY",
        "CROSS_ORIGIN_OPENER_POLICY",
        "CROSS_ORIGIN_RESOURCE_POLICY",
        "DATE",
        "DESTINATION",
        "DIGEST",
        "EARLY_DATA",
        "ETAG",
        "EXPECT",
        "EXPIRES",
        "FORWARDED",
        "FROM",
        "HOST",
        "HOST_ALL",
        "IF_MATCH",
        "IF_MODIFIED_SINCE",
        "IF_NONE_MATCH",
        "IF_RANGE",
        "IF_UNMODIFIED_SINCE",
        "KEEP_ALIVE",
        "LAST_EVENT_ID",
        "LAST_MODIFIED",
        "LINK",
        "LOCATION",
        "MAX_FORWARDS",
        "METH_ALL",
        "METH_ANY",
        "METH_CONNECT",
        "METH_DELETE",
        "METH_GET",
        "METH_HEAD",
        "METH_OPTIONS",
        "METH_PATCH",
        "METH_POST",
        "METH_PUT",
        "METH_TRACE",
        "NEL",
        "ORIGIN",
        "ORIGIN_AGENT_CLUSTER",
        "PERMISSIONS_POLICY",
        "PRAGMA",
        "PRIORITY",
        "PROXY_AUTHENTICATE",
        "PROXY_AUTHENTICATION_INFO",
        "PROXY_AUTHORIZATION",
        "RANGE",
        "REFERER",
        "REFERRER_POLICY",
        "REPORTING_ENDPOINTS",
        "REPORT_TO",
        "REPR_DIGEST",
        "RETRY_AFTER",
        "SEC_CH_UA",
        "SEC_CH_UA_MOBILE",
        "SEC_CH_UA_PLATFORM",
        "SEC_FETCH_DEST",
        "SEC_FETCH_MODE",
        "SEC_FETCH_SITE",
        "SEC_FETCH_USER",
        "SEC_GPC",
        "SEC_PURPOSE",
        "SEC_WEBSOCKET_ACCEPT",
        "SEC_WEBSOCKET_EXTENSIONS",
        "SEC_WEBSOCKET_KEY",
        "SEC_WEBSOCKET_KEY1",
        "SEC_WEBSOCKET_PROTOCOL",
        "SEC_WEBSOCKET_VERSION",
        "SERVER",
        "SERVER_TIMING",
        "SET_COOKIE",
        "STRICT_TRANSPORT_SECURITY",
        "TE",
        "TIMING_ALLOW_ORIGIN",
        "TRACEPARENT",
        "TRACESTATE",
        "TRAILER",
        "TRANSFER_ENCODING",
        "UPGRADE",
        "UPGRADE_INSECURE_REQUESTS",
        "URI",
        "USER_AGENT",
        "VARY",
        "VIA",
        "WANT_CONTENT_DIGEST",
        "WANT_DIGEST",
        "WANT_REPR_DIGEST",
        "WARNING",
        "WWW_AUTHENTICATE",
        "X_CONTENT_TYPE_OPTIONS",
        "X_CORRELATION_ID",
        "X_FORWARDED_FOR",
        "X_FORWARDED_HOST",
        "X_FORWARDED_PORT",
        "X_FORWARDED_PROTO",
        "X_FRAME_OPTIONS",
        "X_POWERED_BY",
        "X_RATELIMIT_LIMIT",
        "X_RATELIMIT_REMAINING",
        "X_RATELIMIT_RESET",
        "X_REAL_IP",
        "X_REQUESTED_WITH",
        "X_REQUEST_ID",
        "X_XSS_PROTECTION",
    ]
    missing = [name for name in names if not hasattr(hdrs, name)]
    assert missing == []
