"""The client's cookie jar (RFC 6265).

How this works: each cookie is stored under its identity ``(domain, path,
name)`` (RFC 6265 §5.3 step 11) together with whether it is host-only, its
expiry as a Unix time, and counters for its creation and last use. An index
by domain lets :meth:`CookieJar.filter_cookies` look only at the request
host and its parent domains instead of at every cookie.

Cookies set with no response URL (``ClientSession(cookies=...)``) have the
empty domain: they are "shared" and sent to every host, as in aiohttp.

Rules applied when storing (§5.3): a ``Domain`` must domain-match the host,
and a single-label ``Domain`` (``com``, ``localhost``) is refused unless it is
the host itself, which makes the cookie host-only; ``Max-Age`` wins over
``Expires`` and a date in the past deletes; a missing or relative ``Path``
becomes the default path of the URL (§5.1.4); cookies from an IP-address host
are refused unless ``unsafe=True``, and then are host-only. When sending
(§5.4): domain and path must match, ``Secure`` cookies go over https/wss or
to a ``treat_as_secure_origin`` only, and the most specific cookie wins for a
name. Storage is bounded like Firefox's: 180 cookies a domain and 3300 in
all, the least recently used going first (non-``Secure`` ones before
``Secure`` ones).
"""

from __future__ import annotations

import abc
import functools
import ipaddress
import os
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from http.cookies import BaseCookie, Morsel
from typing import Any, Final, Union

from yarl import URL

from aioweb.protocol.cookie_dates import parse_cookie_date
from aioweb.protocol.cookies import (
    CookieMorsel,
    make_set_cookie,
    parse_set_cookie_headers,
    quote_cookie_value,
)

from .cookie_file import SavedCookie, read_cookie_file, write_cookie_file

__all__ = ("AbstractCookieJar", "CookieJar", "DummyCookieJar", "ClearCookiePredicate")

#: Cookies accepted by ``update_cookies``: a mapping or pairs of names to
#: values or morsels, or a :class:`http.cookies.BaseCookie`.
LooseCookies = Union[
    Mapping[str, Union[str, "BaseCookie[str]", "Morsel[Any]"]],
    Iterable[tuple[str, Union[str, "BaseCookie[str]", "Morsel[Any]"]]],
    "BaseCookie[str]",
]
ClearCookiePredicate = Callable[["Morsel[str]"], bool]

MAX_COOKIES_PER_DOMAIN: Final = 180
MAX_COOKIES_TOTAL: Final = 3300
_SECURE_SCHEMES: Final = frozenset({"https", "wss"})

_Key = tuple[str, str, str]
# The default response URL: cookies with no origin are shared by every host.
_NO_URL: Final = URL()


@functools.lru_cache(maxsize=1024)
def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        return False
    return True


def _domain_match(domain: str, host: str) -> bool:
    """RFC 6265 §5.1.3: ``host`` is ``domain`` or a name under it."""
    if host == domain:
        return True
    return host.endswith("." + domain) and not _is_ip(host)


def _path_match(cookie_path: str, request_path: str) -> bool:
    """RFC 6265 §5.1.4."""
    if request_path == cookie_path:
        return True
    if not request_path.startswith(cookie_path):
        return False
    return cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"


def _default_path(url: URL) -> str:
    """RFC 6265 §5.1.4: the directory of the URL's path."""
    path = url.path
    if not path.startswith("/") or path.count("/") == 1:
        return "/"
    return path[: path.rfind("/")]


