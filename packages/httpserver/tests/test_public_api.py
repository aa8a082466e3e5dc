"""The public surface of aioweb.web: a rename or removal is a visible decision.

Each layer of the server adds its group below when it adds its names.
"""

from __future__ import annotations

import aioweb.web as web

APPLICATION = {
    "Application",
    "AppKey",
    "NotAppKeyWarning",
    "RequestKey",
    "ResponseKey",
    "ChainMapProxy",
    "CleanupContext",
    "CleanupError",
}
TYPING = {"Handler", "Middleware", "ResolvableRequest", "RoutableRequest"}
MIDDLEWARES = {"middleware", "normalize_path_middleware"}
ROUTE_DEFINITIONS = {
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
}
ROUTING = {
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
}

REQUESTS_RESPONSES = {
    "BaseRequest",
    "Request",
    "FileField",
    "StreamResponse",
    "Response",
    "FileResponse",
    "json_response",
    "ContentCoding",
}
HTTP_EXCEPTIONS = {
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
}
SERVER = {
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
}
WEBSOCKET = {
    "WebSocketResponse",
    "WebSocketReady",
    "WSMsgType",
    "WSCloseCode",
    "WSMessage",
}

GROUPS = [
    APPLICATION,
    TYPING,
    MIDDLEWARES,
    ROUTE_DEFINITIONS,
    ROUTING,
    REQUESTS_RESPONSES,
    HTTP_EXCEPTIONS,
    SERVER,
    WEBSOCKET,
]


def test_all_is_exactly_the_groups() -> None:
    expected = {"__version__"}.union(*GROUPS)
    assert set(web.__all__) == expected
    assert len(web.__all__) == len(set(web.__all__)), "a name is listed twice"


def test_every_public_name_exists() -> None:
    for name in web.__all__:
        assert getattr(web, name) is not None, name


def test_aiohttp_spellings_of_route_helpers() -> None:
    # Code written as ``web.get(...)``, ``web.RouteTableDef()`` etc. ports by
    # changing only the import.
    for name in ("get", "post", "put", "patch", "delete", "head", "options"):
        assert callable(getattr(web, name))
    assert web.route("GET", "/", web.View) is not None  # type: ignore[arg-type]


def test_every_status_exception_is_public() -> None:
    # aiohttp.web exports an HTTPxxx class for each status it knows.
    from aioweb.web.http_exceptions import HTTPException

    classes = {
        name
        for name in dir(web)
        if isinstance(getattr(web, name), type)
        and issubclass(getattr(web, name), HTTPException)
    }
    assert classes == HTTP_EXCEPTIONS
