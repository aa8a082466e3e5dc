"""The protocol layer against aiohttp's: streams, heads, multipart, gzip.

Run by ``nox -s bench`` (or ``nox -s bench -- protocol``), whose session has
aiohttp installed; ``python bench/protocol/run.py --quick`` for a short run.
Each workload does the same work on both sides:

- ``stream``: 1 MiB fed in 16 KiB pieces into a body stream and read back
  with ``readany()``, on a running event loop;
- ``readline``: 2000 lines of 80 bytes fed in 8 KiB pieces, read with
  ``readline()``;
- ``head``: a response head of 10 fields serialised to bytes (aioweb
  validates every part as it goes);
- ``multipart``: a 50-field ``multipart/form-data`` body read part by part,
  each part as text;
- ``upload``: a 4 MiB file part fed in 64 KiB pieces and streamed out with
  ``read_chunk(8192)``;
- ``gzip``: 1 MiB of text decoded from gzip, with a size limit on both sides.

Times are the best of several rounds, the contenders taking turns within
each round; the ratios are computed in this run.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import sys
import time
from collections.abc import Callable
from typing import Any

from multidict import CIMultiDict

BODY = bytes(range(256)) * (2**20 // 256)
PIECES = [BODY[i : i + 16384] for i in range(0, len(BODY), 16384)]
LINES = b"".join(b"%079d\n" % n for n in range(2000))
LINE_PIECES = [LINES[i : i + 8192] for i in range(0, len(LINES), 8192)]
STATUS = "HTTP/1.1 200 OK"
HEADERS = CIMultiDict(
    [
        ("Date", "Fri, 27 Nov 2026 08:00:00 GMT"),
        ("Server", "aioweb"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "12345"),
        ("Cache-Control", "no-cache, no-store, must-revalidate"),
        ("Set-Cookie", "session=8f14e45fceea167a5a36dedd4bea2543; Path=/; HttpOnly"),
        ("Vary", "Accept-Encoding"),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
    ]
)
FORM = (
    b"".join(
        b'--bench\r\nContent-Disposition: form-data; name="field%d"\r\n\r\n%s\r\n'
        % (n, b"value %d " % n * 20)
        for n in range(50)
    )
    + b"--bench--\r\n"
)
FORM_HEADERS = {"Content-Type": "multipart/form-data; boundary=bench"}
UPLOAD = (
    b'--bench\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\n'
    + bytes(range(256)) * (4 * 2**20 // 256)
    + b"\r\n--bench--\r\n"
)
UPLOAD_PIECES = [UPLOAD[i : i + 65536] for i in range(0, len(UPLOAD), 65536)]
TEXT = b"".join(b"line %d of some compressible text\n" % n for n in range(30000))[
    : 2**20
]
GZIPPED = gzip.compress(TEXT)


class Protocol:
    """What both StreamReaders touch of their protocol."""

    _reading_paused = False
    transport = None
    connected = True

    def pause_reading(self, **options: Any) -> None:
        self._reading_paused = True

    def resume_reading(self, **options: Any) -> None:
        self._reading_paused = False


async def read_upload(stream: Any, reader_class: Any) -> None:
    """Feed the upload as a connection would while a handler streams it out."""

    async def feed() -> None:
        for piece in UPLOAD_PIECES:
            stream.feed_data(piece)
            await asyncio.sleep(0)
        stream.feed_eof()

    feeder = asyncio.create_task(feed())
    reader = reader_class(
        {"Content-Type": "multipart/form-data; boundary=bench"}, stream
    )
    part = await reader.next()
    while await part.read_chunk(8192):
        pass
    await feeder


def aioweb_contender(loop: asyncio.AbstractEventLoop) -> dict[str, Callable[[], Any]]:
    from aioweb.protocol import (
        MultipartReader,
        StreamReader,
        get_decoder,
        serialize_head,
    )

    protocol: Any = Protocol()

    async def stream() -> None:
        reader = StreamReader(protocol, 2**16, loop=loop)
        for piece in PIECES:
            reader.feed_data(piece)
            await reader.readany()
        reader.feed_eof()

    async def readline() -> None:
        reader = StreamReader(protocol, 2**16, loop=loop)
        for piece in LINE_PIECES:
            reader.feed_data(piece)
        reader.feed_eof()
        while await reader.readline():
            pass

    async def multipart() -> None:
        reader = StreamReader(protocol, 2**16, loop=loop)
        reader.feed_data(FORM)
        reader.feed_eof()
        async for part in MultipartReader(FORM_HEADERS, reader):
            await part.text()  # type: ignore[union-attr]

    async def upload() -> None:
        await read_upload(StreamReader(protocol, 2**16, loop=loop), MultipartReader)

    def decode() -> None:
        decoder = get_decoder("gzip", max_size=2**21)
        decoder.decompress(GZIPPED)
        decoder.flush()

    return {
        "stream": lambda: loop.run_until_complete(stream()),
        "readline": lambda: loop.run_until_complete(readline()),
        "head": lambda: serialize_head(STATUS, HEADERS.items()),
        "multipart": lambda: loop.run_until_complete(multipart()),
        "upload": lambda: loop.run_until_complete(upload()),
        "gzip": decode,
    }


def aiohttp_contender(loop: asyncio.AbstractEventLoop) -> dict[str, Callable[[], Any]]:
    from aiohttp.compression_utils import ZLibDecompressor
    from aiohttp.http_writer import _serialize_headers
    from aiohttp.multipart import MultipartReader
    from aiohttp.streams import StreamReader

    protocol: Any = Protocol()

    async def stream() -> None:
        reader = StreamReader(protocol, 2**16, loop=loop)
        for piece in PIECES:
            reader.feed_data(piece)
            await reader.readany()
        reader.feed_eof()

    async def readline() -> None:
        reader = StreamReader(protocol, 2**16, loop=loop)
        for piece in LINE_PIECES:
            reader.feed_data(piece)
        reader.feed_eof()
        while await reader.readline():
            pass

    async def multipart() -> None:
        reader = StreamReader(protocol, 2**16, loop=loop)
        reader.feed_data(FORM)
        reader.feed_eof()
        async for part in MultipartReader(FORM_HEADERS, reader):
            await part.text()  # type: ignore[union-attr]

    async def upload() -> None:
        await read_upload(StreamReader(protocol, 2**16, loop=loop), MultipartReader)

    def decode() -> None:
        decoder = ZLibDecompressor(encoding="gzip")
        decoder.decompress_sync(GZIPPED, max_length=2**21)
        decoder.flush()

    return {
        "stream": lambda: loop.run_until_complete(stream()),
        "readline": lambda: loop.run_until_complete(readline()),
        "head": lambda: _serialize_headers(STATUS, HEADERS),
        "multipart": lambda: loop.run_until_complete(multipart()),
        "upload": lambda: loop.run_until_complete(upload()),
        "gzip": decode,
    }


def best_times(
    funcs: dict[str, Callable[[], Any]], number: int, rounds: int
) -> dict[str, float]:
    """Seconds per call of each function, best of ``rounds`` rounds.

    The contenders take turns within each round, so a machine that is busy
    for a while slows them alike.
    """
    best = dict.fromkeys(funcs, float("inf"))
    for func in funcs.values():
        func()  # warm up
    for _ in range(rounds):
        for name, func in funcs.items():
            start = time.perf_counter()
            for _ in range(number):
                func()
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: seconds / number for name, seconds in best.items()}


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--quick", action="store_true", help="fewer rounds")
    args = options.parse_args()
    rounds = 3 if args.quick else 7
    numbers = {
        "stream": 200,
        "readline": 100,
        "head": 50000,
        "multipart": 300,
        "upload": 10,
        "gzip": 50,
    }
    if args.quick:
        numbers = {k: max(v // 10, 2) for k, v in numbers.items()}

    loop = asyncio.new_event_loop()
    contenders = {"aioweb": aioweb_contender(loop)}
    try:
        contenders["aiohttp"] = aiohttp_contender(loop)
    except ImportError as exc:
        print(f"aiohttp is not installed: {exc}")

    results: dict[tuple[str, str], float] = {}
    print(f"Python {sys.version.split()[0]}; best of {rounds} rounds\n")
    print(f"{'library':<10}{'workload':<12}{'per op':>14}")
    for workload, number in numbers.items():
        funcs = {name: workloads[workload] for name, workloads in contenders.items()}
        for name, seconds in best_times(funcs, number, rounds).items():
            results[name, workload] = seconds
            print(f"{name:<10}{workload:<12}{seconds * 1e6:>12.2f}us")
    loop.close()

    if "aiohttp" in contenders:
        print("\nratios, aiohttp time / aioweb time (higher is better for aioweb)")
        for workload in numbers:
            ratio = results["aiohttp", workload] / results["aioweb", workload]
            print(f"  {workload:<12}{ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
