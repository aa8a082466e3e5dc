"""The quick-start demo: runs what aioweb can do end to end.

Until the server and client exist, it frames a WebSocket payload with
websockets-core's masking, compiled or pure, and checks the round trip.
"""

from __future__ import annotations

import os

from aioweb.websocket import _implementation, apply_mask


def main() -> None:
    original = b"Hello from aioweb!"
    key = os.urandom(4)
    payload = bytearray(original)
    apply_mask(payload, key)
    masked = bytes(payload)
    apply_mask(payload, key)
    kind = "compiled" if _implementation.COMPILED else "pure"
    print(f"masking implementation: {kind}")
    print(f"masked with {key.hex()}: {masked.hex()}")
    assert bytes(payload) == original, "unmasking did not restore the payload"
    print(f"unmasked: {bytes(payload).decode()}")


if __name__ == "__main__":
    main()
