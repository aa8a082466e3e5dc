"""A fake WebSocket server: RFC 6455 handshake, then echo or a script.

How this works: the handshake request is read and recorded like any other
(:func:`read_request`), checked against RFC 6455 section 4.2.1 and answered
with ``101 Switching Protocols``. Then frames are read one at a time (client
frames must be masked, section 5.1), fragmented messages are assembled
(section 5.4), and each complete message goes to the handler, whose answers
are sent back. Pings get pongs (section 5.5.2) unless ``answer_pings`` is
off, which makes the server look dead to a client's heartbeat. A close frame
is answered with the same code and ends the connection (section 5.5.1).

The accept value comes from ``aioweb.websocket``'s handshake helper when it
is installed. The framing is a small reader and writer of its own: a fake
peer must not share its framing code with the client it tests. No extension
is negotiated.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import inspect
import ssl
import struct
import zlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from .listener import FakeListener
from .recording import BadRequest, RecordedRequest, read_request
from .replies import End, Reply

__all__ = ("FakeWebSocketServer", "Message", "MessageHandler", "RecordedFrame")

#: A WebSocket message: ``str`` for text, ``bytes`` for binary.
Message = str | bytes
#: Turns a received message into the messages to send back (none, one or many).
MessageHandler = Callable[
    [Message],
    Message | Iterable[Message] | Awaitable[Message | Iterable[Message] | None] | None,
]

#: RFC 6455 section 1.3: the GUID appended to the key before hashing.
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

# Opcodes, RFC 6455 section 5.2.
_CONTINUATION, _TEXT, _BINARY = 0x0, 0x1, 0x2
_CLOSE, _PING, _PONG = 0x8, 0x9, 0xA

# Close codes, RFC 6455 section 7.4.1.
_PROTOCOL_ERROR = 1002
_INVALID_DATA = 1007
_TOO_BIG = 1009


# RFC 7692 section 7.2.2: the tail each compressed message's data leaves off.
_DEFLATE_TAIL = b"\x00\x00\xff\xff"
# RFC 7692 section 7.1: the parameters of a permessage-deflate offer.
_DEFLATE_PARAMETERS = {
    "server_no_context_takeover",
    "client_no_context_takeover",
    "server_max_window_bits",
    "client_max_window_bits",
}


@dataclass(frozen=True, slots=True)
class RecordedFrame:
    """One frame as a fake WebSocket server received it (RFC 6455 section 5.2).

    Attributes:
        fin: the FIN bit: the last frame of its message.
        opcode: the opcode (``0x1`` text, ``0x2`` binary, ``0x0``
            continuation, ``0x8`` close, ``0x9`` ping, ``0xA`` pong).
        rsv1: the RSV1 bit: with permessage-deflate, a compressed message
            (RFC 7692 section 6).
        payload: the payload unmasked, still compressed if it was.
    """

    fin: bool
    opcode: int
    rsv1: bool
    payload: bytes


def _accept_from_key(key: str) -> str:
    """The ``Sec-WebSocket-Accept`` for a ``Sec-WebSocket-Key`` (section 4.2.2)."""
    digest = hashlib.sha1(key.encode("ascii") + _GUID).digest()
    return base64.b64encode(digest).decode("ascii")


def _handshake_accept() -> Callable[[str], str]:
    """websockets-core's handshake helper when installed, else our own."""
    try:
        from aioweb.websocket import compute_accept
    except ImportError:  # a websockets-core without handshake helpers
        return _accept_from_key
    return compute_accept


compute_accept = _handshake_accept()


def _echo(message: Message) -> Message:
    return message


