"""Every HTTP status as an exception a handler raises (or returns).

**These are exceptions, not responses.** In aiohttp 3.x ``HTTPNotFound`` and
its siblings are also ``Response`` objects. Here they are plain exceptions
that carry what a response needs (``status``, ``reason``, ``headers``,
``text``/``body``, ``content_type``); the request handler turns one into a
:class:`~aioweb.web.Response` whether the handler raises it or returns it,
so aiohttp code that does either keeps working. What does not carry over is
treating one as a response object (``exc.set_cookie(...)``, ``await
exc.prepare(request)``): set headers in ``headers=`` instead.

::

    AiowebError                              (aioweb.protocol)
     └── HTTPException                       status, reason, headers, text, body
          ├── HTTPError
          │    ├── HTTPClientError           4xx
          │    │    ├── HTTPBadRequest ... HTTPUnavailableForLegalReasons
          │    │    ├── HTTPMethodNotAllowed (method, allowed_methods) → Allow
          │    │    └── HTTPRequestEntityTooLarge (max_size, actual_size)
          │    └── HTTPServerError           5xx
          ├── HTTPSuccessful                 2xx (HTTPOk, HTTPCreated, ...)
          └── HTTPRedirection                3xx
               ├── HTTPMove                  (location) → Location
               │    └── HTTPMovedPermanently, HTTPFound, HTTPSeeOther, ...
               └── HTTPNotModified

A status of 204, 205 or 304 has no body (``empty_body``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any, ClassVar

from multidict import CIMultiDict
from yarl import URL

from aioweb.protocol import AiowebError

__all__ = (
    "HTTPException",
    "HTTPError",
    "HTTPRedirection",
    "HTTPSuccessful",
    "HTTPOk",
    "HTTPCreated",
    "HTTPAccepted",
    "HTTPNonAuthoritativeInformation",
    "HTTPNoContent",
    "HTTPResetContent",
    "HTTPPartialContent",
    "HTTPMove",
    "HTTPMultipleChoices",
    "HTTPMovedPermanently",
    "HTTPFound",
    "HTTPSeeOther",
    "HTTPNotModified",
    "HTTPUseProxy",
    "HTTPTemporaryRedirect",
    "HTTPPermanentRedirect",
    "HTTPClientError",
    "HTTPBadRequest",
    "HTTPUnauthorized",
    "HTTPPaymentRequired",
    "HTTPForbidden",
    "HTTPNotFound",
    "HTTPMethodNotAllowed",
    "HTTPNotAcceptable",
    "HTTPProxyAuthenticationRequired",
    "HTTPRequestTimeout",
    "HTTPConflict",
    "HTTPGone",
    "HTTPLengthRequired",
    "HTTPPreconditionFailed",
    "HTTPRequestEntityTooLarge",
    "HTTPRequestURITooLong",
    "HTTPUnsupportedMediaType",
    "HTTPRequestRangeNotSatisfiable",
    "HTTPExpectationFailed",
    "HTTPMisdirectedRequest",
    "HTTPUnprocessableEntity",
    "HTTPFailedDependency",
    "HTTPUpgradeRequired",
    "HTTPPreconditionRequired",
    "HTTPTooManyRequests",
    "HTTPRequestHeaderFieldsTooLarge",
    "HTTPUnavailableForLegalReasons",
    "HTTPServerError",
    "HTTPInternalServerError",
    "HTTPNotImplemented",
    "HTTPBadGateway",
    "HTTPServiceUnavailable",
    "HTTPGatewayTimeout",
    "HTTPVersionNotSupported",
    "HTTPVariantAlsoNegotiates",
    "HTTPInsufficientStorage",
    "HTTPNotExtended",
    "HTTPNetworkAuthenticationRequired",
    "exception_for_status",
)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class HTTPException(AiowebError):
    """An HTTP answer, raised (or returned) by a handler; not a response object.

    Args:
        headers: response headers.
        reason: the reason phrase; the status's standard phrase by default.
        body: the response body as bytes (exclusive with ``text``).
        text: the response body as text; ``"<status>: <reason>"`` by default
            (none for a status without a body).
        content_type: the body's media type; ``text/plain`` for the default
            text.

    Raises:
        ValueError: both ``body`` and ``text`` are given.
    """

    status_code: ClassVar[int] = -1
    empty_body: ClassVar[bool] = False

    def __init__(
        self,
        *,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        reason: str | None = None,
        body: bytes | None = None,
        text: str | None = None,
        content_type: str | None = None,
    ) -> None:
        if body is not None and text is not None:
            raise ValueError("body and text are not allowed together")
        if type(self).status_code < 0:
            raise TypeError(f"{type(self).__name__} has no status; use a subclass")
        self.reason: str = reason if reason is not None else _phrase(self.status_code)
        super().__init__(self.reason, status=self.status_code)
        self.headers: CIMultiDict[str] = CIMultiDict(headers or ())
        self.body: bytes | None = body
        self.text: str | None = text
        if self.empty_body:
            self.body = self.text = None
            self.headers.popall("Content-Type", None)
        elif body is None and text is None:
            self.text = f"{self.status_code}: {self.reason}"
            if content_type is None and "Content-Type" not in self.headers:
                content_type = "text/plain"
        if content_type is not None:
            self.headers["Content-Type"] = content_type
        self.content_type: str | None = self.headers.get("Content-Type")

    def __str__(self) -> str:
        return self.reason

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.reason}>"


class HTTPError(HTTPException):
    """Base of 4xx and 5xx answers."""


class HTTPRedirection(HTTPException):
    """Base of 3xx answers."""


class HTTPSuccessful(HTTPException):
    """Base of 2xx answers."""


class HTTPOk(HTTPSuccessful):
    """200 OK."""

    status_code = 200


class HTTPCreated(HTTPSuccessful):
    """201 Created."""

    status_code = 201


class HTTPAccepted(HTTPSuccessful):
    """202 Accepted."""

    status_code = 202


class HTTPNonAuthoritativeInformation(HTTPSuccessful):
    """203 Non-Authoritative Information."""

    status_code = 203


class HTTPNoContent(HTTPSuccessful):
    """204 No Content (no body, RFC 9110 §15.3.5)."""

    status_code = 204
    empty_body = True


class HTTPResetContent(HTTPSuccessful):
    """205 Reset Content (no body, RFC 9110 §15.3.6)."""

    status_code = 205
    empty_body = True


class HTTPPartialContent(HTTPSuccessful):
    """206 Partial Content."""

    status_code = 206


class HTTPMove(HTTPRedirection):
    """A redirect: ``location`` becomes the ``Location`` header.

    Args:
        location: where the client should go.

    Raises:
        ValueError: ``location`` is empty.
    """

    def __init__(
        self,
        location: str | URL,
        *,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        reason: str | None = None,
        body: bytes | None = None,
        text: str | None = None,
        content_type: str | None = None,
    ) -> None:
        if not str(location):
            raise ValueError("HTTP redirects need a location to redirect to.")
        super().__init__(
            headers=headers,
            reason=reason,
            body=body,
            text=text,
            content_type=content_type,
        )
        self.headers["Location"] = str(location)
        self.location = location


class HTTPMultipleChoices(HTTPMove):
    """300 Multiple Choices."""

    status_code = 300


class HTTPMovedPermanently(HTTPMove):
    """301 Moved Permanently."""

    status_code = 301


class HTTPFound(HTTPMove):
    """302 Found."""

    status_code = 302


class HTTPSeeOther(HTTPMove):
    """303 See Other."""

    status_code = 303


class HTTPNotModified(HTTPRedirection):
    """304 Not Modified (no body, RFC 9110 §15.4.5)."""

    status_code = 304
    empty_body = True


class HTTPUseProxy(HTTPMove):
    """305 Use Proxy (deprecated by RFC 9110 §15.4.6; kept for aiohttp code)."""

    status_code = 305


class HTTPTemporaryRedirect(HTTPMove):
    """307 Temporary Redirect."""

    status_code = 307


class HTTPPermanentRedirect(HTTPMove):
    """308 Permanent Redirect."""

    status_code = 308


class HTTPClientError(HTTPError):
    """Base of 4xx answers."""


class HTTPBadRequest(HTTPClientError):
    """400 Bad Request."""

    status_code = 400


class HTTPUnauthorized(HTTPClientError):
    """401 Unauthorized."""

    status_code = 401


class HTTPPaymentRequired(HTTPClientError):
    """402 Payment Required."""

    status_code = 402


class HTTPForbidden(HTTPClientError):
    """403 Forbidden."""

    status_code = 403


class HTTPNotFound(HTTPClientError):
    """404 Not Found."""

    status_code = 404


class HTTPMethodNotAllowed(HTTPClientError):
    """405 Method Not Allowed, with ``Allow`` (RFC 9110 §15.5.6).

    Args:
        method: the request's method.
        allowed_methods: the methods the resource supports.
    """

    status_code = 405

    def __init__(
        self,
        method: str,
        allowed_methods: Iterable[str],
        *,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        reason: str | None = None,
        body: bytes | None = None,
        text: str | None = None,
        content_type: str | None = None,
    ) -> None:
        allowed = set(allowed_methods)
        super().__init__(
            headers=headers,
            reason=reason,
            body=body,
            text=text,
            content_type=content_type,
        )
        self.headers["Allow"] = ",".join(sorted(allowed))
        self.method = method.upper()
        self.allowed_methods = allowed


class HTTPNotAcceptable(HTTPClientError):
    """406 Not Acceptable."""

    status_code = 406


class HTTPProxyAuthenticationRequired(HTTPClientError):
    """407 Proxy Authentication Required."""

    status_code = 407


class HTTPRequestTimeout(HTTPClientError):
    """408 Request Timeout."""

    status_code = 408


class HTTPConflict(HTTPClientError):
    """409 Conflict."""

    status_code = 409


class HTTPGone(HTTPClientError):
    """410 Gone."""

    status_code = 410


class HTTPLengthRequired(HTTPClientError):
    """411 Length Required."""

    status_code = 411


class HTTPPreconditionFailed(HTTPClientError):
    """412 Precondition Failed."""

    status_code = 412


class HTTPRequestEntityTooLarge(HTTPClientError):
    """413 Content Too Large: a body passed ``client_max_size``.

    Args:
        max_size: the limit, in bytes.
        actual_size: the size seen when the limit was passed (at least; the
            rest of the body was not read).
    """

    status_code = 413

    def __init__(self, max_size: float, actual_size: float, **kwargs: Any) -> None:
        kwargs.setdefault(
            "text",
            f"Maximum request body size {max_size} exceeded, "
            f"actual body size {actual_size}",
        )
        super().__init__(**kwargs)
        self.max_size = max_size
        self.actual_size = actual_size


class HTTPRequestURITooLong(HTTPClientError):
    """414 URI Too Long."""

    status_code = 414


class HTTPUnsupportedMediaType(HTTPClientError):
    """415 Unsupported Media Type."""

    status_code = 415


class HTTPRequestRangeNotSatisfiable(HTTPClientError):
    """416 Range Not Satisfiable."""

    status_code = 416


class HTTPExpectationFailed(HTTPClientError):
    """417 Expectation Failed."""

    status_code = 417


class HTTPMisdirectedRequest(HTTPClientError):
    """421 Misdirected Request."""

    status_code = 421


class HTTPUnprocessableEntity(HTTPClientError):
    """422 Unprocessable Content."""

    status_code = 422


class HTTPFailedDependency(HTTPClientError):
    """424 Failed Dependency."""

    status_code = 424


class HTTPUpgradeRequired(HTTPClientError):
    """426 Upgrade Required."""

    status_code = 426


class HTTPPreconditionRequired(HTTPClientError):
    """428 Precondition Required."""

    status_code = 428


class HTTPTooManyRequests(HTTPClientError):
    """429 Too Many Requests."""

    status_code = 429


class HTTPRequestHeaderFieldsTooLarge(HTTPClientError):
    """431 Request Header Fields Too Large."""

    status_code = 431


class HTTPUnavailableForLegalReasons(HTTPClientError):
    """451 Unavailable For Legal Reasons (RFC 7725).

    Args:
        link: the blocking authority; sent as ``Link: <link>; rel="blocked-by"``.
    """

    status_code = 451

    def __init__(
        self,
        link: str | URL | None,
        *,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        reason: str | None = None,
        body: bytes | None = None,
        text: str | None = None,
        content_type: str | None = None,
    ) -> None:
        super().__init__(
            headers=headers,
            reason=reason,
            body=body,
            text=text,
            content_type=content_type,
        )
        self._link = None if link is None else URL(link)
        if self._link is not None:
            self.headers["Link"] = f'<{self._link}>; rel="blocked-by"'

    @property
    def link(self) -> URL | None:
        """The blocking authority, if given."""
        return self._link


class HTTPServerError(HTTPError):
    """Base of 5xx answers."""


class HTTPInternalServerError(HTTPServerError):
    """500 Internal Server Error."""

    status_code = 500


class HTTPNotImplemented(HTTPServerError):
    """501 Not Implemented."""

    status_code = 501


class HTTPBadGateway(HTTPServerError):
    """502 Bad Gateway."""

    status_code = 502


class HTTPServiceUnavailable(HTTPServerError):
    """503 Service Unavailable."""

    status_code = 503


class HTTPGatewayTimeout(HTTPServerError):
    """504 Gateway Timeout."""

    status_code = 504


class HTTPVersionNotSupported(HTTPServerError):
    """505 HTTP Version Not Supported."""

    status_code = 505


class HTTPVariantAlsoNegotiates(HTTPServerError):
    """506 Variant Also Negotiates."""

    status_code = 506


class HTTPInsufficientStorage(HTTPServerError):
    """507 Insufficient Storage."""

    status_code = 507


class HTTPNotExtended(HTTPServerError):
    """510 Not Extended."""

    status_code = 510


class HTTPNetworkAuthenticationRequired(HTTPServerError):
    """511 Network Authentication Required."""

    status_code = 511


def exception_for_status(status: int) -> type[HTTPException] | None:
    """The exception class of ``status``, or None for a status without one."""
    return _BY_STATUS.get(status)


_BY_STATUS: dict[int, type[HTTPException]] = {
    cls.status_code: cls
    for cls in list(globals().values())
    if isinstance(cls, type)
    and issubclass(cls, HTTPException)
    and cls.__dict__.get("status_code", -1) > 0
}
