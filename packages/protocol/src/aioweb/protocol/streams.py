"""The flow-controlled body stream: :class:`StreamReader`.

How this works: the connection's protocol feeds bytes in with
:meth:`StreamReader.feed_data` as the parser frames the body, and ends the
body with :meth:`~StreamReader.feed_eof` or breaks it with
:meth:`~StreamReader.set_exception`. A consumer reads with the coroutines
(``read``, ``readany``, ``readline``, ``readchunk``, the iterators); at most
one coroutine waits for data at a time, as one body has one reader.

Back-pressure: once more than the *high-water mark* (``2 * limit``) bytes sit
unread in the buffer, the reader asks its protocol to stop reading the socket
(``pause_reading``); once the consumer drains it below the *low-water mark*
(``limit``) it asks to resume. A slow consumer therefore holds at most about
``2 * limit`` bytes of one body in memory, whatever the peer sends.

Chunk boundaries: when the body is chunked and the feeder marks chunk ends
with :meth:`~StreamReader.begin_http_chunk_receiving` and
:meth:`~StreamReader.end_http_chunk_receiving`, :meth:`~StreamReader.readchunk`
returns data up to each boundary with ``end_of_http_chunk`` set.
:class:`~aioweb.protocol.HttpMessageStreams` marks them for every chunked
body, as the parser reports each chunk's end.

Memory: a server or client keeps thousands of idle connections, each with a
reader, and most bodies arrive in one block or not at all. So the first
unread block sits in a plain attribute, and a queue for the blocks behind it
is made only when a second block arrives while the first is unread; an idle
reader holds no container at all.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Final, Generic, TypeVar

from .exceptions import LineTooLongError

if TYPE_CHECKING:
    from .base_protocol import BaseProtocol

__all__ = ("DEFAULT_LIMIT", "EMPTY_PAYLOAD", "EmptyStreamReader", "StreamReader")

_T = TypeVar("_T")

DEFAULT_LIMIT: Final = 2**16
"""Low-water mark of a body stream, in bytes; the high-water mark is twice it."""


class StreamReader:
    """A body being received, read by one consumer with flow control.

    Args:
        protocol: the connection's protocol; its ``pause_reading`` and
            ``resume_reading`` are called as the buffer crosses the marks.
        limit: the low-water mark in bytes; reading pauses above
            ``2 * limit`` buffered bytes and resumes below ``limit``.
        loop: the event loop; the running loop when omitted.
        max_line_length: the longest line (separator included) that
            :meth:`readline` and :meth:`readuntil` accept before raising
            :class:`~aioweb.protocol.LineTooLongError`; ``2 * limit`` when
            omitted.

    Example:
        >>> import asyncio
        >>> from aioweb.protocol import BaseProtocol, StreamReader
        >>> async def main() -> list[bytes]:
        ...     loop = asyncio.get_running_loop()
        ...     reader = StreamReader(BaseProtocol(loop), 2**16, loop=loop)
        ...     reader.feed_data(b"one\\ntwo\\n")
        ...     reader.feed_eof()
        ...     return [line async for line in reader]
        >>> asyncio.run(main())
        [b'one\\n', b'two\\n']
    """

    total_bytes: int
    """How many bytes were fed in so far."""

    def __init__(
        self,
        protocol: BaseProtocol,
        limit: int = DEFAULT_LIMIT,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        max_line_length: int | None = None,
    ) -> None:
        if limit <= 0:
            raise ValueError(f"limit must be positive, not {limit}")
        self._protocol = protocol
        self._low_water = limit
        self._high_water = limit * 2
        self._max_line_length = (
            self._high_water if max_line_length is None else max_line_length
        )
        self._loop = loop
        # The unread bytes: ``_head[_buffer_offset:]``, then the blocks in
        # ``_rest`` (None until a second block waits); ``_size`` counts them
        # all, so it is 0 exactly when nothing is buffered.
        self._head = b""
        self._rest: collections.deque[bytes] | None = None
        self._buffer_offset = 0
        self._size = 0
        self._cursor = 0
        self._http_chunk_splits: list[int] | None = None
        self._last_split = 0
        self._eof = False
        self._waiter: asyncio.Future[None] | None = None
        self._eof_waiter: asyncio.Future[None] | None = None
        self._exception: BaseException | None = None
        self._eof_callbacks: list[Callable[[], None]] | None = None
        self.total_bytes = 0

    def __repr__(self) -> str:
        info = [type(self).__name__]
        if self._size:
            info.append(f"{self._size} bytes")
        if self._eof:
            info.append("eof")
        if self._low_water != DEFAULT_LIMIT:
            info.append(f"low={self._low_water} high={self._high_water}")
        if self._waiter:
            info.append(f"w={self._waiter!r}")
        if self._exception:
            info.append(f"e={self._exception!r}")
        return f"<{' '.join(info)}>"

    # -- state ---------------------------------------------------------------

    def get_read_buffer_limits(self) -> tuple[int, int]:
        """Return the ``(low, high)`` water marks in bytes."""
        return (self._low_water, self._high_water)

    def exception(self) -> BaseException | None:
        """Return the error the body ended with, if any."""
        return self._exception

    def is_eof(self) -> bool:
        """Return True once the feeder has signalled the end of the body."""
        return self._eof

    def at_eof(self) -> bool:
        """Return True once the body has ended and every byte has been read."""
        return self._eof and not self._size

    def on_eof(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when the body ends (at once if it has ended)."""
        if self._eof:
            callback()
        elif self._eof_callbacks is None:
            self._eof_callbacks = [callback]
        else:
            self._eof_callbacks.append(callback)

    # -- feeding side ----------------------------------------------------------

    def feed_data(self, data: bytes) -> None:
        """Append received body bytes; pauses the transport past the high mark."""
        assert not self._eof, "feed_data after feed_eof"
        if not data:
            return
        size = len(data)
        if not self._size:
            self._head = data
            self._buffer_offset = 0
        elif self._rest is None:
            self._rest = collections.deque((data,))
        else:
            self._rest.append(data)
        self._size += size
        self.total_bytes += size
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)
        if self._size > self._high_water and not self._protocol._reading_paused:
            self._protocol.pause_reading()

    def begin_http_chunk_receiving(self) -> None:
        """Start tracking chunk boundaries for :meth:`readchunk`."""
        if self._http_chunk_splits is None:
            if self.total_bytes:
                raise RuntimeError(
                    "begin_http_chunk_receiving called after body data was fed"
                )
            self._http_chunk_splits = []

    def end_http_chunk_receiving(self) -> None:
        """Mark the end of one HTTP chunk at the current position."""
        if self._http_chunk_splits is None:
            raise RuntimeError(
                "end_http_chunk_receiving called before begin_http_chunk_receiving"
            )
        position = self.total_bytes
        # An empty chunk adds no boundary of its own: readchunk() would
        # otherwise report a spurious end for zero bytes.
        if position == self._last_split:
            return
        self._last_split = position
        self._http_chunk_splits.append(position)
        self._wake_waiter()

    def feed_eof(self) -> None:
        """Signal the end of the body; wakes every waiter."""
        self._eof = True
        self._wake_waiter()
        waiter = self._eof_waiter
        if waiter is not None:
            self._eof_waiter = None
            if not waiter.done():
                waiter.set_result(None)
        callbacks, self._eof_callbacks = self._eof_callbacks, None
        for callback in callbacks or ():
            callback()

    def set_exception(
        self, exc: BaseException, exc_cause: BaseException | None = None
    ) -> None:
        """Break the body: every present and future read raises ``exc``.

        Args:
            exc: the error to raise to the consumer.
            exc_cause: set as ``exc.__cause__`` when given.
        """
        if exc_cause is not None:
            exc.__cause__ = exc_cause
        self._exception = exc
        self._eof_callbacks = None
        for name in ("_waiter", "_eof_waiter"):
            waiter: asyncio.Future[None] | None = getattr(self, name)
            if waiter is not None:
                setattr(self, name, None)
                if not waiter.done():
                    waiter.set_exception(exc)

    # -- reading side ----------------------------------------------------------

    async def wait_eof(self) -> None:
        """Wait until the feeder signals the end of the body."""
        if self._eof:
            return
        assert self._eof_waiter is None
        self._eof_waiter = self._get_loop().create_future()
        try:
            await self._eof_waiter
        finally:
            self._eof_waiter = None

    async def read(self, n: int = -1) -> bytes:
        """Read up to ``n`` bytes, or the whole rest of the body if ``n < 0``.

        Returns ``b""`` at the end of the body.
        """
        if self._exception is not None:
            raise self._exception
        if n == 0:
            return b""
        if n < 0:
            blocks = []
            while True:
                block = await self.readany()
                if not block:
                    break
                blocks.append(block)
            return b"".join(blocks)
        while not self._size and not self._eof:
            await self._wait("read")
        return self._read_nowait(n)

    async def readany(self) -> bytes:
        """Read whatever is buffered, waiting for at least one byte."""
        if self._exception is not None:
            raise self._exception
        while not self._size and not self._eof:
            await self._wait("readany")
        return self._read_nowait(-1)

    async def readexactly(self, n: int) -> bytes:
        """Read exactly ``n`` bytes.

        Raises:
            asyncio.IncompleteReadError: the body ended first.
        """
        if self._exception is not None:
            raise self._exception
        blocks: list[bytes] = []
        while n > 0:
            block = await self.read(n)
            if not block:
                partial = b"".join(blocks)
                raise asyncio.IncompleteReadError(partial, len(partial) + n)
            blocks.append(block)
            n -= len(block)
        return b"".join(blocks)

    async def readchunk(self) -> tuple[bytes, bool]:
        """Read the next piece of the body and whether an HTTP chunk ends there.

        Returns ``(data, end_of_http_chunk)``; ``(b"", False)`` at the end of
        the body. Without chunk tracking, ``end_of_http_chunk`` is False.
        """
        while True:
            if self._exception is not None:
                raise self._exception
            splits = self._http_chunk_splits
            while splits:
                position = splits.pop(0)
                if position == self._cursor:
                    return (b"", True)
                if position > self._cursor:
                    return (self._read_nowait(position - self._cursor), True)
            if self._size:
                return (self._read_nowait_chunk(-1), False)
            if self._eof:
                return (b"", False)
            await self._wait("readchunk")

    async def readline(self) -> bytes:
        """Read one line, ``\\n`` included (the rest of the body at its end).

        Raises:
            LineTooLongError: the line passed ``max_line_length``.
        """
        return await self.readuntil(b"\n")

    async def readuntil(self, separator: bytes = b"\n") -> bytes:
        """Read up to and including ``separator`` (the rest at end of body).

        Raises:
            LineTooLongError: more than ``max_line_length`` bytes came
                without the separator.
            ValueError: the separator is empty.
        """
        seplen = len(separator)
        if seplen == 0:
            raise ValueError("separator must not be empty")
        if self._exception is not None:
            raise self._exception
        chunks: list[bytes] = []
        size = 0
        while True:
            while self._size:
                end = self._find_in_head(chunks, separator)
                data = self._read_nowait_chunk(end)
                size += len(data)
                if size > self._max_line_length:
                    raise LineTooLongError(
                        f"line longer than {self._max_line_length} bytes"
                    )
                if end >= 0:
                    if not chunks:
                        return data  # the common case: no copy at all
                    chunks.append(data)
                    return b"".join(chunks)
                chunks.append(data)
            if self._eof:
                return b"".join(chunks)
            await self._wait("readuntil")

    def _find_in_head(self, chunks: list[bytes], separator: bytes) -> int:
        """Bytes to take from the first buffered block to end at the separator.

        Returns -1 when the separator does not end within that block; a
        separator may start in the bytes already taken (``chunks``) and end
        in the block.
        """
        head = self._head
        offset = self._buffer_offset
        seplen = len(separator)
        if seplen > 1 and chunks:
            tail = b""
            for chunk in reversed(chunks):
                tail = chunk[-(seplen - 1 - len(tail)) :] + tail
                if len(tail) >= seplen - 1:
                    break
            probe = tail + head[offset : offset + seplen - 1]
            index = probe.find(separator)
            if index >= 0:
                return index + seplen - len(tail)
        index = head.find(separator, offset)
        if index < 0:
            return -1
        return index + seplen - offset

    def read_nowait(self, n: int = -1) -> bytes:
        """Return up to ``n`` buffered bytes (all if ``n < 0``) without waiting."""
        if self._exception is not None:
            raise self._exception
        if self._waiter is not None and not self._waiter.done():
            raise RuntimeError(
                "read_nowait() called while another coroutine waits for data"
            )
        return self._read_nowait(n)

    # -- iteration ----------------------------------------------------------

    def __aiter__(self) -> AsyncIterator[bytes]:
        """Iterate over lines."""
        return _ReadIterator(self.readline, b"")

    def iter_chunked(self, n: int) -> AsyncIterator[bytes]:
        """Iterate over pieces of at most ``n`` bytes."""
        return _ReadIterator(lambda: self.read(n), b"")

    def iter_any(self) -> AsyncIterator[bytes]:
        """Iterate over the data as it arrives."""
        return _ReadIterator(self.readany, b"")

    def iter_chunks(self) -> AsyncIterator[tuple[bytes, bool]]:
        """Iterate over ``(data, end_of_http_chunk)`` pairs from :meth:`readchunk`."""
        return _ReadIterator(self.readchunk, (b"", False))

    # -- internals ------------------------------------------------------------

    def _get_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    def _wake_waiter(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    async def _wait(self, func_name: str) -> None:
        if self._waiter is not None:
            raise RuntimeError(
                f"{func_name}() called while another coroutine "
                "is already waiting for incoming data"
            )
        # Never wait on a paused transport: nothing would ever arrive.
        if self._protocol._reading_paused:
            self._protocol.resume_reading()
        waiter = self._waiter = self._get_loop().create_future()
        try:
            await waiter
        finally:
            self._waiter = None

    def _read_nowait_chunk(self, n: int) -> bytes:
        first = self._head
        offset = self._buffer_offset
        if n != -1 and len(first) - offset > n:
            data = first[offset : offset + n]
            self._buffer_offset += n
        else:
            data = first[offset:] if offset else first
            # The next block moves up; the queue, once made, stays for the
            # rest of this body, which is evidently not an idle one.
            self._head = self._rest.popleft() if self._rest else b""
            self._buffer_offset = 0
        size = len(data)
        self._size -= size
        self._cursor += size
        splits = self._http_chunk_splits
        if splits:
            # Boundaries passed by a read that was not readchunk() are dropped.
            while splits and splits[0] < self._cursor:
                splits.pop(0)
        if self._size < self._low_water and self._protocol._reading_paused:
            self._protocol.resume_reading()
        return data

    def _read_nowait(self, n: int) -> bytes:
        if not self._rest and (n == -1 or n >= self._size):
            # The common case: one block (or none).
            return self._read_nowait_chunk(-1) if self._size else b""
        chunks = []
        while self._size:
            chunk = self._read_nowait_chunk(n)
            chunks.append(chunk)
            if n != -1:
                n -= len(chunk)
                if n == 0:
                    break
        if len(chunks) == 1:
            return chunks[0]
        return b"".join(chunks)


class EmptyStreamReader(StreamReader):
    """A body that is empty and already complete (no protocol needed)."""

    def __init__(self) -> None:
        # No protocol: nothing is ever fed, so there is nothing to pause.
        self._eof = True
        self._exception = None
        self._head = b""
        self._rest = None
        self._buffer_offset = 0
        self._size = 0
        self._low_water = self._high_water = 0
        self.total_bytes = 0

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def begin_http_chunk_receiving(self) -> None:
        pass  # the shared empty body keeps no state

    def end_http_chunk_receiving(self) -> None:
        pass

    def exception(self) -> BaseException | None:
        return None

    def is_eof(self) -> bool:
        return True

    def at_eof(self) -> bool:
        return True

    def on_eof(self, callback: Callable[[], None]) -> None:
        callback()

    def feed_data(self, data: bytes) -> None:
        raise RuntimeError("an empty body cannot receive data")

    def feed_eof(self) -> None:
        pass

    def set_exception(
        self, exc: BaseException, exc_cause: BaseException | None = None
    ) -> None:
        pass

    async def wait_eof(self) -> None:
        return

    async def read(self, n: int = -1) -> bytes:
        return b""

    async def readany(self) -> bytes:
        return b""

    async def readexactly(self, n: int) -> bytes:
        if n <= 0:
            return b""
        raise asyncio.IncompleteReadError(b"", n)

    async def readchunk(self) -> tuple[bytes, bool]:
        return (b"", False)

    async def readline(self) -> bytes:
        return b""

    async def readuntil(self, separator: bytes = b"\n") -> bytes:
        return b""

    def read_nowait(self, n: int = -1) -> bytes:
        return b""


EMPTY_PAYLOAD: Final[StreamReader] = EmptyStreamReader()
"""The shared body of every message that has none."""


class _ReadIterator(Generic[_T]):
    """Calls ``read`` until it returns the ``end`` value."""

    __slots__ = ("_end", "_read")

    def __init__(self, read: Callable[[], Awaitable[_T]], end: _T) -> None:
        self._read = read
        self._end = end

    def __aiter__(self) -> _ReadIterator[_T]:
        return self

    async def __anext__(self) -> _T:
        value = await self._read()
        if value == self._end:
            raise StopAsyncIteration
        return value
