"""Frame decoding (RFC 6455 section 5.2), the readable twin of ``_creader``.

How this works: :meth:`FrameReader.feed` appends bytes to one buffer;
:meth:`FrameReader.next_frame` decodes the frame at its front, or returns
``None`` while the frame is incomplete. Every rule that can be judged from the
header alone is judged as soon as the header's first two bytes arrive, so a
hostile peer is refused before it sends a payload: reserved bits and opcodes
(section 5.2), control-frame rules (section 5.5), the masking rule for the
role (section 5.1) and the frame size limit. Fragment ordering, UTF-8 and
decompression belong to the protocol object, which sees whole messages.

A frame comes out as a tuple ``(fin, rsv1, opcode, payload)`` with the
payload already unmasked: tuples are the cheapest value to hand from the
compiled twin to Python.

:meth:`FrameReader.next_messages` is the fast path of the common case: it
takes, in one call, the frames at the front of the buffer that are whole
messages on their own (FIN set, no RSV bit, text or binary, within the
limits, text valid UTF-8) and returns them decoded. It stops, consuming
nothing more, at the first frame that is anything else or incomplete; that
frame is left for :meth:`FrameReader.next_frame`, which judges it by the
full rules. So the fast path never refuses anything: what it takes is
exactly what the full path would deliver as a whole text or binary message.
"""

from __future__ import annotations

from .enums import CloseCode
from .exceptions import ProtocolError

__all__ = ("FrameReader",)

_MAX_CONTROL_PAYLOAD = 125  # RFC 6455 section 5.5
_KNOWN_OPCODES = frozenset({0x0, 0x1, 0x2, 0x8, 0x9, 0xA})


