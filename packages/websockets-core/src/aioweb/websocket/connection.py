"""The sans-I/O WebSocket connection: bytes in, events out; events in, bytes out.

How this works: :meth:`WebSocketProtocol.receive_data` only stores bytes.
:meth:`WebSocketProtocol.next_event` (or the :meth:`~WebSocketProtocol.events`
iterator) decodes frames from them on demand, so unread data stays in the
buffer, where :attr:`~WebSocketProtocol.bytes_buffered` can report it for
flow control. Frames come from the frame reader (compiled or pure twin), which
judges each header; this module judges what needs context: fragment order
(RFC 6455 section 5.4), UTF-8 (section 8.1), decompression (RFC 7692), size
limits across fragments and the closing handshake (section 7).

Replies the protocol owes the peer, a Pong for a Ping, the echo of a Close
frame, the Close frame that fails the connection, are queued and read with
:meth:`~WebSocketProtocol.data_to_send`; bytes for what the application sends
are returned by the ``send_*`` methods directly.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Sequence

from ._encoder import (
    close_payload,
    encode_frame,
    pack_header_16,
    plain_frame,
    window_bits,
)
from ._implementation import FrameReader
from .deflate import PerMessageDeflate
from .enums import CloseCode, Role, State, is_valid_close_code
from .events import Binary, Close, Event, Ping, Pong, Text
from .exceptions import LocalProtocolError, ProtocolError

__all__ = (
    "DEFAULT_MAX_FRAGMENTS",
    "DEFAULT_MAX_FRAME_SIZE",
    "DEFAULT_MAX_MESSAGE_SIZE",
    "WebSocketProtocol",
)

#: The default limit on one frame's payload, as received (compressed).
DEFAULT_MAX_FRAME_SIZE = 4 * 1024 * 1024
#: The default limit on one message, after decompression (aiohttp's default).
DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024
#: The default limit on the frames of one message: many tiny fragments cost
#: far more to process than their bytes suggest.
DEFAULT_MAX_FRAGMENTS = 4096

_UNLIMITED = 1 << 62
#: The parts of no message: never appended to (a message in fragments gets
#: its own list).
_NO_PARTS: list[bytes] = []
_NO_STATUS = 1005  # RFC 6455 section 7.4.1: "no status code was present"
_MAX_CONTROL_PAYLOAD = 125  # RFC 6455 section 5.5
_Utf8Decoder = codecs.getincrementaldecoder("utf-8")
# Module constants: an attribute lookup on the enum class costs more than a
# global on the paths that run once per message.
_OPEN = State.OPEN
_LOCAL_CLOSING = State.LOCAL_CLOSING


class WebSocketProtocol:
    """One end of an open WebSocket connection (RFC 6455 sections 5 to 7).

    The object starts in :attr:`State.OPEN`: whoever did the opening
    handshake passes any bytes that arrived after the HTTP response (or
    request) to :meth:`receive_data`.

    Args:
        role: :attr:`Role.CLIENT` masks what it sends and refuses masked
            frames; :attr:`Role.SERVER` the reverse (section 5.1).
        extensions: the extensions negotiated in the handshake; only
            :class:`~aioweb.websocket.PerMessageDeflate` is known.
        max_frame_size: the largest frame payload accepted, as received;
            ``None`` for no limit. Default 4 MiB.
        max_message_size: the largest message accepted, after
            decompression; ``None`` for no limit. Default 4 MiB.
        max_fragments: the most frames one message may span; ``None`` for
            no limit. Default 4096.
        assemble_messages: deliver whole messages (default); with ``False``
            every data frame is delivered as it arrives, with ``final`` set
            on the last one of a message.
        auto_pong: answer each Ping with a Pong queued in
            :meth:`data_to_send` (section 5.5.2). The :class:`Ping` event is
            delivered either way.
        auto_close: answer the peer's Close frame at once by echoing its
            status code, queued in :meth:`data_to_send` (section 5.5.1).
            With ``False`` the state becomes :attr:`State.REMOTE_CLOSING`
            and the application answers with :meth:`send_close` when it
            sees fit; it may still send messages until then.

    Raises:
        ValueError: a limit is not positive, or an extension is unknown.
    """

    __slots__ = (
        "_assemble",
        "_auto_close",
        "_auto_pong",
        "_close_delivered",
        "_deflate",
        "_eof",
        "_mask",
        "_max_fragments",
        "_max_message_size",
        "_message_compressed",
        "_message_fragments",
        "_message_opcode",
        "_message_parts",
        "_message_size",
        "_out",
        "_plain_out",
        "_reader",
        "_send_compressed",
        "_send_opcode",
        "_utf8",
        "close_code",
        "close_reason",
        "role",
        "state",
    )

    def __init__(
        self,
        role: Role,
        *,
        extensions: Sequence[PerMessageDeflate] = (),
        max_frame_size: int | None = DEFAULT_MAX_FRAME_SIZE,
        max_message_size: int | None = DEFAULT_MAX_MESSAGE_SIZE,
        max_fragments: int | None = DEFAULT_MAX_FRAGMENTS,
        assemble_messages: bool = True,
        auto_pong: bool = True,
        auto_close: bool = True,
    ) -> None:
        for name, limit in (
            ("max_frame_size", max_frame_size),
            ("max_message_size", max_message_size),
            ("max_fragments", max_fragments),
        ):
            if limit is not None and limit <= 0:
                raise ValueError(f"{name} must be positive or None, not {limit}")
        deflate: PerMessageDeflate | None = None
        for extension in extensions:
            if not isinstance(extension, PerMessageDeflate) or deflate is not None:
                raise ValueError(f"unsupported extension {extension!r}")
            deflate = extension
        #: The side this object plays.
        self.role = role
        #: Where the connection stands.
        self.state = State.OPEN
        #: The close code received from the peer (1005 when its Close frame
        #: had none, 1006 when the connection ended without one), or the code
        #: we failed the connection with; ``None`` while open.
        self.close_code: int | None = None
        #: The reason that came with :attr:`close_code`.
        self.close_reason = ""
        self._deflate = deflate
        self._mask = role is Role.CLIENT
        self._reader = FrameReader(
            masked=role is Role.SERVER,
            max_frame_size=max_frame_size or _UNLIMITED,
            allow_rsv1=deflate is not None,
        )
        self._max_message_size = max_message_size or _UNLIMITED
        self._max_fragments = max_fragments or _UNLIMITED
        self._assemble = assemble_messages
        self._auto_pong = auto_pong
        self._auto_close = auto_close
        # Bytes, not a bytearray: replies are rare and small, and an idle
        # connection then holds the shared empty bytes object.
        self._out = b""
        self._eof = False
        self._close_delivered = False
        # The message being received (RFC 6455 section 5.4).
        self._message_opcode = 0
        self._message_compressed = False
        # A list is made when a fragmented message starts.
        self._message_parts: list[bytes] | list[str] = _NO_PARTS
        self._message_size = 0
        self._message_fragments = 0
        self._utf8: codecs.IncrementalDecoder | None = None
        # The message being sent in fragments, if any.
        self._send_opcode = 0
        self._send_compressed = False
        # Whole messages go out as plain frames: unmasked, uncompressed and
        # no fragmented message open (false while one is).
        self._plain_out = not self._mask and deflate is None

    def __repr__(self) -> str:
        return f"<WebSocketProtocol {self.role.value} {self.state.value}>"

    # -- receiving -----------------------------------------------------------

    @property
    def extensions(self) -> list[PerMessageDeflate]:
        """The extensions in use."""
        return [] if self._deflate is None else [self._deflate]

    @property
    def bytes_buffered(self) -> int:
        """Received bytes not yet delivered as events.

        Frames still in the receive buffer plus the parts of a message being
        assembled; an asyncio layer pauses reading above its high-water mark.
        """
        return self._reader.buffered + self._message_size

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        """Hand over bytes received from the peer.

        Bytes received after the connection closed, or after the peer's
        Close frame (nothing may follow it, section 5.5.1), are dropped.
        """
        state = self.state
        if (state is _OPEN or state is _LOCAL_CLOSING) and not self._eof:
            self._reader.feed(data)

    def receive_messages(
        self, data: bytes | bytearray | memoryview
    ) -> tuple[list[tuple[int, bytes | str]], bool]:
        """Hand over bytes and take the whole messages at their front at once.

        The fast path of :meth:`receive_data` plus :meth:`next_event` for
        the common case: every frame at the front of the buffer that is a
        whole, uncompressed text or binary message by itself comes back
        decoded in one call, without an event object each. What these
        frames would have made as events is exactly what comes back; the
        first frame that is anything else (a control frame, a fragment, a
        compressed or oversized message, invalid UTF-8) stays buffered for
        :meth:`next_event`, which judges it by the full rules.

        Args:
            data: bytes received from the peer (dropped as
                :meth:`receive_data` drops them).

        Returns:
            ``(messages, more)``: the messages, each ``(0x1, str)`` for text
            or ``(0x2, bytes)`` for binary, in order; ``more`` is true when
            :meth:`next_event` may have events still (bytes remain
            buffered, or the fast path did not apply), false when every
            byte was taken.
        """
        state = self.state
        if (state is not _OPEN and state is not _LOCAL_CLOSING) or self._eof:
            return [], True
        reader = self._reader
        reader.feed(data)
        if self._message_opcode or not self._assemble:
            # Section 5.4: inside a fragmented message a data frame is an
            # error, not a message; and fragments may be asked for one by one.
            return [], True
        messages = reader.next_messages(self._max_message_size)
        return messages, reader.buffered != 0

    def receive_eof(self) -> None:
        """Tell the protocol the peer closed its side of the TCP connection.

        If the closing handshake had not completed, :meth:`next_event`
        delivers a :class:`Close` event with code 1006 once the buffered
        frames are read (RFC 6455 section 7.1.5). In
        :attr:`State.REMOTE_CLOSING` the peer's Close frame was delivered
        already, and the connection is now closed (section 7.1.4).
        """
        self._eof = True
        if self.state is State.REMOTE_CLOSING:
            self.state = State.CLOSED

    def events(self) -> Iterator[Event]:
        """Every event the buffered bytes make, in order.

        Raises:
            ProtocolError: as :meth:`next_event`.
        """
        next_event = self.next_event
        event = next_event()
        while event is not None:
            yield event
            event = next_event()

    def next_event(self) -> Event | None:
        """The next event, or ``None`` until more bytes arrive.

        Raises:
            ProtocolError: the peer broke the protocol. The connection is
                failed (RFC 6455 section 7.1.7): :attr:`state` is
                :attr:`State.CLOSED` and the Close frame to send, carrying
                ``close_code``, waits in :meth:`data_to_send`; the caller
                sends it and closes the TCP connection.
        """
        # One frame, not a call to a helper: this runs twice per message
        # (the second call finds no frame), and try costs nothing.
        reader = self._reader
        try:
            # Nothing is read after the peer's Close frame (section 5.5.1).
            while self.state is _OPEN or self.state is _LOCAL_CLOSING:
                frame = reader.next_frame()
                if frame is None:
                    if self._eof:
                        return self._abnormal_closure()
                    return None
                fin, rsv1, opcode, payload = frame
                if opcode == 0x1 or opcode == 0x2:
                    if self._message_opcode:
                        raise ProtocolError(
                            CloseCode.PROTOCOL_ERROR,
                            "a new message started before the previous one ended",
                        )
                    if fin and not rsv1 and self._assemble:
                        # The common case: a whole message in one frame.
                        if len(payload) > self._max_message_size:
                            raise self._too_big()
                        if opcode == 0x1:
                            try:
                                return Text(payload.decode())
                            except UnicodeDecodeError as exc:
                                raise ProtocolError(
                                    CloseCode.INVALID_TEXT,
                                    "invalid UTF-8 in a text message",
                                ) from exc
                        return Binary(payload)
                    self._message_opcode = opcode
                    self._message_parts = []
                    self._message_compressed = rsv1
                    self._message_fragments = 0
                    self._message_size = 0
                    if opcode == 0x1:
                        self._utf8 = _Utf8Decoder()
                    event = self._data_frame(fin, payload)
                elif opcode == 0x0:
                    if not self._message_opcode:
                        raise ProtocolError(
                            CloseCode.PROTOCOL_ERROR,
                            "a continuation frame with no message",
                        )
                    event = self._data_frame(fin, payload)
                elif opcode == 0x9:
                    if self._auto_pong and self.state is State.OPEN:
                        self._out += self._frame(0xA, payload)
                    return Ping(payload)
                elif opcode == 0xA:
                    return Pong(payload)
                else:
                    return self._close_frame(payload)
                if event is not None:
                    return event
            return None
        except ProtocolError as exc:
            self._fail(exc)
            raise

    def _data_frame(self, fin: bool, payload: bytes) -> Event | None:
        """One frame of a message started by a TEXT or BINARY frame."""
        self._message_fragments += 1
        if self._message_fragments > self._max_fragments:
            raise ProtocolError(
                CloseCode.MESSAGE_TOO_BIG,
                f"a message of more than {self._max_fragments} fragments",
            )
        room = self._max_message_size - self._message_size
        if self._message_compressed:
            assert self._deflate is not None  # the reader allows RSV1 only then
            payload = self._deflate.decompress(payload, fin, room)
        elif len(payload) > room:
            raise self._too_big()
        self._message_size += len(payload)
        if self._message_opcode == 0x1:
            assert self._utf8 is not None
            try:
                # Decoding each fragment as it comes fails fast on the first
                # invalid byte (RFC 6455 section 8.1).
                text = self._utf8.decode(payload, fin)
            except UnicodeDecodeError as exc:
                raise ProtocolError(
                    CloseCode.INVALID_TEXT, "invalid UTF-8 in a text message"
                ) from exc
            if not self._assemble:
                if fin:
                    self._end_message()
                return Text(text, fin)
            parts_text: list[str] = self._message_parts  # type: ignore[assignment]
            parts_text.append(text)
            if fin:
                self._end_message()
                return Text("".join(parts_text))
            return None
        if not self._assemble:
            if fin:
                self._end_message()
            return Binary(payload, fin)
        parts: list[bytes] = self._message_parts  # type: ignore[assignment]
        parts.append(payload)
        if fin:
            self._end_message()
            return Binary(b"".join(parts))
        return None

    def _end_message(self) -> None:
        self._message_opcode = 0
        self._message_parts = _NO_PARTS
        self._message_size = 0
        self._utf8 = None

    def _too_big(self) -> ProtocolError:
        return ProtocolError(
            CloseCode.MESSAGE_TOO_BIG,
            f"a message of more than {self._max_message_size} bytes",
        )

    def _close_frame(self, payload: bytes) -> Close | None:
        """The peer's Close frame (RFC 6455 section 5.5.1 and 7.1.5)."""
        code: int | None = None
        reason = ""
        if len(payload) == 1:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "a one-byte close payload")
        if payload:
            code = int.from_bytes(payload[:2], "big")
            if not is_valid_close_code(code):
                raise ProtocolError(
                    CloseCode.PROTOCOL_ERROR, f"invalid close code {code}"
                )
            try:
                reason = payload[2:].decode()
            except UnicodeDecodeError as exc:
                raise ProtocolError(
                    CloseCode.INVALID_TEXT, "invalid UTF-8 in the close reason"
                ) from exc
        self.close_code = _NO_STATUS if code is None else code
        self.close_reason = reason
        if self.state is State.OPEN and not self._auto_close:
            # The application answers with send_close().
            self.state = State.REMOTE_CLOSING
        elif self.state is State.OPEN:
            # Echo the status code back (section 5.5.1); a half-received
            # message is abandoned.
            self._out += self._frame(0x8, payload[:2])
            self.state = State.CLOSED
        else:
            self.state = State.CLOSED
        self._end_message()
        self._close_delivered = True
        return Close(code, reason)

    def _abnormal_closure(self) -> Close | None:
        # Section 7.1.5: no Close frame before the TCP connection closed.
        self.state = State.CLOSED
        self._end_message()
        if self._close_delivered:
            return None
        self._close_delivered = True
        self.close_code = CloseCode.ABNORMAL_CLOSURE
        self.close_reason = ""
        return Close(CloseCode.ABNORMAL_CLOSURE, "")

    def _fail(self, exc: ProtocolError) -> None:
        """Fail the connection (RFC 6455 section 7.1.7)."""
        if self.state is State.OPEN:
            self._out += self._frame(0x8, close_payload(exc.close_code, exc.reason))
        self.state = State.CLOSED
        self.close_code = exc.close_code
        self.close_reason = exc.reason
        self._close_delivered = True
        self._end_message()

    # -- sending -------------------------------------------------------------

    def data_to_send(self) -> bytes:
        """Bytes the protocol itself owes the peer: pongs, close frames.

        Call after :meth:`next_event` has run (and after it raised).
        """
        out, self._out = self._out, b""
        return out

    def send(self, event: Event) -> bytes:
        """The bytes that send ``event`` to the peer.

        Raises:
            LocalProtocolError: the event cannot be sent in this state.
        """
        if isinstance(event, Text):
            return self.send_text(event.data, final=event.final)
        if isinstance(event, Binary):
            return self.send_binary(event.data, final=event.final)
        if isinstance(event, Ping):
            return self.send_ping(event.data)
        if isinstance(event, Pong):
            return self.send_pong(event.data)
        if isinstance(event, Close):
            return self.send_close(event.code, event.reason)
        raise TypeError(f"not a WebSocket event: {event!r}")

    def send_text(
        self, data: str, *, final: bool = True, compress: bool | int | None = None
    ) -> bytes:
        """The bytes of a text message, or of one fragment of it.

        Args:
            data: the text.
            final: ``False`` to send a fragment; the message goes on with
                further ``send_text`` calls until one with ``final=True``.
            compress: whether to compress this message, when
                permessage-deflate was negotiated (without it every message
                goes uncompressed): ``None`` follows the extension's
                threshold, ``False`` or ``0`` sends it uncompressed, ``True``
                compresses it whatever its size, and a number of window bits
                (8 to 15) compresses it alone with a window that small (at
                most the negotiated one). Only the first frame of a message
                decides; later fragments follow it.

        Raises:
            LocalProtocolError: the connection is closing, or a fragmented
                binary message is being sent.
            ValueError: ``compress`` is a number but not 0 or 8 to 15.
        """
        payload = data.encode()
        if final and compress is None and self._plain_out and self.state is _OPEN:
            # plain_frame inline up to 64 KiB: this is the message path.
            size = len(payload)
            if size < 126:
                return bytes((0x81, size)) + payload
            if size < 0x10000:
                return pack_header_16(0x81, 126, size) + payload
            return plain_frame(0x81, payload)
        return self._send_data(0x1, payload, final, compress)

    def send_binary(
        self,
        data: bytes | bytearray | memoryview,
        *,
        final: bool = True,
        compress: bool | int | None = None,
    ) -> bytes:
        """The bytes of a binary message, or of one fragment of it.

        Args:
            data: the payload.
            final: ``False`` to send a fragment, as for :meth:`send_text`.
            compress: as for :meth:`send_text`.

        Raises:
            LocalProtocolError: the connection is closing, or a fragmented
                text message is being sent.
            ValueError: as for :meth:`send_text`.
        """
        payload = bytes(data)
        if final and compress is None and self._plain_out and self.state is _OPEN:
            # plain_frame inline up to 64 KiB: this is the message path.
            size = len(payload)
            if size < 126:
                return bytes((0x82, size)) + payload
            if size < 0x10000:
                return pack_header_16(0x82, 126, size) + payload
            return plain_frame(0x82, payload)
        return self._send_data(0x2, payload, final, compress)

    def _send_data(
        self, opcode: int, data: bytes, final: bool, compress: bool | int | None
    ) -> bytes:
        state = self.state
        if final and state is _OPEN and self._plain_out:
            if compress is not None:
                window_bits(compress)  # refused alike on every connection
            return plain_frame(0x80 | opcode, data)
        if state is not State.OPEN and state is not State.REMOTE_CLOSING:
            # Section 5.5.1: no data frame after our Close frame.
            raise LocalProtocolError(f"cannot send data in state {state.name}")
        rsv1 = False
        bits = None
        if self._send_opcode:
            if opcode != self._send_opcode:
                raise LocalProtocolError("a fragmented message of another type is open")
            frame_opcode = 0x0
            compressed = self._send_compressed
        else:
            frame_opcode = opcode
            deflate = self._deflate
            bits = None if compress is None else window_bits(compress)
            if deflate is None or bits == 0:
                compressed = False
            elif compress is None:
                compressed = len(data) >= deflate.threshold
            else:
                compressed = True
            rsv1 = compressed
        if compressed:
            assert self._deflate is not None
            data = self._deflate.compress(data, final, bits or None)
        if final:
            self._send_opcode = 0
            self._plain_out = not self._mask and self._deflate is None
        else:
            self._send_opcode = opcode
            self._send_compressed = compressed
            self._plain_out = False
        return self._frame(frame_opcode, data, final, rsv1)

    def send_ping(self, data: bytes = b"") -> bytes:
        """The bytes of a Ping frame (RFC 6455 section 5.5.2).

        Raises:
            LocalProtocolError: the payload is over 125 bytes, or the
                connection is closing.
        """
        return self._send_control(0x9, bytes(data))

    def send_pong(self, data: bytes = b"") -> bytes:
        """The bytes of a Pong frame (RFC 6455 section 5.5.3).

        Raises:
            LocalProtocolError: the payload is over 125 bytes, or the
                connection is closing.
        """
        return self._send_control(0xA, bytes(data))

    def _send_control(self, opcode: int, data: bytes) -> bytes:
        if self.state is not State.OPEN and self.state is not State.REMOTE_CLOSING:
            raise LocalProtocolError(
                f"cannot send a control frame in state {self.state.name}"
            )
        if len(data) > _MAX_CONTROL_PAYLOAD:
            raise LocalProtocolError("a control frame payload is at most 125 bytes")
        return self._frame(opcode, data)

    def send_close(self, code: int | None = CloseCode.OK, reason: str = "") -> bytes:
        """The bytes of our Close frame, starting the closing handshake.

        The state becomes :attr:`State.LOCAL_CLOSING`; the peer's Close frame
        then arrives as a :class:`Close` event (RFC 6455 section 7.1.2). In
        :attr:`State.REMOTE_CLOSING` (``auto_close=False``) this is the
        answer to the peer's Close frame, and the state becomes
        :attr:`State.CLOSED`.

        Args:
            code: the status code (RFC 6455 section 7.4), or ``None`` to send
                no code (and no reason).
            reason: why, at most 123 bytes of UTF-8.

        Raises:
            LocalProtocolError: the code may not be sent, the reason is too
                long, or a Close frame was already sent or received.
        """
        if self.state is not State.OPEN and self.state is not State.REMOTE_CLOSING:
            raise LocalProtocolError(
                f"cannot send a Close frame in state {self.state.name}"
            )
        if code is None:
            if reason:
                raise LocalProtocolError("a close reason needs a close code")
            payload = b""
        else:
            if not is_valid_close_code(code):
                raise LocalProtocolError(f"close code {code} may not be sent")
            payload = code.to_bytes(2, "big") + reason.encode()
            if len(payload) > _MAX_CONTROL_PAYLOAD:
                raise LocalProtocolError("a close reason is at most 123 bytes")
        if self.state is State.REMOTE_CLOSING:
            self.state = State.CLOSED
        else:
            self.state = State.LOCAL_CLOSING
        return self._frame(0x8, payload)

    def _frame(
        self, opcode: int, payload: bytes, fin: bool = True, rsv1: bool = False
    ) -> bytes:
        """One frame on the wire, masked by a client (RFC 6455 section 5.2)."""
        return encode_frame(opcode, payload, fin, rsv1, self._mask)
