"""Client throughput: aioweb.client against aiohttp's client, same server.

Run by ``nox -s bench -- client`` (or ``python bench/client/run.py
--quick``). A minimal raw-asyncio HTTP server runs in its own process on
127.0.0.1 and answers every request with the same small response. Each
client library then makes GET requests for a fixed time through one session,
``--concurrency`` requests in flight over a keep-alive pool, reading each
body; the count of complete responses is the score. Libraries alternate
round by round and the best round of each counts; the ratio is within this
one run, which is what to read (the server shares the machine).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable

SERVER = textwrap.dedent(
    """
    import asyncio, sys

    BODY = b'{"ok": true, "items": [1, 2, 3]}'
    REPLY = (b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\n"
             b"Content-Length: %d\\r\\n\\r\\n" % len(BODY)) + BODY

    class Answer(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport = transport
            self.buffer = b""
        def data_received(self, data):
            self.buffer += data
            while b"\\r\\n\\r\\n" in self.buffer:
                _, self.buffer = self.buffer.split(b"\\r\\n\\r\\n", 1)
                self.transport.write(REPLY)

    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Answer, "127.0.0.1", int(sys.argv[1]))
        print("ready", flush=True)
        await server.serve_forever()

    asyncio.run(main())
    """
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _run(
    session_factory: Callable[[], object],
    url: str,
    seconds: float,
    concurrency: int,
) -> int:
    done = 0
    async with session_factory() as session:  # type: ignore[attr-defined]
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                async with session.get(url) as resp:
                    await resp.read()
                done += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short rounds")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    seconds = 1.0 if args.quick else args.seconds
    rounds = 2 if args.quick else args.rounds

    import aiohttp

    import aioweb.client

    libraries: dict[str, Callable[[], object]] = {
        "aioweb.client": aioweb.client.ClientSession,
        "aiohttp": aiohttp.ClientSession,
    }
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        assert server.stdout.readline().strip() == "ready"
        url = f"http://127.0.0.1:{port}/"
        best: dict[str, float] = dict.fromkeys(libraries, 0.0)
        for _ in range(rounds):
            for name, factory in libraries.items():
                count = asyncio.run(_run(factory, url, seconds, args.concurrency))
                best[name] = max(best[name], count / seconds)
    finally:
        server.terminate()
        server.wait()
    for name, rate in best.items():
        print(f"{name:15s} {rate:10.0f} requests/s")
    print(
        f"ratio aioweb.client / aiohttp: {best['aioweb.client'] / best['aiohttp']:.2f}"
    )


if __name__ == "__main__":
    main()
