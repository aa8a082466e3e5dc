"""Which credentials and proxy one request (one redirect hop) uses.

Credentials, first found wins: the ``auth=`` argument, or those in the URL
(both at once is an error); the session's ``auth``, but only towards the
session's own origin when it has a ``base_url``; with ``trust_env``, the
``.netrc`` entry of the host. An ``Authorization`` header given as well is
an error, as in aiohttp.

The proxy: the ``proxy=`` argument, or with ``trust_env`` the one the
environment names for the URL's scheme (unless ``NO_PROXY`` says not);
credentials in the proxy's URL become its ``proxy_auth``.
"""

from __future__ import annotations

from collections.abc import Mapping

from yarl import URL

from aioweb.protocol import BasicAuth, hdrs

from .trust_env import get_env_proxy_for_url, netrc_auth_for_host

__all__ = ("choose_auth", "choose_proxy")


def choose_auth(
    url: URL,
    auth: BasicAuth | None,
    headers: Mapping[str, str],
    *,
    default_auth: BasicAuth | None,
    base_url: URL | None,
    trust_env: bool,
) -> tuple[URL, BasicAuth | None]:
    """The URL without its credentials, and the credentials to send.

    Raises:
        ValueError: credentials given twice (argument and URL, or either and
            an ``Authorization`` header).
    """
    from_url = None
    if url.raw_user or url.raw_password:
        from_url = BasicAuth(url.user or "", url.password or "")
        url = url.with_user(None)
    if auth is not None and from_url is not None:
        raise ValueError("Cannot combine AUTH argument with credentials encoded in URL")
    chosen = auth or from_url
    if (
        chosen is None
        and default_auth is not None
        and (base_url is None or base_url.origin() == url.origin())
    ):
        chosen = default_auth
    if chosen is None and trust_env and url.host:
        chosen = netrc_auth_for_host(url.host)
    if chosen is not None and hdrs.AUTHORIZATION in headers:
        raise ValueError(
            "Cannot combine AUTHORIZATION header "
            "with AUTH argument or credentials encoded in URL"
        )
    return url, chosen


def choose_proxy(
    url: URL,
    proxy: str | URL | None,
    proxy_auth: BasicAuth | None,
    *,
    trust_env: bool,
) -> tuple[URL | None, BasicAuth | None]:
    """The proxy for ``url`` (without credentials) and its credentials."""
    proxy_url = URL(proxy) if proxy is not None else None
    if proxy_url is None and trust_env:
        try:
            proxy_url, proxy_auth = get_env_proxy_for_url(url)
        except LookupError:
            proxy_url = None
    if proxy_url is not None and (proxy_url.user or proxy_url.password):
        proxy_auth = proxy_auth or BasicAuth(
            proxy_url.user or "", proxy_url.password or ""
        )
        proxy_url = proxy_url.with_user(None)
    return proxy_url, proxy_auth