class AbstractCookieJar(abc.ABC):
    """What a session needs of a cookie jar."""

    @property
    @abc.abstractmethod
    def unsafe(self) -> bool:
        """Whether cookies of IP-address hosts are accepted."""

    @property
    @abc.abstractmethod
    def quote_cookie(self) -> bool:
        """Whether values are quoted when sent."""

    @abc.abstractmethod
    def __iter__(self) -> Iterator[Morsel[str]]: ...

    @abc.abstractmethod
    def __len__(self) -> int: ...

    @abc.abstractmethod
    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Remove the cookies ``predicate`` selects, or all of them."""

    @abc.abstractmethod
    def clear_domain(self, domain: str) -> None:
        """Remove the cookies of ``domain`` and its subdomains."""

    @abc.abstractmethod
    def update_cookies(
        self, cookies: LooseCookies, response_url: URL = _NO_URL
    ) -> None:
        """Store cookies received from ``response_url``."""

    def update_cookies_from_headers(
        self, headers: Iterable[str], response_url: URL
    ) -> None:
        """Store the cookies of a response's ``Set-Cookie`` field values."""
        if parsed := parse_set_cookie_headers(headers):
            self.update_cookies(parsed, response_url)

    @abc.abstractmethod
    def filter_cookies(self, request_url: URL) -> BaseCookie[str]:
        """The cookies to send with a request to ``request_url``."""


class _Cookie:
    # What filter_cookies reads on every request is kept in plain slots, and
    # the morsel to send is built once, on first use.
    __slots__ = (
        "creation",
        "expires",
        "host_only",
        "last_access",
        "morsel",
        "outgoing",
        "path",
        "rank",
        "secure",
    )

    def __init__(
        self,
        morsel: Morsel[str],
        host_only: bool,
        expires: float | None,
        creation: int,
    ) -> None:
        self.morsel = morsel
        self.host_only = host_only
        self.expires = expires
        self.creation = creation
        self.last_access = creation
        self.path = str(morsel["path"])
        self.secure = bool(morsel["secure"])
        # Sending order: least specific first, so the most specific cookie
        # of a name is the one left in the result.
        self.rank = (len(str(morsel["domain"])), len(self.path), -creation)
        self.outgoing: Morsel[str] | None = None


