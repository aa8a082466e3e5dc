"""A raw TCP client for a server under test: bytes out, responses read as sent.

How this works: :class:`RawConnection` writes whatever bytes a test gives it,
malformed or hostile ones included, and reads the server's answer without
judging it. A response is cut where its own framing says it ends
(Content-Length, chunked, or the close; RFC 9112 section 6.3) by a deliberately
small reader that does not use ``aioweb.parser``, so a server's output is seen
as it was sent, not as aioweb's parser would accept it. Every read is bounded
by a timeout, so a silent server fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable
from dataclasses import dataclass, field
from types import TracebackType

from multidict import CIMultiDict

__all__ = ("RawConnection", "RawResponse", "open_raw_connection")

#: Seconds any single read waits by default before it fails.
DEFAULT_READ_TIMEOUT = 10.0

# RFC 9110 sections 6.4.1 and 15.2, 15.3.5, 15.4.5: no body, whatever the fields.
_BODYLESS = (204, 304)


@dataclass(frozen=True)
class RawResponse:
    """A response as it came off the wire.

    Attributes:
        status: the status code.
        reason: the reason phrase, as sent.
        version: the HTTP-version of the status line, as sent (``"HTTP/1.1"``).
        headers: the header fields, names as sent, values stripped.
        body: the body, de-chunked if it was chunked.
        raw_head: the status line and fields, up to and including the empty
            line.
        chunked: whether the body came with chunked transfer coding.
        trailers: the trailer fields of a chunked body.
    """

    status: int
    reason: str
    version: str
    headers: CIMultiDict[str]
    body: bytes
    raw_head: bytes = b""
    chunked: bool = False
    trailers: CIMultiDict[str] = field(default_factory=CIMultiDict)


def _fields(lines: list[str]) -> CIMultiDict[str]:
    headers: CIMultiDict[str] = CIMultiDict()
    for line in lines:
        name, _, value = line.partition(":")
        headers.add(name, value.strip())
    return headers


class RawConnection:
    """A plain TCP (or TLS) connection to a server under test.

    Open one with :func:`open_raw_connection` or the ``aioweb_raw_client``
    fixture. The stream pair is public (:attr:`reader`, :attr:`writer`) for
    tests that need to read or write below the level of a response.

    Args:
        reader: the connection's read side.
        writer: the connection's write side.
        timeout: seconds any single read may wait.
    """

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        timeout: float = DEFAULT_READ_TIMEOUT,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.timeout = timeout
        self._closed = False

    async def __aenter__(self) -> RawConnection:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    async def send(self, data: bytes) -> None:
        """Write ``data`` as it is and wait until the socket took it."""
        self.writer.write(data)
        await self.writer.drain()

    async def _read(self, reading: Awaitable[bytes]) -> bytes:
        return await asyncio.wait_for(reading, self.timeout)

    async def read_head(self) -> bytes:
        """The next head: everything up to and including the empty line.

        Raises:
            asyncio.IncompleteReadError: the server closed before it ended.
            TimeoutError: nothing complete within the timeout.
        """
        return await self._read(self.reader.readuntil(b"\r\n\r\n"))

    async def read_response(self, *, head_only: bool = False) -> RawResponse:
        """Read one response, framed as its fields say.

        Args:
            head_only: the response answers HEAD (RFC 9110 section 9.3.2): read
                no body whatever the fields announce.

        Raises:
            asyncio.IncompleteReadError: the server closed inside the response.
            TimeoutError: a read waited longer than the timeout.
            ValueError: the status line or a chunk size is not well formed.
        """
        head = await self.read_head()
        status_line, *lines = head[:-4].decode("latin-1").split("\r\n")
        version, status, *reason = status_line.split(" ", 2)
        headers = _fields(lines)
        code = int(status)
        chunked = headers.get("Transfer-Encoding", "").lower() == "chunked"
        trailers: CIMultiDict[str] = CIMultiDict()
        if head_only or code < 200 or code in _BODYLESS:
            body = b""
        elif chunked:
            body, trailers = await self._read_chunked()
        elif "Content-Length" in headers:
            size = int(headers["Content-Length"])
            body = await self._read(self.reader.readexactly(size))
        else:
            body = await self.read_all()  # delimited by the close
        return RawResponse(
            code,
            reason[0] if reason else "",
            version,
            headers,
            body,
            head,
            chunked,
            trailers,
        )

    async def _read_chunked(self) -> tuple[bytes, CIMultiDict[str]]:
        # RFC 9112 section 7.1: size line, data, CRLF; a zero size ends the
        # chunks, then trailer fields up to an empty line.
        body = bytearray()
        while True:
            size_line = await self._read(self.reader.readuntil(b"\r\n"))
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                break
            chunk = await self._read(self.reader.readexactly(size + 2))
            body += chunk[:-2]
        lines = []
        while (line := await self._read(self.reader.readuntil(b"\r\n"))) != b"\r\n":
            lines.append(line[:-2].decode("latin-1"))
        return bytes(body), _fields(lines)

    async def read_all(self) -> bytes:
        """Everything the server sends until it closes."""
        return await self._read(self.reader.read())

    async def at_eof(self, timeout: float | None = None) -> bool:
        """Whether the server closes with nothing more to send.

        Args:
            timeout: seconds to wait for the close; the connection's read
                timeout if ``None``.

        Raises:
            TimeoutError: the server neither sent nor closed in time.
        """
        wait = self.timeout if timeout is None else timeout
        data = await asyncio.wait_for(self.reader.read(), wait)
        return data == b""

    async def close(self) -> None:
        """Close the connection; a second call does nothing."""
        if self._closed:
            return
        self._closed = True
        self.writer.close()
        # The server may have reset it, or a TLS peer gone without close_notify.
        with contextlib.suppress(ConnectionError, OSError, ssl.SSLError):
            await self.writer.wait_closed()


async def open_raw_connection(
    host: str,
    port: int,
    *,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = DEFAULT_READ_TIMEOUT,
) -> RawConnection:
    """Connect to ``host:port`` and return a :class:`RawConnection`.

    Args:
        host: the server's address.
        port: the server's port.
        ssl_context: a client-side TLS context, to speak TLS.
        timeout: seconds the connect and any single read may wait.

    Raises:
        OSError: the connection could not be made.
        TimeoutError: it was not made within ``timeout``.
    """
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, port, ssl=ssl_context), timeout
    )
    return RawConnection(reader, writer, timeout=timeout)
