"""The client exception tree: bases, constructor arguments, strings, pickling."""

from __future__ import annotations

import asyncio
import errno
import pickle
import ssl
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aioweb.client import exceptions as exc
from aioweb.client.connection_key import ConnectionKey
from aioweb.client.request_info import RequestInfo
from aioweb.protocol import AiowebError, PayloadError

KEY = ConnectionKey("example.com", 443, True, True, None, None, None)
PLAIN_KEY = ConnectionKey("example.com", 80, False, False, None, None, None)
INFO = RequestInfo(
    URL("http://example.com/a"),
    "GET",
    CIMultiDictProxy(CIMultiDict(Accept="*/*")),
    URL("http://example.com/a#frag"),
)


def refused() -> OSError:
    return OSError(errno.ECONNREFUSED, "Connection refused")


# (class, expected bases that aiohttp code relies on)
BASES: list[tuple[type[BaseException], tuple[type[BaseException], ...]]] = [
    (exc.ClientError, (AiowebError, Exception)),
    (exc.ClientConnectionError, (exc.ClientError,)),
    (exc.ClientConnectionResetError, (exc.ClientConnectionError, ConnectionResetError)),
    (exc.ClientOSError, (exc.ClientConnectionError, OSError)),
    (exc.ClientConnectorError, (exc.ClientOSError,)),
    (exc.ClientConnectorDNSError, (exc.ClientConnectorError,)),
    (exc.ClientProxyConnectionError, (exc.ClientConnectorError,)),
    (exc.UnixClientConnectorError, (exc.ClientConnectorError,)),
    (exc.ClientSSLError, (exc.ClientConnectorError,)),
    (exc.ClientConnectorSSLError, (exc.ClientSSLError, ssl.SSLError)),
    (
        exc.ClientConnectorCertificateError,
        (exc.ClientSSLError, ssl.CertificateError, ValueError),
    ),
    (exc.ServerConnectionError, (exc.ClientConnectionError,)),
    (exc.ServerDisconnectedError, (exc.ServerConnectionError,)),
    (exc.ServerTimeoutError, (exc.ServerConnectionError, asyncio.TimeoutError)),
    (exc.ConnectionTimeoutError, (exc.ServerTimeoutError,)),
    (exc.SocketTimeoutError, (exc.ServerTimeoutError,)),
    (exc.ServerFingerprintMismatch, (exc.ServerConnectionError,)),
    (exc.ClientResponseError, (exc.ClientError,)),
    (exc.ClientHttpProxyError, (exc.ClientResponseError,)),
    (exc.ContentTypeError, (exc.ClientResponseError,)),
    (exc.TooManyRedirects, (exc.ClientResponseError,)),
    (exc.WSServerHandshakeError, (exc.ClientResponseError,)),
    (exc.ClientPayloadError, (exc.ClientError, PayloadError)),
    (exc.UploadAbortedError, (exc.ClientError,)),
    (exc.InvalidURL, (exc.ClientError, ValueError)),
    (exc.InvalidUrlClientError, (exc.InvalidURL,)),
    (exc.RedirectClientError, (exc.ClientError,)),
    (exc.NonHttpUrlClientError, (exc.ClientError,)),
    (
        exc.InvalidUrlRedirectClientError,
        (exc.InvalidUrlClientError, exc.RedirectClientError),
    ),
    (
        exc.NonHttpUrlRedirectClientError,
        (exc.NonHttpUrlClientError, exc.RedirectClientError),
    ),
    (exc.WSMessageTypeError, (exc.ClientError, TypeError)),
]


@pytest.mark.parametrize(
    ("cls", "bases"), BASES, ids=lambda v: getattr(v, "__name__", "")
)
def test_bases(
    cls: type[BaseException], bases: tuple[type[BaseException], ...]
) -> None:
    for base in bases:
        assert issubclass(cls, base), base


def test_every_exported_error_is_covered() -> None:
    assert {cls.__name__ for cls, _ in BASES} == set(exc.__all__)