class FrameReader:
    """Decodes frames from a byte stream, one at a time.

    Args:
        masked: whether frames must be masked: true for a server reading a
            client's frames, false for a client (RFC 6455 section 5.1).
        max_frame_size: the largest payload accepted, in bytes; a larger one
            fails with close code 1009.
        allow_rsv1: whether RSV1 may be set on the first frame of a data
            message (permessage-deflate was negotiated, RFC 7692 section 6).
    """

    __slots__ = ("_allow_rsv1", "_buffer", "_masked", "_max_frame_size", "_pos")

    def __init__(
        self, *, masked: bool, max_frame_size: int, allow_rsv1: bool = False
    ) -> None:
        self._buffer = bytearray()
        self._pos = 0
        self._masked = masked
        self._max_frame_size = max_frame_size
        self._allow_rsv1 = allow_rsv1

    @property
    def buffered(self) -> int:
        """Bytes received but not yet returned as frames."""
        return len(self._buffer) - self._pos

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Append received bytes."""
        if self._pos:
            del self._buffer[: self._pos]
            self._pos = 0
        self._buffer += data

    def next_frame(self) -> tuple[bool, bool, int, bytes] | None:
        """The next complete frame, or ``None`` until more bytes arrive.

        Returns:
            ``(fin, rsv1, opcode, payload)``, the payload unmasked.

        Raises:
            ProtocolError: the frame breaks a rule of RFC 6455 section 5 (close
                code 1002) or is larger than ``max_frame_size`` (1009).
        """
        buffer = self._buffer
        pos = self._pos
        available = len(buffer) - pos
        if available < 2:
            return None
        first = buffer[pos]
        second = buffer[pos + 1]
        fin = bool(first & 0x80)
        rsv1 = bool(first & 0x40)
        opcode = first & 0x0F
        if first & 0x30:
            # RSV2 and RSV3 have no meaning without an extension that
            # defines them, and we negotiate none (section 5.2).
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "reserved bits set")
        if opcode not in _KNOWN_OPCODES:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, f"unknown opcode {opcode}")
        if rsv1 and not (self._allow_rsv1 and opcode in (0x1, 0x2)):
            # RFC 7692 section 6: RSV1 marks the first frame of a compressed
            # message, never a continuation or control frame.
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "reserved bit RSV1 set")
        length = second & 0x7F
        if opcode & 0x8:
            if not fin:
                raise ProtocolError(
                    CloseCode.PROTOCOL_ERROR, "fragmented control frame"
                )
            if length > _MAX_CONTROL_PAYLOAD:
                raise ProtocolError(
                    CloseCode.PROTOCOL_ERROR, "control frame payload over 125 bytes"
                )
        if bool(second & 0x80) != self._masked:
            raise ProtocolError(
                CloseCode.PROTOCOL_ERROR,
                "unmasked client frame" if self._masked else "masked server frame",
            )
        sized = _payload_length(buffer, pos, available, length)
        if sized is None:
            return None
        length, header = sized
        if length >> 63:
            raise ProtocolError(
                CloseCode.PROTOCOL_ERROR, "frame length has its high bit set"
            )
        if length > self._max_frame_size:
            raise ProtocolError(
                CloseCode.MESSAGE_TOO_BIG,
                f"frame of {length} bytes over the {self._max_frame_size} limit",
            )
        read = _payload(buffer, pos + header, length, self._masked)
        if read is None:
            return None
        self._pos, payload = read
        return fin, rsv1, opcode, payload

    def next_messages(self, max_message_size: int) -> list[tuple[int, bytes | str]]:
        """The whole messages at the front of the buffer, decoded.

        Takes frames while each is a whole message on its own: FIN set, no
        RSV bit, opcode text or binary, at most ``max_message_size`` (and
        the frame limit) bytes, text valid UTF-8. Stops at the first frame
        that is not, or is incomplete, and leaves it for :meth:`next_frame`.
        The caller uses this only between messages (no fragmented message
        open), where such a frame is a message by itself (RFC 6455
        section 5.4).

        Args:
            max_message_size: the largest message to take, in bytes.

        Returns:
            ``(opcode, data)`` for each message: ``(0x1, str)`` for text,
            ``(0x2, bytes)`` for binary; an empty list when the first
            frame is not one.
        """
        buffer = self._buffer
        pos = self._pos
        masked = self._masked
        limit = min(max_message_size, self._max_frame_size)
        messages: list[tuple[int, bytes | str]] = []
        while (message := _fast_message(buffer, pos, masked, limit)) is not None:
            pos, opcode, data = message
            messages.append((opcode, data))
        self._pos = pos
        return messages


def _fast_message(
    buffer: bytearray, pos: int, masked: bool, limit: int
) -> tuple[int, int, bytes | str] | None:
    """The frame at ``pos`` as ``(end, opcode, data)`` when it is a whole,
    uncompressed text or binary message within ``limit`` bytes (text valid
    UTF-8, RFC 6455 section 8.1); ``None`` otherwise or while incomplete."""
    available = len(buffer) - pos
    if available < 2:
        return None
    first = buffer[pos]
    second = buffer[pos + 1]
    # FIN set, RSV1-3 clear, opcode 0x1 or 0x2 (section 5.2), and the mask
    # bit the role requires (section 5.1).
    if (first != 0x81 and first != 0x82) or bool(second & 0x80) != masked:
        return None
    sized = _payload_length(buffer, pos, available, second & 0x7F)
    if sized is None or sized[0] > limit:
        return None
    read = _payload(buffer, pos + sized[1], sized[0], masked)
    if read is None:
        return None
    end, payload = read
    if first == 0x82:
        return end, 0x2, payload
    try:
        return end, 0x1, payload.decode()
    except UnicodeDecodeError:
        return None


def _payload_length(
    buffer: bytearray, pos: int, available: int, length: int
) -> tuple[int, int] | None:
    """``(payload length, header length without the mask)`` of the frame at
    ``pos``, given the 7-bit length of its second byte (RFC 6455 section
    5.2); ``None`` while the extended length is incomplete."""
    if length == 126:
        if available < 4:
            return None
        return int.from_bytes(buffer[pos + 2 : pos + 4], "big"), 4
    if length == 127:
        if available < 10:
            return None
        return int.from_bytes(buffer[pos + 2 : pos + 10], "big"), 10
    return length, 2


def _payload(
    buffer: bytearray, start: int, length: int, masked: bool
) -> tuple[int, bytes] | None:
    """``(end, payload)`` of a frame whose mask or payload starts at
    ``start``, unmasked; ``None`` while it is incomplete."""
    if masked:
        start += 4
    end = start + length
    if len(buffer) < end:
        return None
    if masked:
        return end, _unmask(buffer[start - 4 : start], buffer[start:end])
    return end, bytes(buffer[start:end])


def _unmask(mask: bytearray, data: bytearray) -> bytes:
    # One big-integer XOR instead of a byte loop (RFC 6455 section 5.3).
    size = len(data)
    if not size:
        return b""
    key = bytes(mask) * (size // 4 + 1)
    value = int.from_bytes(data, "little") ^ int.from_bytes(key[:size], "little")
    return value.to_bytes(size, "little")
