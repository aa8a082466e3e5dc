"""An aiohttp-style client: fetch a page and print its status and text.

Written exactly as for aiohttp, with only the import changed::

    python examples/server_hello_ws.py &          # serves on 127.0.0.1:8080
    python examples/client_example.py             # or: ... client_example.py URL
"""

from __future__ import annotations

import asyncio
import sys

from aioweb.client import ClientSession


async def main(url: str) -> None:
    # Nested as in aiohttp's documentation, on purpose.
    async with ClientSession() as session:  # noqa: SIM117
        async with session.get(url) as resp:
            print(resp.status)
            print(await resp.text())


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/"))
