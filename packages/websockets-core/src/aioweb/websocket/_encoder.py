"""Frames on the wire, as this side sends them (RFC 6455 section 5.2).

The encoding half of framing, beside the frame reader's decoding: the
header of a frame, the masking a client applies (section 5.3), the payload
of a Close frame, and the ``compress`` argument of a message (RFC 7692).
:class:`~aioweb.websocket.WebSocketProtocol` decides what to send; this
module only builds bytes.
"""

from __future__ import annotations

import os
import struct

from ._implementation import apply_mask

__all__ = (
    "close_payload",
    "encode_frame",
    "pack_header_16",
    "plain_frame",
    "window_bits",
)

_pack_16 = struct.Struct("!BBH").pack
#: The header of a frame with a 16-bit length: ``(first, 126, size)``
#: (RFC 6455 section 5.2); the protocol object inlines it on its message path.
pack_header_16 = _pack_16
_pack_64 = struct.Struct("!BBQ").pack


def encode_frame(
    opcode: int, payload: bytes, fin: bool, rsv1: bool, mask: bool
) -> bytes:
    """One frame: FIN, RSV1, the opcode, the length and, masked when
    ``mask`` (a client's frames), the payload."""
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    size = len(payload)
    mask_bit = 0x80 if mask else 0
    if size < 126:
        header = bytes((first, mask_bit | size))
    elif size < 0x10000:
        header = _pack_16(first, mask_bit | 126, size)
    else:
        header = _pack_64(first, mask_bit | 127, size)
    if not mask:
        return header + payload
    # Section 5.3: a fresh, unpredictable key for every frame.
    key = os.urandom(4)
    masked = bytearray(payload)
    apply_mask(masked, key)
    return header + key + masked


def plain_frame(first: int, payload: bytes) -> bytes:
    """A whole frame, unmasked and uncompressed, its first byte given: the
    common case of a server's message."""
    size = len(payload)
    if size < 126:
        return bytes((first, size)) + payload
    if size < 0x10000:
        return _pack_16(first, 126, size) + payload
    return _pack_64(first, 127, size) + payload


def window_bits(compress: bool | int) -> int | None:
    """A ``compress`` argument as window bits: ``0`` for uncompressed,
    ``None`` for the connection's own compressor (RFC 7692 section 7.1.2).

    Raises:
        ValueError: neither a bool, ``0``, nor window bits 8 to 15.
    """
    if compress is True:
        return None
    if compress is False or compress == 0:
        return 0
    if not isinstance(compress, int) or not 8 <= compress <= 15:
        raise ValueError(
            f"compress must be None, a bool, 0 or window bits 8-15, not {compress!r}"
        )
    return compress


def close_payload(code: int, reason: str) -> bytes:
    """A Close frame payload, the reason cut to fit in 125 bytes."""
    encoded = reason.encode()[:123]
    # Do not cut a character in half: the peer would fail on the reason.
    encoded = encoded.decode(errors="ignore").encode()
    return code.to_bytes(2, "big") + encoded
