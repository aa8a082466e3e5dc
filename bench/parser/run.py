"""HTTP/1 parser throughput: aioweb's twins against httptools, aiohttp and h11.

Run by ``nox -s bench`` (or ``nox -s bench -- parser``), whose session has
every anchor installed; ``python bench/parser/run.py --quick`` for a short
run. Every contender does the same work per message: parse the head, build
the header mapping as a CIMultiDict of str (h11: its own header list), and
hand over the body bytes. Parsers are reused across messages, as on a
keep-alive connection, except h11 (a fresh Connection per message, as its
state machine wants a response before the next request), which is compared
with a fresh aioweb pure parser per message too. Times are the best of
several rounds; the ratios are computed within this one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from multidict import CIMultiDict

GET = (
    b"GET /static/app/main.css?v=1724 HTTP/1.1\r\n"
    b"Host: www.example.com\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101\r\n"
    b"Accept: text/css,*/*;q=0.1\r\n"
    b"Accept-Language: en-GB,en;q=0.5\r\n"
    b"Accept-Encoding: gzip, deflate, br, zstd\r\n"
    b"Referer: https://www.example.com/articles/2024/parsers.html\r\n"
    b"Connection: keep-alive\r\n"
    b"Cookie: session=8f14e45fceea167a5a36dedd4bea2543; theme=dark\r\n"
    b"Sec-Fetch-Dest: style\r\n"
    b"Sec-Fetch-Mode: no-cors\r\n"
    b"Sec-Fetch-Site: same-origin\r\n"
    b"\r\n"
)
RESPONSE = (
    b"HTTP/1.1 200 OK\r\n"
    b"Date: Fri, 27 Nov 2026 08:00:00 GMT\r\n"
    b"Server: aioweb\r\n"
    b"Content-Type: application/json; charset=utf-8\r\n"
    b"Content-Length: 17\r\n"
    b"\r\n"
    b'{"status": "ok"}\n'
)
CHUNK = 16 * 1024
BODY = bytes(range(256)) * (1024 * 1024 // 256)
CHUNKED = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n"
    + b"".join(
        b"%x\r\n" % CHUNK + BODY[i : i + CHUNK] + b"\r\n"
        for i in range(0, len(BODY), CHUNK)
    )
    + b"0\r\n\r\n"
)
READ = 64 * 1024
CHUNKED_READS = [CHUNKED[i : i + READ] for i in range(0, len(CHUNKED), READ)]


class Sink:
    """An aioweb handler that keeps what a server would keep."""

    __slots__ = ("body", "head", "messages")

    def __init__(self) -> None:
        self.head: Any = None
        self.body = 0
        self.messages = 0

    def on_message_begin(self) -> None:
        pass

    def on_headers_complete(self, head: Any) -> None:
        self.head = head

    def on_body(self, data: bytes) -> None:
        self.body += len(data)

    def on_message_complete(self, trailers: Any) -> None:
        self.messages += 1

    def on_informational(self, head: Any) -> None:
        pass


def aioweb_contender(module: Any) -> dict[str, Callable[[], Any]]:
    sink = Sink()
    requests = module.RequestParser(sink)
    responses = module.ResponseParser(sink)

    def get() -> None:
        requests.feed_data(GET)

    def response() -> None:
        responses.feed_data(RESPONSE)

    def chunked() -> None:
        for piece in CHUNKED_READS:
            responses.feed_data(piece)

    def get_fresh() -> None:
        module.RequestParser(sink).feed_data(GET)

    return {
        "get": get,
        "response": response,
        "chunked": chunked,
        "get_fresh": get_fresh,
    }


class HttptoolsHandler:
    """httptools callbacks that build what aioweb's head holds."""

    def __init__(self, parser_class: Any) -> None:
        self.parser = parser_class(self)
        self.raw: list[tuple[bytes, bytes]] = []
        self.url = b""
        self.head: Any = None
        self.body = 0

    def on_message_begin(self) -> None:
        self.raw = []

    def on_url(self, url: bytes) -> None:
        self.url = url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.raw.append((name, value))

    def on_headers_complete(self) -> None:
        raw = self.raw
        pairs = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in raw]
        headers = CIMultiDict(pairs)
        self.head = (
            self.url.decode("latin-1"),
            self.parser.get_http_version(),
            headers,
            tuple(raw),
            self.parser.should_keep_alive(),
        )

    def on_body(self, data: bytes) -> None:
        self.body += len(data)

    def on_message_complete(self) -> None:
        pass


def httptools_contender() -> dict[str, Callable[[], Any]]:
    import httptools

    requests = HttptoolsHandler(httptools.HttpRequestParser).parser
    responses = HttptoolsHandler(httptools.HttpResponseParser).parser

    def chunked() -> None:
        for piece in CHUNKED_READS:
            responses.feed_data(piece)

    return {
        "get": lambda: requests.feed_data(GET),
        "response": lambda: responses.feed_data(RESPONSE),
        "chunked": chunked,
    }


class Protocol:
    """The little of an asyncio protocol that aiohttp's StreamReader touches."""

    _reading_paused = False
    transport = None

    def pause_reading(self, **options: Any) -> None:
        self._reading_paused = True

    def resume_reading(self, **options: Any) -> None:
        self._reading_paused = False


