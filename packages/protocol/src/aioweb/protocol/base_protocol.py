"""The asyncio protocol base that the client's and server's connections share.

:class:`BaseProtocol` keeps the two flow-control states of a connection:

* writing: the transport calls :meth:`~BaseProtocol.pause_writing` when its
  write buffer passes its high-water mark and
  :meth:`~BaseProtocol.resume_writing` when it drains; writers await
  :meth:`~BaseProtocol.drain`, which returns at once unless writing is paused.
* reading: a :class:`~aioweb.protocol.StreamReader` calls
  :meth:`~BaseProtocol.pause_reading` when its buffer is full and
  :meth:`~BaseProtocol.resume_reading` when it is drained; these reach the
  transport.

When the connection is lost, a pending :meth:`~BaseProtocol.drain` raises
:class:`ConnectionResetError` (chained to the transport's error, if any), and
so does every later one: nothing written after that can arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import cast

__all__ = ("BaseProtocol",)


class BaseProtocol(asyncio.Protocol):
    """An :class:`asyncio.Protocol` with read and write flow control.

    Args:
        loop: the event loop the connection runs on.
    """

    __slots__ = (
        "_connection_lost",
        "_drain_waiter",
        "_loop",
        "_lost_exception",
        "_reading_paused",
        "_writing_paused",
        "transport",
    )

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._writing_paused = False
        self._reading_paused = False
        self._drain_waiter: asyncio.Future[None] | None = None
        self._connection_lost = False
        self._lost_exception: BaseException | None = None
        self.transport: asyncio.Transport | None = None

    @property
    def connected(self) -> bool:
        """True between ``connection_made`` and ``connection_lost``."""
        return self.transport is not None

    @property
    def writing_paused(self) -> bool:
        """True while the transport's write buffer is over its high mark."""
        return self._writing_paused

    @property
    def reading_paused(self) -> bool:
        """True while reading from the transport is paused for a full stream."""
        return self._reading_paused

    # -- asyncio.Protocol --------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport (asyncio calls this once)."""
        # Not an isinstance check: uvloop's transports have asyncio.Transport's
        # methods without deriving from it.
        self.transport = cast(asyncio.Transport, transport)

    def connection_lost(self, exc: BaseException | None) -> None:
        """Close and forget the transport, and fail a pending drain."""
        self._connection_lost = True
        self._lost_exception = exc
        transport = self.transport
        if transport is not None and not transport.is_closing():
            # The peer ended the connection. Python 3.10's TLS transport is
            # never marked closed by that and warns (ResourceWarning) when
            # collected; closing it now costs nothing on any transport.
            transport.close()
        self.transport = None
        self._reading_paused = False
        waiter = self._drain_waiter
        if waiter is not None:
            self._drain_waiter = None
            if not waiter.done():
                waiter.set_exception(self._lost_error())

    def pause_writing(self) -> None:
        """The transport's write buffer passed its high-water mark."""
        self._writing_paused = True

    def resume_writing(self) -> None:
        """The transport's write buffer drained below its low-water mark."""
        self._writing_paused = False
        waiter = self._drain_waiter
        if waiter is not None:
            self._drain_waiter = None
            if not waiter.done():
                waiter.set_result(None)

    # -- read flow control (called by StreamReader) -------------------------

    def pause_reading(self) -> None:
        """Stop reading from the transport until :meth:`resume_reading`."""
        if not self._reading_paused and self.transport is not None:
            try:
                self.transport.pause_reading()
            except (AttributeError, NotImplementedError, RuntimeError):
                # A transport that cannot pause (or is closing) keeps reading;
                # the stream's buffer then grows, which its limit bounds.
                return
            self._reading_paused = True

    def resume_reading(self) -> None:
        """Read from the transport again."""
        if self._reading_paused and self.transport is not None:
            with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError):
                self.transport.resume_reading()
        self._reading_paused = False

    # -- write flow control (awaited by writers) ----------------------------

    async def drain(self) -> None:
        """Wait until the transport accepts more data.

        Raises:
            ConnectionResetError: the connection was lost, before or while
                waiting.
        """
        if self._connection_lost:
            raise self._lost_error()
        if not self._writing_paused:
            return
        waiter = self._drain_waiter
        if waiter is None:
            waiter = self._drain_waiter = self._loop.create_future()
        # Several writers may wait on one waiter; cancelling one of them must
        # not cancel the others' wait.
        await asyncio.shield(waiter)

    _drain_helper = drain

    def _lost_error(self) -> ConnectionResetError:
        error = ConnectionResetError("Connection lost")
        error.__cause__ = self._lost_exception
        return error
