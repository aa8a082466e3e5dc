"""Request tracing: signals fired at each step of a request.

A :class:`TraceConfig` holds one :class:`aiosignal.Signal` per step. A
session given ``trace_configs=[...]`` freezes them, and for each request
makes one :class:`Trace` per config, holding a fresh context object (by
default a :class:`types.SimpleNamespace` with ``trace_request_ctx``) that
every handler of that request receives. Handlers are coroutines called as
``await handler(session, trace_config_ctx, params)``, in the order they were
appended; ``params`` is the frozen ``Trace...Params`` of the step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar

from aiosignal import Signal
from multidict import CIMultiDict
from yarl import URL

__all__ = (
    "TraceConfig",
    "Trace",
    "TraceRequestStartParams",
    "TraceRequestChunkSentParams",
    "TraceResponseChunkReceivedParams",
    "TraceRequestEndParams",
    "TraceRequestExceptionParams",
    "TraceRequestRedirectParams",
    "TraceRequestHeadersSentParams",
    "TraceConnectionQueuedStartParams",
    "TraceConnectionQueuedEndParams",
    "TraceConnectionCreateStartParams",
    "TraceConnectionCreateEndParams",
    "TraceConnectionReuseconnParams",
    "TraceDnsResolveHostStartParams",
    "TraceDnsResolveHostEndParams",
    "TraceDnsCacheHitParams",
    "TraceDnsCacheMissParams",
)

if TYPE_CHECKING:
    _ParamsT = TypeVar("_ParamsT")
    # The first argument is the session that made the request; ``Any`` keeps
    # handlers annotated with the session class assignable.
    _TracingSignal = Signal[Any, SimpleNamespace, _ParamsT]

# The client's response object, which handlers of request end and redirect
# receive.
_Response = Any


@dataclasses.dataclass(frozen=True, slots=True)
class TraceRequestStartParams:
    """A request is about to be sent."""

    method: str
    url: URL
    headers: CIMultiDict[str]


@dataclasses.dataclass(frozen=True, slots=True)
class TraceRequestChunkSentParams:
    """A chunk of the request body was written."""

    method: str
    url: URL
    chunk: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class TraceResponseChunkReceivedParams:
    """A chunk of the response body was read."""

    method: str
    url: URL
    chunk: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class TraceRequestEndParams:
    """A response was received."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    response: _Response


@dataclasses.dataclass(frozen=True, slots=True)
class TraceRequestExceptionParams:
    """The request failed with an exception."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    exception: BaseException


@dataclasses.dataclass(frozen=True, slots=True)
class TraceRequestRedirectParams:
    """A redirect response is about to be followed."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    response: _Response


@dataclasses.dataclass(frozen=True, slots=True)
class TraceRequestHeadersSentParams:
    """The request head was written to the connection."""

    method: str
    url: URL
    headers: CIMultiDict[str]


@dataclasses.dataclass(frozen=True, slots=True)
class TraceConnectionQueuedStartParams:
    """The connection pool is full: the request waits for a free slot."""


@dataclasses.dataclass(frozen=True, slots=True)
class TraceConnectionQueuedEndParams:
    """The request got a slot in the pool."""


@dataclasses.dataclass(frozen=True, slots=True)
class TraceConnectionCreateStartParams:
    """A new connection is being opened."""


@dataclasses.dataclass(frozen=True, slots=True)
class TraceConnectionCreateEndParams:
    """The new connection is open."""


@dataclasses.dataclass(frozen=True, slots=True)
class TraceConnectionReuseconnParams:
    """A pooled connection is reused."""


@dataclasses.dataclass(frozen=True, slots=True)
class TraceDnsResolveHostStartParams:
    """A host name is being resolved."""

    host: str


@dataclasses.dataclass(frozen=True, slots=True)
class TraceDnsResolveHostEndParams:
    """A host name was resolved."""

    host: str


@dataclasses.dataclass(frozen=True, slots=True)
class TraceDnsCacheHitParams:
    """A host's addresses were found in the DNS cache."""

    host: str


@dataclasses.dataclass(frozen=True, slots=True)
class TraceDnsCacheMissParams:
    """A host's addresses were not in the DNS cache."""

    host: str


