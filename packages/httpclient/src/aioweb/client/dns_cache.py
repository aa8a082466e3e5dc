"""The connector's host lookup: IP literals, a DNS cache, coalesced lookups.

How this works: :class:`HostResolver` is the step a TCP connector takes
before connecting. An IP literal needs no lookup; a legacy numeric form that
the C library would also read as IPv4 (``127.1``, ``2130706433``,
``0x7f.0.0.1``) is refused, since a policy that looked at the host as text
would not recognise the address it stands for. A name is looked up in a
:class:`DNSCache` (``ttl_dns_cache`` seconds, at most ``max_size`` hosts,
least recently used evicted first). On a miss exactly one lookup runs per
``(host, port)``; requests for the same key that arrive meanwhile wait for
it, and a waiter that is cancelled does not cancel the lookup for the
others. Addresses of a cached host are handed out rotated, one step per
request, to spread connections over them (round robin).

Trace signals follow aiohttp's connector: ``dns_cache_hit`` for a cached or
coalesced answer; ``dns_cache_miss``, ``dns_resolvehost_start`` and
``dns_resolvehost_end`` around a real lookup; only the last two when the
cache is off.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Final

from .exceptions import ClientConnectionError, InvalidUrlClientError
from .resolver import AbstractResolver, ResolveResult
from .tracing import Trace

__all__ = ("DNSCache", "HostResolver", "DEFAULT_DNS_CACHE_SIZE")

#: How many hosts the cache keeps by default (aiohttp's cache is unbounded;
#: a bound keeps a client that follows hostile redirects to ever new host
#: names from growing without end).
DEFAULT_DNS_CACHE_SIZE: Final = 4096

_Key = tuple[str, int]


class _Entry:
    __slots__ = ("addresses", "expires", "next_index")

    def __init__(self, addresses: list[ResolveResult], expires: float | None) -> None:
        self.addresses = addresses
        self.expires = expires
        self.next_index = 0


class DNSCache:
    """Resolved addresses by ``(host, port)``, with a TTL and a size bound.

    Args:
        ttl: seconds an answer is kept; ``None`` keeps it until evicted.
        max_size: the most keys kept; the least recently used goes first.
        clock: the time source (monotonic seconds).

    Raises:
        ValueError: ``max_size`` is below 1 or ``ttl`` is negative.
    """

    def __init__(
        self,
        ttl: float | None = 10,
        max_size: int = DEFAULT_DNS_CACHE_SIZE,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_size < 1:
            raise ValueError(f"max_size must be at least 1, not {max_size}")
        if ttl is not None and ttl < 0:
            raise ValueError(f"ttl must not be negative, not {ttl}")
        self._ttl = ttl
        self._max_size = max_size
        self._clock = clock
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, key: _Key, addresses: list[ResolveResult]) -> None:
        """Store the answer for ``key``, evicting the least recently used."""
        expires = None if self._ttl is None else self._clock() + self._ttl
        self._entries[key] = _Entry(list(addresses), expires)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_size:
            self._entries.popitem(last=False)

    def expired(self, key: _Key) -> bool:
        """Whether the answer for ``key`` is past its TTL."""
        expires = self._entries[key].expires
        return expires is not None and expires < self._clock()

    def next_addrs(self, key: _Key) -> list[ResolveResult]:
        """The addresses for ``key``, rotated one step further each call.

        Raises:
            KeyError: ``key`` is not cached.
        """
        entry = self._entries[key]
        self._entries.move_to_end(key)
        addresses = entry.addresses
        if not addresses:
            return []
        index = entry.next_index % len(addresses)
        entry.next_index = index + 1
        return addresses[index:] + addresses[:index]

    def fresh_addrs(self, key: _Key) -> list[ResolveResult] | None:
        """:meth:`next_addrs` if ``key`` is cached and not expired, else ``None``."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires is not None and entry.expires < self._clock():
            return None
        self._entries.move_to_end(key)
        addresses = entry.addresses
        count = len(addresses)
        if count < 2:
            return list(addresses)
        index = entry.next_index % count
        entry.next_index = index + 1
        return addresses[index:] + addresses[:index]

    def remove(self, key: _Key) -> None:
        """Forget ``key`` (nothing happens if it is not cached)."""
        self._entries.pop(key, None)

    def clear(self) -> None:
        """Forget everything."""
        self._entries.clear()


_LEGACY_IPV4: Final = -1
_NUMERIC_FLAGS: Final = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
# What inet_aton's forms are made of: decimal, octal and hex parts, dots.
_NUMERIC_CHARS: Final = frozenset("0123456789abcdefABCDEFxX.")


@functools.lru_cache(maxsize=1024)
def _literal_family(host: str) -> int:
    """``AF_INET``/``AF_INET6`` for an IP literal, ``0`` for a name, or
    ``_LEGACY_IPV4`` for a numeric form only the C library reads as IPv4.

    Cached: every request asks, and a name costs two failed parses.
    """
    if ":" in host:
        try:
            ipaddress.IPv6Address(host.partition("%")[0])
        except ValueError:
            return 0
        return socket.AF_INET6
    if not host or not set(host) <= _NUMERIC_CHARS:
        return 0
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        try:
            socket.inet_aton(host)
        except OSError:
            return 0
        return _LEGACY_IPV4
    return socket.AF_INET


