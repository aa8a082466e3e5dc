"""The client's exception tree.

Names, constructor arguments and attributes follow aiohttp 3.x, so an
``except aiohttp.ClientConnectorError`` ports by changing the import. The root,
:class:`ClientError`, also derives from :class:`aioweb.protocol.AiowebError`,
so one ``except AiowebError`` catches what the client and the shared layers
raise. Errors that double as standard-library errors (``OSError``,
``TimeoutError``, ``ValueError``, ``ssl.SSLError``...) keep those bases too.

::

    AiowebError (aioweb.protocol)
     └── ClientError
          ├── ClientConnectionError
          │    ├── ClientConnectionResetError        also ConnectionResetError
          │    ├── ClientOSError                     also OSError
          │    │    └── ClientConnectorError         (connection_key, os_error)
          │    │         ├── ClientConnectorDNSError
          │    │         ├── ClientProxyConnectionError
          │    │         ├── UnixClientConnectorError   (path, key, os_error)
          │    │         └── ClientSSLError
          │    │              ├── ClientConnectorSSLError          also ssl.SSLError
          │    │              └── ClientConnectorCertificateError  also
          │    │                   (key, certificate_error)    ssl.CertificateError
          │    └── ServerConnectionError
          │         ├── ServerDisconnectedError      (message=None)
          │         ├── ServerTimeoutError           also asyncio.TimeoutError
          │         │    ├── ConnectionTimeoutError  connect / sock_connect
          │         │    └── SocketTimeoutError      sock_read
          │         └── ServerFingerprintMismatch    (expected, got, host, port)
          ├── ClientResponseError                    (request_info, history, *,
          │    │                                      status, message, headers)
          │    ├── ClientHttpProxyError              the proxy refused CONNECT
          │    ├── ContentTypeError                  .json() on a non-JSON body
          │    ├── TooManyRedirects
          │    └── WSServerHandshakeError
          ├── ClientPayloadError                     also protocol.PayloadError
          ├── UploadAbortedError                     the body was never fully sent
          ├── InvalidURL                             (url, description=None),
          │    └── InvalidUrlClientError             also ValueError
          │         └── InvalidUrlRedirectClientError   also RedirectClientError
          ├── RedirectClientError
          ├── NonHttpUrlClientError
          │    └── NonHttpUrlRedirectClientError        also RedirectClientError
          └── WSMessageTypeError                     also TypeError

``ClientResponseError.status`` is the HTTP status that was answered; the
``message`` of every error is fit for a log line. Every error pickles: its
``args`` are its positional constructor arguments and the rest of its state
travels in ``__dict__``.
"""

from __future__ import annotations

import asyncio
import ssl
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING

from yarl import URL

from aioweb.protocol import AiowebError, PayloadError

if TYPE_CHECKING:
    from .client_response import ClientResponse
    from .connection_key import ConnectionKey
    from .fingerprint import Fingerprint
    from .request_info import RequestInfo

__all__ = (
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
)


class ClientError(AiowebError):
    """Root of every error the client raises.

    Takes positional arguments like ``Exception`` (and like ``OSError`` for
    the subclasses that are also ``OSError``), as aiohttp's does.
    """

    def __init__(self, *args: object) -> None:
        # AiowebError.__init__ takes a single message; skip it and hand the
        # arguments to the next base in the MRO (Exception, or OSError, which
        # reads errno and strerror from them).
        super(AiowebError, self).__init__(*args)

    @property
    def message(self) -> str:
        """What went wrong: the message given, or ``str(self)``."""
        stored = self.__dict__.get("_message")
        return str(self) if stored is None else str(stored)

    @message.setter
    def message(self, value: str) -> None:
        self.__dict__["_message"] = value

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuild from the positional constructor arguments, then restore the
        # attributes; OSError's own reduce would call __init__ with errno and
        # strerror, which the subclasses here do not accept.
        return (type(self), self.args, self.__dict__)


# Connection errors ----------------------------------------------------------


class ClientConnectionError(ClientError):
    """A connection could not be made, or broke while in use."""


class ClientConnectionResetError(ClientConnectionError, ConnectionResetError):
    """The peer reset the connection."""


class ClientOSError(ClientConnectionError, OSError):
    """An ``OSError`` raised while connecting or talking to a server."""


