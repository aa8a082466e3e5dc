"""The HTTP/1.1 message writer: :class:`StreamWriter`.

How this works: :meth:`StreamWriter.write_headers` validates and serialises a
head (:mod:`.http_head`) but keeps it, so that the head and the first piece
of body (or the whole of a small body, at :meth:`~StreamWriter.write_eof`)
leave in one ``transport.write``: one packet instead of two for most
messages. :meth:`~StreamWriter.send_headers` sends a head on its own when a
body is not coming yet.

Body bytes go through the content coding set with
:meth:`~StreamWriter.enable_compression`, then the chunked framing set with
:meth:`~StreamWriter.enable_chunking` (RFC 9112 §7.1), then to the
transport. After each write the writer waits for the transport to drain if
its buffer is over the high-water mark (the protocol was told to
``pause_writing``), so a fast producer cannot fill memory with a slow peer.

:meth:`~StreamWriter.sendfile` sends part of a file as the body with
:meth:`asyncio.loop.sendfile <asyncio.AbstractEventLoop.sendfile>` (zero-copy
``os.sendfile``) when it can: a plain socket transport, no TLS, no
compression, no chunking. Otherwise it reads the file in a thread, piece by
piece, and writes it.
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import BinaryIO, Final

from .base_protocol import BaseProtocol
from .codings import ContentEncoder, get_encoder
from .exceptions import ContentLengthError
from .http_head import serialize_head

__all__ = ("COMPRESS_IN_THREAD_SIZE", "SENDFILE_CHUNK_SIZE", "StreamWriter")

_COALESCE_LIMIT: Final = 2**14
SENDFILE_CHUNK_SIZE: Final = 2**16
"""Piece size when a file is read and written instead of sent with sendfile."""

COMPRESS_IN_THREAD_SIZE: Final = 2**16
"""Body pieces larger than this are compressed in a thread, off the loop."""

Body = bytes | bytearray | memoryview


class StreamWriter:
    """Writes one HTTP message (head and body) to a connection.

    Args:
        protocol: the connection's protocol (for its transport and drain).
        loop: the event loop.
        on_chunk_sent: awaited with each body piece before it is written
            (client tracing).
        on_headers_sent: awaited with the headers before they are written.

    Attributes:
        length: bytes the body may still have (Content-Length), or None.
        chunked: whether the body is sent with chunked framing.
        buffer_size: bytes written since the writer last drained.
        output_size: bytes written to the transport in all, head included.

    Example:
        >>> import asyncio
        >>> from multidict import CIMultiDict
        >>> from aioweb.protocol import BaseProtocol, StreamWriter
        >>> class Transport(asyncio.Transport):
        ...     def __init__(self) -> None:
        ...         super().__init__()
        ...         self.sent: list[bytes] = []
        ...     def write(self, data) -> None:
        ...         self.sent.append(bytes(data))
        ...     def is_closing(self) -> bool:
        ...         return False
        >>> async def main() -> list[bytes]:
        ...     loop = asyncio.get_running_loop()
        ...     protocol = BaseProtocol(loop)
        ...     transport = Transport()
        ...     protocol.connection_made(transport)
        ...     writer = StreamWriter(protocol, loop)
        ...     headers = CIMultiDict({"Content-Length": "2"})
        ...     await writer.write_headers("HTTP/1.1 200 OK", headers)
        ...     await writer.write_eof(b"ok")
        ...     return transport.sent
        >>> asyncio.run(main())
        [b'HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok']
    """

    # A writer is made per message: the attributes every one starts with
    # are class defaults, set on the instance when they change.
    length: int | None = None
    chunked: bool = False
    buffer_size: int = 0
    output_size: int = 0
    _eof: bool = False
    _head: bytes | None = None
    _compress: ContentEncoder | None = None

    def __init__(
        self,
        protocol: BaseProtocol,
        loop: asyncio.AbstractEventLoop,
        on_chunk_sent: Callable[[bytes], Awaitable[None]] | None = None,
        on_headers_sent: Callable[[Mapping[str, str]], Awaitable[None]] | None = None,
    ) -> None:
        self._protocol = protocol
        self.loop = loop
        self._on_chunk_sent = on_chunk_sent
        self._on_headers_sent = on_headers_sent

    @property
    def protocol(self) -> BaseProtocol:
        """The connection's protocol."""
        return self._protocol

    @property
    def transport(self) -> asyncio.Transport | None:
        """The connection's transport; None once the connection is lost."""
        return self._protocol.transport

    def enable_chunking(self) -> None:
        """Send the body with chunked framing (RFC 9112 §7.1)."""
        self.chunked = True

    def enable_compression(
        self,
        encoding: str = "deflate",
        strategy: int | None = None,
        *,
        level: int | None = None,
    ) -> None:
        """Code the body with ``gzip``, ``deflate``, ``br`` or ``zstd``.

        The coded length is not known in advance: pair this with chunking, or
        with a read-until-close body.

        Args:
            encoding: the content coding.
            strategy: a zlib strategy (``zlib.Z_FILTERED``...), for gzip and
                deflate only, as in aiohttp.
            level: the coding's compression level; its default when None.

        Raises:
            ValueError: the coding is unknown or not installed.
        """
        self._compress = get_encoder(encoding, level=level, strategy=strategy)

    # -- head -------------------------------------------------------------

    async def write_headers(self, status_line: str, headers: Mapping[str, str]) -> None:
        """Validate and serialise the head; it leaves with the first body bytes.

        Args:
            status_line: ``"HTTP/1.1 200 OK"`` or ``"GET /path HTTP/1.1"``.
            headers: the header fields, e.g. a ``CIMultiDict``.

        Raises:
            HeaderInjectionError: CR, LF, NUL or another forbidden character in
                the start line or a field, or a field name that is not a token;
                nothing is written.
        """
        if self._on_headers_sent is not None:
            await self._on_headers_sent(headers)
        self._head = serialize_head(status_line, headers.items())

    def send_headers(self) -> None:
        """Write a pending head now, without waiting for body bytes."""
        head, self._head = self._head, None
        if head is not None:
            self._write((head,))

    # -- body -------------------------------------------------------------

    async def write(
        self, chunk: Body, *, drain: bool = True, LIMIT: int = 0x10000
    ) -> None:
        """Write a piece of the body (coded and framed as configured).

        Args:
            chunk: the bytes.
            drain: wait for the transport when its buffer is full, or when
                more than ``LIMIT`` bytes were written since the last drain.
            LIMIT: see ``drain`` (the name is aiohttp's).

        Raises:
            ContentLengthError: the body passes its Content-Length.
            ConnectionResetError: the connection is closed or lost.
            RuntimeError: the body was already ended.
        """
        if self._eof:
            raise RuntimeError("write() after write_eof()")
        data = _as_bytes(chunk)
        if self._on_chunk_sent is not None and data:
            await self._on_chunk_sent(data)
        if self._compress is not None:
            data = await self._encode(data)
        if data:
            self._write(self._frame(data))
        if drain and (self._protocol.writing_paused or self.buffer_size > LIMIT):
            self.buffer_size = 0
            await self._protocol.drain()

    async def write_eof(
        self, chunk: Body = b"", trailers: Mapping[str, str] | None = None
    ) -> None:
        """End the body, writing ``chunk`` last; later calls do nothing.

        Args:
            chunk: the last body bytes, if any.
            trailers: trailer fields for a chunked body (RFC 9112 §7.1.2).
        """
        if self._eof:
            return
        data = _as_bytes(chunk)
        if self._on_chunk_sent is not None and data:
            await self._on_chunk_sent(data)
        if self._compress is not None:
            data = await self._encode(data) + self._compress.flush()
        parts = self._frame(data) if data else ()
        if self.chunked:
            end = b"0\r\n\r\n"
            if trailers:
                end = serialize_head("HTTP/1.1 200 OK", trailers.items())
                end = b"0\r\n" + end[end.index(b"\r\n") + 2 :]
            parts = (*parts, end)
        elif trailers:
            raise ValueError("trailers need a chunked body")
        if parts or self._head is not None:
            self._write(parts)
        self._eof = True
        await self.drain()

    def write_message(self, head: bytes, body: bytes = b"") -> None:
        """Write a serialised head and the whole body at once; end the message.

        The synchronous path for a message known in full: one
        ``transport.write``, no awaiting. The body is counted against
        ``length`` like any other, but neither coded nor chunked: use
        :meth:`write_headers` and :meth:`write_eof` for those. The caller
        awaits :meth:`drain` if the protocol's writing is paused.

        Args:
            head: the head, e.g. from :func:`~aioweb.protocol.serialize_head`.
            body: the body's bytes (empty for a message without one).

        Raises:
            RuntimeError: the message was already ended or its head given to
                :meth:`write_headers`, or coding or chunking is enabled.
            ContentLengthError: the body passes ``length``; nothing is
                written.
            ConnectionResetError: the connection is closed or lost.
        """
        if self._eof:
            raise RuntimeError("write_message() after write_eof()")
        if self._compress is not None or self.chunked:
            raise RuntimeError("write_message() sends neither coded nor chunked")
        length = self.length
        if length is not None and body:
            if len(body) > length:
                raise ContentLengthError(
                    f"body passes its Content-Length by {len(body) - length} bytes",
                    status=500,
                )
            self.length = length - len(body)
        if self._head is not None:
            raise RuntimeError("write_message() after write_headers()")
        transport = self._protocol.transport  # _checked_transport(), inline
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        data = head + body if body else head
        self.buffer_size += len(data)
        self.output_size += len(data)
        transport.write(data)
        self._eof = True

    def set_eof(self) -> None:
        """Mark the body as ended without writing (e.g. for a HEAD response)."""
        self._eof = True

    async def drain(self) -> None:
        """Wait until the transport accepts more data.

        Raises:
            ConnectionResetError: the connection was lost.
        """
        self.buffer_size = 0
        if self._protocol.transport is not None:
            await self._protocol.drain()

    # -- files ------------------------------------------------------------

    async def sendfile(
        self, file: BinaryIO, offset: int = 0, count: int | None = None
    ) -> int:
        """Send ``count`` bytes of ``file`` from ``offset`` as body bytes.

        Uses ``loop.sendfile`` on a plain socket without coding or chunking;
        reads and writes the file piece by piece otherwise.

        Args:
            file: a binary file opened for reading.
            offset: where to start in the file.
            count: how many bytes; up to the end of the file when None.

        Returns:
            How many bytes were sent.
        """
        if count is None:
            count = _size_from(file, offset)
        if self.length is not None and count > self.length:
            raise ContentLengthError(
                f"file of {count} bytes passes the Content-Length by "
                f"{count - self.length} bytes",
                status=500,
            )
        transport = self._checked_transport()
        if self._compress is None and not self.chunked and count:
            self.send_headers()
            try:
                sent = await self.loop.sendfile(
                    transport, file, offset, count, fallback=False
                )
            except RuntimeError:
                # The transport has no sendfile (TLS, uvloop, a pipe...) or
                # the file has no descriptor; SendfileNotAvailableError is a
                # RuntimeError too. asyncio raises these before sending a byte.
                pass
            else:
                self.output_size += sent
                if self.length is not None:
                    self.length -= sent
                return sent
        return await self._copy_file(file, offset, count)

    async def _copy_file(self, file: BinaryIO, offset: int, count: int) -> int:
        await self.loop.run_in_executor(None, file.seek, offset)
        sent = 0
        while sent < count:
            piece = min(SENDFILE_CHUNK_SIZE, count - sent)
            data = await self.loop.run_in_executor(None, file.read, piece)
            if not data:
                break
            await self.write(data)
            sent += len(data)
        return sent

    # -- internals ----------------------------------------------------------

    async def _encode(self, data: bytes) -> bytes:
        assert self._compress is not None
        if len(data) <= COMPRESS_IN_THREAD_SIZE:
            return self._compress.compress(data)
        # Compressing a large piece takes milliseconds: not on the event loop.
        # The encoder is used by one write at a time, so no lock is needed.
        return await self.loop.run_in_executor(None, self._compress.compress, data)

    def _frame(self, data: bytes) -> tuple[bytes, ...]:
        if self.length is not None:
            if len(data) > self.length:
                excess = len(data) - self.length
                raise ContentLengthError(
                    f"body passes its Content-Length by {excess} bytes", status=500
                )
            self.length -= len(data)
        if self.chunked:
            return (b"%x\r\n" % len(data), data, b"\r\n")
        return (data,)

    def _checked_transport(self) -> asyncio.Transport:
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        return transport

    def _write(self, parts: tuple[bytes, ...]) -> None:
        transport = self._checked_transport()
        if self._head is not None:
            parts = (self._head, *parts)
            self._head = None
        size = sum(map(len, parts))
        self.buffer_size += size
        self.output_size += size
        if len(parts) == 1:
            transport.write(parts[0])
        elif size <= _COALESCE_LIMIT:
            transport.write(b"".join(parts))
        else:
            # One scatter-gather send (sendmsg) on the transports that have it.
            transport.writelines(parts)


def _as_bytes(chunk: Body) -> bytes:
    if isinstance(chunk, bytes):
        return chunk
    return bytes(chunk)


def _size_from(file: BinaryIO, offset: int) -> int:
    try:
        return os.fstat(file.fileno()).st_size - offset
    except (AttributeError, OSError, io.UnsupportedOperation):
        end = file.seek(0, io.SEEK_END)
        return end - offset