def ip_literal(host: str, port: int) -> ResolveResult | None:
    """The address of an IP-literal host, or ``None`` for a name.

    Raises:
        InvalidUrlClientError: ``host`` is a legacy numeric IPv4 form.
    """
    family = _literal_family(host)
    if not family:
        return None
    if family == _LEGACY_IPV4:
        raise InvalidUrlClientError(host, "is not a canonical IPv4 address")
    return ResolveResult(
        hostname=host,
        host=host,
        port=port,
        family=family,
        proto=0,
        flags=_NUMERIC_FLAGS,
    )


class HostResolver:
    """Resolve hosts for a connector, with aiohttp's caching semantics.

    Args:
        resolver: does the real lookups.
        use_dns_cache: whether answers are cached and lookups coalesced.
        ttl_dns_cache: seconds an answer is cached; ``None`` for ever.
        max_size: the most hosts cached.
        family: the address family asked for (``0`` for any).
    """

    def __init__(
        self,
        resolver: AbstractResolver,
        *,
        use_dns_cache: bool = True,
        ttl_dns_cache: float | None = 10,
        max_size: int = DEFAULT_DNS_CACHE_SIZE,
        family: int = 0,
    ) -> None:
        self._resolver = resolver
        self._use_dns_cache = use_dns_cache
        self._cache = DNSCache(ttl_dns_cache, max_size)
        self._family = socket.AddressFamily(family)
        self._in_flight: dict[_Key, asyncio.Task[list[ResolveResult]]] = {}
        self._closed = False

    @property
    def cache(self) -> DNSCache:
        """The cache of answers."""
        return self._cache

    @property
    def use_dns_cache(self) -> bool:
        """Whether answers are cached."""
        return self._use_dns_cache

    def clear_dns_cache(self, host: str | None = None, port: int | None = None) -> None:
        """Forget one ``(host, port)`` answer, or every answer.

        Raises:
            ValueError: only one of ``host`` and ``port`` was given.
        """
        if host is not None and port is not None:
            self._cache.remove((host, port))
        elif host is not None or port is not None:
            raise ValueError("either both host and port or none of them are allowed")
        else:
            self._cache.clear()

    async def resolve_host(
        self, host: str, port: int, traces: Sequence[Trace] | None = None
    ) -> list[ResolveResult]:
        """The addresses to try for ``host``, in order.

        Raises:
            InvalidUrlClientError: ``host`` is a legacy numeric IPv4 form.
            ClientConnectionError: :meth:`close` was called.
            OSError: the lookup failed.
        """
        if _literal_family(host):  # cached: a name costs one dict lookup
            literal = ip_literal(host, port)
            assert literal is not None
            return [literal]
        if self._closed:
            raise ClientConnectionError("Connector is closed")
        if not self._use_dns_cache:
            for trace in traces or ():
                await trace.send_dns_resolvehost_start(host)
            addresses = await self._resolver.resolve(host, port, family=self._family)
            for trace in traces or ():
                await trace.send_dns_resolvehost_end(host)
            return addresses

        key = (host, port)
        # Take the answer before any await, so that no lookup finishing
        # meanwhile changes what this request gets.
        cached = self._cache.fresh_addrs(key)
        if cached is not None:
            if traces:
                for trace in traces:
                    await trace.send_dns_cache_hit(host)
            return cached

        task = self._in_flight.get(key)
        if task is not None:
            for trace in traces or ():
                await trace.send_dns_cache_hit(host)
        else:
            task = asyncio.create_task(self._lookup(key, traces))
            self._in_flight[key] = task
            task.add_done_callback(self._forget_lookup)
        try:
            addresses = await asyncio.shield(task)
        except asyncio.CancelledError:
            # The lookup goes on for the other waiters; make sure its
            # outcome is retrieved even if none is left.
            task.add_done_callback(_retrieve)
            raise
        if key in self._cache:
            return self._cache.next_addrs(key)
        return addresses  # pragma: no cover - evicted by a tiny max_size

    def _forget_lookup(self, task: asyncio.Task[list[ResolveResult]]) -> None:
        for key, running in list(self._in_flight.items()):
            if running is task:
                del self._in_flight[key]

    async def _lookup(
        self, key: _Key, traces: Sequence[Trace] | None
    ) -> list[ResolveResult]:
        host, port = key
        for trace in traces or ():
            await trace.send_dns_cache_miss(host)
        for trace in traces or ():
            await trace.send_dns_resolvehost_start(host)
        addresses = await self._resolver.resolve(host, port, family=self._family)
        for trace in traces or ():
            await trace.send_dns_resolvehost_end(host)
        self._cache.add(key, addresses)
        return addresses

    async def close(self) -> None:
        """Cancel lookups in flight, wait for them, and close the resolver."""
        self._closed = True
        tasks = list(self._in_flight.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._in_flight.clear()
        await self._resolver.close()


def _retrieve(task: asyncio.Task[list[ResolveResult]]) -> None:
    if not task.cancelled():
        task.exception()
