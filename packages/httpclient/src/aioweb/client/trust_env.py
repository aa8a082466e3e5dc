"""What ``trust_env=True`` reads from the environment: proxies and ``.netrc``.

Proxies come from ``HTTP_PROXY``, ``HTTPS_PROXY``, ``WS_PROXY``, ``WSS_PROXY``
and ``ALL_PROXY`` (the fallback for any scheme), in upper or lower case; as
in :mod:`urllib.request`, the lower-case name wins and an empty lower-case
variable unsets the upper-case one. When ``REQUEST_METHOD`` is set, the
process is a CGI script and ``HTTP_PROXY`` may come from a request's
``Proxy:`` header ("httpoxy"), so the upper-case ``HTTP_PROXY`` is then
ignored. Credentials in a proxy URL become its :class:`BasicAuth`; without
them, ``.netrc`` is asked for the proxy host.

``NO_PROXY`` lists hosts reached directly, separated by commas or spaces:
``*`` (every host), a domain (matching itself and its subdomains; a leading
``.`` or ``*.`` is allowed), an entry with ``:port`` (that port only), an IP
address, or a CIDR network (``10.0.0.0/8``, ``fd00::/8``) matching IP-literal
hosts inside it.

``.netrc`` is the file named by ``NETRC``, or ``~/.netrc``.
"""

from __future__ import annotations

import ipaddress
import netrc
import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from yarl import URL

from aioweb.protocol import BasicAuth

__all__ = (
    "ProxyInfo",
    "proxies_from_env",
    "get_env_proxy_for_url",
    "should_bypass_proxy",
    "netrc_from_env",
    "basicauth_from_netrc",
    "netrc_auth_for_host",
)

_PROXY_SCHEMES = ("http", "https", "ws", "wss")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


class ProxyInfo(NamedTuple):
    """A proxy and its credentials."""

    proxy: URL
    proxy_auth: BasicAuth | None


def _proxy_variables(environ: Mapping[str, str]) -> dict[str, str]:
    """``{"http": url, "all": url, "no": hosts, ...}`` from ``*_proxy``."""
    found: dict[str, str] = {}
    for name, value in environ.items():
        lowered = name.lower()
        if value and lowered.endswith("_proxy"):
            found[lowered[: -len("_proxy")]] = value
    # httpoxy: a CGI script's HTTP_PROXY may be a client's "Proxy:" header.
    if "REQUEST_METHOD" in environ:
        found.pop("http", None)
    # Exact lower-case names are read last, so they win (an empty one unsets).
    for name, value in environ.items():
        if name.endswith("_proxy") and name == name.lower():
            if value:
                found[name[: -len("_proxy")]] = value
            else:
                found.pop(name[: -len("_proxy")], None)
    return found


def _parse_proxy(value: str) -> URL:
    # "proxy.local:3128" names a host, not a URL scheme.
    return URL(value if "://" in value else f"http://{value}")


def proxies_from_env(
    environ: Mapping[str, str] | None = None,
) -> dict[str, ProxyInfo]:
    """The proxy for each scheme (``http``, ``https``, ``ws``, ``wss``).

    Args:
        environ: the variables to read; :data:`os.environ` by default.

    Returns:
        A proxy for each scheme that has one; ``ALL_PROXY`` fills in the
        schemes with no variable of their own.
    """
    env = os.environ if environ is None else environ
    variables = _proxy_variables(env)
    netrc_obj: netrc.netrc | None = None
    netrc_read = False
    result: dict[str, ProxyInfo] = {}
    for scheme in _PROXY_SCHEMES:
        value = variables.get(scheme) or variables.get("all")
        if not value:
            continue
        url = _parse_proxy(value)
        auth: BasicAuth | None = None
        if url.user is not None:
            auth = BasicAuth(url.user, url.password or "")
            url = url.with_user(None)
        elif url.host is not None:
            if not netrc_read:
                netrc_obj, netrc_read = netrc_from_env(env), True
            if netrc_obj is not None:
                try:
                    auth = basicauth_from_netrc(netrc_obj, url.host)
                except LookupError:
                    auth = None
        result[scheme] = ProxyInfo(url, auth)
    return result


def _split_host_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):  # "[::1]" or "[::1]:8080"
        host, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif entry.count(":") == 1:
        host, _, port = entry.partition(":")
    else:  # a bare name, or a bare IPv6 address
        host, port = entry, ""
    return host, int(port) if port.isdigit() else None


