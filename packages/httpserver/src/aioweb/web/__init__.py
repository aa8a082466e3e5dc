"""The aiohttp.web-compatible asyncio HTTP server.

``__all__`` is grouped by concept; add a name to its group.
"""

from __future__ import annotations

# Before the imports: modules of this package read it (the Server header).
__version__ = "0.1.0"

from typing import Any

from aioweb.protocol import WSCloseCode, WSMessage, WSMsgType

from . import http_exceptions
from .access_log import AbstractAccessLogger, AccessLogger
from .app import Application
from .app_key import AppKey, NotAppKeyWarning, RequestKey, ResponseKey
from .chain_map import ChainMapProxy
from .cleanup_ctx import CleanupContext, CleanupError
from .file_response import FileResponse
from .http_exceptions import *  # noqa: F403 - the HTTPxxx classes, named once there
from .middlewares import middleware, normalize_path_middleware
from .request import BaseRequest, Request
from .request_body import FileField
from .request_handler import RequestHandler
from .response import Response, json_response
from .routing.dispatcher import ResourcesView, RoutesView, UrlDispatcher
from .routing.match_info import AbstractMatchInfo, MatchInfoError, UrlMappingMatchInfo
from .routing.resources import (
    AbstractResource,
    DynamicResource,
    PlainResource,
    PrefixResource,
    Resource,
)
from .routing.route import AbstractRoute, ResourceRoute, SystemRoute
from .routing.routes import (
    AbstractRouteDef,
    RouteDef,
    RouteTableDef,
    StaticDef,
    delete,
    get,
    head,
    options,
    patch,
    post,
    put,
    route,
    static,
    view,
)
from .routing.static import StaticResource
from .routing.subapps import (
    AbstractRuleMatching,
    Domain,
    MaskDomain,
    MatchedSubAppResource,
    PrefixedSubAppResource,
)
from .routing.views import AbstractView, View
from .run_app import run_app
from .runner import AppRunner, BaseRunner, GracefulExit, ServerRunner
from .server import Server
from .sites import BaseSite, SockSite, TCPSite, UnixSite
from .stream_response import ContentCoding, StreamResponse
from .typedefs import Handler, Middleware, ResolvableRequest, RoutableRequest
from .websocket_response import WebSocketReady, WebSocketResponse

# gunicorn is an optional extra, so its worker classes load on first access
# (``--worker-class aioweb.web.GunicornWebWorker``) and stay out of
# ``__all__``: a star import must not need gunicorn.
_WORKERS = frozenset({"GunicornWebWorker", "GunicornUVLoopWebWorker"})


def __getattr__(name: str) -> Any:
    if name in _WORKERS:
        from . import worker

        return getattr(worker, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = (
    "__version__",
    # application
    "Application",
    "AppKey",
    "NotAppKeyWarning",
    "RequestKey",
    "ResponseKey",
    "ChainMapProxy",
    "CleanupContext",
    "CleanupError",
    # typing
    "Handler",
    "Middleware",
    "ResolvableRequest",
    "RoutableRequest",
    # middlewares
    "middleware",
    "normalize_path_middleware",
    # route definitions
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
    # router, resources, routes, views
    "UrlDispatcher",
    "ResourcesView",
    "RoutesView",
    "AbstractResource",
    "Resource",
    "PlainResource",
    "DynamicResource",
    "PrefixResource",
    "StaticResource",
    "PrefixedSubAppResource",
    "MatchedSubAppResource",
    "AbstractRuleMatching",
    "Domain",
    "MaskDomain",
    "AbstractRoute",
    "ResourceRoute",
    "SystemRoute",
    "AbstractMatchInfo",
    "UrlMappingMatchInfo",
    "MatchInfoError",
    "AbstractView",
    "View",
    # requests and responses, HTTP exceptions
    "BaseRequest",
    "Request",
    "FileField",
    "StreamResponse",
    "Response",
    "FileResponse",
    "json_response",
    "ContentCoding",
    # every HTTPxxx class, in http_exceptions' order; not its helper function
    *(name for name in http_exceptions.__all__ if name.startswith("HTTP")),
    # server, runners, sites
    "RequestHandler",
    "Server",
    "BaseRunner",
    "AppRunner",
    "ServerRunner",
    "BaseSite",
    "TCPSite",
    "UnixSite",
    "SockSite",
    "GracefulExit",
    "run_app",
    "AbstractAccessLogger",
    "AccessLogger",
    # WebSocket
    "WebSocketResponse",
    "WebSocketReady",
    "WSMsgType",
    "WSCloseCode",
    "WSMessage",
)