class ClientConnectorError(ClientOSError):
    """The connector could not open a connection.

    Args:
        connection_key: what the connection was for (host, port, TLS, proxy).
        os_error: the error the operating system or resolver gave.
    """

    def __init__(self, connection_key: ConnectionKey, os_error: OSError) -> None:
        self._conn_key = connection_key
        self._os_error = os_error
        super().__init__(os_error.errno, os_error.strerror)
        self.args = (connection_key, os_error)

    @property
    def os_error(self) -> OSError:
        """The underlying operating-system error."""
        return self._os_error

    @property
    def host(self) -> str:
        """The host that could not be reached."""
        return self._conn_key.host

    @property
    def port(self) -> int | None:
        """The port that could not be reached."""
        return self._conn_key.port

    @property
    def ssl(self) -> ssl.SSLContext | bool | Fingerprint:
        """The TLS setting of the connection attempt."""
        return self._conn_key.ssl

    def __str__(self) -> str:
        shown = "default" if self.ssl is True else self.ssl
        return (
            f"Cannot connect to host {self.host}:{self.port} ssl:{shown} "
            f"[{self.strerror}]"
        )


class ClientConnectorDNSError(ClientConnectorError):
    """The host name could not be resolved."""


class ClientProxyConnectionError(ClientConnectorError):
    """The proxy could not be reached."""


class UnixClientConnectorError(ClientConnectorError):
    """A Unix socket could not be connected to.

    Args:
        path: the socket's path.
        connection_key: what the connection was for.
        os_error: the error the operating system gave.
    """

    def __init__(
        self, path: str, connection_key: ConnectionKey, os_error: OSError
    ) -> None:
        self._path = path
        super().__init__(connection_key, os_error)
        self.args = (path, connection_key, os_error)

    @property
    def path(self) -> str:
        """The Unix socket's path."""
        return self._path

    def __str__(self) -> str:
        shown = "default" if self.ssl is True else self.ssl
        return (
            f"Cannot connect to unix socket {self.path} ssl:{shown} [{self.strerror}]"
        )


class ClientSSLError(ClientConnectorError):
    """Base of the TLS errors met while connecting."""


class ClientConnectorSSLError(ClientSSLError, ssl.SSLError):
    """The TLS handshake failed."""


class ClientConnectorCertificateError(ClientSSLError, ssl.CertificateError):
    """The server's certificate did not verify.

    Args:
        connection_key: what the connection was for.
        certificate_error: the verification error.
    """

    def __init__(
        self, connection_key: ConnectionKey, certificate_error: Exception
    ) -> None:
        os_error = (
            certificate_error if isinstance(certificate_error, OSError) else OSError()
        )
        super().__init__(connection_key, os_error)
        self._certificate_error = certificate_error
        self.args = (connection_key, certificate_error)

    @property
    def certificate_error(self) -> Exception:
        """The verification error."""
        return self._certificate_error

    @property
    def ssl(self) -> bool:
        """Whether the connection was a TLS one (always, here)."""
        return self._conn_key.is_ssl

    def __str__(self) -> str:
        error = self.certificate_error
        return (
            f"Cannot connect to host {self.host}:{self.port} ssl:{self.ssl} "
            f"[{type(error).__name__}: {error.args}]"
        )


class ServerConnectionError(ClientConnectionError):
    """The server broke the connection or did not answer in time."""


class ServerDisconnectedError(ServerConnectionError):
    """The server closed the connection before the response was complete.

    Args:
        message: what was known when it happened; ``"Server disconnected"``
            by default.
    """

    def __init__(self, message: str | None = None) -> None:
        if message is None:
            message = "Server disconnected"
        super().__init__(message)
        self.message = message


class ServerTimeoutError(ServerConnectionError, asyncio.TimeoutError):
    """A timeout of :class:`~aioweb.client.ClientTimeout` ran out."""


class ConnectionTimeoutError(ServerTimeoutError):
    """The ``connect`` or ``sock_connect`` timeout ran out."""


class SocketTimeoutError(ServerTimeoutError):
    """The ``sock_read`` timeout ran out between two reads."""


