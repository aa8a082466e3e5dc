"""Server throughput: aioweb.web against aiohttp.web, same app, same client.

Run by ``nox -s bench -- server`` (or ``python bench/server/run.py
--quick``). Each server runs the same hello-world application (a plain-text
route and a JSON route with a path variable) in its own process on the
default asyncio loop; one client process drives it over keep-alive
connections with raw asyncio streams, one request in flight per connection,
for a fixed time, and counts complete responses. Servers run one after the
other, alternating, and the best round of each counts; the ratio is within
this one run. The client shares the machine, so absolute numbers are low
and the ratio is what to read.

A second measure takes the sockets and the client out: the server's
protocol is fed pipelined requests in process, through a transport that
only counts responses, and the CPU time of the process is what is timed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import textwrap
import time

SERVER = textwrap.dedent(
    """
    import sys
    from {module} import web

    async def hello(request):
        return web.Response(text="Hello, world")

    async def user(request):
        return web.json_response({{"id": request.match_info["id"], "ok": True}})

    app = web.Application()
    app.router.add_get("/", hello)
    app.router.add_get("/users/{{id}}", user)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None,
                print=lambda *a: print("ready", flush=True))
    """
)

REQUESTS = [
    b"GET / HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n",
    b"GET /users/42 HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\n"
    b"Accept: application/json\r\n\r\n",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _connection(port: int, deadline: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = 0
    try:
        while time.perf_counter() < deadline:
            writer.write(REQUESTS[done % 2])
            head = await reader.readuntil(b"\r\n\r\n")
            start = head.find(b"Content-Length:") + len(b"Content-Length:")
            if start < len(b"Content-Length:"):
                start = head.lower().find(b"content-length:") + 15
            length = int(head[start : head.index(b"\r\n", start)])
            await reader.readexactly(length)
            done += 1
    finally:
        counts.append(done)
        writer.close()
        await writer.wait_closed()


async def _drive(port: int, seconds: float, connections: int) -> float:
    counts: list[int] = []
    deadline = time.perf_counter() + seconds
    await asyncio.gather(
        *(_connection(port, deadline, counts) for _ in range(connections))
    )
    return sum(counts) / seconds


def _round(module: str, seconds: float, connections: int) -> float:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER.format(module=module), str(port)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == b"ready", line
        asyncio.run(_drive(port, 0.3, connections))  # warm up
        return asyncio.run(_drive(port, seconds, connections))
    finally:
        proc.terminate()
        proc.wait(10)


class _CountingTransport(asyncio.Transport):
    """Takes the responses, counts them; the peer the in-process measure uses."""

    def __init__(self, done: asyncio.Future[None], expected: int) -> None:
        super().__init__()
        self.count = 0
        self.done = done
        self.expected = expected
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.count += bytes(data).count(b"HTTP/1.1 200")
        if self.count >= self.expected and not self.done.done():
            self.done.set_result(None)

    def writelines(self, parts: object) -> None:
        self.write(b"".join(parts))  # type: ignore[arg-type]

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 1)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def can_write_eof(self) -> bool:
        return False


async def _in_process(module: str, count: int, rounds: int) -> float:
    if module == "aioweb":
        from aioweb import web
    else:
        from aiohttp import web  # type: ignore[no-redef]

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="Hello, world")

    app = web.Application()
    app.router.add_get("/", hello)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    server = runner.server
    assert server is not None
    best = float("inf")
    batch = REQUESTS[0] * 10
    for _ in range(rounds):
        done = asyncio.get_running_loop().create_future()
        protocol = server()
        protocol.connection_made(_CountingTransport(done, count))
        start = time.process_time()
        for _ in range(count // 10):
            protocol.data_received(batch)
            await asyncio.sleep(0)
        await done
        best = min(best, time.process_time() - start)
        protocol.connection_lost(None)
        await asyncio.sleep(0.01)
    await runner.cleanup()
    return count / best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    rounds, seconds = (1, 1.5) if args.quick else (args.rounds, args.seconds)
    best = {"aioweb": 0.0, "aiohttp": 0.0}
    for _ in range(rounds):
        for module in ("aioweb", "aiohttp"):
            best[module] = max(best[module], _round(module, seconds, args.connections))
    print(f"hello world, {args.connections} keep-alive connections, best of {rounds}")
    for module, rate in best.items():
        print(f"  {module:8} {rate:10.0f} requests/s")
    print(f"  aioweb / aiohttp: {best['aioweb'] / best['aiohttp']:.2f}x")
    count = 5000 if args.quick else 20000
    cpu = {
        module: asyncio.run(_in_process(module, count, rounds + 2))
        for module in ("aioweb", "aiohttp")
    }
    print(f"in process, {count} pipelined requests, CPU time, best of {rounds + 2}")
    for module, rate in cpu.items():
        print(f"  {module:8} {rate:10.0f} requests/s of CPU")
    print(f"  aioweb / aiohttp: {cpu['aioweb'] / cpu['aiohttp']:.2f}x")


if __name__ == "__main__":
    main()
