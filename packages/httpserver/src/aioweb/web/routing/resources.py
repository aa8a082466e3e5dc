"""Resources: what a path matches, holding one route per method.

* :class:`PlainResource` matches one exact path (``/about``).
* :class:`DynamicResource` matches a pattern with variables: ``{name}`` (one
  segment), ``{name:regex}`` (a regular expression, which may span
  segments, e.g. ``{tail:.*}``).
* :class:`PrefixResource` matches a path prefix; the static files and
  sub-application resources build on it.

Paths are matched in the safe decoded form described in
:mod:`aioweb.web.routing.paths`. Each resource also tells the router its
*index key* (the static part of its path before any variable, cut at a
``/``), which lets the router look up candidate resources by path prefix
instead of trying every resource in turn.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Iterator, Sized
from typing import TYPE_CHECKING, Any, Final

from yarl import URL

from aioweb.protocol import hdrs

from ..typedefs import ExpectHandler, Handler, ResolvableRequest
from .match_info import UrlMappingMatchInfo
from .paths import InvalidPath, decode_path, quote_path, quote_segment, to_safe_form
from .paths import unquote_value as _unquote
from .route import AbstractRoute, ResourceRoute

if TYPE_CHECKING:
    from .views import AbstractView

#: What ``resolve`` returns: a match (or ``None``) and the methods the
#: resource would have accepted for the path (for 405's ``Allow``).
Resolution = tuple[UrlMappingMatchInfo | None, set[str]]

# A variable in a path: ``{name}`` or ``{name:regex}``; a regex may itself
# hold one level of braces (``{id:\d{3}}``).
ROUTE_RE: Final = re.compile(r"(\{[_a-zA-Z][^{}]*(?:\{[^{}]*\}[^{}]*)*\})")
_DYN: Final = re.compile(r"\{(?P<var>[_a-zA-Z][_a-zA-Z0-9]*)\}")
_DYN_WITH_RE: Final = re.compile(r"\{(?P<var>[_a-zA-Z][_a-zA-Z0-9]*):(?P<re>.+)\}")
# One non-empty segment. aiohttp also excludes braces, so a value holding
# "{" could be built by url_for but never matched; here any segment matches.
_SEGMENT: Final = r"[^/]+"


def index_key_of(safe_static_prefix: str) -> str:
    """The router's index key for a path whose static part is given.

    The key is the prefix cut back to its last complete segment, without a
    trailing slash; ``/`` for the root.
    """
    return safe_static_prefix.rstrip("/") or "/"


class AbstractResource(Sized, abc.ABC):
    """Something a path can match, holding routes.

    Args:
        name: the resource's name, for ``router[name].url_for(...)``.
    """

    def __init__(self, *, name: str | None = None) -> None:
        self._name = name

    @property
    def name(self) -> str | None:
        """The name the resource was registered under, if any."""
        return self._name

    @property
    @abc.abstractmethod
    def canonical(self) -> str:
        """The path (or pattern, or prefix) the resource was declared with."""

    @abc.abstractmethod
    def url_for(self, **kwargs: Any) -> URL:
        """Build a URL for the resource."""

    @abc.abstractmethod
    async def resolve(self, request: ResolvableRequest) -> Resolution:
        """Match the request; see :data:`Resolution`."""

    @abc.abstractmethod
    def add_prefix(self, prefix: str) -> None:
        """Prepend a path prefix (for sub-applications)."""

    @abc.abstractmethod
    def get_info(self) -> dict[str, Any]:
        """Introspection data."""

    @abc.abstractmethod
    def raw_match(self, path: str) -> bool:
        """Whether ``path`` is the path the resource was declared with."""

    @abc.abstractmethod
    def __iter__(self) -> Iterator[AbstractRoute]:
        """The resource's routes."""

    def freeze(self) -> None:
        """Called when the router freezes."""

    @property
    def index_key(self) -> str:
        """The path prefix under which the router indexes the resource."""
        return index_key_of(self.canonical.partition("{")[0].rpartition("/")[0])

    async def resolve_path(self, request: ResolvableRequest, path: str) -> Resolution:
        """Match a path already decoded by the router.

        The router decodes the request's path once and calls this on each
        candidate; resources written outside aioweb only implement
        :meth:`resolve`, which this falls back to.
        """
        return await self.resolve(request)


