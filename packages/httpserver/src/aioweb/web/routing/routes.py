"""Route definitions, made before there is a router to put them in.

``web.get("/", handler)`` and friends return a :class:`RouteDef`;
``web.static(...)`` a :class:`StaticDef`; ``app.add_routes([...])`` registers
them. A :class:`RouteTableDef` collects definitions with decorators::

    routes = web.RouteTableDef()

    @routes.get("/users/{id}")
    async def user(request): ...

    app.add_routes(routes)
"""

from __future__ import annotations

import abc
import dataclasses
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

from aioweb.protocol import hdrs

from ..typedefs import Handler
from .route import AbstractRoute
from .static import PathLike
from .views import AbstractView

if TYPE_CHECKING:
    from .dispatcher import UrlDispatcher
    from .resources import AbstractResource

_HandlerT = TypeVar("_HandlerT", bound=Callable[..., Any])


class AbstractRouteDef(abc.ABC):
    """Something :meth:`UrlDispatcher.add_routes` can register."""

    @abc.abstractmethod
    def register(self, router: UrlDispatcher) -> list[AbstractRoute]:
        """Add the definition to ``router``; returns the routes created."""


@dataclasses.dataclass(frozen=True, repr=False)
class RouteDef(AbstractRouteDef):
    """A method, a path and a handler (plus ``add_route`` keyword arguments)."""

    method: str
    path: str
    handler: Handler | type[AbstractView]
    kwargs: dict[str, Any]

    def __repr__(self) -> str:
        info = "".join(f", {name}={value!r}" for name, value in self.kwargs.items())
        return (
            f"<RouteDef {self.method} {self.path} -> {self.handler.__name__!r}{info}>"
        )

    def register(self, router: UrlDispatcher) -> list[AbstractRoute]:
        if self.method in hdrs.METH_ALL:
            add = getattr(router, "add_" + self.method.lower(), None)
            if add is not None:  # add_get knows allow_head
                return [add(self.path, self.handler, **self.kwargs)]
        return [router.add_route(self.method, self.path, self.handler, **self.kwargs)]


@dataclasses.dataclass(frozen=True, repr=False)
class StaticDef(AbstractRouteDef):
    """A URL prefix served from a directory (``add_static`` arguments)."""

    prefix: str
    path: PathLike
    kwargs: dict[str, Any]

    def __repr__(self) -> str:
        info = "".join(f", {name}={value!r}" for name, value in self.kwargs.items())
        return f"<StaticDef {self.prefix} -> {os.fspath(self.path)}{info}>"

    def register(self, router: UrlDispatcher) -> list[AbstractRoute]:
        resource: AbstractResource = router.add_static(
            self.prefix, self.path, **self.kwargs
        )
        return list(resource)


def route(
    method: str, path: str, handler: Handler | type[AbstractView], **kwargs: Any
) -> RouteDef:
    """A route for any method name (``"*"`` for every method)."""
    return RouteDef(method, path, handler, kwargs)


def head(path: str, handler: Handler, **kwargs: Any) -> RouteDef:
    """A ``HEAD`` route."""
    return route(hdrs.METH_HEAD, path, handler, **kwargs)


def options(path: str, handler: Handler, **kwargs: Any) -> RouteDef:
    """An ``OPTIONS`` route."""
    return route(hdrs.METH_OPTIONS, path, handler, **kwargs)


def get(
    path: str,
    handler: Handler,
    *,
    name: str | None = None,
    allow_head: bool = True,
    **kwargs: Any,
) -> RouteDef:
    """A ``GET`` route (with ``HEAD`` unless ``allow_head=False``)."""
    return route(
        hdrs.METH_GET, path, handler, name=name, allow_head=allow_head, **kwargs
    )


def post(path: str, handler: Handler, **kwargs: Any) -> RouteDef:
    """A ``POST`` route."""
    return route(hdrs.METH_POST, path, handler, **kwargs)


def put(path: str, handler: Handler, **kwargs: Any) -> RouteDef:
    """A ``PUT`` route."""
    return route(hdrs.METH_PUT, path, handler, **kwargs)


def patch(path: str, handler: Handler, **kwargs: Any) -> RouteDef:
    """A ``PATCH`` route."""
    return route(hdrs.METH_PATCH, path, handler, **kwargs)


def delete(path: str, handler: Handler, **kwargs: Any) -> RouteDef:
    """A ``DELETE`` route."""
    return route(hdrs.METH_DELETE, path, handler, **kwargs)


def view(path: str, handler: type[AbstractView], **kwargs: Any) -> RouteDef:
    """A class-based view, for every method."""
    return route(hdrs.METH_ANY, path, handler, **kwargs)


def static(prefix: str, path: PathLike, **kwargs: Any) -> StaticDef:
    """Files of directory ``path`` under URL ``prefix``."""
    return StaticDef(prefix, path, kwargs)


class RouteTableDef(Sequence[AbstractRouteDef]):
    """A list of route definitions filled by decorators."""

    def __init__(self) -> None:
        self._items: list[AbstractRouteDef] = []

    def __repr__(self) -> str:
        return f"<RouteTableDef count={len(self._items)}>"

    @overload
    def __getitem__(self, index: int) -> AbstractRouteDef: ...

    @overload
    def __getitem__(self, index: slice) -> list[AbstractRouteDef]: ...

    def __getitem__(
        self, index: int | slice
    ) -> AbstractRouteDef | list[AbstractRouteDef]:
        return self._items[index]

    def __iter__(self) -> Iterator[AbstractRouteDef]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def route(
        self, method: str, path: str, **kwargs: Any
    ) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator: route ``method`` on ``path`` to the decorated handler."""

        def decorator(handler: _HandlerT) -> _HandlerT:
            self._items.append(RouteDef(method, path, handler, kwargs))
            return handler

        return decorator

    def head(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for a ``HEAD`` route."""
        return self.route(hdrs.METH_HEAD, path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for a ``GET`` route (``allow_head``, ``name`` accepted)."""
        return self.route(hdrs.METH_GET, path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for a ``POST`` route."""
        return self.route(hdrs.METH_POST, path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for a ``PUT`` route."""
        return self.route(hdrs.METH_PUT, path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for a ``PATCH`` route."""
        return self.route(hdrs.METH_PATCH, path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for a ``DELETE`` route."""
        return self.route(hdrs.METH_DELETE, path, **kwargs)

    def options(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for an ``OPTIONS`` route."""
        return self.route(hdrs.METH_OPTIONS, path, **kwargs)

    def view(self, path: str, **kwargs: Any) -> Callable[[_HandlerT], _HandlerT]:
        """Decorator for a class-based view."""
        return self.route(hdrs.METH_ANY, path, **kwargs)

    def static(self, prefix: str, path: PathLike, **kwargs: Any) -> None:
        """Add a static files definition."""
        self._items.append(StaticDef(prefix, path, kwargs))


__all__ = (
    "AbstractRouteDef",
    "RouteDef",
    "RouteTableDef",
    "StaticDef",
    "delete",
    "get",
    "head",
    "options",
    "patch",
    "post",
    "put",
    "route",
    "static",
    "view",
)
