"""The sending half of an asyncio WebSocket: frames out, with back-pressure.

The sans-I/O :class:`aioweb.websocket.WebSocketProtocol` makes the bytes of
each frame (masking them for a client, compressing messages when
permessage-deflate was negotiated); the writer puts them on the transport and
then waits on the protocol's ``drain()``, which returns at once unless the
transport's write buffer is over its high-water mark. A fast sender is thus
held back by a slow peer instead of filling memory.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from aioweb.websocket import LocalProtocolError, State, WebSocketProtocol

from .ws_types import WSMsgType

__all__ = ("WebSocketWriter",)


class WriteFlowControl(Protocol):
    """What the writer waits on: the protocol that owns the transport."""

    @property
    def writing_paused(self) -> bool: ...

    async def drain(self) -> None: ...


class WebSocketWriter:
    """Writes WebSocket frames to a transport.

    Args:
        connection: the sans-I/O connection, shared with the reader.
        protocol: the protocol that owns the transport; its ``drain()`` is
            awaited after each frame while its writing is paused.
        transport: where the frames go.
    """

    __slots__ = ("_connection", "_protocol", "transport")

    def __init__(
        self,
        connection: WebSocketProtocol,
        protocol: WriteFlowControl,
        transport: asyncio.WriteTransport,
    ) -> None:
        self._connection = connection
        self._protocol = protocol
        self.transport = transport

    def __repr__(self) -> str:
        return f"<WebSocketWriter {self._connection.state.value}>"

    def write(self, data: bytes) -> None:
        """Put bytes on the transport now, without waiting for it to drain.

        Raises:
            ConnectionResetError: the transport is closing.
        """
        if self.transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        self.transport.write(data)

    #: Calling the writer writes bytes, as :meth:`write`: the reader is given
    #: the writer itself to send its replies.
    __call__ = write

    def write_message(
        self, message: bytes | str, compress: bool | int | None = None
    ) -> bool:
        """Write a whole data message now: text for ``str``, binary for bytes.

        The path every ``send_str``/``send_bytes`` takes, kept short and
        synchronous: one frame from the connection, one write. The caller
        awaits :meth:`drain` only when this returns True, so a message
        costs no coroutine of its own while the transport keeps up.

        Args:
            message: the text or the payload.
            compress: this message's compression, as the connection's
                ``send_text`` takes it (``0`` uncompressed, window bits,
                ``None`` for the negotiated default).

        Returns:
            True when the transport's buffer is over its high-water mark:
            await :meth:`drain` before sending more.

        Raises:
            ConnectionResetError: the connection is closing or closed.
            ValueError: ``compress`` is not a valid choice.
        """
        connection = self._connection
        try:
            if isinstance(message, str):
                frame = connection.send_text(message, compress=compress)
            else:
                frame = connection.send_binary(message, compress=compress)
        except LocalProtocolError as exc:
            raise ConnectionResetError("Cannot write to closing transport") from exc
        transport = self.transport
        if transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        transport.write(frame)
        return self._protocol.writing_paused

    async def drain(self) -> None:
        """Wait until the transport can take more.

        Raises:
            ConnectionResetError: the connection was lost while waiting.
        """
        await self._protocol.drain()

    def write_frame(
        self, message: bytes | str, opcode: int, compress: bool | int | None = None
    ) -> None:
        """Write one frame now, without waiting for the transport to drain.

        Args:
            message: the payload; ``str`` or UTF-8 ``bytes`` for TEXT, and
                for CLOSE the two-byte code followed by the reason.
            opcode: a :class:`~aioweb.protocol.ws_types.WSMsgType` that is a
                frame: TEXT, BINARY, PING, PONG or CLOSE.
            compress: for TEXT and BINARY, as for :meth:`send_message`;
                control frames are never compressed (RFC 7692 section 6.1).

        Raises:
            ConnectionResetError: the connection is closing or closed.
            ValueError: the payload is not valid for the opcode (bytes that
                are not UTF-8 for TEXT, over 125 bytes for a control frame, a
                close code that may not be sent).
        """
        connection = self._connection
        try:
            if opcode == WSMsgType.TEXT:
                text = message if isinstance(message, str) else message.decode()
                frame = connection.send_text(text, compress=compress)
            elif opcode == WSMsgType.BINARY:
                frame = connection.send_binary(_as_bytes(message), compress=compress)
            elif opcode == WSMsgType.PING:
                frame = connection.send_ping(_as_bytes(message))
            elif opcode == WSMsgType.PONG:
                frame = connection.send_pong(_as_bytes(message))
            elif opcode == WSMsgType.CLOSE:
                payload = _as_bytes(message)
                if len(payload) == 1:
                    raise ValueError("a close payload is empty or starts with a code")
                code = int.from_bytes(payload[:2], "big") if payload else None
                frame = connection.send_close(code, payload[2:].decode())
            else:
                raise ValueError(f"cannot send a frame of type {opcode!r}")
        except UnicodeDecodeError as exc:
            raise ValueError("a text payload must be UTF-8") from exc
        except LocalProtocolError as exc:
            if connection.state in (State.LOCAL_CLOSING, State.CLOSED):
                raise ConnectionResetError("Cannot write to closing transport") from exc
            raise ValueError(str(exc)) from exc
        self.write(frame)

    async def send_frame(
        self, message: bytes | str, opcode: int, compress: bool | int | None = None
    ) -> None:
        """Write one frame and wait until the transport can take more.

        Args:
            message: the payload, as for :meth:`write_frame`.
            opcode: the frame's type, as for :meth:`write_frame`.
            compress: as for :meth:`write_frame`.

        Raises:
            ConnectionResetError: the connection is closing or closed, or it
                was lost while waiting.
            ValueError: as :meth:`write_frame`.
        """
        self.write_frame(message, opcode, compress)
        await self._protocol.drain()

    async def close(self, code: int, message: bytes | str = b"") -> bool:
        """Send our Close frame, unless one was already exchanged.

        Args:
            code: the close code (RFC 6455 §7.4).
            message: the reason, at most 123 bytes of UTF-8.

        Returns:
            False if the connection had already sent or answered a Close
            frame, so nothing was written. After the peer's Close frame with
            ``autoclose=False`` (the connection waits for our answer) the
            frame is sent.

        Raises:
            ConnectionResetError: the transport is closing.
            ValueError: the code may not be sent or the reason is too long.
        """
        connection = self._connection
        if connection.state is not State.OPEN and (
            connection.state is not State.REMOTE_CLOSING
        ):
            return False
        try:
            reason = message.decode() if isinstance(message, bytes) else message
            frame = connection.send_close(code, reason)
        except UnicodeDecodeError as exc:
            raise ValueError("a close reason must be UTF-8") from exc
        except LocalProtocolError as exc:
            raise ValueError(str(exc)) from exc
        self.write(frame)
        await self._protocol.drain()
        return True


def _as_bytes(message: bytes | str) -> bytes:
    return message.encode() if isinstance(message, str) else bytes(message)