class TraceConfig:
    """The signals a session fires for each request, to be observed.

    Args:
        trace_config_ctx_factory: makes the per-request context handed to
            every handler; called with ``trace_request_ctx=`` the value given
            to the request.

    Example::

        >>> async def on_start(session, context, params):
        ...     context.started = params.url
        >>> config = TraceConfig()
        >>> config.on_request_start.append(on_start)
    """

    def __init__(
        self,
        trace_config_ctx_factory: Callable[..., SimpleNamespace] = SimpleNamespace,
    ) -> None:
        self._trace_config_ctx_factory = trace_config_ctx_factory
        self._on_request_start: _TracingSignal[TraceRequestStartParams] = Signal(self)
        self._on_request_chunk_sent: _TracingSignal[TraceRequestChunkSentParams] = (
            Signal(self)
        )
        self._on_response_chunk_received: _TracingSignal[
            TraceResponseChunkReceivedParams
        ] = Signal(self)
        self._on_request_end: _TracingSignal[TraceRequestEndParams] = Signal(self)
        self._on_request_exception: _TracingSignal[TraceRequestExceptionParams] = (
            Signal(self)
        )
        self._on_request_redirect: _TracingSignal[TraceRequestRedirectParams] = Signal(
            self
        )
        self._on_request_headers_sent: _TracingSignal[TraceRequestHeadersSentParams] = (
            Signal(self)
        )
        self._on_connection_queued_start: _TracingSignal[
            TraceConnectionQueuedStartParams
        ] = Signal(self)
        self._on_connection_queued_end: _TracingSignal[
            TraceConnectionQueuedEndParams
        ] = Signal(self)
        self._on_connection_create_start: _TracingSignal[
            TraceConnectionCreateStartParams
        ] = Signal(self)
        self._on_connection_create_end: _TracingSignal[
            TraceConnectionCreateEndParams
        ] = Signal(self)
        self._on_connection_reuseconn: _TracingSignal[
            TraceConnectionReuseconnParams
        ] = Signal(self)
        self._on_dns_resolvehost_start: _TracingSignal[
            TraceDnsResolveHostStartParams
        ] = Signal(self)
        self._on_dns_resolvehost_end: _TracingSignal[TraceDnsResolveHostEndParams] = (
            Signal(self)
        )
        self._on_dns_cache_hit: _TracingSignal[TraceDnsCacheHitParams] = Signal(self)
        self._on_dns_cache_miss: _TracingSignal[TraceDnsCacheMissParams] = Signal(self)

    def trace_config_ctx(self, trace_request_ctx: Any = None) -> SimpleNamespace:
        """A new per-request context, holding ``trace_request_ctx``."""
        return self._trace_config_ctx_factory(trace_request_ctx=trace_request_ctx)

    def _signals(self) -> tuple[Signal[Any, SimpleNamespace, Any], ...]:
        return (
            self._on_request_start,
            self._on_request_chunk_sent,
            self._on_response_chunk_received,
            self._on_request_end,
            self._on_request_exception,
            self._on_request_redirect,
            self._on_request_headers_sent,
            self._on_connection_queued_start,
            self._on_connection_queued_end,
            self._on_connection_create_start,
            self._on_connection_create_end,
            self._on_connection_reuseconn,
            self._on_dns_resolvehost_start,
            self._on_dns_resolvehost_end,
            self._on_dns_cache_hit,
            self._on_dns_cache_miss,
        )

    def freeze(self) -> None:
        """Freeze every signal: no handler can be added afterwards.

        The session does this when it is created; a signal cannot be sent
        before it is frozen.
        """
        for signal in self._signals():
            signal.freeze()

    @property
    def frozen(self) -> bool:
        """Whether :meth:`freeze` was called."""
        return self._on_request_start.frozen

    @property
    def on_request_start(self) -> _TracingSignal[TraceRequestStartParams]:
        """Fired before a request is sent."""
        return self._on_request_start

    @property
    def on_request_chunk_sent(self) -> _TracingSignal[TraceRequestChunkSentParams]:
        """Fired after each chunk of the request body is written."""
        return self._on_request_chunk_sent

    @property
    def on_response_chunk_received(
        self,
    ) -> _TracingSignal[TraceResponseChunkReceivedParams]:
        """Fired after each chunk of the response body is read."""
        return self._on_response_chunk_received

    @property
    def on_request_end(self) -> _TracingSignal[TraceRequestEndParams]:
        """Fired when a response arrived."""
        return self._on_request_end

    @property
    def on_request_exception(self) -> _TracingSignal[TraceRequestExceptionParams]:
        """Fired when a request failed."""
        return self._on_request_exception

    @property
    def on_request_redirect(self) -> _TracingSignal[TraceRequestRedirectParams]:
        """Fired before a redirect is followed."""
        return self._on_request_redirect

    @property
    def on_request_headers_sent(
        self,
    ) -> _TracingSignal[TraceRequestHeadersSentParams]:
        """Fired after the request head is written."""
        return self._on_request_headers_sent

    @property
    def on_connection_queued_start(
        self,
    ) -> _TracingSignal[TraceConnectionQueuedStartParams]:
        """Fired when a request starts waiting for a pool slot."""
        return self._on_connection_queued_start

    @property
    def on_connection_queued_end(
        self,
    ) -> _TracingSignal[TraceConnectionQueuedEndParams]:
        """Fired when a waiting request gets its slot."""
        return self._on_connection_queued_end

    @property
    def on_connection_create_start(
        self,
    ) -> _TracingSignal[TraceConnectionCreateStartParams]:
        """Fired before a new connection is opened."""
        return self._on_connection_create_start

    @property
    def on_connection_create_end(
        self,
    ) -> _TracingSignal[TraceConnectionCreateEndParams]:
        """Fired after a new connection is opened."""
        return self._on_connection_create_end

    @property
    def on_connection_reuseconn(
        self,
    ) -> _TracingSignal[TraceConnectionReuseconnParams]:
        """Fired when a pooled connection is reused."""
        return self._on_connection_reuseconn

    @property
    def on_dns_resolvehost_start(
        self,
    ) -> _TracingSignal[TraceDnsResolveHostStartParams]:
        """Fired before a host name is resolved."""
        return self._on_dns_resolvehost_start

    @property
    def on_dns_resolvehost_end(self) -> _TracingSignal[TraceDnsResolveHostEndParams]:
        """Fired after a host name is resolved."""
        return self._on_dns_resolvehost_end

    @property
    def on_dns_cache_hit(self) -> _TracingSignal[TraceDnsCacheHitParams]:
        """Fired when the DNS cache had the host."""
        return self._on_dns_cache_hit

    @property
    def on_dns_cache_miss(self) -> _TracingSignal[TraceDnsCacheMissParams]:
        """Fired when the DNS cache did not have the host."""
        return self._on_dns_cache_miss