def test_timeout_errors_are_caught_as_timeouts() -> None:
    with pytest.raises(asyncio.TimeoutError):
        raise exc.SocketTimeoutError("read timed out")
    # asyncio.TimeoutError is the built-in TimeoutError from Python 3.11 on.
    with pytest.raises(asyncio.TimeoutError):
        raise exc.ConnectionTimeoutError("connect timed out")


def test_client_os_error_keeps_errno() -> None:
    error = exc.ClientOSError(errno.EPIPE, "Broken pipe")
    assert error.errno == errno.EPIPE
    assert error.strerror == "Broken pipe"
    assert error.message == str(error)


def test_plain_message() -> None:
    error = exc.ClientConnectionError("Connection closed")
    assert str(error) == "Connection closed"
    assert error.message == "Connection closed"
    assert exc.ClientError().message == ""


def test_connector_error() -> None:
    os_error = refused()
    error = exc.ClientConnectorError(KEY, os_error)
    assert error.host == "example.com"
    assert error.port == 443
    assert error.ssl is True
    assert error.os_error is os_error
    assert error.errno == errno.ECONNREFUSED
    assert error.args == (KEY, os_error)
    assert str(error) == (
        "Cannot connect to host example.com:443 ssl:default [Connection refused]"
    )
    assert str(exc.ClientConnectorDNSError(PLAIN_KEY, OSError(-2, "Name unknown"))) == (
        "Cannot connect to host example.com:80 ssl:False [Name unknown]"
    )


def test_unix_connector_error() -> None:
    error = exc.UnixClientConnectorError("/run/app.sock", PLAIN_KEY, refused())
    assert error.path == "/run/app.sock"
    assert str(error) == (
        "Cannot connect to unix socket /run/app.sock ssl:False [Connection refused]"
    )


def test_certificate_error() -> None:
    cert_error = ssl.CertificateError("hostname mismatch")
    error = exc.ClientConnectorCertificateError(KEY, cert_error)
    assert error.certificate_error is cert_error
    assert error.ssl is True
    assert error.args == (KEY, cert_error)
    assert str(error) == (
        "Cannot connect to host example.com:443 ssl:True "
        "[SSLCertVerificationError: ('hostname mismatch',)]"
    )
    # A non-OSError cause is still accepted.
    other = exc.ClientConnectorCertificateError(KEY, RuntimeError("bad"))
    assert other.errno is None


def test_server_disconnected_default_message() -> None:
    assert exc.ServerDisconnectedError().message == "Server disconnected"
    assert exc.ServerDisconnectedError().args == ("Server disconnected",)
    assert str(exc.ServerDisconnectedError("gone")) == "gone"


def test_fingerprint_mismatch() -> None:
    error = exc.ServerFingerprintMismatch(b"\x01" * 32, b"\x02" * 32, "h", 443)
    assert (error.expected, error.got, error.host, error.port) == (
        b"\x01" * 32,
        b"\x02" * 32,
        "h",
        443,
    )
    assert repr(error).startswith("<ServerFingerprintMismatch expected=b'\\x01")
    assert "h:443" in str(error)


def test_response_error() -> None:
    headers = CIMultiDict(Server="x")
    error = exc.ClientResponseError(
        INFO, (), status=404, message="Not Found", headers=headers
    )
    assert error.status == 404
    assert error.message == "Not Found"
    assert error.headers is headers
    assert error.request_info is INFO
    assert error.history == ()
    assert error.args == (INFO, ())
    assert str(error) == "404, message='Not Found', url='http://example.com/a#frag'"
    assert repr(error).startswith("ClientResponseError(RequestInfo(")
    assert "status=404, message='Not Found', headers=" in repr(error)
    assert exc.ClientResponseError(INFO, ()).status == 0


