"""The aiohttp-compatible asyncio HTTP client.

``__all__`` is grouped by module family; add a name to its group.
"""

from __future__ import annotations

# Before the imports: the request module reads it for User-Agent.
__version__ = "0.1.0"

from aioweb.protocol import BasicAuth, FormData, WSCloseCode, WSMessage, WSMsgType

from .client_request import ClientRequest
from .client_response import ClientResponse, ContentDisposition
from .connection import Connection
from .connection_key import ConnectionKey
from .connector import BaseConnector
from .cookiejar import AbstractCookieJar, CookieJar, DummyCookieJar
from .digest_auth import DigestAuthMiddleware
from .exceptions import (
    ClientConnectionError,
    ClientConnectionResetError,
    ClientConnectorCertificateError,
    ClientConnectorDNSError,
    ClientConnectorError,
    ClientConnectorSSLError,
    ClientError,
    ClientHttpProxyError,
    ClientOSError,
    ClientPayloadError,
    ClientProxyConnectionError,
    ClientResponseError,
    ClientSSLError,
    ConnectionTimeoutError,
    ContentTypeError,
    InvalidURL,
    InvalidUrlClientError,
    InvalidUrlRedirectClientError,
    NonHttpUrlClientError,
    NonHttpUrlRedirectClientError,
    RedirectClientError,
    ServerConnectionError,
    ServerDisconnectedError,
    ServerFingerprintMismatch,
    ServerTimeoutError,
    SocketTimeoutError,
    TooManyRedirects,
    UnixClientConnectorError,
    UploadAbortedError,
    WSMessageTypeError,
    WSServerHandshakeError,
)
from .fingerprint import Fingerprint
from .middlewares import ClientHandlerType, ClientMiddlewareType
from .request_info import RequestInfo
from .resolver import (
    AbstractResolver,
    AsyncResolver,
    DefaultResolver,
    ResolveResult,
    ThreadedResolver,
)
from .session import ClientSession, request
from .tcp_connector import TCPConnector, UnixConnector
from .timeout import ClientTimeout, ClientWSTimeout
from .tracing import (
    TraceConfig,
    TraceConnectionCreateEndParams,
    TraceConnectionCreateStartParams,
    TraceConnectionQueuedEndParams,
    TraceConnectionQueuedStartParams,
    TraceConnectionReuseconnParams,
    TraceDnsCacheHitParams,
    TraceDnsCacheMissParams,
    TraceDnsResolveHostEndParams,
    TraceDnsResolveHostStartParams,
    TraceRequestChunkSentParams,
    TraceRequestEndParams,
    TraceRequestExceptionParams,
    TraceRequestHeadersSentParams,
    TraceRequestRedirectParams,
    TraceRequestStartParams,
    TraceResponseChunkReceivedParams,
)
from .ws_connect import ClientWebSocketResponse

__all__ = (
    "__version__",
    # sessions, requests and responses
    "ClientSession",
    "request",
    "ClientRequest",
    "ClientResponse",
    "ContentDisposition",
    # connectors
    "BaseConnector",
    "TCPConnector",
    "UnixConnector",
    "Connection",
    "FormData",
    # WebSockets
    "ClientWebSocketResponse",
    "ClientWSTimeout",
    "WSCloseCode",
    "WSMessage",
    "WSMsgType",
    # middlewares
    "ClientHandlerType",
    "ClientMiddlewareType",
    # errors
    "ClientError",
    "ClientConnectionError",
    "ClientConnectionResetError",
    "ClientOSError",
    "ClientConnectorError",
    "ClientConnectorDNSError",
    "ClientProxyConnectionError",
    "UnixClientConnectorError",
    "ClientSSLError",
    "ClientConnectorSSLError",
    "ClientConnectorCertificateError",
    "ServerConnectionError",
    "ServerDisconnectedError",
    "ServerTimeoutError",
    "ConnectionTimeoutError",
    "SocketTimeoutError",
    "ServerFingerprintMismatch",
    "ClientResponseError",
    "ClientHttpProxyError",
    "ContentTypeError",
    "TooManyRedirects",
    "WSServerHandshakeError",
    "ClientPayloadError",
    "UploadAbortedError",
    "InvalidURL",
    "InvalidUrlClientError",
    "RedirectClientError",
    "NonHttpUrlClientError",
    "InvalidUrlRedirectClientError",
    "NonHttpUrlRedirectClientError",
    "WSMessageTypeError",
    # requests and connections
    "RequestInfo",
    "ConnectionKey",
    "Fingerprint",
    "ClientTimeout",
    # name resolution
    "AbstractResolver",
    "AsyncResolver",
    "DefaultResolver",
    "ResolveResult",
    "ThreadedResolver",
    # cookies
    "AbstractCookieJar",
    "CookieJar",
    "DummyCookieJar",
    # authentication
    "BasicAuth",
    "DigestAuthMiddleware",
    # tracing
    "TraceConfig",
    "TraceConnectionCreateEndParams",
    "TraceConnectionCreateStartParams",
    "TraceConnectionQueuedEndParams",
    "TraceConnectionQueuedStartParams",
    "TraceConnectionReuseconnParams",
    "TraceDnsCacheHitParams",
    "TraceDnsCacheMissParams",
    "TraceDnsResolveHostEndParams",
    "TraceDnsResolveHostStartParams",
    "TraceRequestChunkSentParams",
    "TraceRequestEndParams",
    "TraceRequestExceptionParams",
    "TraceRequestHeadersSentParams",
    "TraceRequestRedirectParams",
    "TraceRequestStartParams",
    "TraceResponseChunkReceivedParams",
)
