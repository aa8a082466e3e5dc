"""Sub-applications: mounted under a path prefix, or for a domain.

``app.add_subapp("/admin", admin)`` registers a
:class:`PrefixedSubAppResource`: the prefix is prepended to every resource
of ``admin``'s router (and, through nested sub-applications, to theirs), and
a request under the prefix is resolved by ``admin``'s router. The
sub-application owns its whole prefix: a path under it that ``admin`` does
not know is a 404 of ``admin``, so ``admin``'s middlewares see it.

``app.add_domain("api.example.com", api)`` registers a
:class:`MatchedSubAppResource` with a :class:`Domain` rule (a
:class:`MaskDomain` when the domain holds ``*``), matched on the ``Host``
header before any path.
"""

from __future__ import annotations

import abc
import fnmatch
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from yarl import URL

from aioweb.protocol import hdrs

from ..typedefs import ResolvableRequest
from .errors import HTTPMethodNotAllowed
from .match_info import UrlMappingMatchInfo
from .paths import InvalidPath, decode_path
from .resources import PrefixResource, Resolution
from .route import AbstractRoute

if TYPE_CHECKING:
    from ..app import Application


class PrefixedSubAppResource(PrefixResource):
    """The mount point of a sub-application under a path prefix.

    Args:
        prefix: the prefix, starting with ``/``, without trailing ``/``.
        app: the sub-application.
    """

    def __init__(self, prefix: str, app: Application) -> None:
        super().__init__(prefix)
        self._app = app
        app.router._add_prefix(prefix)

    @property
    def app(self) -> Application:
        """The mounted application."""
        return self._app

    def add_prefix(self, prefix: str) -> None:
        super().add_prefix(prefix)
        self._app.router._add_prefix(prefix)

    def url_for(self, **kwargs: Any) -> URL:
        raise RuntimeError(".url_for() is not supported by sub-application root")

    def get_info(self) -> dict[str, Any]:
        return {"app": self._app, "prefix": self._prefix}

    async def resolve(self, request: ResolvableRequest) -> Resolution:
        try:
            path = decode_path(request.rel_url.raw_path)
        except InvalidPath:
            return None, set()
        return await self.resolve_path(request, path)

    async def resolve_path(self, request: ResolvableRequest, path: str) -> Resolution:
        if not self._covers(path):
            return None, set()
        match_info = await self._app.router.resolve_path(request, path)
        match_info.add_app(self._app)
        return match_info, _allowed_methods(match_info)

    def __len__(self) -> int:
        return len(self._app.router.routes())

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self._app.router.routes())

    def __repr__(self) -> str:
        return f"<PrefixedSubAppResource {self._prefix} -> {self._app!r}>"


def _allowed_methods(match_info: UrlMappingMatchInfo) -> set[str]:
    """The methods a sub-application's 405 allows, for its parent's ``Allow``."""
    error = match_info.http_exception
    if error is not None and isinstance(error, HTTPMethodNotAllowed):
        return set(error.allowed_methods)
    return set()


class AbstractRuleMatching(abc.ABC):
    """A rule deciding whether a request belongs to a sub-application."""

    @abc.abstractmethod
    async def match(self, request: ResolvableRequest) -> bool:
        """Whether the request satisfies the rule."""

    @abc.abstractmethod
    def get_info(self) -> dict[str, Any]:
        """Introspection data."""

    @property
    @abc.abstractmethod
    def canonical(self) -> str:
        """The rule as text."""


class Domain(AbstractRuleMatching):
    """Requests whose ``Host`` is one domain (and port, if one is given).

    Without a port in the rule, any port matches; with one, only that port.

    Args:
        domain: ``example.com`` or ``example.com:8080``.

    Raises:
        TypeError: ``domain`` is not a ``str``.
        ValueError: empty, with a scheme, or not a valid host name.
    """

    # RFC 1035 §2.3.1 labels; RFC 1123 §2.1 allows a leading digit.
    _label: ClassVar[re.Pattern[str]] = re.compile(r"(?!-)[a-z\d-]{1,63}(?<!-)")

    def __init__(self, domain: str) -> None:
        self._domain = self.validation(domain)

    @property
    def canonical(self) -> str:
        return self._domain

    def validation(self, domain: str) -> str:
        """Normalise and check a domain; returns ``host`` or ``host:port``."""
        if not isinstance(domain, str):
            raise TypeError("Domain must be str")
        domain = domain.rstrip(".").lower()
        if not domain:
            raise ValueError("Domain cannot be empty")
        if "://" in domain:
            raise ValueError("Scheme not supported")
        url = URL("http://" + domain)
        host = url.raw_host
        if host is None or not all(
            self._label.fullmatch(label) for label in host.split(".")
        ):
            raise ValueError("Domain not valid")
        if url.port == 80:  # the default port of http is no port at all
            return host
        return f"{host}:{url.port}"

    async def match(self, request: ResolvableRequest) -> bool:
        host = request.headers.get(hdrs.HOST)
        if not host:
            return False
        return self.match_domain(host)

    def match_domain(self, host: str) -> bool:
        """Whether a ``Host`` header value matches the rule."""
        host = host.lower()
        return host == self._domain or host.partition(":")[0] == self._domain

    def get_info(self) -> dict[str, Any]:
        return {"domain": self._domain}


class MaskDomain(Domain):
    """Requests whose ``Host`` matches a mask: ``*.example.com``.

    ``*`` stands for any run of characters within the host name (so
    ``*.example.com`` matches ``a.b.example.com`` but not ``example.com``).
    """

    _label: ClassVar[re.Pattern[str]] = re.compile(r"(?!-)[a-z\d*-]{1,63}(?<!-)")

    def __init__(self, domain: str) -> None:
        super().__init__(domain)
        host_mask, _, self._port = self._domain.partition(":")
        self._mask = re.compile(fnmatch.translate(host_mask), re.IGNORECASE)

    @property
    def canonical(self) -> str:
        return self._domain

    def match_domain(self, host: str) -> bool:
        hostname, _, port = host.partition(":")
        if self._port and port != self._port:
            return False
        return self._mask.match(hostname) is not None


class MatchedSubAppResource(PrefixedSubAppResource):
    """A sub-application chosen by a rule (a domain) rather than a prefix.

    Args:
        rule: the rule requests must satisfy.
        app: the sub-application.
    """

    def __init__(self, rule: AbstractRuleMatching, app: Application) -> None:
        PrefixResource.__init__(self, "")
        self._app = app
        self._rule = rule

    @property
    def canonical(self) -> str:
        return self._rule.canonical

    @property
    def rule(self) -> AbstractRuleMatching:
        """The rule requests must satisfy."""
        return self._rule

    def get_info(self) -> dict[str, Any]:
        return {"app": self._app, "rule": self._rule}

    async def resolve_path(self, request: ResolvableRequest, path: str) -> Resolution:
        if not await self._rule.match(request):
            return None, set()
        match_info = await self._app.router.resolve_path(request, path)
        match_info.add_app(self._app)
        return match_info, _allowed_methods(match_info)

    def __repr__(self) -> str:
        return f"<MatchedSubAppResource -> {self._app!r}>"


__all__ = (
    "AbstractRuleMatching",
    "Domain",
    "MaskDomain",
    "MatchedSubAppResource",
    "PrefixedSubAppResource",
)
