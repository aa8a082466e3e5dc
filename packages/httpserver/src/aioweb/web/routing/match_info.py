"""The result of routing a request: matched values, route, and app stack.

A successful match is a :class:`UrlMappingMatchInfo`: a ``dict`` of the
path's variables (unquoted) plus the route that will handle the request.
A failed one is a :class:`MatchInfoError`, whose handler raises the HTTP
error (404, 405 with ``Allow``, 400) so that middlewares see it exactly as
they see a handler's own errors.

``apps`` is the stack of applications the request went through, outermost
first; ``current_app`` is the one whose code is running (the application
sets it around each app's middlewares), which is what ``request.app`` is.
"""

from __future__ import annotations

import abc
from collections.abc import Generator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..typedefs import ExpectHandler, Handler
from .errors import HTTPMethodNotAllowed

if TYPE_CHECKING:
    from ..app import Application
    from .route import AbstractRoute


class AbstractMatchInfo(abc.ABC):
    """The interface of a routing result, for custom routers."""

    __slots__ = ()

    @property
    @abc.abstractmethod
    def handler(self) -> Handler:
        """The coroutine function that handles the request."""

    @property
    @abc.abstractmethod
    def expect_handler(self) -> ExpectHandler:
        """Called when the request carries ``Expect``."""

    @property
    @abc.abstractmethod
    def http_exception(self) -> BaseException | None:
        """The HTTP error routing ended with, or ``None`` on a match."""

    @abc.abstractmethod
    def get_info(self) -> dict[str, Any]:
        """Introspection data of the matched resource."""

    @property
    @abc.abstractmethod
    def apps(self) -> tuple[Application, ...]:
        """The applications the request went through, outermost first."""

    @abc.abstractmethod
    def add_app(self, app: Application) -> None:
        """Push an enclosing application onto the stack."""

    @abc.abstractmethod
    def freeze(self) -> None:
        """Forbid further changes of the application stack."""


class UrlMappingMatchInfo(dict[str, str], AbstractMatchInfo):
    """The variables of a matched path, and the route that handles it.

    Args:
        match_dict: the path's variables, unquoted.
        route: the matched route.
    """

    __slots__ = ("_apps", "_current_app", "_frozen", "_route")

    def __init__(self, match_dict: Mapping[str, str], route: AbstractRoute) -> None:
        super().__init__(match_dict)
        self._route = route
        self._apps: list[Application] = []
        self._current_app: Application | None = None
        self._frozen = False

    @property
    def handler(self) -> Handler:
        return self._route.handler

    @property
    def route(self) -> AbstractRoute:
        """The matched route."""
        return self._route

    @property
    def expect_handler(self) -> ExpectHandler:
        return self._route.handle_expect_header

    @property
    def http_exception(self) -> BaseException | None:
        return None

    def get_info(self) -> dict[str, Any]:
        return self._route.get_info()

    @property
    def apps(self) -> tuple[Application, ...]:
        return tuple(self._apps)

    def add_app(self, app: Application) -> None:
        if self._frozen:
            raise RuntimeError("Cannot change apps stack after .freeze() call")
        if self._current_app is None:
            self._current_app = app
        self._apps.insert(0, app)

    @property
    def current_app(self) -> Application:
        """The application whose middleware or handler is running."""
        app = self._current_app
        if app is None:
            raise RuntimeError("The match has not been bound to an application")
        return app

    @current_app.setter
    def current_app(self, app: Application) -> None:
        if app not in self._apps:
            raise RuntimeError(f"Expected one of {self._apps!r}, got {app!r}")
        self._current_app = app

    @contextmanager
    def set_current_app(self, app: Application) -> Generator[None, None, None]:
        """Make ``app`` current for the duration of a ``with`` block."""
        previous = self.current_app
        self.current_app = app
        try:
            yield
        finally:
            self.current_app = previous

    def freeze(self) -> None:
        self._frozen = True

    def _bind(self, app: Application) -> None:
        """``add_app(app)`` and ``freeze()`` of a fresh match, in one call."""
        if self._frozen:
            raise RuntimeError("Cannot change apps stack after .freeze() call")
        if self._current_app is None:
            self._current_app = app
        self._apps.insert(0, app)
        self._frozen = True

    def __repr__(self) -> str:
        return f"<MatchInfo {dict.__repr__(self)}: {self._route}>"


class MatchInfoError(UrlMappingMatchInfo):
    """A failed match: its handler raises ``http_exception``.

    Args:
        http_exception: the HTTP error to answer with (404, 405, 400).
    """

    __slots__ = ("_exception",)

    def __init__(self, http_exception: BaseException) -> None:
        from .route import SystemRoute  # route imports this module

        self._exception = http_exception
        super().__init__({}, SystemRoute(http_exception))

    @property
    def http_exception(self) -> BaseException:
        return self._exception

    @property
    def status(self) -> int:
        """The HTTP status of the error."""
        status = getattr(self._exception, "status", None)
        return status if isinstance(status, int) else 500

    @property
    def allowed_methods(self) -> frozenset[str]:
        """For a 405, the methods the path accepts (the ``Allow`` header)."""
        if isinstance(self._exception, HTTPMethodNotAllowed):
            return frozenset(self._exception.allowed_methods)
        return frozenset()

    def __repr__(self) -> str:
        reason = getattr(self._exception, "reason", "")
        return f"<MatchInfoError {self.status}: {reason}>"


__all__ = ("AbstractMatchInfo", "MatchInfoError", "UrlMappingMatchInfo")
