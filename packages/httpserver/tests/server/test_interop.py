"""Real clients against the server: curl, requests, httpx and aiohttp."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from typing import Any

import aiohttp
import httpx
import pytest
import requests

from aioweb import web

pytestmark = pytest.mark.interop


def _app() -> web.Application:
    connections: set[int] = set()

    async def hello(request: web.Request) -> web.Response:
        transport = request.transport
        connections.add(id(transport))
        return web.Response(text=f"hello {len(connections)}")

    async def upload(request: web.Request) -> web.Response:
        digest = hashlib.sha256()
        size = 0
        async for chunk in request.content.iter_any():
            digest.update(chunk)
            size += len(chunk)
        return web.json_response(
            {
                "size": size,
                "sha256": digest.hexdigest(),
                "chunked": request.message.chunked,
            }
        )

    async def stream(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_compression()
        await response.prepare(request)
        for i in range(100):
            await response.write(b"line %d\n" % i)
        await response.write_eof()
        return response

    app = web.Application(client_max_size=10 * 2**20)
    app.router.add_get("/hello", hello)
    app.router.add_post("/upload", upload)
    app.router.add_get("/stream", stream)
    return app


EXPECTED_STREAM = b"".join(b"line %d\n" % i for i in range(100))


async def test_curl_keep_alive_and_chunked_upload(
    serve_app: Any, tmp_path: Any
) -> None:
    served = await serve_app(_app())
    # Two URLs in one curl run share one connection (keep-alive).
    proc = await asyncio.create_subprocess_exec(
        "curl",
        "-sS",
        "--no-progress-meter",
        f"{served.url}/hello",
        "-o",
        "-",
        f"{served.url}/hello",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0, err
    assert out == b"hello 1hello 1"

    data = bytes(range(256)) * 4096  # 1 MiB
    upload = tmp_path / "upload.bin"
    upload.write_bytes(data)
    proc = await asyncio.create_subprocess_exec(
        "curl",
        "-sS",
        "-H",
        "Transfer-Encoding: chunked",
        "--data-binary",
        f"@{upload}",
        f"{served.url}/upload",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0, err
    assert out.decode() == (
        f'{{"size": 1048576, "sha256": "{hashlib.sha256(data).hexdigest()}", '
        '"chunked": true}'
    )

    proc = await asyncio.create_subprocess_exec(
        "curl",
        "-sS",
        "--compressed",
        f"{served.url}/stream",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0, err
    assert out == EXPECTED_STREAM


async def test_requests_session(serve_app: Any) -> None:
    served = await serve_app(_app())

    def run() -> list[Any]:
        with requests.Session() as session:
            first = session.get(f"{served.url}/hello", timeout=10).text
            second = session.get(f"{served.url}/hello", timeout=10).text
            body = (b"x" * 1000 for _ in range(100))
            uploaded = session.post(
                f"{served.url}/upload", data=body, timeout=10
            ).json()
            streamed = session.get(f"{served.url}/stream", timeout=10)
            return [first, second, uploaded, streamed.content, streamed.headers]

    first, second, uploaded, content, headers = await asyncio.to_thread(run)
    assert first == second == "hello 1"
    assert uploaded["size"] == 100_000 and uploaded["chunked"] is True
    assert content == EXPECTED_STREAM
    assert headers["Content-Encoding"] in ("gzip", "deflate")


async def test_httpx_async_client(serve_app: Any) -> None:
    served = await serve_app(_app())
    async with httpx.AsyncClient(base_url=served.url) as client:
        assert (await client.get("/hello")).text == "hello 1"
        assert (await client.get("/hello")).text == "hello 1"
        response = await client.post("/upload", content=b"y" * 50_000)
        assert response.json()["size"] == 50_000
        response = await client.get("/stream")
        assert response.content == EXPECTED_STREAM
        response = await client.get("/missing")
        assert response.status_code == 404


async def test_aiohttp_client(serve_app: Any) -> None:
    served = await serve_app(_app())
    async with aiohttp.ClientSession(served.url) as session:
        for _ in range(3):
            async with session.get("/hello") as response:
                assert await response.text() == "hello 1"

        async def body() -> Any:
            for _ in range(10):
                yield b"z" * 10_000

        async with session.post("/upload", data=body()) as response:
            assert (await response.json())["size"] == 100_000
        async with session.get("/stream") as response:
            assert await response.read() == EXPECTED_STREAM
        payload = gzip.compress(b"g" * 20_000)
        async with session.post(
            "/upload", data=payload, headers={"Content-Encoding": "gzip"}
        ) as response:
            assert (await response.json())["size"] == 20_000
