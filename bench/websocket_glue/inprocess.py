"""CPU time per server-side WebSocket echo, in process, without sockets.

The server's connection protocol (aioweb.web's or aiohttp.web's) is given a
transport that only records what is written. An opening handshake upgrades
it; then a 128-byte masked binary frame is fed, the echo handler of
``bench/server/servers.py`` (the same code on both frameworks) answers,
and the next frame is fed once the echo has been written, as a client
with one message in flight would. What is timed is the process's CPU time,
so the system calls of a socket (the same for every framework) are left
out and what remains is the framework's own work per message: parsing,
queueing, waking the handler, framing.

    python bench/websocket_glue/inprocess.py [--count N] [--rounds R] [--loop uvloop]
    python bench/websocket_glue/inprocess.py --profile [--module aiohttp]

``--profile`` prints the Python-level function calls per echo (cProfile's
total calls divided by the echoes) and the costliest functions.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import time
from pathlib import Path
from typing import Any

from aioweb.websocket import Role, WebSocketProtocol, generate_key, request_headers

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
# bench/server/inprocess.py's fake transport and the application run.py serves.
from inprocess import FakeTransport
from servers import web_app

SIZE = 128


class EchoTransport(FakeTransport):
    """Wakes the feeder on each echo the server writes."""

    def __init__(self) -> None:
        super().__init__()
        self.waiter: asyncio.Future[None] | None = None
        self.written = 0

    def write(self, data: Any) -> None:
        self.written += 1
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


async def measure(module: str, count: int, rounds: int, profile: bool) -> float:
    web, app = web_app(module)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    server = runner.server
    assert server is not None
    loop = asyncio.get_running_loop()
    frame = WebSocketProtocol(Role.CLIENT).send_binary(b"x" * SIZE)
    key = generate_key()
    upgrade = "GET /ws HTTP/1.1\r\nHost: bench\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in request_headers(key)
    )
    best = float("inf")
    profiler = cProfile.Profile() if profile else None
    for _ in range(rounds):
        transport = EchoTransport()
        protocol = server()
        protocol.connection_made(transport)
        transport.waiter = loop.create_future()
        protocol.data_received((upgrade + "\r\n").encode())
        await transport.waiter  # the 101 response
        for _ in range(3):  # the handler is now waiting in receive()
            await asyncio.sleep(0)
        if profiler is not None:
            profiler.enable()
        start = time.process_time()
        for _ in range(count):
            waiter = transport.waiter = loop.create_future()
            protocol.data_received(frame)
            await waiter
        best = min(best, time.process_time() - start)
        if profiler is not None:
            profiler.disable()
        protocol.connection_lost(None)
        await asyncio.sleep(0.01)
    await runner.cleanup()
    if profiler is not None:
        stats = pstats.Stats(profiler)
        print(f"{module}: {stats.total_calls / count:.1f} function calls per echo")  # type: ignore[attr-defined]
        stats.sort_stats("ncalls").print_stats(40)
    return count / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), default="asyncio")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--module", choices=("aioweb", "aiohttp"), default="aioweb")
    args = parser.parse_args()
    factory = asyncio.new_event_loop
    if args.loop == "uvloop":
        import uvloop

        factory = uvloop.new_event_loop
    if args.profile:
        with asyncio.Runner(loop_factory=factory) as runner:
            runner.run(measure(args.module, args.count, 1, True))
        return
    # The rounds alternate between the frameworks, so a change in the
    # machine's load falls on both; each keeps its best round.
    rates = {"aioweb": 0.0, "aiohttp": 0.0}
    for _ in range(args.rounds):
        for module in rates:
            with asyncio.Runner(loop_factory=factory) as runner:
                rate = runner.run(measure(module, args.count, 1, False))
            rates[module] = max(rates[module], rate)
    print(
        f"{args.count} WebSocket echoes of {SIZE} bytes on {args.loop}, "
        f"CPU time, best of {args.rounds} interleaved rounds"
    )
    for module, rate in rates.items():
        print(f"  {module:8} {rate:10.0f} echoes/s of CPU")
    print(f"  aioweb / aiohttp: {rates['aioweb'] / rates['aiohttp']:.2f}x")


if __name__ == "__main__":
    main()
