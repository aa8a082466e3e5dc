"""The part every fake server shares: listening, connections, exact close.

How this works: :class:`FakeListener` starts an :func:`asyncio.start_server`
on a socket it bound itself (no port race), on the running loop. Each
accepted connection runs :meth:`FakeListener._serve` in a task the listener
tracks with its writer. :meth:`FakeListener.close` stops listening, aborts
every connection still open, cancels and awaits every task, and waits for the
server, so nothing outlives it: no transport, no task, no socket, and no
``ResourceWarning`` for a suite that runs with ``-W error``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import struct
from collections.abc import Callable, Iterator
from types import TracebackType

from ..exceptions import FakeServerError
from ..ports import get_unused_port_socket
from .replies import End, _Pacing

__all__ = ("FakeListener",)

#: Seconds a TLS client has to complete its handshake.
_HANDSHAKE_TIMEOUT = 10.0


# TLS is started on each accepted connection, inside the task this listener
# tracks, rather than by the server: a client that never finishes its
# handshake is then a connection close() can drop. Otherwise it is invisible
# until the handshake times out, and Python 3.12's Server.wait_closed() waits
# for it. StreamWriter.start_tls exists from Python 3.11; 3.10 uses the
# server's ssl= (its wait_closed() does not wait for connections), and so
# does uvloop, whose start_tls refuses a transport paused as below and whose
# wait_closed() does not wait for connections either.
def _starttls_on(loop: asyncio.AbstractEventLoop) -> bool:
    return hasattr(asyncio.StreamWriter, "start_tls") and isinstance(
        loop, asyncio.BaseEventLoop
    )


class _TLSPending(asyncio.StreamReaderProtocol):
    """A stream protocol that reads nothing until TLS is started on it.

    Without the pause, a ClientHello arriving before the connection's task
    calls ``start_tls`` would land in the plain-text stream and be lost.
    """

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.ReadTransport)
        transport.pause_reading()
        super().connection_made(transport)


class FakeListener:
    """A TCP (or TLS) server on 127.0.0.1 that tracks and closes everything.

    Subclasses define :meth:`_serve`, which runs once per connection.

    Args:
        host: the address to listen on; loopback only by default.
        ssl_context: a server-side TLS context, for ``https``/``wss``.
    """

    _scheme = "http"

    def __init__(
        self, *, host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self._host = host
        self._ssl = ssl_context
        self._server: asyncio.Server | None = None
        self._port = 0
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self._connection_count = 0
        self._closed = False
        self._starttls = False
        #: Errors met while serving: bad requests, failing handlers.
        self.errors: list[Exception] = []
        self._discarded: dict[int, bytearray] = {}
        self._client_closes = 0
        self._recorded = asyncio.Event()

    async def start(self) -> None:
        """Start listening on a free port. Call once.

        Raises:
            FakeServerError: already started or closed.
        """
        if self._server is not None or self._closed:
            raise FakeServerError(f"{type(self).__name__} can be started only once")
        sock = get_unused_port_socket(self._host)
        try:
            self._port = sock.getsockname()[1]
            loop = asyncio.get_running_loop()
            self._starttls = self._ssl is not None and _starttls_on(loop)
            if self._starttls:
                self._server = await loop.create_server(
                    lambda: _TLSPending(asyncio.StreamReader(loop=loop), self._accept),
                    sock=sock,
                )
            else:
                self._server = await asyncio.start_server(
                    self._accept,
                    sock=sock,
                    ssl=self._ssl,
                    ssl_handshake_timeout=_HANDSHAKE_TIMEOUT if self._ssl else None,
                )
        except BaseException:
            sock.close()
            raise

    @property
    def port(self) -> int:
        """The TCP port listened on."""
        return self._port

    @property
    def host(self) -> str:
        """The address listened on."""
        return self._host

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (``https`` when TLS), without a path."""
        scheme = self._scheme + ("s" if self._ssl is not None else "")
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"{scheme}://{host}:{self._port}"

    def make_url(self, path: str = "/") -> str:
        """The URL of ``path`` on this server."""
        return self.url + (path if path.startswith("/") else "/" + path)

    @property
    def connections_accepted(self) -> int:
        """How many connections were accepted so far."""
        return self._connection_count

    @property
    def discarded(self) -> dict[int, bytes]:
        """What hanging connections received, by connection index.

        For each connection that stopped reading requests and hung
        (:attr:`End.HANG`): the bytes the client still sent, read and dropped,
        until it closed the connection.
        """
        return {index: bytes(data) for index, data in self._discarded.items()}

    @property
    def connections_closed_by_client(self) -> int:
        """How many connections the client ended (a close or a reset) first."""
        return self._client_closes

    async def wait_for_client_closes(
        self, count: int = 1, timeout: float = 5.0
    ) -> None:
        """Wait until the client ended ``count`` connections in all.

        For a test of whether a client closes a connection it cannot reuse.

        Raises:
            FakeServerError: fewer were closed within ``timeout`` seconds.
        """
        await self._wait_until(
            lambda: self._client_closes >= count,
            timeout,
            f"expected {count} connection(s) closed by the client, "
            f"got {self._client_closes}",
        )

    def _client_closed(self) -> None:
        self._client_closes += 1
        self._notify()

    @property
    def open_connections(self) -> int:
        """How many connections are open now."""
        return len(self._connections)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def _notify(self) -> None:
        """Something was recorded: wake whoever waits in :meth:`_wait_until`."""
        self._recorded.set()

    async def _wait_until(
        self, condition: Callable[[], bool], timeout: float, what: str
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            self._recorded.clear()
            left = deadline - loop.time()
            try:
                if left <= 0:
                    raise asyncio.TimeoutError
                await asyncio.wait_for(self._recorded.wait(), left)
            except asyncio.TimeoutError:
                raise FakeServerError(f"{what} within {timeout} s") from None

    async def close(self) -> None:
        """Stop listening, drop every connection, and wait for all of it.

        Calling it again does nothing.
        """
        if self._closed:
            return
        self._closed = True
        server, self._server = self._server, None
        if server is not None:
            server.close()
            # Python 3.13+: also drop connections still in their TLS handshake,
            # which have no task of ours yet and would hold wait_closed().
            abort_clients = getattr(server, "abort_clients", None)
            if abort_clients is not None:
                abort_clients()
        # One turn of the loop lets a connection accepted just now register.
        await asyncio.sleep(0)
        while self._connections:
            for task, writer in list(self._connections.items()):
                # Abort, not close: a client that stopped reading must not
                # hold the teardown of a test for a TLS shutdown timeout.
                writer.transport.abort()
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)
        if server is not None:
            await server.wait_closed()

    async def __aenter__(self) -> FakeListener:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _accept(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        index = self._connection_count
        self._connection_count += 1
        self._connections[task] = writer
        try:
            if self._starttls and not await self._start_tls(writer):
                return
            await self._run(reader, writer, index)
        finally:
            del self._connections[task]

    async def _start_tls(self, writer: asyncio.StreamWriter) -> bool:
        """Upgrade an accepted connection to TLS; whether it worked."""
        assert self._ssl is not None
        try:
            await writer.start_tls(  # type: ignore[attr-defined,unused-ignore]
                self._ssl, ssl_handshake_timeout=_HANDSHAKE_TIMEOUT
            )
        except (Exception, asyncio.CancelledError):
            # A failed or cancelled handshake leaves the TCP transport with
            # the TLS layer as its protocol: the stream never hears of the
            # close, so its wait_closed() must not be awaited.
            writer.transport.abort()
            return False
        return True

    async def _run(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, index: int
    ) -> None:
        end = End.CLOSE
        try:
            if not self._closed:
                end = await self._serve(reader, writer, index)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            self._client_closed()  # the client went away: nothing to answer
        except asyncio.CancelledError:
            pass  # close() is dropping this connection
        except Exception as exc:
            self.errors.append(exc)
        finally:
            if end is End.HANG:
                await self._hang(reader, index)
            await _finish(writer, end)

    async def _hang(self, reader: asyncio.StreamReader, index: int) -> None:
        """Write nothing, answer nothing: read and drop until the client leaves.

        close() cancels it; the bytes go to :attr:`discarded`.
        """
        received = self._discarded[index] = bytearray()
        try:
            while data := await reader.read(65536):
                received += data
            self._client_closed()
        except (ConnectionError, OSError, ssl.SSLError):
            self._client_closed()
        except asyncio.CancelledError:
            pass

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, index: int
    ) -> End:
        """Serve one connection; return how it ends."""
        raise NotImplementedError


