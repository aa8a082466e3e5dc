"""Routes: one method of one resource, bound to a handler.

A handler is a coroutine function ``async def handler(request)`` or a
class-based view (a subclass of :class:`~aioweb.web.View`); anything else is
refused when the route is added, not when the first request arrives.
"""

from __future__ import annotations

import abc
import inspect
import re
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from yarl import URL

from aioweb.protocol import hdrs

from ..typedefs import ExpectHandler, Handler, Request, Response
from .errors import HTTPExpectationFailed
from .views import AbstractView

if TYPE_CHECKING:
    from .resources import AbstractResource

# RFC 9110 §9.1: method = token; token = 1*tchar (§5.6.2).
_METHOD_RE: Final = re.compile(r"[0-9A-Za-z!#$%&'*+\-.^_`|~]+")


async def default_expect_handler(request: Request) -> Response | None:
    """Answer ``Expect: 100-continue``; refuse other expectations with 417.

    RFC 9110 §10.1.1: a server that will read the body of an HTTP/1.1
    request with ``100-continue`` sends the interim ``100 Continue`` first.
    HTTP/1.0 clients do not understand 1xx answers, so they get nothing.
    """
    expect = request.headers.get(hdrs.EXPECT, "")
    if tuple(request.version) >= (1, 1):
        if expect.lower() != "100-continue":
            raise HTTPExpectationFailed(text=f"Unknown Expect: {expect}")
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    return None


async def _no_continue(request: Request) -> Response | None:
    # RFC 9110 §10.1.1 lets a server answer with the final status instead of
    # 100 Continue; for a routing error there is no point in the body.
    return None


def _is_coroutine_function(obj: object) -> bool:
    while isinstance(obj, partial):
        obj = obj.func
    if inspect.iscoroutinefunction(obj):
        return True
    # An instance whose class defines ``async def __call__``.
    if not callable(obj) or inspect.isclass(obj):
        return False
    return inspect.iscoroutinefunction(type(obj).__call__)


class AbstractRoute(abc.ABC):
    """A method of a resource bound to a handler.

    Args:
        method: an HTTP method (a token) or ``"*"`` for any method.
        handler: a coroutine function or a :class:`~aioweb.web.View` subclass.
        expect_handler: called for requests with ``Expect``; the default
            answers ``100-continue``.
        resource: the resource the route belongs to.

    Raises:
        ValueError: the method is not a token.
        TypeError: the handler is neither a coroutine function nor a view.
    """

    def __init__(
        self,
        method: str,
        handler: Handler | type[AbstractView],
        *,
        expect_handler: ExpectHandler | None = None,
        resource: AbstractResource | None = None,
    ) -> None:
        if expect_handler is None:
            expect_handler = default_expect_handler
        if not _is_coroutine_function(expect_handler):
            raise TypeError(f"Coroutine is expected, got {expect_handler!r}")
        method = method.upper()
        if _METHOD_RE.fullmatch(method) is None:
            raise ValueError(f"{method} is not allowed HTTP method")
        is_view = isinstance(handler, type) and issubclass(handler, AbstractView)
        if not (is_view or _is_coroutine_function(handler)):
            raise TypeError(
                f"Only async functions are allowed as web-handlers, got {handler!r}"
            )
        self._method = method
        self._handler: Handler = handler  # a view class is called like a handler
        self._expect_handler = expect_handler
        self._resource = resource

    @property
    def method(self) -> str:
        """The method, upper case, or ``"*"``."""
        return self._method

    @property
    def handler(self) -> Handler:
        """The handler (a view class is called like a handler)."""
        return self._handler

    @property
    @abc.abstractmethod
    def name(self) -> str | None:
        """The name of the route's resource."""

    @property
    def resource(self) -> AbstractResource | None:
        """The resource the route belongs to."""
        return self._resource

    @abc.abstractmethod
    def get_info(self) -> dict[str, Any]:
        """Introspection data of the route's resource."""

    @abc.abstractmethod
    def url_for(self, *args: str, **kwargs: str) -> URL:
        """The URL of the route's resource."""

    async def handle_expect_header(self, request: Request) -> Response | None:
        """Run the route's expect handler."""
        return await self._expect_handler(request)


class ResourceRoute(AbstractRoute):
    """A route of a :class:`~aioweb.web.Resource`."""

    def __init__(
        self,
        method: str,
        handler: Handler | type[AbstractView],
        resource: AbstractResource,
        *,
        expect_handler: ExpectHandler | None = None,
    ) -> None:
        super().__init__(
            method, handler, expect_handler=expect_handler, resource=resource
        )

    def __repr__(self) -> str:
        return f"<ResourceRoute [{self.method}] {self._resource} -> {self.handler!r}>"

    @property
    def name(self) -> str | None:
        return None if self._resource is None else self._resource.name

    def url_for(self, *args: str, **kwargs: str) -> URL:
        assert self._resource is not None
        return self._resource.url_for(*args, **kwargs)

    def get_info(self) -> dict[str, Any]:
        assert self._resource is not None
        return self._resource.get_info()


class SystemRoute(AbstractRoute):
    """The route of a failed match: its handler raises the HTTP error."""

    def __init__(self, http_exception: BaseException) -> None:
        # Built for every failed match: skip the checks of user handlers.
        self._http_exception = http_exception
        self._method = hdrs.METH_ANY
        self._handler = self._raise
        self._expect_handler = _no_continue
        self._resource = None

    async def _raise(self, request: Request) -> Response:
        raise self._http_exception

    @property
    def name(self) -> None:
        return None

    def url_for(self, *args: str, **kwargs: str) -> URL:
        raise RuntimeError(".url_for() is not allowed for SystemRoute")

    def get_info(self) -> dict[str, Any]:
        return {"http_exception": self._http_exception}

    @property
    def status(self) -> int:
        """The HTTP status of the error."""
        status = getattr(self._http_exception, "status", 500)
        return status if isinstance(status, int) else 500

    @property
    def reason(self) -> str:
        """The reason phrase of the error."""
        return str(getattr(self._http_exception, "reason", ""))

    def __repr__(self) -> str:
        return f"<SystemRoute {self.status}: {self.reason}>"


__all__ = ("AbstractRoute", "ResourceRoute", "SystemRoute", "default_expect_handler")
