"""The router: resources registered in order, resolved through an index.

How this works: every resource has an *index key*, the static part of its
path up to the last ``/`` before a variable (``/users/{id}`` → ``/users``;
``/about`` → ``/about``; a prefix resource → its prefix). Resolving a path
looks the path up in a dict of keys, then each shorter prefix of it, one
segment at a time, down to ``/``: the longest static prefix is tried first,
and within one key resources are tried in registration order. A request
touches only the resources that share a prefix with its path, so hundreds of
routes cost a handful of dict lookups, not a scan. Paths deeper than the
deepest key start the walk at that depth.

Domain sub-applications match on ``Host`` rather than on a path, so they are
tried first, in order (there are few of them).

Nothing found: 405 with ``Allow`` if some resource matched the path with
another method, else 404 (or 400 for a path with broken percent-escapes).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sized
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from aioweb.protocol import hdrs

from ..typedefs import ExpectHandler, Handler, ResolvableRequest
from .errors import HTTPBadRequest, HTTPMethodNotAllowed, HTTPNotFound
from .match_info import MatchInfoError, UrlMappingMatchInfo
from .paths import InvalidPath, decode_path
from .resources import (
    ROUTE_RE,
    AbstractResource,
    DynamicResource,
    PlainResource,
    Resolution,
    Resource,
)
from .route import AbstractRoute
from .static import DEFAULT_CHUNK_SIZE, PathLike, StaticResource
from .subapps import MatchedSubAppResource

if TYPE_CHECKING:
    from .routes import AbstractRouteDef
    from .views import AbstractView

_NAME_SPLIT: Final = re.compile(r"[.:-]")
#: The most recent matches a frozen router keeps (emptied when full, so a
#: client sending ever new paths costs a dictionary insertion each).
_MATCHES_CACHED: Final = 256
_SyncResolve = Callable[[str, str], Resolution]


class ResourcesView(Sized, Iterable[AbstractResource], Container[AbstractResource]):
    """A live, read-only view of the router's resources."""

    def __init__(self, resources: list[AbstractResource]) -> None:
        self._resources = resources

    def __len__(self) -> int:
        return len(self._resources)

    def __iter__(self) -> Iterator[AbstractResource]:
        return iter(self._resources)

    def __contains__(self, resource: object) -> bool:
        return resource in self._resources


class RoutesView(Sized, Iterable[AbstractRoute], Container[AbstractRoute]):
    """A read-only snapshot of every route of every resource."""

    def __init__(self, resources: list[AbstractResource]) -> None:
        self._routes = [route for resource in resources for route in resource]

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self._routes)

    def __contains__(self, route: object) -> bool:
        return route in self._routes