def should_bypass_proxy(
    host: str, port: int | None = None, no_proxy: str | None = None
) -> bool:
    """Whether ``host`` (and ``port``) is listed in ``NO_PROXY``.

    Args:
        host: the host requested (a name or an IP address).
        port: the port requested; entries with a port match only it.
        no_proxy: the list; ``NO_PROXY``/``no_proxy`` by default.

    Returns:
        ``True`` if the host should be reached without a proxy.
    """
    if no_proxy is None:
        no_proxy = _proxy_variables(os.environ).get("no", "")
    host = host.strip("[]").rstrip(".").lower()
    if not host:
        return False
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
        address = ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        address = None
    for raw in no_proxy.replace(",", " ").split():
        if raw == "*":
            return True
        entry, entry_port = _split_host_port(raw.lower())
        if entry_port is not None and entry_port != port:
            continue
        if "/" in entry:
            if address is None:
                continue
            try:
                network = ipaddress.ip_network(entry, strict=False)
            except ValueError:
                continue
            if address.version == network.version and address in network:
                return True
            continue
        entry = entry.removeprefix("*").lstrip(".").rstrip(".")
        if not entry:
            continue
        if address is not None:
            try:
                if ipaddress.ip_address(entry) == address:
                    return True
            except ValueError:
                pass
            continue
        if host == entry or host.endswith("." + entry):
            return True
    return False


def get_env_proxy_for_url(
    url: URL, environ: Mapping[str, str] | None = None
) -> tuple[URL, BasicAuth | None]:
    """The proxy the environment sets for ``url``.

    Args:
        url: the URL about to be requested.
        environ: the variables to read; :data:`os.environ` by default.

    Returns:
        The proxy URL and its credentials.

    Raises:
        LookupError: no proxy applies (none is set for the scheme, or the
            host is in ``NO_PROXY``).
    """
    env = os.environ if environ is None else environ
    if url.host is None:
        raise LookupError(f"{url} has no host")
    no_proxy = _proxy_variables(env).get("no", "")
    port = url.port if url.port is not None else _DEFAULT_PORTS.get(url.scheme)
    if should_bypass_proxy(url.host, port, no_proxy):
        raise LookupError(f"Proxying is disabled for {url.host}")
    info = proxies_from_env(env).get(url.scheme)
    if info is None:
        raise LookupError(f"No proxies found for `{url}` in the env")
    return info.proxy, info.proxy_auth


def netrc_from_env(environ: Mapping[str, str] | None = None) -> netrc.netrc | None:
    """The ``.netrc`` named by ``NETRC``, or ``~/.netrc``, if it can be read.

    Args:
        environ: the variables to read; :data:`os.environ` by default.

    Returns:
        The parsed file, or ``None`` if there is none or it is malformed
        (credentials are optional; a broken file must not break requests).
    """
    env = os.environ if environ is None else environ
    named = env.get("NETRC")
    if named:
        path = Path(named)
    else:
        home = env.get("HOME")
        try:
            base = Path(home) if home else Path.home()
        except RuntimeError:
            return None
        path = base / (".netrc" if os.name != "nt" else "_netrc")
    try:
        return netrc.netrc(str(path))
    except (OSError, netrc.NetrcParseError):
        return None


def basicauth_from_netrc(netrc_obj: netrc.netrc | None, host: str) -> BasicAuth:
    """The credentials ``.netrc`` holds for ``host``.

    The ``default`` entry applies to hosts without their own; an entry with
    only ``account`` uses it as the login, as aiohttp does.

    Raises:
        LookupError: there is no file or no entry for ``host``.
    """
    if netrc_obj is None:
        raise LookupError("No .netrc file found")
    entry = netrc_obj.authenticators(host)
    if entry is None:
        raise LookupError(f"No entry for {host!r} found in the .netrc file")
    login, account, password = entry
    username = login if (login or account is None) else account
    return BasicAuth(username or "", password or "")


def netrc_auth_for_host(
    host: str, environ: Mapping[str, str] | None = None
) -> BasicAuth | None:
    """The ``.netrc`` credentials for ``host``, or ``None``."""
    try:
        return basicauth_from_netrc(netrc_from_env(environ), host)
    except LookupError:
        return None