async def write_paced(
    writer: asyncio.StreamWriter,
    pieces: Iterator[bytes],
    pacing: _Pacing,
) -> bool:
    """Write ``pieces`` as ``pacing`` says; return whether all were written."""
    if pacing.delay:
        await asyncio.sleep(pacing.delay)
    sent = 0
    for whole in pieces:
        piece = whole
        if pacing.cut_after is not None:
            piece = piece[: max(pacing.cut_after - sent, 0)]
        if pacing.drip:
            for start in range(0, len(piece), pacing.drip_size):
                writer.write(piece[start : start + pacing.drip_size])
                await writer.drain()
                await asyncio.sleep(pacing.drip)
        elif piece:
            writer.write(piece)
            await writer.drain()
            # drain() returns at once below the high-water mark; yield anyway
            # so a lazily produced body (a gzip bomb) cannot starve the loop.
            await asyncio.sleep(0)
        sent += len(piece)
        if len(piece) < len(whole):
            return False
    return True


async def _flush(writer: asyncio.StreamWriter) -> None:
    """Wait (up to a second) until the transport's write buffer is empty.

    Polled rather than drained: a TLS transport does not always wake a
    drain() waiting for an empty buffer.
    """
    transport = writer.transport
    for _ in range(1000):
        if not transport.get_write_buffer_size() or transport.is_closing():
            return
        await asyncio.sleep(0.001)


async def _finish(writer: asyncio.StreamWriter, end: End) -> None:
    """End a connection as scripted; never raises."""
    try:
        if end is End.RESET:
            await _flush(writer)
            raw = writer.get_extra_info("socket")
            if raw is not None:
                # SO_LINGER on, timeout 0: close() sends RST instead of FIN.
                raw.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
            writer.transport.abort()
    except (ConnectionError, OSError, asyncio.CancelledError):
        pass
    finally:
        writer.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await writer.wait_closed()