class Resource(AbstractResource):
    """A resource with one route per method (or one for every method)."""

    def __init__(self, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self._routes: dict[str, ResourceRoute] = {}
        self._any_route: ResourceRoute | None = None
        self._allowed_methods: set[str] = set()

    def add_route(
        self,
        method: str,
        handler: Handler | type[AbstractView],
        *,
        expect_handler: ExpectHandler | None = None,
    ) -> ResourceRoute:
        """Add a route for ``method`` (``"*"`` for any method).

        Raises:
            RuntimeError: the method, or ``"*"``, already has a route here,
                so the new one could never run.
        """
        method = method.upper()
        if method in self._routes or self._any_route is not None:
            raise RuntimeError(
                "Added route will never be executed, "
                f"method {method} is already registered"
            )
        route = ResourceRoute(method, handler, self, expect_handler=expect_handler)
        self.register_route(route)
        return route

    def register_route(self, route: ResourceRoute) -> None:
        """Attach an already built route."""
        if not isinstance(route, ResourceRoute):
            raise TypeError(f"Instance of Route class is required, got {route!r}")
        if route.method == hdrs.METH_ANY:
            self._any_route = route
        self._allowed_methods.add(route.method)
        self._routes[route.method] = route

    @abc.abstractmethod
    def _match(self, path: str) -> dict[str, str] | None:
        """The path's variables if the safe-form ``path`` matches."""

    async def resolve(self, request: ResolvableRequest) -> Resolution:
        try:
            path = decode_path(request.rel_url.raw_path)
        except InvalidPath:
            return None, set()
        return self._resolve(request.method, path)

    async def resolve_path(self, request: ResolvableRequest, path: str) -> Resolution:
        return self._resolve(request.method, path)

    def _resolve(self, method: str, path: str) -> Resolution:
        match_dict = self._match(path)
        if match_dict is None:
            return None, set()
        route = self._routes.get(method, self._any_route)
        if route is None:
            return None, self._allowed_methods
        return UrlMappingMatchInfo(match_dict, route), self._allowed_methods

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self._routes.values())


def _check_prefix(prefix: str) -> None:
    if not prefix.startswith("/") or prefix.endswith("/") or len(prefix) < 2:
        raise ValueError(f"Invalid prefix {prefix!r}: start with / and not end with /")


class PlainResource(Resource):
    """A resource matching one exact path.

    Args:
        path: the decoded path, starting with ``/`` (or empty: the root of
            the application, or of a sub-application's prefix).
        name: the resource's name.
    """

    def __init__(self, path: str, *, name: str | None = None) -> None:
        if path and not path.startswith("/"):
            raise ValueError("path should be started with / or be empty")
        super().__init__(name=name)
        self._path = path
        self._safe = to_safe_form(path)

    @property
    def canonical(self) -> str:
        return self._path

    @property
    def index_key(self) -> str:
        return index_key_of(self._safe)

    def freeze(self) -> None:
        if not self._path:
            self._path = self._safe = "/"

    def add_prefix(self, prefix: str) -> None:
        _check_prefix(prefix)
        self._path = prefix + self._path
        self._safe = to_safe_form(self._path)

    def _match(self, path: str) -> dict[str, str] | None:
        # A string comparison is several times cheaper than a regex match.
        return {} if path == self._safe else None

    def raw_match(self, path: str) -> bool:
        return self._path == path

    def get_info(self) -> dict[str, Any]:
        return {"path": self._path}

    def url_for(self) -> URL:  # type: ignore[override]  # takes no variables
        """The resource's URL."""
        return URL.build(path=quote_path(self._path or "/"), encoded=True)

    def __repr__(self) -> str:
        name = f"'{self.name}' " if self.name is not None else ""
        return f"<PlainResource {name} {self._path}>"


