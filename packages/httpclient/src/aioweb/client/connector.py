"""The connection pool: :class:`BaseConnector`.

How this works: a request asks :meth:`BaseConnector.connect` for a
connection to its :class:`~aioweb.client.ConnectionKey`. A slot is taken
first (``limit`` in all, ``limit_per_host`` per key; ``0`` for no bound),
queueing in order when none is free. An idle connection of the same key is
then reused if it is still open, or a new one is made by the subclass's
:meth:`BaseConnector._create_connection`. The slot is held until the
:class:`Connection` is released: a connection that may carry another
request goes back to the pool for ``keepalive_timeout`` seconds, any other
is closed. A connection that is closed while idle is found out on reuse.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from .connection import Connection
from .exceptions import ClientConnectionError
from .timeout import DEFAULT_TIMEOUT, ClientTimeout

if TYPE_CHECKING:
    from .client_request import ClientRequest
    from .connection_key import ConnectionKey
    from .response_handler import ResponseHandler
    from .tracing import Trace

__all__ = ("BaseConnector",)

_SENTINEL: Any = object()
#: aiohttp's default idle time of a pooled connection, in seconds.
DEFAULT_KEEPALIVE: Final = 15.0
#: How long :meth:`BaseConnector.close` waits for each TLS connection to
#: finish closing before aborting it.
_CLOSE_GRACE: Final = 0.5


class _Placeholder:
    """Holds a slot while a connection is being made."""

    __slots__ = ()


class BaseConnector:
    """A pool of connections, with limits and keep-alive.

    Args:
        keepalive_timeout: seconds an idle connection is kept (15 by
            default); cannot be combined with ``force_close``.
        force_close: close every connection after its request.
        limit: the most connections at once; ``0`` for no limit.
        limit_per_host: the most connections to one key; ``0`` for no limit.
        enable_cleanup_closed: abort TLS connections whose closing handshake
            the peer never finishes (on :meth:`close`, they are aborted
            after a short grace either way).
        timeout_ceil_threshold: see :class:`~aioweb.client.ClientTimeout`.

    Raises:
        ValueError: ``keepalive_timeout`` with ``force_close``.
    """

    def __init__(
        self,
        *,
        keepalive_timeout: float | None = _SENTINEL,
        force_close: bool = False,
        limit: int = 100,
        limit_per_host: int = 0,
        enable_cleanup_closed: bool = False,
        timeout_ceil_threshold: float = 5,
    ) -> None:
        if force_close:
            if keepalive_timeout is not None and keepalive_timeout is not _SENTINEL:
                raise ValueError(
                    "keepalive_timeout cannot be set if force_close is True"
                )
        elif keepalive_timeout is _SENTINEL:
            keepalive_timeout = DEFAULT_KEEPALIVE
        self._loop = asyncio.get_running_loop()
        self._keepalive_timeout: float | None = (
            None if keepalive_timeout is _SENTINEL else keepalive_timeout
        )
        self._force_close = force_close
        self._limit = limit
        self._limit_per_host = limit_per_host
        self._cleanup_closed_disabled = not enable_cleanup_closed
        self._timeout_ceil_threshold = timeout_ceil_threshold
        # Idle connections per key, most recently used last. Lists, not
        # deques: an empty deque already takes over 600 bytes, and a pool of
        # many hosts has one per host.
        self._idle: dict[ConnectionKey, list[tuple[ResponseHandler, float]]] = {}
        self._acquired: set[object] = set()
        self._acquired_per_host: dict[ConnectionKey, set[object]] = (
            collections.defaultdict(set)
        )
        self._waiters: collections.OrderedDict[
            ConnectionKey, collections.deque[asyncio.Future[None]]
        ] = collections.OrderedDict()
        self._cleanup_handle: asyncio.TimerHandle | None = None
        self._closed = False
        self._all: set[ResponseHandler] = set()
        #: Seconds :meth:`close` lets connections finish closing (TLS
        #: sends its closing alert) before aborting them; ``0`` aborts TLS
        #: connections at once.
        self._close_grace: float = _CLOSE_GRACE

    # -- properties -----------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    @property
    def force_close(self) -> bool:
        """Whether connections are closed after each request."""
        return self._force_close

    @property
    def limit(self) -> int:
        """The most connections at once (``0``: no limit)."""
        return self._limit

    @property
    def limit_per_host(self) -> int:
        """The most connections per key (``0``: no limit)."""
        return self._limit_per_host

    def available_connections(self, key: ConnectionKey) -> int:
        """How many more connections to ``key`` may be opened now (1 if unbounded)."""
        total = self._limit - len(self._acquired) if self._limit else 1
        if self._limit_per_host:
            per_host = self._limit_per_host - len(self._acquired_per_host.get(key, ()))
            total = min(total, per_host) if self._limit else per_host
        return total

    # -- context management ---------------------------------------------------

    async def __aenter__(self) -> BaseConnector:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close every connection, idle or in use, and refuse new requests."""
        if self._closed:
            return
        self._closed = True
        if self._cleanup_handle is not None:
            self._cleanup_handle.cancel()
            self._cleanup_handle = None
        protocols = list(self._all)
        self._all.clear()
        self._idle.clear()
        for waiters in self._waiters.values():
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(ClientConnectionError("Connector is closed."))
        self._waiters.clear()
        grace = self._close_grace
        for protocol in protocols:
            transport = protocol.transport
            if (
                grace <= 0
                and transport is not None
                and transport.get_extra_info("sslcontext") is not None
            ):
                transport.abort()  # no wait for the peer's closing alert
            else:
                protocol.close()
        pending = [p.closed for p in protocols if not p.closed.done()]
        if pending:
            _, late = await asyncio.wait(pending, timeout=grace or _CLOSE_GRACE)
            for protocol in protocols:
                if not protocol.closed.done() and protocol.transport is not None:
                    protocol.transport.abort()
            if late:
                await asyncio.wait(late, timeout=_CLOSE_GRACE)
        await self._close_extra()

    def __del__(self, _warnings: Any = warnings) -> None:
        # As aiohttp: a connector dropped with connections open says so, and
        # closes them if the loop still runs.
        # A constructor that raised leaves some attributes unset.
        if getattr(self, "_closed", True) or not getattr(self, "_all", None):
            return
        _warnings.warn(f"Unclosed connector {self!r}", ResourceWarning, source=self)
        if not self._loop.is_closed():
            for protocol in list(self._all):
                protocol.close()

    async def _close_extra(self) -> None:
        """What a subclass closes besides the connections (its resolver)."""

    # -- acquiring ------------------------------------------------------------

    async def connect(
        self,
        req: ClientRequest,
        traces: Sequence[Trace],
        timeout: ClientTimeout = DEFAULT_TIMEOUT,
    ) -> Connection:
        """A connection for ``req``, reused or new.

        Raises:
            ClientConnectionError: the connector is closed.
            ClientConnectorError: connecting failed (a subclass says how).
        """
        if self._closed:
            raise ClientConnectionError("Connector is closed.")
        key = req.connection_key
        if self.available_connections(key) <= 0:
            for trace in traces:
                await trace.send_connection_queued_start()
            await self._wait_for_slot(key)
            for trace in traces:
                await trace.send_connection_queued_end()

        protocol = self._take_idle(key)
        if protocol is not None:
            self._acquire(key, protocol)
            for trace in traces:
                await trace.send_connection_reuseconn()
            return Connection(self, key, protocol, self._loop)

        placeholder = _Placeholder()
        self._acquire(key, placeholder)
        try:
            for trace in traces:
                await trace.send_connection_create_start()
            protocol = await self._create_connection(req, traces, timeout)
            if self.closed:  # closed while connecting
                protocol.close()
                raise ClientConnectionError("Connector is closed.")
        except BaseException:
            self._release_acquired(key, placeholder)
            raise
        self._swap(key, placeholder, protocol)
        self._all.add(protocol)
        for trace in traces:
            await trace.send_connection_create_end()
        return Connection(self, key, protocol, self._loop)

    def connect_idle(self, req: ClientRequest) -> Connection | None:
        """An idle pooled connection for ``req`` at once, if one is free.

        What :meth:`connect` does for a reused connection, without its
        tracing and without a coroutine: ``None`` when :meth:`connect` has
        to wait for a slot or open a connection.
        """
        if self._closed:
            return None
        key = req.connection_key
        idle = self._idle.get(key)
        if not idle:
            return None
        if self._limit_per_host:
            if self.available_connections(key) <= 0:
                return None
        elif self._limit and len(self._acquired) >= self._limit:
            return None
        protocol = self._take_idle(key, idle)
        if protocol is None:
            return None
        self._acquire(key, protocol)
        return Connection(self, key, protocol, self._loop)

    async def _create_connection(
        self, req: ClientRequest, traces: Sequence[Trace], timeout: ClientTimeout
    ) -> ResponseHandler:
        raise NotImplementedError

    async def _wait_for_slot(self, key: ConnectionKey) -> None:
        while self.available_connections(key) <= 0:
            waiter: asyncio.Future[None] = self._loop.create_future()
            queue = self._waiters.setdefault(key, collections.deque())
            queue.append(waiter)
            try:
                await waiter
            except BaseException:
                with contextlib.suppress(ValueError):
                    queue.remove(waiter)
                if not queue:
                    self._waiters.pop(key, None)
                # Pass a wake-up this waiter cannot use on to the next one.
                if waiter.done() and not waiter.cancelled() and not waiter.exception():
                    self._wake_waiter()
                raise
            finally:
                if key in self._waiters and not self._waiters[key]:
                    del self._waiters[key]

    def _take_idle(
        self,
        key: ConnectionKey,
        idle: list[tuple[ResponseHandler, float]] | None = None,
    ) -> ResponseHandler | None:
        # ``idle``: the key's list, when the caller has looked it up already.
        if idle is None:
            idle = self._idle.get(key)
        if not idle:
            return None
        now = self._loop.time()
        while idle:
            protocol, since = idle.pop()
            expired = (
                self._keepalive_timeout is not None
                and now - since > self._keepalive_timeout
            )
            if protocol.is_connected() and not expired:
                if not idle:
                    del self._idle[key]
                return protocol
            protocol.close()
            self._all.discard(protocol)
        del self._idle[key]
        return None

    # Connections per key are counted only when there is a per-key limit.

    def _acquire(self, key: ConnectionKey, holder: object) -> None:
        self._acquired.add(holder)
        if self._limit_per_host:
            self._acquired_per_host[key].add(holder)

    def _swap(self, key: ConnectionKey, old: object, new: object) -> None:
        self._acquired.discard(old)
        self._acquired.add(new)
        if self._limit_per_host:
            per_host = self._acquired_per_host[key]
            per_host.discard(old)
            per_host.add(new)

    # -- releasing ------------------------------------------------------------

    def _release_acquired(self, key: ConnectionKey, holder: object) -> None:
        self._acquired.discard(holder)
        per_host = self._acquired_per_host.get(key) if self._limit_per_host else None
        if per_host is not None:
            per_host.discard(holder)
            if not per_host:
                del self._acquired_per_host[key]
        if not isinstance(holder, _Placeholder):
            self._all.discard(holder)
        if self._waiters:
            self._wake_waiter()

    def _release(
        self, key: ConnectionKey, protocol: ResponseHandler, *, should_close: bool
    ) -> None:
        """Take a connection back: keep it for reuse or close it."""
        if self._closed:
            protocol.close()
            return
        if self._force_close or should_close or protocol.should_close:
            self._release_acquired(key, protocol)
            protocol.close()
            return
        # Kept: it stays among all the connections; only its slot is freed.
        self._acquired.discard(protocol)
        if self._limit_per_host:
            per_host = self._acquired_per_host.get(key)
            if per_host is not None:
                per_host.discard(protocol)
                if not per_host:
                    del self._acquired_per_host[key]
        # An idle connection keeps nothing of the response it carried.
        protocol.idle()
        idle = self._idle.get(key)
        if idle is None:
            idle = self._idle[key] = []
        idle.append((protocol, self._loop.time()))
        if self._cleanup_handle is None and self._keepalive_timeout:
            self._cleanup_handle = self._loop.call_at(
                self._loop.time() + self._keepalive_timeout, self._cleanup
            )
        if self._waiters:
            self._wake_waiter()

    def _wake_waiter(self) -> None:
        # Wake the first waiter (in arrival order) whose key has room now.
        for key, queue in list(self._waiters.items()):
            if self.available_connections(key) <= 0:
                continue
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
            del self._waiters[key]

    def _cleanup(self) -> None:
        """Close idle connections past their keep-alive time."""
        self._cleanup_handle = None
        if self._keepalive_timeout is None:
            return
        now = self._loop.time()
        deadline = now - self._keepalive_timeout
        for key in list(self._idle):
            kept: list[tuple[ResponseHandler, float]] = []
            for protocol, since in self._idle[key]:
                if since > deadline and protocol.is_connected():
                    kept.append((protocol, since))
                else:
                    protocol.close()
                    self._all.discard(protocol)
            if kept:
                self._idle[key] = kept
            else:
                del self._idle[key]
        if self._idle:
            self._cleanup_handle = self._loop.call_at(
                now + self._keepalive_timeout, self._cleanup
            )