def aiohttp_contender(loop: asyncio.AbstractEventLoop) -> dict[str, Callable[[], Any]]:
    # aiohttp's compiled parser wants a protocol and a loop only to create
    # StreamReader payloads; the loop is never run, and payloads are read out.
    from aiohttp._http_parser import HttpRequestParser, HttpResponseParser

    protocol = Protocol()
    limit = 2**30
    requests = HttpRequestParser(protocol, loop, limit)
    responses = HttpResponseParser(protocol, loop, limit)

    def get() -> None:
        requests.feed_data(GET)

    def response() -> None:
        messages, _, _ = responses.feed_data(RESPONSE)
        messages[0][1].read_nowait()

    def chunked() -> None:
        payload = None
        for piece in CHUNKED_READS:
            messages, _, _ = responses.feed_data(piece)
            if messages:
                payload = messages[0][1]
            assert payload is not None
            payload.read_nowait()

    return {"get": get, "response": response, "chunked": chunked}


def h11_contender() -> dict[str, Callable[[], Any]]:
    import h11

    def drain(conn: Any) -> None:
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA or type(event) is h11.EndOfMessage:
                return

    def get() -> None:
        conn = h11.Connection(h11.SERVER)
        conn.receive_data(GET)
        drain(conn)

    def response() -> None:
        conn = h11.Connection(h11.CLIENT)
        conn.send(h11.Request(method="GET", target="/", headers=[("Host", "a")]))
        conn.send(h11.EndOfMessage())
        conn.receive_data(RESPONSE)
        drain(conn)

    def chunked() -> None:
        conn = h11.Connection(h11.CLIENT)
        conn.send(h11.Request(method="GET", target="/", headers=[("Host", "a")]))
        conn.send(h11.EndOfMessage())
        for piece in CHUNKED_READS:
            conn.receive_data(piece)
            drain(conn)

    return {"get_fresh": get, "response_fresh": response, "chunked": chunked}


def best_times(
    funcs: dict[str, Callable[[], Any]], number: int, rounds: int
) -> dict[str, float]:
    """Seconds per call of each function, best of ``rounds`` rounds.

    The rounds interleave the contenders, so that a machine whose load
    changes during the run slows them all alike.
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
    rounds = 3 if args.quick else 15
    numbers = {"get": 5000, "get_fresh": 3000, "response": 5000, "chunked": 10}
    if args.quick:
        numbers = {k: max(v // 10, 2) for k, v in numbers.items()}

    os.environ.pop("AIOWEB_NO_EXTENSIONS", None)
    import aioweb.parser
    from aioweb.parser import _parser

    if not aioweb.parser.COMPILED:
        print("aioweb.parser is not compiled here: the Cython rows are missing")
    loop = asyncio.new_event_loop()
    contenders: dict[str, dict[str, Callable[[], Any]]] = {}
    if aioweb.parser.COMPILED:
        contenders["aioweb (Cython)"] = aioweb_contender(aioweb.parser)
    contenders["aioweb (pure)"] = aioweb_contender(_parser)
    for name, factory in (
        ("httptools", httptools_contender),
        ("aiohttp (compiled)", lambda: aiohttp_contender(loop)),
        ("h11", h11_contender),
    ):
        try:
            contenders[name] = factory()
        except ImportError as exc:
            print(f"{name} is not installed: {exc}")

    results: dict[tuple[str, str], float] = {}
    print(f"Python {sys.version.split()[0]}; best of {rounds} interleaved rounds\n")
    print(f"{'parser':<22}{'workload':<18}{'per op':>12}{'rate':>22}")
    workloads = sorted({w for funcs in contenders.values() for w in funcs})
    for workload in workloads:
        kind = workload.split("_")[0]
        funcs = {n: f[workload] for n, f in contenders.items() if workload in f}
        times = best_times(funcs, numbers.get(workload, numbers[kind]), rounds)
        for name, seconds in times.items():
            results[name, workload] = seconds
            if kind == "chunked":
                rate = f"{len(BODY) / seconds / 2**20:,.0f} MiB/s"
            else:
                rate = f"{1 / seconds:,.0f} msg/s"
            print(f"{name:<22}{workload:<18}{seconds * 1e6:>10.2f}us{rate:>22}")
    loop.close()

    print("\nratios (higher is better for aioweb; target in brackets)")
    checks = [
        ("aioweb (Cython)", "httptools", "get", 1.3),
        ("aioweb (Cython)", "aiohttp (compiled)", "get", 1.5),
        ("aioweb (Cython)", "httptools", "response", None),
        ("aioweb (Cython)", "aiohttp (compiled)", "response", None),
        ("aioweb (Cython)", "httptools", "chunked", 1.0),
        ("aioweb (Cython)", "aiohttp (compiled)", "chunked", None),
        ("aioweb (pure)", "h11", "get_fresh", 2.0),
        ("aioweb (pure)", "h11", "chunked", None),
    ]
    for ours, theirs, workload, target in checks:
        if (ours, workload) not in results or (theirs, workload) not in results:
            continue
        ratio = results[theirs, workload] / results[ours, workload]
        goal = f"[>= {target}x]" if target else ""
        verdict = "" if target is None else ("ok" if ratio >= target else "MISSED")
        line = f"{ours} vs {theirs}, {workload}: {ratio:.2f}x {goal} {verdict}"
        print("  " + line.rstrip())
    fresh, reused = ("h11", "response_fresh"), ("aioweb (pure)", "response")
    if fresh in results and reused in results:
        ratio = results[fresh] / results[reused]
        print(f"  aioweb (pure, reused) vs h11 (fresh), response: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
