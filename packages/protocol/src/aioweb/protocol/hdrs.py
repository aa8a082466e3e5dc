"""HTTP method names and header-name constants.

Header names are :class:`multidict.istr`, so looking one up in a
``CIMultiDict`` skips re-folding its case. The set follows aiohttp's
``hdrs`` module name for name, so code written against it ports by changing
the import; the registry of field names is IANA's "Hypertext Transfer
Protocol (HTTP) Field Name Registry" (RFC 9110 §16.3.1).
"""

from __future__ import annotations

import itertools
from typing import Final

from multidict import istr

# Methods, RFC 9110 §9.3 and RFC 5789 (PATCH).
METH_ANY: Final = "*"
METH_CONNECT: Final = "CONNECT"
METH_HEAD: Final = "HEAD"
METH_GET: Final = "GET"
METH_DELETE: Final = "DELETE"
METH_OPTIONS: Final = "OPTIONS"
METH_PATCH: Final = "PATCH"
METH_POST: Final = "POST"
METH_PUT: Final = "PUT"
METH_TRACE: Final = "TRACE"

#: Every method above except :data:`METH_ANY`.
METH_ALL: Final = frozenset(
    {
        METH_CONNECT,
        METH_HEAD,
        METH_GET,
        METH_DELETE,
        METH_OPTIONS,
        METH_PATCH,
        METH_POST,
        METH_PUT,
        METH_TRACE,
    }
)

# Content negotiation and representation metadata (RFC 9110 §8, §12).
ACCEPT: Final = istr("Accept")
ACCEPT_CH: Final = istr("Accept-CH")
ACCEPT_CHARSET: Final = istr("Accept-Charset")
ACCEPT_ENCODING: Final = istr("Accept-Encoding")
ACCEPT_LANGUAGE: Final = istr("Accept-Language")
ACCEPT_RANGES: Final = istr("Accept-Ranges")
CONTENT_DIGEST: Final = istr("Content-Digest")
CONTENT_DISPOSITION: Final = istr("Content-Disposition")
CONTENT_ENCODING: Final = istr("Content-Encoding")
CONTENT_ID: Final = istr("Content-ID")
CONTENT_LANGUAGE: Final = istr("Content-Language")
CONTENT_LENGTH: Final = istr("Content-Length")
CONTENT_LOCATION: Final = istr("Content-Location")
CONTENT_MD5: Final = istr("Content-MD5")
CONTENT_RANGE: Final = istr("Content-Range")
CONTENT_TRANSFER_ENCODING: Final = istr("Content-Transfer-Encoding")
CONTENT_TYPE: Final = istr("Content-Type")
DIGEST: Final = istr("Digest")
REPR_DIGEST: Final = istr("Repr-Digest")
WANT_CONTENT_DIGEST: Final = istr("Want-Content-Digest")
WANT_DIGEST: Final = istr("Want-Digest")
WANT_REPR_DIGEST: Final = istr("Want-Repr-Digest")

# CORS (Fetch standard).
ACCESS_CONTROL_ALLOW_CREDENTIALS: Final = istr("Access-Control-Allow-Credentials")
ACCESS_CONTROL_ALLOW_HEADERS: Final = istr("Access-Control-Allow-Headers")
ACCESS_CONTROL_ALLOW_METHODS: Final = istr("Access-Control-Allow-Methods")
ACCESS_CONTROL_ALLOW_ORIGIN: Final = istr("Access-Control-Allow-Origin")
ACCESS_CONTROL_EXPOSE_HEADERS: Final = istr("Access-Control-Expose-Headers")
ACCESS_CONTROL_MAX_AGE: Final = istr("Access-Control-Max-Age")
ACCESS_CONTROL_REQUEST_HEADERS: Final = istr("Access-Control-Request-Headers")
ACCESS_CONTROL_REQUEST_METHOD: Final = istr("Access-Control-Request-Method")

# Caching and conditional requests (RFC 9111, RFC 9110 §13).
AGE: Final = istr("Age")
CACHE_CONTROL: Final = istr("Cache-Control")
CACHE_STATUS: Final = istr("Cache-Status")
CDN_CACHE_CONTROL: Final = istr("CDN-Cache-Control")
ETAG: Final = istr("ETag")
EXPIRES: Final = istr("Expires")
IF_MATCH: Final = istr("If-Match")
IF_MODIFIED_SINCE: Final = istr("If-Modified-Since")
IF_NONE_MATCH: Final = istr("If-None-Match")
IF_RANGE: Final = istr("If-Range")
IF_UNMODIFIED_SINCE: Final = istr("If-Unmodified-Since")
LAST_MODIFIED: Final = istr("Last-Modified")
PRAGMA: Final = istr("Pragma")
RANGE: Final = istr("Range")
VARY: Final = istr("Vary")
WARNING: Final = istr("Warning")

# Allowed methods (RFC 9110 §10.2.1).
ALLOW: Final = istr("Allow")

# Authentication (RFC 9110 §11).
AUTHENTICATION_INFO: Final = istr("Authentication-Info")
AUTHORIZATION: Final = istr("Authorization")
PROXY_AUTHENTICATE: Final = istr("Proxy-Authenticate")
PROXY_AUTHENTICATION_INFO: Final = istr("Proxy-Authentication-Info")
PROXY_AUTHORIZATION: Final = istr("Proxy-Authorization")
WWW_AUTHENTICATE: Final = istr("WWW-Authenticate")

