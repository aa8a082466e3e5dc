"""Class-based views: one class per resource, one method per HTTP method.

::

    class UserView(web.View):
        async def get(self) -> web.Response: ...
        async def post(self) -> web.Response: ...

    app.router.add_view("/users/{id}", UserView)

The router calls the class with the request and awaits the instance; the
instance runs the method named after the request's method in lower case, or
answers 405 with ``Allow`` listing the methods the class defines.
"""

from __future__ import annotations

import abc
from collections.abc import Generator
from typing import Any, NoReturn

from aioweb.protocol import hdrs

from ..typedefs import Request, Response
from .errors import HTTPMethodNotAllowed


class AbstractView(abc.ABC):
    """A handler written as a class; awaiting an instance runs it.

    Args:
        request: the request being handled.
    """

    def __init__(self, request: Request) -> None:
        self._request = request

    @property
    def request(self) -> Request:
        """The request being handled."""
        return self._request

    @abc.abstractmethod
    def __await__(self) -> Generator[Any, None, Response]:
        """Handle the request."""


class View(AbstractView):
    """Dispatches to the method named after the request's method.

    Only the standard methods (``get``, ``post``, ``put``, ``patch``,
    ``delete``, ``head``, ``options``, ``connect``, ``trace``) are looked up,
    so a helper method such as ``def render(self)`` is never reachable by
    sending ``RENDER``.
    """

    async def _iter(self) -> Response:
        method = self.request.method
        if method not in hdrs.METH_ALL:
            self._raise_allowed_methods()
        handler = getattr(self, method.lower(), None)
        if handler is None:
            self._raise_allowed_methods()
        response: Response = await handler()
        return response

    def __await__(self) -> Generator[Any, None, Response]:
        return self._iter().__await__()

    def _raise_allowed_methods(self) -> NoReturn:
        allowed = {m for m in hdrs.METH_ALL if hasattr(self, m.lower())}
        raise HTTPMethodNotAllowed(self.request.method, allowed)


__all__ = ("AbstractView", "View")