class CookieJar(AbstractCookieJar):
    """Cookie storage following RFC 6265, as aiohttp's ``CookieJar``.

    Args:
        unsafe: accept cookies from hosts that are IP addresses.
        quote_cookie: quote values that need it when sending; with
            ``False`` values are sent exactly as stored.
        treat_as_secure_origin: origins (URLs or strings) that get
            ``Secure`` cookies over plain http, such as a local test server.

    Example::

        >>> from yarl import URL
        >>> jar = CookieJar()
        >>> jar.update_cookies_from_headers(
        ...     ["sid=abc; Path=/; HttpOnly"], URL("https://example.com/login")
        ... )
        >>> jar.filter_cookies(URL("https://example.com/account"))["sid"].value
        'abc'
    """

    def __init__(
        self,
        *,
        unsafe: bool = False,
        quote_cookie: bool = True,
        treat_as_secure_origin: str | URL | Iterable[str | URL] | None = None,
    ) -> None:
        self._unsafe = unsafe
        self._quote_cookie = quote_cookie
        if treat_as_secure_origin is None:
            origins: Iterable[str | URL] = ()
        elif isinstance(treat_as_secure_origin, (str, URL)):
            origins = (treat_as_secure_origin,)
        else:
            origins = treat_as_secure_origin
        self._treat_as_secure_origin = frozenset(URL(str(o)).origin() for o in origins)
        self._cookies: dict[_Key, _Cookie] = {}
        self._by_domain: dict[str, dict[_Key, _Cookie]] = {}
        self._counter = 0
        self._clock: Callable[[], float] = time.time

    # -- properties ---------------------------------------------------------

    @property
    def unsafe(self) -> bool:
        """Whether cookies of IP-address hosts are accepted."""
        return self._unsafe

    @property
    def quote_cookie(self) -> bool:
        """Whether values are quoted when sent."""
        return self._quote_cookie

    @property
    def treat_as_secure_origin(self) -> frozenset[URL]:
        """Origins that get ``Secure`` cookies over plain http."""
        return self._treat_as_secure_origin

    @property
    def cookies(self) -> Mapping[tuple[str, str], BaseCookie[str]]:
        """A snapshot of the stored cookies by ``(domain, path)``."""
        self._expire()
        view: dict[tuple[str, str], BaseCookie[str]] = {}
        for (domain, path, name), cookie in self._cookies.items():
            dict.__setitem__(
                view.setdefault((domain, path), BaseCookie()), name, cookie.morsel
            )
        return view

    @property
    def host_only_cookies(self) -> frozenset[tuple[str, str, str]]:
        """The identities ``(domain, path, name)`` of host-only cookies."""
        return frozenset(k for k, c in self._cookies.items() if c.host_only)

    def __iter__(self) -> Iterator[Morsel[str]]:
        self._expire()
        return iter([cookie.morsel for cookie in self._cookies.values()])

    def __len__(self) -> int:
        self._expire()
        return len(self._cookies)

    # -- storing -------------------------------------------------------------

    def update_cookies(
        self, cookies: LooseCookies, response_url: URL = _NO_URL
    ) -> None:
        """Store cookies received from ``response_url``.

        Args:
            cookies: a mapping or pairs of names to values or morsels, or a
                :class:`~http.cookies.BaseCookie`.
            response_url: where they came from; with the default empty URL
                they are shared: sent to every host.

        Raises:
            ValueError: a plain ``(name, value)`` pair has a malformed name.
        """
        host = (response_url.raw_host or "").lower().rstrip(".") or None
        if host is not None and _is_ip(host) and not self._unsafe:
            return
        items = cookies.items() if isinstance(cookies, Mapping) else cookies
        for name, given in items:
            if isinstance(given, Morsel):
                morsel: Morsel[str] = _copy_morsel(given)
            elif isinstance(given, BaseCookie):
                continue  # a nested cookie container carries no value
            else:
                morsel = make_set_cookie(name, str(given), path="")
            self._store(morsel, host, response_url)

    def update_cookies_from_headers(
        self, headers: Iterable[str], response_url: URL
    ) -> None:
        """Store the cookies of a response's ``Set-Cookie`` field values.

        Cookies that cannot be stored safely are dropped by the parser
        (:func:`aioweb.protocol.parse_set_cookie`).
        """
        host = (response_url.raw_host or "").lower().rstrip(".") or None
        if host is not None and _is_ip(host) and not self._unsafe:
            return
        for _, morsel in parse_set_cookie_headers(headers):
            # Freshly parsed: the jar may keep the morsel without a copy.
            self._store(morsel, host, response_url)

    def _store(self, morsel: Morsel[str], host: str | None, url: URL) -> None:
        domain = str(morsel["domain"] or "").lower()
        if domain.endswith("."):
            # RFC 6265 §5.2.3 leaves a trailing dot alone, but no host has
            # one here; aiohttp ignores such a Domain, so does this jar.
            domain = ""
        domain = domain.removeprefix(".")
        host_only = False
        if domain and host is not None:
            if "." not in domain and domain != host:
                return  # §5.3 step 5: a public suffix (bare TLD)
            if not _domain_match(domain, host):
                return  # §5.3 step 6: a Domain the host cannot set
            host_only = domain == host and ("." not in domain or _is_ip(host))
        if not domain:
            domain = host or ""
            host_only = host is not None
        path = str(morsel["path"] or "")
        if not path.startswith("/"):
            path = _default_path(url) if host is not None else "/"
        morsel["domain"] = domain
        morsel["path"] = path

        now = self._clock()
        expires = self._expiry(morsel, now)
        key = (domain, path, morsel.key)
        old = self._cookies.get(key)
        if expires is not None and expires <= now:
            if old is not None:
                self._delete(key)
            return
        self._counter += 1
        if old is None and not self._make_room(domain, bool(morsel["secure"])):
            return
        # §5.3 step 11.3: a replaced cookie keeps its creation time.
        creation = self._counter if old is None else old.creation
        cookie = _Cookie(morsel, host_only, expires, creation)
        cookie.last_access = self._counter
        self._cookies[key] = cookie
        self._by_domain.setdefault(domain, {})[key] = cookie

    @staticmethod
    def _expiry(morsel: Morsel[str], now: float) -> float | None:
        # RFC 6265 §5.3 step 3: Max-Age takes precedence over Expires.
        max_age = str(morsel["max-age"] or "").strip()
        if max_age:
            try:
                seconds = int(max_age)
            except ValueError:
                morsel["max-age"] = ""
            else:
                return now + seconds if seconds > 0 else float("-inf")
        expires = str(morsel["expires"] or "")
        if expires:
            moment = parse_cookie_date(expires)
            if moment is not None:
                return moment.timestamp()
            morsel["expires"] = ""
        return None

    def _make_room(self, domain: str, secure: bool) -> bool:
        keys = self._by_domain.get(domain, ())
        if (
            len(keys) < MAX_COOKIES_PER_DOMAIN
            and len(self._cookies) < MAX_COOKIES_TOTAL
        ):
            return True
        self._expire()
        if len(self._by_domain.get(domain, ())) >= MAX_COOKIES_PER_DOMAIN:
            candidates = list(self._by_domain[domain])
        elif len(self._cookies) >= MAX_COOKIES_TOTAL:
            candidates = list(self._cookies)
        else:
            return True
        insecure = [k for k in candidates if not self._cookies[k].secure]
        if insecure:
            candidates = insecure
        elif not secure:
            return False  # a plain cookie never evicts a Secure one
        victim = min(candidates, key=lambda k: self._cookies[k].last_access)
        self._delete(victim)
        return True

    def _delete(self, key: _Key) -> None:
        del self._cookies[key]
        keys = self._by_domain[key[0]]
        del keys[key]
        if not keys:
            del self._by_domain[key[0]]

    def _expire(self) -> None:
        now = self._clock()
        for key in [
            k
            for k, c in self._cookies.items()
            if c.expires is not None and c.expires <= now
        ]:
            self._delete(key)

    # -- sending -------------------------------------------------------------

    def filter_cookies(self, request_url: URL = _NO_URL) -> BaseCookie[str]:
        """The cookies to send with a request to ``request_url`` (§5.4).

        Args:
            request_url: the URL about to be requested.

        Returns:
            One morsel per name, the most specific (longest domain, then
            longest path) winning, in order of increasing specificity.
        """
        filtered: BaseCookie[str] = BaseCookie()
        if not self._cookies:
            return filtered
        if type(request_url) is not URL:
            warnings.warn(
                "filter_cookies expects a yarl.URL, as in aiohttp",
                DeprecationWarning,
                stacklevel=2,
            )
            request_url = URL(str(request_url))
        host = (request_url.raw_host or "").lower().rstrip(".")
        secure = request_url.scheme in _SECURE_SCHEMES
        if not secure and self._treat_as_secure_origin and request_url.absolute:
            secure = request_url.origin() in self._treat_as_secure_origin
        path = request_url.path or "/"
        now = self._clock()

        domains = [""]
        if host:
            if not _is_ip(host):
                # The host and each parent domain with a dot: single-label
                # Domain cookies are never stored, except as host-only.
                domains.append(host)
                dot = host.find(".")
                while dot != -1 and host.find(".", dot + 1) != -1:
                    domains.append(host[dot + 1 :])
                    dot = host.find(".", dot + 1)
            elif self._unsafe:
                domains.append(host)
        matched: list[_Cookie] = []
        expired: list[_Key] = []
        by_domain = self._by_domain
        for domain in domains:
            cookies = by_domain.get(domain)
            if cookies is None:
                continue
            for key, cookie in cookies.items():
                expires = cookie.expires
                if expires is not None and expires <= now:
                    expired.append(key)
                    continue
                if cookie.host_only and domain != host:
                    continue
                if cookie.secure and not secure:
                    continue
                cookie_path = cookie.path
                if cookie_path != "/" and not _path_match(cookie_path, path):
                    continue
                matched.append(cookie)
        for key in expired:
            self._delete(key)
        if len(matched) > 1:
            matched.sort(key=_rank)
        self._counter += 1
        for cookie in matched:
            cookie.last_access = self._counter
            outgoing = cookie.outgoing
            if outgoing is None:
                outgoing = cookie.outgoing = self._outgoing(cookie.morsel)
            name = outgoing.key
            filtered.pop(name, None)
            dict.__setitem__(filtered, name, outgoing)
        return filtered

    def _outgoing(self, stored: Morsel[str]) -> Morsel[str]:
        coded = stored.coded_value
        if not self._quote_cookie:
            coded = stored.value
        elif not coded.startswith('"'):
            coded = quote_cookie_value(stored.value)
        morsel: Morsel[str] = Morsel()
        morsel.__setstate__(  # type: ignore[attr-defined]
            {"key": stored.key, "value": stored.value, "coded_value": coded}
        )
        return morsel

    # -- removing ------------------------------------------------------------

    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Remove the cookies ``predicate`` returns true for, or all of them.

        Expired cookies are removed too.
        """
        if predicate is None:
            self._cookies.clear()
            self._by_domain.clear()
            return
        self._expire()
        for key in [k for k, c in self._cookies.items() if predicate(c.morsel)]:
            self._delete(key)

    def clear_domain(self, domain: str) -> None:
        """Remove the cookies of ``domain`` and of its subdomains."""
        domain = domain.lower().removeprefix(".")
        self.clear(lambda morsel: _domain_match(domain, str(morsel["domain"])))

    # -- persistence ---------------------------------------------------------

    def save(self, file_path: str | os.PathLike[str]) -> None:
        """Write the cookies to ``file_path`` as JSON, readable by the owner only.

        The format is described in :mod:`aioweb.client.cookie_file`.
        """
        self._expire()
        write_cookie_file(
            file_path,
            (
                SavedCookie(_as_cookie_morsel(c.morsel), c.host_only, c.expires)
                for c in self._cookies.values()
            ),
        )

    def load(self, file_path: str | os.PathLike[str]) -> None:
        """Replace the jar's contents with those of a file written by :meth:`save`.

        Raises:
            ValueError: the file is not a saved jar (pickled jars included)
                or a record is malformed; the jar is then left as it was.
            OSError: the file cannot be read.
        """
        saved = read_cookie_file(file_path)
        self.clear()
        for cookie in saved:
            morsel = cookie.morsel
            key = (str(morsel["domain"]), str(morsel["path"]), morsel.key)
            self._counter += 1
            self._cookies[key] = _Cookie(
                morsel, cookie.host_only, cookie.expires, self._counter
            )
            self._by_domain.setdefault(key[0], {})[key] = self._cookies[key]
        self._expire()


def _as_cookie_morsel(morsel: Morsel[str]) -> CookieMorsel:
    return morsel if isinstance(morsel, CookieMorsel) else _copy_morsel(morsel)


def _rank(cookie: _Cookie) -> tuple[int, int, int]:
    return cookie.rank


def _copy_morsel(morsel: Morsel[Any]) -> CookieMorsel:
    copy = CookieMorsel()
    dict.update(copy, {k: v for k, v in morsel.items() if k in copy})
    copy.__setstate__(  # type: ignore[attr-defined]
        {
            "key": morsel.key,
            "value": str(morsel.value),
            "coded_value": morsel.coded_value,
        }
    )
    return copy


class DummyCookieJar(AbstractCookieJar):
    """A jar that keeps nothing: for sessions that must not store cookies."""

    @property
    def unsafe(self) -> bool:
        """Always ``False``."""
        return False

    @property
    def quote_cookie(self) -> bool:
        """Always ``True``."""
        return True

    def __iter__(self) -> Iterator[Morsel[str]]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Nothing to clear."""

    def clear_domain(self, domain: str) -> None:
        """Nothing to clear."""

    def update_cookies(
        self, cookies: LooseCookies, response_url: URL = _NO_URL
    ) -> None:
        """Drop the cookies."""

    def update_cookies_from_headers(
        self, headers: Iterable[str], response_url: URL
    ) -> None:
        """Drop the cookies without parsing them."""

    def filter_cookies(self, request_url: URL) -> BaseCookie[str]:
        """No cookies."""
        return BaseCookie()