def test_response_error_code_is_deprecated() -> None:
    with pytest.warns(DeprecationWarning):
        error = exc.ClientResponseError(INFO, (), code=500)
    assert error.status == 500
    with pytest.warns(DeprecationWarning):
        assert error.code == 500
    with pytest.raises(ValueError, match="Both code and status"):
        exc.ClientResponseError(INFO, (), code=500, status=500)


def test_invalid_url() -> None:
    error = exc.InvalidURL("http://", "No host")
    assert error.url == "http://"
    assert error.description == "No host"
    assert str(error) == "http:// - No host"
    assert repr(error) == "<InvalidURL http:// - No host>"
    bare = exc.InvalidUrlRedirectClientError(URL("ftp://x"))
    assert bare.description is None
    assert str(bare) == "ftp://x"
    assert bare.args == (URL("ftp://x"),)


SAMPLES: list[BaseException] = [
    exc.ClientError("a"),
    exc.ClientConnectionError("closed"),
    exc.ClientConnectionResetError(errno.ECONNRESET, "reset"),
    exc.ClientOSError(errno.EPIPE, "Broken pipe"),
    exc.ClientConnectorError(KEY, refused()),
    exc.ClientConnectorDNSError(KEY, refused()),
    exc.ClientProxyConnectionError(KEY, refused()),
    exc.UnixClientConnectorError("/s", PLAIN_KEY, refused()),
    exc.ClientSSLError(KEY, refused()),
    exc.ClientConnectorSSLError(KEY, refused()),
    exc.ClientConnectorCertificateError(KEY, ssl.CertificateError("mismatch")),
    exc.ServerConnectionError("x"),
    exc.ServerDisconnectedError(),
    exc.ServerTimeoutError("t"),
    exc.ConnectionTimeoutError("t"),
    exc.SocketTimeoutError("t"),
    exc.ServerFingerprintMismatch(b"a" * 32, b"b" * 32, "h", 1),
    exc.ClientResponseError(INFO, (), status=500, message="Oops", headers=None),
    exc.ClientHttpProxyError(INFO, (), status=407, message="Auth"),
    exc.ContentTypeError(INFO, (), message="not json"),
    exc.TooManyRedirects(INFO, (), status=302),
    exc.WSServerHandshakeError(INFO, (), status=200, message="no upgrade"),
    exc.ClientPayloadError("truncated"),
    exc.UploadAbortedError("stopped"),
    exc.InvalidURL("http://", "No host"),
    exc.InvalidUrlClientError("x"),
    exc.RedirectClientError("r"),
    exc.NonHttpUrlClientError("ftp://x"),
    exc.InvalidUrlRedirectClientError("x", "bad"),
    exc.NonHttpUrlRedirectClientError("ftp://x"),
    exc.WSMessageTypeError("expected text"),
]


def test_every_error_has_a_pickling_sample() -> None:
    assert {type(e).__name__ for e in SAMPLES} == set(exc.__all__)


def _state(error: BaseException) -> dict[str, Any]:
    state: dict[str, Any] = {"type": type(error), "args": error.args, "str": str(error)}
    for name in (
        "message", "status", "headers", "host", "port", "ssl", "path",
        "errno", "strerror", "expected", "got", "url", "description",
        "request_info", "history",
    ):  # fmt: skip
        if hasattr(error, name):
            state[name] = getattr(error, name)
    return state


@pytest.mark.parametrize("error", SAMPLES, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle(error: BaseException, protocol: int) -> None:
    error.custom = "kept"  # type: ignore[attr-defined]
    copy = pickle.loads(pickle.dumps(error, protocol))
    assert _state(copy).keys() == _state(error).keys()
    for name, value in _state(error).items():
        if name == "args":
            # OSError causes compare by identity; compare what they say.
            assert [repr(a) for a in copy.args] == [repr(a) for a in value]
        elif isinstance(value, OSError):
            assert repr(getattr(copy, name)) == repr(value)
        else:
            assert _state(copy)[name] == value, name
    assert copy.custom == "kept"
