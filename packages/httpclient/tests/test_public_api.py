"""The curated public surface of aioweb.client: a rename is a visible decision."""

from __future__ import annotations

import subprocess
import sys

import aioweb.client

EXPECTED = {
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
}


def test_public_surface() -> None:
    assert set(aioweb.client.__all__) == EXPECTED
    assert len(aioweb.client.__all__) == len(EXPECTED)  # no name listed twice


def test_every_public_name_exists() -> None:
    for name in aioweb.client.__all__:
        assert getattr(aioweb.client, name) is not None, name


def test_shared_names_are_the_protocol_ones() -> None:
    import aioweb.protocol

    assert aioweb.client.BasicAuth is aioweb.protocol.BasicAuth
    assert issubclass(aioweb.client.ClientError, aioweb.protocol.AiowebError)


def test_importing_the_client_does_not_import_the_server() -> None:
    probe = "import sys, aioweb.client; print('aioweb.web' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