class _Violation(Exception):
    """The client broke the framing rules; close with ``code``."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code


class FakeWebSocketServer(FakeListener):
    """A WebSocket server on 127.0.0.1 that echoes, or answers from a handler.

    Args:
        handler: called with each message received; what it returns (a
            message, several, or ``None``) is sent back. Echo by default.
        greeting: messages sent right after the handshake.
        answer_pings: answer pings with pongs; ``False`` ignores them.
        max_message_size: a larger message (inflated, if compressed) closes
            the connection with 1009.
        deflate: accept a client's permessage-deflate offer (RFC 7692) and
            inflate its compressed messages; answers are never compressed.
        host: the address to listen on.
        ssl_context: a server-side TLS context, for ``wss``.
    """

    _scheme = "ws"

    def __init__(
        self,
        handler: MessageHandler = _echo,
        *,
        greeting: Sequence[Message] = (),
        answer_pings: bool = True,
        max_message_size: int = 16 << 20,
        deflate: bool = False,
        host: str = "127.0.0.1",
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(host=host, ssl_context=ssl_context)
        self._handler = handler
        self._deflate = deflate
        self._greeting = tuple(greeting)
        #: Whether pings get pongs; set it to ``False`` at any time to look
        #: dead to a client's heartbeat.
        self.answer_pings = answer_pings
        self._max_message_size = max_message_size
        #: The handshake requests received, accepted or not.
        self.requests: list[RecordedRequest] = []
        #: Every message received, in order (inflated, if compressed).
        self.messages: list[Message] = []
        #: Every frame received, in order, as it came.
        self.frames: list[RecordedFrame] = []
        #: The payload of every ping received.
        self.pings: list[bytes] = []
        #: The close codes received from clients (``None``: no code sent).
        self.close_codes: list[int | None] = []
        # Upgraded connections, in order, and whether we sent a close frame.
        self._open: dict[asyncio.StreamWriter, bool] = {}

    async def __aenter__(self) -> FakeWebSocketServer:
        await self.start()
        return self

    async def wait_for_messages(
        self, count: int = 1, timeout: float = 5.0
    ) -> list[Message]:
        """Wait until ``count`` messages in all were received, and return them.

        Raises:
            FakeServerError: fewer arrived within ``timeout`` seconds.
        """
        await self._wait_until(
            lambda: len(self.messages) >= count,
            timeout,
            f"expected {count} message(s), got {len(self.messages)}",
        )
        return list(self.messages)

    @property
    def open_websockets(self) -> int:
        """How many connections completed the handshake and are still open."""
        return len(self._open)

    async def send(self, message: Message) -> None:
        """Send ``message`` to every open WebSocket, unprompted."""
        frame = _message_frame(message)
        for writer, closing in list(self._open.items()):
            if not closing:
                writer.write(frame)
                await writer.drain()

    async def close_websockets(self, code: int = 1000, reason: str = "") -> None:
        """Start the closing handshake (RFC 6455 section 7.1.2) on every open one.

        Each connection ends once the client answers with its close frame.
        """
        for writer, closing in list(self._open.items()):
            if not closing:
                self._open[writer] = True
                writer.write(_close_frame(code, reason))
                await writer.drain()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, index: int
    ) -> End:
        try:
            request = await read_request(reader, index)
        except BadRequest as exc:
            self.errors.append(exc)
            await _write_reply(writer, Reply(exc.status, keep_alive=False))
            return End.CLOSE
        if request is None:
            return End.CLOSE
        self.requests.append(request)
        self._notify()
        refusal = _check_handshake(request)
        if refusal is not None:
            await _write_reply(writer, refusal)
            return End.CLOSE
        accept = compute_accept(request.headers["Sec-WebSocket-Key"].strip())
        extension = _accept_deflate(request) if self._deflate else None
        fields = b"" if extension is None else extension.encode("ascii") + b"\r\n"
        writer.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: "
            + accept.encode("ascii")
            + b"\r\n"
            + fields
            + b"\r\n"
        )
        for message in self._greeting:
            writer.write(_message_frame(message))
        await writer.drain()
        self._open[writer] = False
        try:
            await self._frames(reader, writer, deflate=extension is not None)
        except _Violation as exc:
            writer.write(_close_frame(exc.code, str(exc)))
            await writer.drain()
        finally:
            del self._open[writer]
        return End.CLOSE

    async def _frames(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        deflate: bool = False,
    ) -> None:
        # One inflater a connection: the client may keep its compression
        # context from message to message (RFC 7692 section 7.2.1).
        inflater = zlib.decompressobj(-zlib.MAX_WBITS) if deflate else None
        parts: list[bytes] = []
        kind: int | None = None
        compressed = False
        while True:
            frame = await _read_frame(reader, self._max_message_size, deflate=deflate)
            self.frames.append(frame)
            fin, opcode, payload = frame.fin, frame.opcode, frame.payload
            if opcode >= _CLOSE:
                if opcode == _PING:
                    self.pings.append(payload)
                    self._notify()
                    if self.answer_pings:
                        writer.write(_frame(_PONG, payload))
                        await writer.drain()
                elif opcode == _CLOSE:
                    code = (
                        struct.unpack("!H", payload[:2])[0]
                        if len(payload) >= 2
                        else None
                    )
                    self.close_codes.append(code)
                    self._notify()
                    if not self._open[writer]:
                        # Echo the code (section 5.5.1), unless this answers
                        # our own close frame.
                        writer.write(_frame(_CLOSE, payload[:2]))
                        await writer.drain()
                    return
                continue
            if opcode == _CONTINUATION:
                if kind is None:
                    raise _Violation(_PROTOCOL_ERROR, "continuation without a message")
            elif kind is not None:
                raise _Violation(_PROTOCOL_ERROR, "new message inside a fragmented one")
            else:
                kind = opcode
                compressed = frame.rsv1
            parts.append(payload)
            if sum(map(len, parts)) > self._max_message_size:
                raise _Violation(_TOO_BIG, "message too big")
            if not fin:
                continue
            data = b"".join(parts)
            parts, message_kind, kind = [], kind, None
            if compressed:
                assert inflater is not None  # RSV1 is refused without deflate
                data = _inflate(inflater, data, self._max_message_size)
            message: Message
            if message_kind == _TEXT:
                try:
                    message = data.decode("utf-8")
                except UnicodeDecodeError:
                    raise _Violation(_INVALID_DATA, "text is not UTF-8") from None
            else:
                message = data
            self.messages.append(message)
            self._notify()
            for answer in await self._answers(message):
                writer.write(_message_frame(answer))
            await writer.drain()

    async def _answers(self, message: Message) -> list[Message]:
        result = self._handler(message)
        if inspect.isawaitable(result):
            result = await result
        if result is None:
            return []
        if isinstance(result, str | bytes):
            return [result]
        return list(result)


def _check_handshake(request: RecordedRequest) -> Reply | None:
    """The refusal for a request that is not a valid opening handshake."""
    headers = request.headers
    connection = {t.strip().lower() for t in headers.get("Connection", "").split(",")}
    if request.method != "GET" or request.version < (1, 1):
        return Reply(
            400, body=b"a WebSocket handshake is GET over HTTP/1.1", keep_alive=False
        )
    if headers.get("Upgrade", "").lower() != "websocket" or "upgrade" not in connection:
        return Reply(426, headers=[("Upgrade", "websocket")], keep_alive=False)
    if headers.get("Sec-WebSocket-Version", "").strip() != "13":
        # RFC 6455 section 4.4: tell the client which version is spoken.
        return Reply(426, headers=[("Sec-WebSocket-Version", "13")], keep_alive=False)
    try:
        key = base64.b64decode(headers.get("Sec-WebSocket-Key", ""), validate=True)
    except binascii.Error:
        key = b""
    if len(key) != 16:
        return Reply(400, body=b"bad Sec-WebSocket-Key", keep_alive=False)
    return None


def _accept_deflate(request: RecordedRequest) -> str | None:
    """The ``Sec-WebSocket-Extensions`` field accepting the first usable
    permessage-deflate offer, or ``None`` (RFC 7692 section 5).

    An offer with a parameter this server does not know is passed over. The
    parameters on the server's side (context takeover, window size) limit
    only what the server compresses, which is nothing, so they are accepted
    as offered; the client's side keeps its defaults.
    """
    for value in request.headers.getall("Sec-WebSocket-Extensions", ()):
        for offer in value.split(","):
            name, *parameters = (part.strip() for part in offer.split(";"))
            if name.lower() != "permessage-deflate":
                continue
            names = [p.partition("=")[0].strip().lower() for p in parameters]
            if not set(names) <= _DEFLATE_PARAMETERS or len(set(names)) < len(names):
                continue
            kept = [p for p in parameters if p.lower().startswith("server_")]
            return "Sec-WebSocket-Extensions: " + "; ".join(
                ["permessage-deflate", *kept]
            )
    return None


def _inflate(inflater: zlib._Decompress, data: bytes, max_size: int) -> bytes:
    """A compressed message's data, inflated (RFC 7692 section 7.2.2).

    Raises:
        _Violation: the data does not inflate (1007), or inflates to more
            than ``max_size`` bytes (1009).
    """
    try:
        out = inflater.decompress(data + _DEFLATE_TAIL, max_size + 1)
    except zlib.error as exc:
        raise _Violation(_INVALID_DATA, f"compressed data is broken: {exc}") from None
    if len(out) > max_size or inflater.unconsumed_tail:
        raise _Violation(_TOO_BIG, "message too big once inflated")
    return out


async def _write_reply(writer: asyncio.StreamWriter, reply: Reply) -> None:
    pieces, _ = reply._wire()
    for piece in pieces:
        writer.write(piece)
    await writer.drain()


async def _read_frame(
    reader: asyncio.StreamReader, max_size: int, *, deflate: bool = False
) -> RecordedFrame:
    """One client frame, its payload unmasked (section 5.2)."""
    first, second = await reader.readexactly(2)
    opcode = first & 0x0F
    rsv1 = bool(first & 0x40)
    if first & 0x30 or (rsv1 and not deflate):
        raise _Violation(_PROTOCOL_ERROR, "reserved bits set without an extension")
    if rsv1 and opcode not in (_TEXT, _BINARY):
        # RFC 7692 section 6.1: only on the first frame of a data message.
        raise _Violation(_PROTOCOL_ERROR, "RSV1 on a continuation or control frame")
    if opcode not in (_CONTINUATION, _TEXT, _BINARY, _CLOSE, _PING, _PONG):
        raise _Violation(_PROTOCOL_ERROR, f"unknown opcode {opcode:#x}")
    if not second & 0x80:
        raise _Violation(_PROTOCOL_ERROR, "client frames must be masked")
    length = second & 0x7F
    if opcode >= _CLOSE and (length > 125 or not first & 0x80):
        # Section 5.5: control frames are short and never fragmented.
        raise _Violation(_PROTOCOL_ERROR, "bad control frame")
    if length == 126:
        (length,) = struct.unpack("!H", await reader.readexactly(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", await reader.readexactly(8))
    if length > max_size:
        raise _Violation(_TOO_BIG, "frame too big")
    mask = await reader.readexactly(4)
    payload = await reader.readexactly(length)
    return RecordedFrame(bool(first & 0x80), opcode, rsv1, _unmask(payload, mask))


def _unmask(payload: bytes, mask: bytes) -> bytes:
    """XOR with the 4-byte mask (section 5.3), on whole integers for speed."""
    if not payload:
        return payload
    size = len(payload)
    key = (mask * (size // 4 + 1))[:size]
    value = int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")
    return value.to_bytes(size, "big")


def _frame(opcode: int, payload: bytes) -> bytes:
    """An unmasked, final server frame (section 5.1: servers never mask)."""
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return head + payload


def _message_frame(message: Message) -> bytes:
    if isinstance(message, str):
        return _frame(_TEXT, message.encode("utf-8"))
    return _frame(_BINARY, bytes(message))


def _close_frame(code: int, reason: str) -> bytes:
    return _frame(_CLOSE, struct.pack("!H", code) + reason.encode("utf-8")[:123])
