"""Bounded fuzzing of aioweb.parser: the twins must agree, and never crash.

``python packages/httpcore-parser/fuzz/run.py --seconds 60`` (``nox -s fuzz --
--seconds 60`` runs every package's fuzz target). Each input is fed to the
pure and the compiled request and response parsers, split at a point taken
from the input itself, strict and lenient; any exception other than
``HttpParserError``, or any difference between the twins (events, tail,
error class), is a failure. With atheris installed the pure parser is
instrumented and libFuzzer drives the search; otherwise a seeded mutation
loop from the standard library does. Crash reproducers go to a temporary
directory whose path is printed, never into the checkout.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import sys
import tempfile
import time
from typing import Any

SEEDS = [
    b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"POST /x?y=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
    b"PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    b'5;a=b;c="d e"\r\nhello\r\n0\r\nT: 1\r\n\r\n',
    b"GET /chat HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x00",
    b"CONNECT h:443 HTTP/1.1\r\n\r\n\x16\x03",
    b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
    b"HTTP/1.0 200 OK\r\n\r\nuntil close",
    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\nrest",
]
MEANINGFUL = b'\r\n\x00 \t:;,="0123456789aAfF-+xX\x7f\xff'


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def on_message_begin(self) -> None:
        self.events.append(("begin",))

    def on_headers_complete(self, head: Any) -> None:
        self.events.append(("head", _summary(head)))

    def on_body(self, data: bytes) -> None:
        if type(data) is not bytes or not data:
            raise AssertionError(f"on_body got {data!r}")
        self.events.append(("body", data))

    def on_message_complete(self, trailers: Any) -> None:
        self.events.append(
            ("complete", None if trailers is None else list(trailers.items()))
        )

    def on_informational(self, head: Any) -> None:
        self.events.append(("informational", _summary(head)))


def _summary(head: Any) -> tuple[Any, ...]:
    first = (
        (head.method, head.target)
        if hasattr(head, "method")
        else (head.status, head.reason)
    )
    flags = (head.keep_alive, head.upgrade, head.chunked, head.content_length)
    return (
        *first,
        tuple(head.version),
        list(head.headers.items()),
        head.raw_headers,
        *flags,
    )


def _run(
    parser_class: Any, pieces: list[bytes], options: dict[str, Any]
) -> tuple[Any, ...]:
    from aioweb.parser import HttpParserError

    recorder = Recorder()
    methods = options.pop("methods", ())
    parser = parser_class(recorder, **options)
    for method in methods:
        parser.expect_response(method)
    tail = error = None
    try:
        for index, piece in enumerate(pieces):
            tail = parser.feed_data(piece)
            if tail is not None:
                tail += b"".join(pieces[index + 1 :])  # the new protocol's bytes
                break
        else:
            parser.feed_eof()
    except HttpParserError as exc:
        error = type(exc)
        if not 400 <= exc.status <= 599:
            raise AssertionError(f"{exc!r} carries status {exc.status}") from exc
    body = b"".join(e[1] for e in recorder.events if e[0] == "body")
    others = [e for e in recorder.events if e[0] != "body"]
    return others, body, tail, error


def make_target(twins: list[Any]) -> Any:
    def target(data: bytes) -> None:
        if not data:
            return
        control, data = data[0], data[1:]
        cut = (control * 7) % (len(data) + 1)
        pieces = [data[:cut], data[cut:]]
        lenient = bool(control & 1)
        method = ("GET", "HEAD", "CONNECT", "POST")[(control >> 1) & 3]
        for role, extra in (
            ("RequestParser", {}),
            ("ResponseParser", {"methods": [method]}),
        ):
            results = [
                _run(getattr(twin, role), pieces, {"lenient": lenient, **extra})
                for twin in twins
            ]
            whole = _run(getattr(twins[0], role), [data], {"lenient": lenient, **extra})
            if (
                results[0][1:] != whole[1:]
                and results[0][3] is None
                and whole[3] is None
            ):
                raise AssertionError(f"{role}: a split changed the outcome of {data!r}")
            for other in results[1:]:
                if other != results[0]:
                    raise AssertionError(
                        f"{role}: the twins disagree on {data!r} at {cut}"
                    )

    return target


def mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        position = rng.randint(0, len(buf))
        byte = rng.choice(MEANINGFUL) if rng.random() < 0.6 else rng.randrange(256)
        action = rng.random()
        if action < 0.4 or position == len(buf):
            buf[position:position] = bytes([byte])
        elif action < 0.8:
            buf[position] = byte
        else:
            del buf[position]
    if rng.random() < 0.2:
        buf += rng.choice(SEEDS)
    return bytes([rng.randrange(256)]) + bytes(buf)


def load_twins(instrument: Any = None) -> list[Any]:
    def load() -> list[Any]:
        twins = [importlib.import_module("aioweb.parser._parser")]
        try:
            twins.append(importlib.import_module("aioweb.parser._cparser"))
        except ImportError:
            if os.environ.get("AIOWEB_REQUIRE_EXTENSIONS"):
                raise
            print("the compiled twin is not built: fuzzing the pure one alone")
        return twins

    if instrument is None:
        return load()
    with instrument():
        return load()


def run_random(seconds: float, seed: int) -> int:
    target = make_target(load_twins())
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    count = 0
    while time.monotonic() < deadline:
        data = mutate(rng, rng.choice(SEEDS))
        try:
            target(data)
        except Exception:
            print(f"failure on input {data!r} (seed {seed}, case {count})")
            raise
        count += 1
    print(
        f"random mutation: {count} inputs in {seconds:.0f}s, no failure (seed {seed})"
    )
    return 0


def run_atheris(seconds: float) -> int:
    import atheris

    target = make_target(load_twins(atheris.instrument_imports))
    work = tempfile.mkdtemp(prefix="aioweb-parser-fuzz-")
    corpus = os.path.join(work, "corpus")
    os.makedirs(corpus)
    for index, seed in enumerate(SEEDS):
        with open(os.path.join(corpus, f"seed{index}"), "wb") as file:
            file.write(b"\x00" + seed)
    print(f"atheris: corpus and crash reproducers in {work}")
    argv = [
        sys.argv[0],
        f"-max_total_time={int(seconds)}",
        f"-artifact_prefix={work}/",
        "-max_len=4096",
        corpus,
    ]
    atheris.Setup(argv, target)
    atheris.Fuzz()
    return 0


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--seconds", type=float, default=10, help="time budget")
    options.add_argument(
        "--engine", choices=["auto", "atheris", "random"], default="auto"
    )
    options.add_argument("--seed", type=int, default=None, help="random engine seed")
    args = options.parse_args()
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401
        except ImportError:
            engine = "random"
        else:
            engine = "atheris"
    if engine == "atheris":
        return run_atheris(args.seconds)
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    return run_random(args.seconds, seed)


if __name__ == "__main__":
    sys.exit(main())