class UrlDispatcher(Mapping[str, AbstractResource]):
    """Resources and routes of one application; a mapping of named resources.

    ``router["name"]`` is the resource registered under ``name``.
    """

    def __init__(self) -> None:
        self._resources: list[AbstractResource] = []
        self._named_resources: dict[str, AbstractResource] = {}
        # key -> [(resource, its synchronous matcher or None)]
        self._index: dict[str, list[tuple[AbstractResource, _SyncResolve | None]]] = {}
        self._domain_resources: list[MatchedSubAppResource] = []
        self._max_depth = 0
        self._frozen = False
        # (method, raw path) -> (route, variables) of recent synchronous
        # matches, once frozen: a path asked for again is not matched again.
        self._matches: dict[tuple[str, str], tuple[AbstractRoute, dict[str, str]]] = {}

    # -- resolving ---------------------------------------------------------

    async def resolve(self, request: ResolvableRequest) -> UrlMappingMatchInfo:
        """Match the request against the routes.

        Returns:
            The match; on failure a :class:`MatchInfoError` whose handler
            raises 404, 405 (with ``Allow``) or 400.
        """
        try:
            path = decode_path(request.rel_url.raw_path)
        except InvalidPath as error:
            return MatchInfoError(HTTPBadRequest(text=str(error)))
        return await self.resolve_path(request, path)

    async def resolve_path(
        self, request: ResolvableRequest, path: str
    ) -> UrlMappingMatchInfo:
        """Match a path already decoded to the router's safe form."""
        allowed: set[str] = set()
        for domain in self._domain_resources:
            match_info, methods = await domain.resolve_path(request, path)
            if match_info is not None:
                return match_info
            allowed |= methods

        index = self._index
        part = self._first_key(path)
        while part:
            for resource, resolve_sync in index.get(part, ()):
                if resolve_sync is not None:  # no coroutine for the common case
                    match_info, methods = resolve_sync(request.method, path)
                else:
                    match_info, methods = await resource.resolve_path(request, path)
                if match_info is not None:
                    return match_info
                allowed |= methods
            if part == "/":
                break
            part = part.rpartition("/")[0] or "/"

        if allowed:
            return MatchInfoError(HTTPMethodNotAllowed(request.method, allowed))
        return MatchInfoError(HTTPNotFound())

    def _first_key(self, path: str) -> str:
        if path.count("/") > self._max_depth:
            # No key is deeper than _max_depth segments: start there.
            cut = -1
            for _ in range(self._max_depth + 1):
                cut = path.find("/", cut + 1)
            return path[:cut] or "/"
        return path

    def _match_now(self, method: str, raw_path: str) -> UrlMappingMatchInfo | None:
        """The match found without awaiting anything, if there is one.

        The common case (plain and dynamic resources) needs no coroutine;
        None sends the caller to :meth:`resolve`, which also answers the
        failures (404, 405, 400) and the resources that must be awaited
        (domain sub-applications, custom resources).
        """
        if self._domain_resources:
            return None
        key = (method, raw_path)
        known = self._matches.get(key)
        if known is not None:
            return UrlMappingMatchInfo(known[1], known[0])
        try:
            path = decode_path(raw_path)
        except InvalidPath:
            return None
        index = self._index
        part = self._first_key(path)
        while part:
            for _resource, resolve_sync in index.get(part, ()):
                if resolve_sync is None:
                    return None
                match_info = resolve_sync(method, path)[0]
                if match_info is not None:
                    if self._frozen:  # no route can be added any more
                        if len(self._matches) >= _MATCHES_CACHED:
                            self._matches.clear()
                        self._matches[key] = (match_info.route, dict(match_info))
                    return match_info
            if part == "/":
                break
            part = part.rpartition("/")[0] or "/"
        return None

    # -- the mapping of named resources -------------------------------------

    def __iter__(self) -> Iterator[str]:
        return iter(self._named_resources)

    def __len__(self) -> int:
        return len(self._named_resources)

    def __contains__(self, name: object) -> bool:
        return name in self._named_resources

    def __getitem__(self, name: str) -> AbstractResource:
        return self._named_resources[name]

    def resources(self) -> ResourcesView:
        """Every resource, in registration order."""
        return ResourcesView(self._resources)

    def routes(self) -> RoutesView:
        """Every route of every resource."""
        return RoutesView(self._resources)

    def named_resources(self) -> Mapping[str, AbstractResource]:
        """Read-only mapping of names to resources."""
        return MappingProxyType(self._named_resources)

    # -- registering -------------------------------------------------------

    @property
    def frozen(self) -> bool:
        """Whether routes can no longer be added."""
        return self._frozen

    def freeze(self) -> None:
        """Forbid further registrations (the application is starting)."""
        self._frozen = True
        for resource in self._resources:
            resource.freeze()

    def register_resource(self, resource: AbstractResource) -> None:
        """Add a resource built elsewhere.

        Raises:
            RuntimeError: the router is frozen.
            ValueError: the name is not dotted identifiers, is a keyword, or
                is taken.
        """
        if not isinstance(resource, AbstractResource):
            raise TypeError(f"Instance of AbstractResource required, got {resource!r}")
        if self._frozen:
            raise RuntimeError("Cannot register a resource into frozen router.")
        name = resource.name
        if name is not None:
            for part in _NAME_SPLIT.split(name):
                if keyword.iskeyword(part):
                    raise ValueError(
                        f"Incorrect route name {name!r}, "
                        "python keywords cannot be used for route name"
                    )
                if not part.isidentifier():
                    raise ValueError(
                        f"Incorrect route name {name!r}, the name should be a "
                        "sequence of python identifiers separated by dash, dot "
                        "or column"
                    )
            if name in self._named_resources:
                raise ValueError(
                    f"Duplicate {name!r}, already handled by "
                    f"{self._named_resources[name]!r}"
                )
            self._named_resources[name] = resource
        self._resources.append(resource)
        if isinstance(resource, MatchedSubAppResource):
            self._domain_resources.append(resource)
        else:
            self._index_resource(resource)

    def _index_resource(self, resource: AbstractResource) -> None:
        key = resource.index_key
        resolve_sync = None
        if (
            isinstance(resource, Resource)
            and type(resource).resolve_path is Resource.resolve_path
        ):
            resolve_sync = resource._resolve
        self._index.setdefault(key, []).append((resource, resolve_sync))
        if key != "/":
            self._max_depth = max(self._max_depth, key.count("/"))

    def _add_prefix(self, prefix: str) -> None:
        """Prefix every resource (this router is being mounted), and re-index."""
        self._index.clear()
        self._max_depth = 0
        for resource in self._resources:
            resource.add_prefix(prefix)
            if not isinstance(resource, MatchedSubAppResource):
                self._index_resource(resource)

    def add_resource(self, path: str, *, name: str | None = None) -> Resource:
        """A plain or dynamic resource for ``path`` (the last one is reused
        when path and name are the same, so ``add_get`` + ``add_post`` on one
        path share a resource).

        Raises:
            ValueError: the path does not start with ``/`` (nor is empty).
        """
        if path and not path.startswith("/"):
            raise ValueError("path should be started with / or be empty")
        if self._resources:
            last = self._resources[-1]
            if (
                isinstance(last, Resource)
                and last.name == name
                and last.raw_match(path)
            ):
                return last
        resource: Resource
        if "{" in path or "}" in path or ROUTE_RE.search(path):
            resource = DynamicResource(path, name=name)
        else:
            resource = PlainResource(path, name=name)
        self.register_resource(resource)
        return resource

    def add_route(
        self,
        method: str,
        path: str,
        handler: Handler | type[AbstractView],
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
    ) -> AbstractRoute:
        """Route ``method`` on ``path`` to ``handler``."""
        resource = self.add_resource(path, name=name)
        return resource.add_route(method, handler, expect_handler=expect_handler)

    def add_static(
        self,
        prefix: str,
        path: PathLike,
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        show_index: bool = False,
        follow_symlinks: bool = False,
        append_version: bool = False,
    ) -> StaticResource:
        """Serve the files of directory ``path`` under URL ``prefix``."""
        if not prefix.startswith("/"):
            raise ValueError("prefix should be started with /")
        resource = StaticResource(
            prefix.rstrip("/"),
            path,
            name=name,
            expect_handler=expect_handler,
            chunk_size=chunk_size,
            show_index=show_index,
            follow_symlinks=follow_symlinks,
            append_version=append_version,
        )
        self.register_resource(resource)
        return resource

    def add_head(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        """Route ``HEAD``."""
        return self.add_route(hdrs.METH_HEAD, path, handler, **kwargs)

    def add_options(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        """Route ``OPTIONS``."""
        return self.add_route(hdrs.METH_OPTIONS, path, handler, **kwargs)

    def add_get(
        self,
        path: str,
        handler: Handler,
        *,
        name: str | None = None,
        allow_head: bool = True,
        **kwargs: Any,
    ) -> AbstractRoute:
        """Route ``GET`` (and ``HEAD`` to the same handler, unless
        ``allow_head=False``)."""
        resource = self.add_resource(path, name=name)
        if allow_head:
            resource.add_route(hdrs.METH_HEAD, handler, **kwargs)
        return resource.add_route(hdrs.METH_GET, handler, **kwargs)

    def add_post(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        """Route ``POST``."""
        return self.add_route(hdrs.METH_POST, path, handler, **kwargs)

    def add_put(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        """Route ``PUT``."""
        return self.add_route(hdrs.METH_PUT, path, handler, **kwargs)

    def add_patch(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        """Route ``PATCH``."""
        return self.add_route(hdrs.METH_PATCH, path, handler, **kwargs)

    def add_delete(self, path: str, handler: Handler, **kwargs: Any) -> AbstractRoute:
        """Route ``DELETE``."""
        return self.add_route(hdrs.METH_DELETE, path, handler, **kwargs)

    def add_view(
        self, path: str, handler: type[AbstractView], **kwargs: Any
    ) -> AbstractRoute:
        """Route every method to a class-based view."""
        return self.add_route(hdrs.METH_ANY, path, handler, **kwargs)

    def add_routes(self, routes: Iterable[AbstractRouteDef]) -> list[AbstractRoute]:
        """Register route definitions (a ``RouteTableDef``, or a list of
        ``web.get(...)`` and the like); returns the routes created."""
        registered: list[AbstractRoute] = []
        for route_def in routes:
            registered.extend(route_def.register(self))
        return registered


__all__ = ("ResourcesView", "RoutesView", "UrlDispatcher")