# Connection management and routing (RFC 9110 §7, RFC 9112 §9).
ALT_SVC: Final = istr("Alt-Svc")
ALT_USED: Final = istr("Alt-Used")
CDN_LOOP: Final = istr("CDN-Loop")
CONNECTION: Final = istr("Connection")
EARLY_DATA: Final = istr("Early-Data")
EXPECT: Final = istr("Expect")
HOST: Final = istr("Host")
#: Every spelling of ``Host`` by case, for lookups in plain dicts of raw
#: header names.
HOST_ALL: Final = frozenset(
    "".join(spelling)
    for spelling in itertools.product(*((c.upper(), c.lower()) for c in "host"))
)
KEEP_ALIVE: Final = istr("Keep-Alive")
MAX_FORWARDS: Final = istr("Max-Forwards")
TE: Final = istr("TE")
TRAILER: Final = istr("Trailer")
TRANSFER_ENCODING: Final = istr("Transfer-Encoding")
UPGRADE: Final = istr("Upgrade")
VIA: Final = istr("Via")

# Proxies and forwarding (RFC 7239 and the de facto X- headers).
FORWARDED: Final = istr("Forwarded")
X_FORWARDED_FOR: Final = istr("X-Forwarded-For")
X_FORWARDED_HOST: Final = istr("X-Forwarded-Host")
X_FORWARDED_PORT: Final = istr("X-Forwarded-Port")
X_FORWARDED_PROTO: Final = istr("X-Forwarded-Proto")
X_REAL_IP: Final = istr("X-Real-IP")

# Request context.
DATE: Final = istr("Date")
DESTINATION: Final = istr("Destination")
FROM: Final = istr("From")
LAST_EVENT_ID: Final = istr("Last-Event-ID")
LINK: Final = istr("Link")
LOCATION: Final = istr("Location")
ORIGIN: Final = istr("Origin")
PRIORITY: Final = istr("Priority")
REFERER: Final = istr("Referer")
RETRY_AFTER: Final = istr("Retry-After")
SERVER: Final = istr("Server")
URI: Final = istr("URI")
USER_AGENT: Final = istr("User-Agent")
X_REQUESTED_WITH: Final = istr("X-Requested-With")

# Cookies (RFC 6265).
COOKIE: Final = istr("Cookie")
SET_COOKIE: Final = istr("Set-Cookie")

# WebSocket handshake (RFC 6455 §11.3; Key1 is the pre-RFC hixie-76 draft).
SEC_WEBSOCKET_ACCEPT: Final = istr("Sec-WebSocket-Accept")
SEC_WEBSOCKET_EXTENSIONS: Final = istr("Sec-WebSocket-Extensions")
SEC_WEBSOCKET_KEY: Final = istr("Sec-WebSocket-Key")
SEC_WEBSOCKET_KEY1: Final = istr("Sec-WebSocket-Key1")
SEC_WEBSOCKET_PROTOCOL: Final = istr("Sec-WebSocket-Protocol")
SEC_WEBSOCKET_VERSION: Final = istr("Sec-WebSocket-Version")

# Fetch metadata and client hints.
SEC_CH_UA: Final = istr("Sec-CH-UA")
SEC_CH_UA_MOBILE: Final = istr("Sec-CH-UA-Mobile")
SEC_CH_UA_PLATFORM: Final = istr("Sec-CH-UA-Platform")
SEC_FETCH_DEST: Final = istr("Sec-Fetch-Dest")
SEC_FETCH_MODE: Final = istr("Sec-Fetch-Mode")
SEC_FETCH_SITE: Final = istr("Sec-Fetch-Site")
SEC_FETCH_USER: Final = istr("Sec-Fetch-User")
SEC_GPC: Final = istr("Sec-GPC")
SEC_PURPOSE: Final = istr("Sec-Purpose")

# Security policies sent by servers.
CLEAR_SITE_DATA: Final = istr("Clear-Site-Data")
CONTENT_SECURITY_POLICY: Final = istr("Content-Security-Policy")
CONTENT_SECURITY_POLICY_REPORT_ONLY: Final = istr("Content-Security-Policy-Report-Only")
CROSS_ORIGIN_EMBEDDER_POLICY: Final = istr("Cross-Origin-Embedder-Policy")
CROSS_ORIGIN_OPENER_POLICY: Final = istr("Cross-Origin-Opener-Policy")
CROSS_ORIGIN_RESOURCE_POLICY: Final = istr("Cross-Origin-Resource-Policy")
ORIGIN_AGENT_CLUSTER: Final = istr("Origin-Agent-Cluster")
PERMISSIONS_POLICY: Final = istr("Permissions-Policy")
REFERRER_POLICY: Final = istr("Referrer-Policy")
STRICT_TRANSPORT_SECURITY: Final = istr("Strict-Transport-Security")
UPGRADE_INSECURE_REQUESTS: Final = istr("Upgrade-Insecure-Requests")
X_CONTENT_TYPE_OPTIONS: Final = istr("X-Content-Type-Options")
X_FRAME_OPTIONS: Final = istr("X-Frame-Options")
X_XSS_PROTECTION: Final = istr("X-XSS-Protection")

# Reporting, tracing and rate limiting.
BAGGAGE: Final = istr("baggage")
NEL: Final = istr("NEL")
REPORT_TO: Final = istr("Report-To")
REPORTING_ENDPOINTS: Final = istr("Reporting-Endpoints")
SERVER_TIMING: Final = istr("Server-Timing")
TIMING_ALLOW_ORIGIN: Final = istr("Timing-Allow-Origin")
TRACEPARENT: Final = istr("traceparent")
TRACESTATE: Final = istr("tracestate")
X_CORRELATION_ID: Final = istr("X-Correlation-ID")
X_POWERED_BY: Final = istr("X-Powered-By")
X_RATELIMIT_LIMIT: Final = istr("X-RateLimit-Limit")
X_RATELIMIT_REMAINING: Final = istr("X-RateLimit-Remaining")
X_RATELIMIT_RESET: Final = istr("X-RateLimit-Reset")
X_REQUEST_ID: Final = istr("X-Request-ID")
