"""CPU time per request, in process, without sockets.

The server's protocol is fed requests (``--batch`` of them pipelined per
read) through a transport that only counts responses; the process's CPU
time is what is timed, for aioweb.web and aiohttp.web alike, on the
application of ``servers.py``; ``--case`` picks one of run.py's HTTP cases
(hello, json, a 1 KiB POST echo, the last of 200 routes). Rounds of the two
alternate. ``--profile`` runs aioweb's path under cProfile instead and
prints the top functions by own time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import web_app

#: Requests per data_received call (pipelined); 1 is a client waiting
#: for each response, as over a socket.
BATCH = 10
_HEAD = (
    "{method} {path} HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\nAccept: */*\r\n"
)
REQUEST = (_HEAD.format(method="GET", path="/") + "\r\n").encode()
#: The cases of run.py, on the same application (servers.py).
CASES = {
    "hello": REQUEST,
    "json": (_HEAD.format(method="GET", path="/json") + "\r\n").encode(),
    "post": (
        _HEAD.format(method="POST", path="/echo")
        + "Content-Type: application/octet-stream\r\nContent-Length: 1024\r\n\r\n"
        + "x" * 1024
    ).encode(),
    "route": (
        _HEAD.format(method="GET", path="/api/v1/resource199/42") + "\r\n"
    ).encode(),
}


class FakeTransport(asyncio.Transport):
    """A transport that takes what the server writes and does nothing with
    it; subclasses decide what a write means."""

    def __init__(self) -> None:
        super().__init__()
        self.closing = False

    def writelines(self, parts: object) -> None:
        self.write(b"".join(parts))  # type: ignore[arg-type]

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def abort(self) -> None:
        self.closing = True

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 1)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def is_reading(self) -> bool:
        return True

    def get_write_buffer_size(self) -> int:
        return 0

    def can_write_eof(self) -> bool:
        return False


class CountingTransport(FakeTransport):
    """Takes the responses, counts them."""

    def __init__(self, done: asyncio.Future[None], expected: int) -> None:
        super().__init__()
        self.count = 0
        self.done = done
        self.expected = expected

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.count += bytes(data).count(b"HTTP/1.1 200")
        if self.count >= self.expected and not self.done.done():
            self.done.set_result(None)


async def measure(
    module: str, count: int, rounds: int, profile: bool, case: str = "hello"
) -> float:
    web, app = web_app(module)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    server = runner.server
    assert server is not None
    best = float("inf")
    batch = CASES[case] * BATCH
    profiler = cProfile.Profile() if profile else None
    loop = asyncio.get_running_loop()
    for _ in range(rounds):
        done = loop.create_future()
        protocol = server()
        protocol.connection_made(CountingTransport(done, count))
        if profiler is not None:
            profiler.enable()
        start = time.process_time()
        for _ in range(count // BATCH):
            # From a loop callback, as a transport calls it (not from a task).
            loop.call_soon(protocol.data_received, batch)
            await asyncio.sleep(0)
        await done
        best = min(best, time.process_time() - start)
        if profiler is not None:
            profiler.disable()
        protocol.connection_lost(None)
        await asyncio.sleep(0.01)
    await runner.cleanup()
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
    return count / best


def main() -> None:
    global BATCH
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--batch", type=int, default=10, help="requests per read")
    parser.add_argument("--case", choices=list(CASES), default="hello")
    args = parser.parse_args()
    BATCH = args.batch
    if args.profile:
        asyncio.run(measure("aioweb", args.count, 1, True, args.case))
        return
    # Rounds alternate between the two, so that a busy moment of a shared
    # machine falls on both; the best round of each counts.
    cpu = {"aioweb": 0.0, "aiohttp": 0.0}
    for _ in range(args.rounds):
        for module in cpu:
            rate = asyncio.run(measure(module, args.count, 1, False, args.case))
            cpu[module] = max(cpu[module], rate)
    print(
        f"{args.count} {args.case} requests, {BATCH} per read, CPU time, "
        f"best of {args.rounds}"
    )
    for module, rate in cpu.items():
        print(f"  {module:8} {rate:10.0f} requests/s of CPU")
    print(f"  aioweb / aiohttp: {cpu['aioweb'] / cpu['aiohttp']:.2f}x")


if __name__ == "__main__":
    main()