class Trace:
    """One request's view of one :class:`TraceConfig`: sends its signals.

    Args:
        session: the session making the request, passed to every handler.
        trace_config: the (frozen) configuration whose signals are sent.
        trace_config_ctx: the per-request context passed to every handler.
    """

    __slots__ = ("_config", "_ctx", "_session")

    def __init__(
        self,
        session: Any,
        trace_config: TraceConfig,
        trace_config_ctx: SimpleNamespace,
    ) -> None:
        self._session = session
        self._config = trace_config
        self._ctx = trace_config_ctx

    @classmethod
    def for_request(
        cls,
        session: Any,
        trace_configs: list[TraceConfig] | tuple[TraceConfig, ...],
        trace_request_ctx: Any = None,
    ) -> list[Trace]:
        """One trace per configuration, each with a fresh context."""
        return [
            cls(session, config, config.trace_config_ctx(trace_request_ctx))
            for config in trace_configs
        ]

    async def send_request_start(
        self, method: str, url: URL, headers: CIMultiDict[str]
    ) -> None:
        """Fire ``on_request_start``."""
        params = TraceRequestStartParams(method, url, headers)
        await self._config.on_request_start.send(self._session, self._ctx, params)

    async def send_request_chunk_sent(
        self, method: str, url: URL, chunk: bytes
    ) -> None:
        """Fire ``on_request_chunk_sent``."""
        params = TraceRequestChunkSentParams(method, url, chunk)
        await self._config.on_request_chunk_sent.send(self._session, self._ctx, params)

    async def send_response_chunk_received(
        self, method: str, url: URL, chunk: bytes
    ) -> None:
        """Fire ``on_response_chunk_received``."""
        params = TraceResponseChunkReceivedParams(method, url, chunk)
        signal = self._config.on_response_chunk_received
        await signal.send(self._session, self._ctx, params)

    async def send_request_end(
        self, method: str, url: URL, headers: CIMultiDict[str], response: _Response
    ) -> None:
        """Fire ``on_request_end``."""
        params = TraceRequestEndParams(method, url, headers, response)
        await self._config.on_request_end.send(self._session, self._ctx, params)

    async def send_request_exception(
        self,
        method: str,
        url: URL,
        headers: CIMultiDict[str],
        exception: BaseException,
    ) -> None:
        """Fire ``on_request_exception``."""
        params = TraceRequestExceptionParams(method, url, headers, exception)
        await self._config.on_request_exception.send(self._session, self._ctx, params)

    async def send_request_redirect(
        self, method: str, url: URL, headers: CIMultiDict[str], response: _Response
    ) -> None:
        """Fire ``on_request_redirect``."""
        params = TraceRequestRedirectParams(method, url, headers, response)
        await self._config.on_request_redirect.send(self._session, self._ctx, params)

    async def send_request_headers(
        self, method: str, url: URL, headers: CIMultiDict[str]
    ) -> None:
        """Fire ``on_request_headers_sent``."""
        params = TraceRequestHeadersSentParams(method, url, headers)
        signal = self._config.on_request_headers_sent
        await signal.send(self._session, self._ctx, params)

    async def send_connection_queued_start(self) -> None:
        """Fire ``on_connection_queued_start``."""
        params = TraceConnectionQueuedStartParams()
        signal = self._config.on_connection_queued_start
        await signal.send(self._session, self._ctx, params)

    async def send_connection_queued_end(self) -> None:
        """Fire ``on_connection_queued_end``."""
        params = TraceConnectionQueuedEndParams()
        signal = self._config.on_connection_queued_end
        await signal.send(self._session, self._ctx, params)

    async def send_connection_create_start(self) -> None:
        """Fire ``on_connection_create_start``."""
        params = TraceConnectionCreateStartParams()
        signal = self._config.on_connection_create_start
        await signal.send(self._session, self._ctx, params)

    async def send_connection_create_end(self) -> None:
        """Fire ``on_connection_create_end``."""
        params = TraceConnectionCreateEndParams()
        signal = self._config.on_connection_create_end
        await signal.send(self._session, self._ctx, params)

    async def send_connection_reuseconn(self) -> None:
        """Fire ``on_connection_reuseconn``."""
        params = TraceConnectionReuseconnParams()
        signal = self._config.on_connection_reuseconn
        await signal.send(self._session, self._ctx, params)

    async def send_dns_resolvehost_start(self, host: str) -> None:
        """Fire ``on_dns_resolvehost_start``."""
        params = TraceDnsResolveHostStartParams(host)
        signal = self._config.on_dns_resolvehost_start
        await signal.send(self._session, self._ctx, params)

    async def send_dns_resolvehost_end(self, host: str) -> None:
        """Fire ``on_dns_resolvehost_end``."""
        params = TraceDnsResolveHostEndParams(host)
        signal = self._config.on_dns_resolvehost_end
        await signal.send(self._session, self._ctx, params)

    async def send_dns_cache_hit(self, host: str) -> None:
        """Fire ``on_dns_cache_hit``."""
        params = TraceDnsCacheHitParams(host)
        await self._config.on_dns_cache_hit.send(self._session, self._ctx, params)

    async def send_dns_cache_miss(self, host: str) -> None:
        """Fire ``on_dns_cache_miss``."""
        params = TraceDnsCacheMissParams(host)
        await self._config.on_dns_cache_miss.send(self._session, self._ctx, params)
