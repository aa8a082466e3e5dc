"""Autobahn fuzzing-server driver: ``aioweb.client`` echoes every case.

usage: echo_client.py URL AGENT

Reads the case count from ``URL/getCaseCount``, opens
``URL/runCase?case=N&agent=AGENT`` for each case with
:meth:`aioweb.client.ClientSession.ws_connect` (permessage-deflate offered,
no message size limit), sends back every text and binary message until the
server closes, then asks for ``URL/updateReports?agent=AGENT``. The suite
judges each case; this driver only echoes, so a handshake or protocol error
ends that case and the next one starts.
"""

from __future__ import annotations

import asyncio
import sys
import urllib.parse

from aioweb.client import ClientError, ClientSession, WSMsgType

# Group 9 sends messages of up to 16 MiB, some in 64-byte fragments: a
# size limit would also bring the default limit on fragments per message
# (4096), so there is none (0); the limits are tested by the client's tests.
MAX_MSG_SIZE = 0
# The suite gives a case up to 480 s; 12.2.10-12.5.18 (1000 compressed
# messages of up to 128 KiB) need minutes on a busy machine.
CASE_TIMEOUT = 600.0
# Reports are written every so many cases, so that a run stopped early
# (compression groups on a slow machine) still leaves the verdicts so far.
REPORT_EVERY = 50


async def case_count(session: ClientSession, base: str) -> int:
    async with session.ws_connect(f"{base}/getCaseCount") as ws:
        message = await ws.receive()
        return int(message.data)


async def echo(session: ClientSession, url: str) -> None:
    async with session.ws_connect(
        url, compress=15, max_msg_size=MAX_MSG_SIZE, autoclose=True, autoping=True
    ) as ws:
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                await ws.send_str(message.data)
            elif message.type is WSMsgType.BINARY:
                await ws.send_bytes(message.data)


async def run(base: str, agent: str) -> None:
    quoted = urllib.parse.quote(agent)
    async with ClientSession() as session:
        count = await case_count(session, base)
        print(f"{count} cases", flush=True)
        for case in range(1, count + 1):
            try:
                url = f"{base}/runCase?case={case}&agent={quoted}"
                await asyncio.wait_for(echo(session, url), CASE_TIMEOUT)
            except (ClientError, OSError, asyncio.TimeoutError):
                pass  # the suite records what went wrong
            if case % REPORT_EVERY == 0:
                await update_reports(session, base, quoted)
        await update_reports(session, base, quoted)


async def update_reports(session: ClientSession, base: str, quoted: str) -> None:
    async with session.ws_connect(f"{base}/updateReports?agent={quoted}") as ws:
        await ws.receive()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    asyncio.run(run(args[0].rstrip("/"), args[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