class ServerFingerprintMismatch(ServerConnectionError):
    """The server's certificate did not have the pinned fingerprint.

    Args:
        expected: the pinned SHA-256 digest.
        got: the digest of the certificate the server sent.
        host: the server's address.
        port: the server's port.
    """

    def __init__(self, expected: bytes, got: bytes, host: str, port: int) -> None:
        super().__init__(expected, got, host, port)
        self.expected = expected
        self.got = got
        self.host = host
        self.port = port

    def __str__(self) -> str:
        return (
            f"Certificate fingerprint mismatch for {self.host}:{self.port}: "
            f"expected {self.expected.hex()}, got {self.got.hex()}"
        )

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} expected={self.expected!r} got={self.got!r} "
            f"host={self.host!r} port={self.port!r}>"
        )


# Response errors ------------------------------------------------------------


class ClientResponseError(ClientError):
    """A response was received but cannot be used as asked.

    Args:
        request_info: the request that was answered.
        history: the redirect responses that led here.
        code: deprecated spelling of ``status``.
        status: the HTTP status of the response (``0`` if unknown).
        message: the reason phrase or a description.
        headers: the response's headers.

    Raises:
        ValueError: both ``code`` and ``status`` were given.
    """

    def __init__(
        self,
        request_info: RequestInfo,
        history: tuple[ClientResponse, ...],
        *,
        code: int | None = None,
        status: int | None = None,
        message: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if code is not None:
            if status is not None:
                raise ValueError(
                    "Both code and status arguments are provided; "
                    "code is deprecated, use status instead"
                )
            warnings.warn(
                "code argument is deprecated, use status instead",
                DeprecationWarning,
                stacklevel=2,
            )
            status = code
        super().__init__(request_info, history)
        self.request_info = request_info
        self.history = history
        self.status: int = 0 if status is None else status
        self.message = message
        self.headers = headers

    @property
    def code(self) -> int:
        """Deprecated spelling of :attr:`status`."""
        warnings.warn(
            "code property is deprecated, use status instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.status

    def __str__(self) -> str:
        # getattr: an error rebuilt by hand (or unpickled) may carry None.
        real_url = getattr(self.request_info, "real_url", None)
        url = None if real_url is None else str(real_url)
        return f"{self.status}, message={self.message!r}, url={url!r}"

    def __repr__(self) -> str:
        parts = [repr(self.request_info), repr(self.history)]
        if self.status != 0:
            parts.append(f"status={self.status!r}")
        if self.message != "":
            parts.append(f"message={self.message!r}")
        if self.headers is not None:
            parts.append(f"headers={self.headers!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


class ClientHttpProxyError(ClientResponseError):
    """The proxy answered ``CONNECT`` with something other than 200."""


class ContentTypeError(ClientResponseError):
    """The response's Content-Type is not the one that was expected."""


class TooManyRedirects(ClientResponseError):
    """The server redirected more than ``max_redirects`` times."""


class WSServerHandshakeError(ClientResponseError):
    """The server refused or botched the WebSocket opening handshake."""


# Body, URL and message errors -----------------------------------------------


class ClientPayloadError(ClientError, PayloadError):
    """The response body could not be read as it was framed or encoded."""


class UploadAbortedError(ClientError):
    """The request body was never fully sent."""


class InvalidURL(ClientError, ValueError):
    """A URL cannot be requested, for instance because it has no host.

    Args:
        url: the URL, as given (it may not even parse).
        description: why it was refused.
    """

    def __init__(self, url: str | URL, description: str | None = None) -> None:
        self._url = url
        self._description = description
        if description:
            super().__init__(url, description)
        else:
            super().__init__(url)

    @property
    def url(self) -> str | URL:
        """The URL that was refused."""
        return self._url

    @property
    def description(self) -> str | None:
        """Why it was refused."""
        return self._description

    def __str__(self) -> str:
        if self._description:
            return f"{self._url} - {self._description}"
        return str(self._url)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self}>"


class InvalidUrlClientError(InvalidURL):
    """The URL of a request is invalid."""


class RedirectClientError(ClientError):
    """A redirect could not be followed."""


class NonHttpUrlClientError(ClientError):
    """The URL of a request is not http, https, ws or wss."""


class InvalidUrlRedirectClientError(InvalidUrlClientError, RedirectClientError):
    """A redirect pointed at an invalid URL."""


class NonHttpUrlRedirectClientError(NonHttpUrlClientError, RedirectClientError):
    """A redirect pointed at a URL that is not http or https."""


class WSMessageTypeError(ClientError, TypeError):
    """A WebSocket message was not of the type the reader asked for."""
