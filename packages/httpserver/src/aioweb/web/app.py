"""The application: routes, middlewares, state, signals and sub-applications.

How a request flows through it: the HTTP layer builds a request and awaits
:meth:`Application.handle`. That resolves the path with the router (through
sub-applications, which add themselves to ``match_info.apps``), stores the
match in ``request.match_info``, answers ``Expect`` if present, then runs the
middleware chain around the handler: the root application's middlewares
outermost, each sub-application's inside its parent's. Routing failures (404,
405, 400) are raised from inside that chain, so middlewares see them as
exceptions, as they would a handler's. While an application's middlewares
(and, innermost, the handler) run, ``match_info.current_app`` is that
application, which is what ``request.app`` returns.

Life cycle, driven by the server's runner: ``freeze()`` (no more routes,
middlewares or signal receivers), ``startup()`` (``on_startup``, whose first
receiver enters the ``cleanup_ctx`` contexts), serving, ``shutdown()``
(``on_shutdown``), ``cleanup()`` (``on_cleanup``, whose first receiver exits
the contexts in reverse order). Sub-applications' signals are sent by their
parent's, in the order the sub-applications were added.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from functools import partial, update_wrapper
from typing import Any, Final, TypeVar, cast, overload

from aiosignal import Signal
from frozenlist import FrozenList

from aioweb.protocol import hdrs

from .app_key import NOT_APP_KEY_MESSAGE, AppKey, NotAppKeyWarning
from .cleanup_ctx import CleanupContext
from .request import BaseRequest
from .request import Request as _Request
from .routing.dispatcher import UrlDispatcher
from .routing.match_info import UrlMappingMatchInfo
from .routing.route import AbstractRoute, SystemRoute
from .routing.routes import AbstractRouteDef
from .routing.subapps import (
    Domain,
    MaskDomain,
    MatchedSubAppResource,
    PrefixedSubAppResource,
)
from .typedefs import Handler, Middleware, Request, Response

_T = TypeVar("_T")
_U = TypeVar("_U")

#: The logger given to applications that are not given one.
web_logger: Final = logging.getLogger("aioweb.web")

# Middleware chains are built once per (handler, application stack); the
# bound keeps an application with unbounded dynamic handlers from growing it.
_CHAIN_CACHE_SIZE: Final = 1024


async def _with_current_app(
    app: Application, handler: Handler, request: Request
) -> Response:
    match_info = request.match_info
    previous = match_info.current_app
    match_info.current_app = app
    try:
        return await handler(request)
    finally:
        match_info.current_app = previous


class Application(MutableMapping[str | AppKey[Any], Any]):
    """An aiohttp-compatible web application.

    Args:
        logger: where the application's server layer logs.
        middlewares: ``async def m(request, handler)`` callables, outermost
            first.
        handler_args: keyword arguments for the server's request handler
            (see :attr:`handler_args`).
        client_max_size: the largest request body ``request.read()`` and
            friends accept, in bytes.
        client_max_fields: the most fields ``request.post()`` parses.
        debug: deprecated, as in aiohttp; ignored.
    """

    def __init__(
        self,
        *,
        logger: logging.Logger = web_logger,
        middlewares: Iterable[Middleware] = (),
        handler_args: Mapping[str, Any] | None = None,
        client_max_size: int = 1024**2,
        client_max_fields: int = 1000,
        debug: Any = ...,
    ) -> None:
        if debug is not ...:
            warnings.warn(
                "debug argument is deprecated", DeprecationWarning, stacklevel=2
            )
        self.logger = logger
        self._debug = debug
        self._router = UrlDispatcher()
        self._handler_args = handler_args
        self._client_max_size = client_max_size
        self._client_max_fields = client_max_fields
        self._middlewares: FrozenList[Middleware] = FrozenList(middlewares)
        self._run_middlewares = False
        self._chains: dict[tuple[Handler, tuple[Application, ...]], Handler] = {}
        self._state: dict[str | AppKey[Any], Any] = {}
        self._frozen = False
        self._pre_frozen = False
        self._subapps: list[Application] = []
        self._on_response_prepare: Signal[Request, Response] = Signal(self)
        self._on_startup: Signal[Application] = Signal(self)
        self._on_shutdown: Signal[Application] = Signal(self)
        self._on_cleanup: Signal[Application] = Signal(self)
        self._cleanup_ctx = CleanupContext()
        self._on_startup.append(self._cleanup_ctx._on_startup)
        self._on_cleanup.append(self._cleanup_ctx._on_cleanup)

    def __init_subclass__(cls) -> None:
        warnings.warn(
            f"Inheritance class {cls.__name__} from web.Application is discouraged",
            DeprecationWarning,
            stacklevel=3,
        )

    # -- state: a mapping of AppKey (or str) to values ------------------------

    # Identity, not Mapping's comparison of contents: two applications with
    # equal state are still two applications. object's own slots keep the
    # comparison in C, which matters for the per-request app-stack lookups.
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    @overload
    def __getitem__(self, key: AppKey[_T]) -> _T: ...

    @overload
    def __getitem__(self, key: str) -> Any: ...

    def __getitem__(self, key: str | AppKey[_T]) -> Any:
        return self._state[key]

    def _check_frozen(self) -> None:
        if self._frozen:
            warnings.warn(
                "Changing state of started or joined application is deprecated",
                DeprecationWarning,
                stacklevel=3,
            )

    @overload
    def __setitem__(self, key: AppKey[_T], value: _T) -> None: ...

    @overload
    def __setitem__(self, key: str, value: Any) -> None: ...

    def __setitem__(self, key: str | AppKey[_T], value: Any) -> None:
        self._check_frozen()
        if not isinstance(key, AppKey):
            warnings.warn(NOT_APP_KEY_MESSAGE, NotAppKeyWarning, stacklevel=2)
        self._state[key] = value

    def __delitem__(self, key: str | AppKey[_T]) -> None:
        self._check_frozen()
        del self._state[key]

    def __len__(self) -> int:
        return len(self._state)

    def __iter__(self) -> Iterator[str | AppKey[Any]]:
        return iter(self._state)

    def __bool__(self) -> bool:
        return True

    @overload  # type: ignore[override]
    def get(self, key: AppKey[_T], default: None = ...) -> _T | None: ...

    @overload
    def get(self, key: AppKey[_T], default: _U) -> _T | _U: ...

    @overload
    def get(self, key: str, default: Any = ...) -> Any: ...

    def get(self, key: str | AppKey[_T], default: Any = None) -> Any:
        return self._state.get(key, default)

    # -- configuration ---------------------------------------------------------

    @property
    def router(self) -> UrlDispatcher:
        """The application's router."""
        return self._router

    @property
    def middlewares(self) -> FrozenList[Middleware]:
        """The middlewares, outermost first; frozen with the application."""
        return self._middlewares

    @property
    def handler_args(self) -> Mapping[str, Any] | None:
        """Keyword arguments the server layer passes to its request handler."""
        return self._handler_args

    @property
    def client_max_size(self) -> int:
        """The largest request body read into memory, in bytes."""
        return self._client_max_size

    @property
    def client_max_fields(self) -> int:
        """The most form fields parsed from a request body."""
        return self._client_max_fields

    @property
    def on_response_prepare(self) -> Signal[Request, Response]:
        """Sent with ``(request, response)`` before a response's head goes out."""
        return self._on_response_prepare

    @property
    def on_startup(self) -> Signal[Application]:
        """Sent with the application when it starts."""
        return self._on_startup

    @property
    def on_shutdown(self) -> Signal[Application]:
        """Sent with the application when the server begins to shut down."""
        return self._on_shutdown

    @property
    def on_cleanup(self) -> Signal[Application]:
        """Sent with the application after shutdown."""
        return self._on_cleanup

    @property
    def cleanup_ctx(self) -> CleanupContext:
        """Async generators or context managers run around the app's life."""
        return self._cleanup_ctx

    def add_routes(self, routes: Iterable[AbstractRouteDef]) -> list[AbstractRoute]:
        """Register route definitions; returns the routes created."""
        return self._router.add_routes(routes)

    def add_subapp(self, prefix: str, subapp: Application) -> PrefixedSubAppResource:
        """Mount ``subapp`` under the path ``prefix``.

        Raises:
            TypeError: ``prefix`` is not a ``str``.
            ValueError: ``prefix`` is empty (or only slashes).
            RuntimeError: either application is frozen.
        """
        if not isinstance(prefix, str):
            raise TypeError("Prefix must be str")
        prefix = prefix.rstrip("/")
        if not prefix:
            raise ValueError("Prefix cannot be empty")
        self._check_can_add(subapp)
        resource = PrefixedSubAppResource(prefix, subapp)
        return self._add_subapp(resource, subapp)

    def add_domain(self, domain: str, subapp: Application) -> MatchedSubAppResource:
        """Serve requests whose ``Host`` matches ``domain`` with ``subapp``.

        ``domain`` may hold ``*`` (``*.example.com``) and a port.

        Raises:
            TypeError: ``domain`` is not a ``str``.
            ValueError: ``domain`` is not a valid domain (or mask).
            RuntimeError: either application is frozen.
        """
        if not isinstance(domain, str):
            raise TypeError("Domain must be str")
        rule = MaskDomain(domain) if "*" in domain else Domain(domain)
        self._check_can_add(subapp)
        return self._add_subapp(MatchedSubAppResource(rule, subapp), subapp)

    def _check_can_add(self, subapp: Application) -> None:
        if self._frozen:
            raise RuntimeError("Cannot add sub application to frozen application")
        if subapp.frozen:
            raise RuntimeError("Cannot add frozen application")

    def _add_subapp(self, resource: _ResourceT, subapp: Application) -> _ResourceT:
        self._router.register_resource(resource)
        for name in ("on_startup", "on_shutdown", "on_cleanup"):
            signal: Signal[Application] = getattr(subapp, name)
            getattr(self, name).append(partial(_send_to, signal, subapp))
        self._subapps.append(subapp)
        subapp.pre_freeze()
        return resource

    # -- freezing --------------------------------------------------------------

    @property
    def pre_frozen(self) -> bool:
        """Whether routes, middlewares and signals are frozen."""
        return self._pre_frozen

    def pre_freeze(self) -> None:
        """Freeze routes, middlewares and signal receivers (state stays open)."""
        if self._pre_frozen:
            return
        self._pre_frozen = True
        self._middlewares.freeze()
        self._router.freeze()
        self._on_response_prepare.freeze()
        self._cleanup_ctx.freeze()
        self._on_startup.freeze()
        self._on_shutdown.freeze()
        self._on_cleanup.freeze()
        self._run_middlewares = bool(self._middlewares)
        for subapp in self._subapps:
            subapp.pre_freeze()
            self._run_middlewares = self._run_middlewares or subapp._run_middlewares

    @property
    def frozen(self) -> bool:
        """Whether the application has been frozen (it is started)."""
        return self._frozen

    def freeze(self) -> None:
        """Pre-freeze, then mark the application and its sub-applications
        frozen: later state changes draw a ``DeprecationWarning``."""
        if self._frozen:
            return
        self.pre_freeze()
        self._frozen = True
        for subapp in self._subapps:
            subapp.freeze()

    # -- life cycle ------------------------------------------------------------

    async def startup(self) -> None:
        """Send ``on_startup`` (which enters the ``cleanup_ctx`` contexts)."""
        await self._on_startup.send(self)

    async def shutdown(self) -> None:
        """Send ``on_shutdown``."""
        await self._on_shutdown.send(self)

    async def cleanup(self) -> None:
        """Send ``on_cleanup`` (which exits the started contexts).

        Also safe after a failed :meth:`startup`: only the contexts that
        started are exited.
        """
        if self._on_cleanup.frozen:
            await self._on_cleanup.send(self)
        else:
            await self._cleanup_ctx._on_cleanup(self)

    # -- handling requests -----------------------------------------------------

    async def handle(self, request: Request) -> Response:
        """Route ``request`` and run its handler inside the middlewares.

        The entry point for the server layer: it sets ``request.match_info``
        and returns the handler's response. Routing failures are raised as
        HTTP errors from inside the middleware chain.

        Raises:
            RuntimeError: the application is not frozen yet.
        """
        if not self._pre_frozen:
            raise RuntimeError("freeze() the application before handling requests")
        match_info: UrlMappingMatchInfo | None = None
        # Not a stand-in: no coroutine. The exact class is checked first:
        # isinstance of an abstract base class runs Python code.
        if type(request) is _Request or isinstance(request, BaseRequest):
            match_info = self._router._match_now(request._method, request._route_path())
            if (
                match_info is not None
                and not self._run_middlewares
                and type(match_info) is UrlMappingMatchInfo
            ):
                # The common case in one step: a fresh match of this
                # application alone, nothing to wrap the handler in.
                match_info._bind(self)
                request.match_info = match_info
                if request._headers.get(hdrs.EXPECT):
                    response = await match_info.expect_handler(request)
                    await request.writer.drain()
                    if response is not None:
                        return response
                return await match_info._route.handler(request)
        if match_info is None:
            match_info = await self._router.resolve(request)
        match_info.add_app(self)
        match_info.freeze()
        request.match_info = match_info

        if request.headers.get(hdrs.EXPECT):
            response = await match_info.expect_handler(request)
            await request.writer.drain()
            if response is not None:
                return response

        handler = match_info.handler
        if self._run_middlewares:
            apps = match_info.apps
            if type(match_info.route) is SystemRoute:  # a fresh handler each time
                handler = _build_chain(handler, apps)
            else:
                key = (handler, apps)
                chain = self._chains.get(key)
                if chain is None:
                    if len(self._chains) >= _CHAIN_CACHE_SIZE:
                        self._chains.clear()
                    chain = self._chains[key] = _build_chain(handler, apps)
                handler = chain
        return await handler(request)

    def __call__(self) -> Application:
        """Return the application itself (what gunicorn's factory expects)."""
        return self

    def __repr__(self) -> str:
        return f"<Application 0x{id(self):x}>"


_ResourceT = TypeVar("_ResourceT", PrefixedSubAppResource, MatchedSubAppResource)


async def _send_to(
    signal: Signal[Application], subapp: Application, app: Application
) -> None:
    await signal.send(subapp)


def _build_chain(handler: Handler, apps: tuple[Application, ...]) -> Handler:
    """Wrap ``handler`` in the middlewares of ``apps`` (outermost app first)."""
    nested = len(apps) > 1
    for app in reversed(apps):
        for middleware in reversed(app._middlewares):
            # update_wrapper keeps the handler's attributes visible through
            # the chain, for middlewares that read markers set on handlers.
            # aiohttp passes the next handler as the keyword ``handler``.
            layer: Handler = partial(cast(Any, middleware), handler=handler)
            handler = update_wrapper(layer, handler)
        if nested:
            handler = update_wrapper(partial(_with_current_app, app, handler), handler)
    return handler


__all__ = ("Application", "web_logger")
