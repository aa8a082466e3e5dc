"""Pure-Python masking (RFC 6455 section 5.3), the readable twin of ``_cmask``.

XOR with a 4-byte key repeated over the payload is done as one big-integer
XOR, which keeps the pure twin within a small factor of the compiled one.
"""

from __future__ import annotations

import sys


def apply_mask(data: bytearray | memoryview, mask: bytes) -> None:
    """XOR ``data`` in place with the 4-byte ``mask`` (masking is symmetric).

    Args:
        data: a writable buffer holding the payload.
        mask: the 4-byte masking key from the frame header.

    Raises:
        ValueError: if ``mask`` is not 4 bytes long.
    """
    if len(mask) != 4:
        raise ValueError("a WebSocket masking key is 4 bytes long")
    size = len(data)
    if size == 0:
        return
    key = mask * (size // 4 + 1)
    value = int.from_bytes(data, sys.byteorder) ^ int.from_bytes(
        key[:size], sys.byteorder
    )
    data[:] = value.to_bytes(size, sys.byteorder)