class DynamicResource(Resource):
    """A resource matching a path pattern with variables.

    ``{name}`` matches one non-empty segment; ``{name:regex}`` matches the
    regular expression, which may cross ``/`` (``{tail:.*}``). Values are
    given to the handler unquoted (``%2F`` becomes ``/``).

    Args:
        path: the decoded pattern, starting with ``/``.
        name: the resource's name.

    Raises:
        ValueError: stray braces, or a regular expression that does not
            compile (a variable used twice, say).
    """

    def __init__(self, path: str, *, name: str | None = None) -> None:
        if not path.startswith("/"):
            raise ValueError("path should be started with /")
        super().__init__(name=name)
        self._orig_path = path
        # (literal text, None) or (variable name, whether "/" stays literal)
        self._pieces: list[tuple[str, bool | None]] = []
        self._regexes: list[str] = []
        for part in ROUTE_RE.split(path):
            if match := _DYN.fullmatch(part):
                self._pieces.append((match["var"], False))
                self._regexes.append(f"(?P<{match['var']}>{_SEGMENT})")
            elif match := _DYN_WITH_RE.fullmatch(part):
                self._pieces.append((match["var"], True))
                self._regexes.append(f"(?P<{match['var']}>{match['re']})")
            elif "{" in part or "}" in part:
                raise ValueError(f"Invalid path '{path}'['{part}']")
            elif part:
                self._pieces.append((part, None))
                self._regexes.append(re.escape(to_safe_form(part)))
        self._compile()

    def _compile(self) -> None:
        pattern = "".join(self._regexes)
        try:
            self._pattern = re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"Bad pattern '{pattern}': {exc}") from None

    @property
    def canonical(self) -> str:
        return "".join(
            text if kind is None else "{" + text + "}" for text, kind in self._pieces
        )

    @property
    def index_key(self) -> str:
        text, kind = self._pieces[0]
        static = to_safe_form(text) if kind is None else ""
        return index_key_of(static.rpartition("/")[0])

    def add_prefix(self, prefix: str) -> None:
        _check_prefix(prefix)
        if self._pieces[0][1] is None:
            text = self._pieces[0][0]
            self._pieces[0] = (prefix + text, None)
            self._regexes[0] = re.escape(to_safe_form(prefix + text))
        else:
            self._pieces.insert(0, (prefix, None))
            self._regexes.insert(0, re.escape(to_safe_form(prefix)))
        self._compile()

    def _match(self, path: str) -> dict[str, str] | None:
        match = self._pattern.fullmatch(path)
        if match is None:
            return None
        return {key: _unquote(value) for key, value in match.groupdict().items()}

    def raw_match(self, path: str) -> bool:
        return self._orig_path == path

    def get_info(self) -> dict[str, Any]:
        return {"formatter": self.canonical, "pattern": self._pattern}

    def url_for(self, **parts: str) -> URL:
        """Build the URL with the variables filled in and percent-encoded.

        A ``{name}`` value has ``/`` escaped as ``%2F`` (it is one segment);
        a ``{name:regex}`` value keeps ``/``.

        Raises:
            KeyError: a variable of the pattern was not given.
        """
        out = []
        for text, keeps_slash in self._pieces:
            if keeps_slash is None:
                out.append(quote_path(text))
            elif keeps_slash:
                out.append(quote_path(str(parts[text])))
            else:
                out.append(quote_segment(str(parts[text])))
        return URL.build(path="".join(out), encoded=True)

    def __repr__(self) -> str:
        name = f"'{self.name}' " if self.name is not None else ""
        return f"<DynamicResource {name} {self.canonical}>"


class PrefixResource(AbstractResource):
    """A resource matching a path prefix: the prefix itself and below it.

    Args:
        prefix: the decoded prefix, starting with ``/``, without a trailing
            ``/`` (or ``""``).
        name: the resource's name.
    """

    def __init__(self, prefix: str, *, name: str | None = None) -> None:
        if prefix and (not prefix.startswith("/") or prefix.endswith("/")):
            raise ValueError(f"Invalid prefix {prefix!r}")
        super().__init__(name=name)
        self._prefix = prefix
        self._set_safe()

    def _set_safe(self) -> None:
        self._safe_prefix = to_safe_form(self._prefix)
        self._safe_prefix_slash = self._safe_prefix + "/"

    @property
    def canonical(self) -> str:
        return self._prefix

    @property
    def index_key(self) -> str:
        return index_key_of(self._safe_prefix)

    def add_prefix(self, prefix: str) -> None:
        _check_prefix(prefix)
        self._prefix = prefix + self._prefix
        self._set_safe()

    def raw_match(self, prefix: str) -> bool:
        return False

    def _covers(self, path: str) -> bool:
        return path == self._safe_prefix or path.startswith(self._safe_prefix_slash)


__all__ = (
    "AbstractResource",
    "DynamicResource",
    "PlainResource",
    "PrefixResource",
    "Resolution",
    "Resource",
)
