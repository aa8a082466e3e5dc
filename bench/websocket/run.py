"""WebSocket benchmarks: aioweb.websocket beside aiohttp, websockets and wsproto.

Two measurements, each as a ratio taken in one run on one machine:

1. In-place unmasking throughput (RFC 6455 section 5.3) on 16-byte, 4 KiB and
   1 MiB payloads: ``aioweb.websocket.apply_mask`` against aiohttp's compiled
   ``_websocket_mask_cython`` and the websockets library's C
   ``speedups.apply_mask`` (which returns a new buffer instead of masking in
   place; it is timed as it is used).
2. Messages per second decoding one buffer of many small masked frames, as a
   server receives them: ``WebSocketProtocol`` against wsproto's
   ``Connection`` and the websockets library's sans-I/O ``Protocol``.

Each figure is the best of several rounds (``timeit``) in which the
candidates take turns, which filters out the noise of a shared machine;
pyperf's process isolation would take minutes here. Run with
``nox -s bench -- websocket`` or ``python bench/websocket/run.py``.
"""

from __future__ import annotations

import argparse
import functools
import os
import timeit

MASK = b"\x9a\x1b\x5c\x3d"
SIZES = [("16 B", 16), ("4 KiB", 4096), ("1 MiB", 1 << 20)]


def interleaved_best(
    timers: dict[str, timeit.Timer], repeats: int, target: float = 0.002
) -> dict[str, float]:
    """Seconds per call of each timer: the best of ``repeats`` rounds.

    The candidates take turns within each round, so a burst of load on a
    shared machine hits all of them rather than one.
    """
    loops = {name: timer.autorange()[0] for name, timer in timers.items()}
    loops = {name: max(1, int(n * target / 0.2)) for name, n in loops.items()}
    best = dict.fromkeys(timers, float("inf"))
    for _ in range(repeats):
        for name, timer in timers.items():
            best[name] = min(best[name], timer.timeit(loops[name]) / loops[name])
    return best


def mask_timers(data: bytearray) -> dict[str, timeit.Timer]:
    from aiohttp._websocket.mask import _websocket_mask_cython
    from websockets.speedups import apply_mask as websockets_mask

    from aioweb.websocket import _implementation, apply_mask

    if not _implementation.COMPILED:
        print("note: aioweb's compiled twin is not loaded; timing the pure one")
    return {
        # Direct calls, so the harness adds the same small cost to each.
        "aioweb": timeit.Timer(
            "f(d, m)", globals={"f": apply_mask, "d": data, "m": MASK}
        ),
        "aiohttp": timeit.Timer(
            "f(m, d)", globals={"f": _websocket_mask_cython, "d": data, "m": MASK}
        ),
        "websockets": timeit.Timer(
            "f(d, m)", globals={"f": websockets_mask, "d": data, "m": MASK}
        ),
    }


def bench_mask(repeats: int) -> list[tuple[str, dict[str, float]]]:
    rows = []
    for label, size in SIZES:
        data = bytearray(os.urandom(size))
        rows.append((label, interleaved_best(mask_timers(data), repeats)))
    return rows


def masked_stream(count: int, payload: bytes, opcode: int) -> bytes:
    from aioweb.websocket import _mask

    frames = bytearray()
    for i in range(count):
        key = (i * 2654435761 & 0xFFFFFFFF).to_bytes(4, "big")
        body = bytearray(payload)
        _mask.apply_mask(body, key)
        frames += bytes((0x80 | opcode, 0x80 | len(payload))) + key + body
    return bytes(frames)


def decode_aioweb(stream: bytes, count: int) -> None:
    from aioweb.websocket import Role, WebSocketProtocol

    protocol = WebSocketProtocol(Role.SERVER)
    protocol.receive_data(stream)
    received = 0
    next_event = protocol.next_event
    while next_event() is not None:
        received += 1
    assert received == count


def decode_aioweb_pure(stream: bytes, count: int) -> None:
    from aioweb.websocket import Role, WebSocketProtocol, _reader, connection

    saved = connection.FrameReader
    connection.FrameReader = _reader.FrameReader  # type: ignore[misc]
    try:
        decode_aioweb(stream, count)
    finally:
        connection.FrameReader = saved  # type: ignore[misc]
    del Role, WebSocketProtocol


def decode_wsproto(stream: bytes, count: int) -> None:
    from wsproto.connection import Connection, ConnectionType

    connection = Connection(ConnectionType.SERVER)
    connection.receive_data(stream)
    received = sum(1 for _ in connection.events())
    assert received == count


def decode_websockets(stream: bytes, count: int) -> None:
    from websockets.protocol import Protocol, Side

    protocol = Protocol(Side.SERVER, max_size=None)
    protocol.receive_data(stream)
    received = len(protocol.events_received())
    assert received == count


def bench_decode(repeats: int, count: int) -> list[tuple[str, dict[str, float]]]:
    rows = []
    for label, payload, opcode in (
        ("text, 16 B", b"small text frame", 0x1),
        ("binary, 16 B", os.urandom(16), 0x2),
        ("text, 100 B", ("é" * 50).encode(), 0x1),
    ):
        stream = masked_stream(count, payload, opcode)
        timers = {
            name: timeit.Timer(functools.partial(func, stream, count))
            for name, func in (
                ("aioweb", decode_aioweb),
                ("aioweb (pure)", decode_aioweb_pure),
                ("wsproto", decode_wsproto),
                ("websockets", decode_websockets),
            )
        }
        best = interleaved_best(timers, repeats)
        timings = {name: count / seconds for name, seconds in best.items()}
        rows.append((label, timings))
    return rows


def print_mask(rows: list[tuple[str, dict[str, float]]]) -> None:
    print("\nIn-place unmasking: throughput in GB/s (higher is better)")
    print(f"{'payload':<8}{'aioweb':>9}{'aiohttp':>9}{'websockets':>12}"
          f"{'vs faster':>11}")  # fmt: skip
    for label, timings in rows:
        size = dict(SIZES)[label]
        speeds = {name: size / seconds / 1e9 for name, seconds in timings.items()}
        ratio = speeds["aioweb"] / max(speeds["aiohttp"], speeds["websockets"])
        print(f"{label:<8}{speeds['aioweb']:>9.2f}{speeds['aiohttp']:>9.2f}"
              f"{speeds['websockets']:>12.2f}{ratio:>10.2f}x")  # fmt: skip


def print_decode(rows: list[tuple[str, dict[str, float]]]) -> None:
    print("\nDecoding small masked frames: messages per second (higher is better)")
    print(f"{'frames':<14}{'aioweb':>11}{'aioweb pure':>13}{'wsproto':>11}"
          f"{'websockets':>12}{'vs faster':>11}")  # fmt: skip
    for label, rates in rows:
        ratio = rates["aioweb"] / max(rates["wsproto"], rates["websockets"])
        print(f"{label:<14}{rates['aioweb']:>11,.0f}{rates['aioweb (pure)']:>13,.0f}"
              f"{rates['wsproto']:>11,.0f}{rates['websockets']:>12,.0f}"
              f"{ratio:>10.2f}x")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=60)
    parser.add_argument("--frames", type=int, default=20000)
    options = parser.parse_args()
    print_mask(bench_mask(options.repeats))
    print_decode(bench_decode(options.repeats, options.frames))


if __name__ == "__main__":
    main()
