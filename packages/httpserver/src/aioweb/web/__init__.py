"""The aiohttp.web-compatible asyncio HTTP server.

``__all__`` is grouped by concept; add a name to its group.
"""

from __future__ import annotations

from .app import Application
from .app_key import AppKey, NotAppKeyWarning, RequestKey, ResponseKey
from .chain_map import ChainMapProxy
from .cleanup_ctx import CleanupContext, CleanupError
from .middlewares import middleware, normalize_path_middleware
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
from .typedefs import Handler, Middleware, ResolvableRequest, RoutableRequest

__version__ = "0.1.0"

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
    # server, runners, sites
    # WebSocket
)
