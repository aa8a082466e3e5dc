"""A connection lent by a connector to one request."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .connection_key import ConnectionKey
    from .connector import BaseConnector
    from .response_handler import ResponseHandler

__all__ = ("Connection",)


class Connection:
    """A pooled connection, on loan: give it back with :meth:`release`.

    Args:
        connector: the pool it came from.
        key: what it connects to.
        protocol: its protocol.
        loop: the event loop.
    """

    __slots__ = ("_callbacks", "_connector", "_key", "_loop", "_protocol")

    def __init__(
        self,
        connector: BaseConnector,
        key: ConnectionKey,
        protocol: ResponseHandler,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self._connector = connector
        self._key = key
        self._protocol: ResponseHandler | None = protocol
        self._loop = loop
        self._callbacks: list[Callable[[], None]] = []

    def __repr__(self) -> str:
        return f"Connection<{self._key}>"

    @property
    def key(self) -> ConnectionKey:
        """What the connection is for."""
        return self._key

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop."""
        return self._loop

    @property
    def transport(self) -> asyncio.Transport | None:
        """The transport, or None once given back."""
        if self._protocol is None:
            return None
        return self._protocol.transport

    @property
    def protocol(self) -> ResponseHandler | None:
        """The protocol, or None once given back."""
        return self._protocol

    @property
    def closed(self) -> bool:
        """Whether the connection was given back or is dead."""
        return self._protocol is None or not self._protocol.is_connected()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """The transport's extra information (``peername``, ``ssl_object``...)."""
        transport = self.transport
        if transport is None:
            return default
        return transport.get_extra_info(name, default)

    def add_callback(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when the connection is released or closed."""
        self._callbacks.append(callback)

    def _notify(self) -> None:
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()

    def close(self) -> None:
        """Close the connection and free its slot in the pool."""
        self._notify()
        protocol, self._protocol = self._protocol, None
        if protocol is not None:
            self._connector._release(self._key, protocol, should_close=True)

    def release(self) -> None:
        """Give the connection back; it is kept for reuse if it can be."""
        self._notify()
        protocol, self._protocol = self._protocol, None
        if protocol is not None:
            # The connector asks the protocol whether it can be kept.
            self._connector._release(self._key, protocol, should_close=False)

    def detach(self) -> None:
        """Forget the protocol without closing it (it was taken over)."""
        self._notify()
        protocol, self._protocol = self._protocol, None
        if protocol is not None:
            self._connector._release_acquired(self._key, protocol)
