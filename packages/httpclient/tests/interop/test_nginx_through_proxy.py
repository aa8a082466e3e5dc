"""The client through proxy.py (a real forward proxy) to nginx.

Plain HTTP is forwarded by the proxy; HTTPS goes through a CONNECT tunnel,
verified against nginx's CA end to end. The ``forward_proxy`` fixture
(``tests/conftest.py``) requires Basic credentials ``user:pass``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from yarl import URL

from aioweb.client import BasicAuth, ClientSession, TraceConfig

pytestmark = pytest.mark.interop

AUTH = BasicAuth("user", "pass")


def served(nginx: Any, name: str) -> bytes:
    return Path(nginx.root / "www" / name).read_bytes()


def counting_trace() -> tuple[TraceConfig, list[Any], list[Any]]:
    created: list[Any] = []
    reused: list[Any] = []

    async def on_create(_session: Any, _ctx: Any, params: Any) -> None:
        created.append(params)

    async def on_reuse(_session: Any, _ctx: Any, params: Any) -> None:
        reused.append(params)

    trace = TraceConfig()
    trace.on_connection_create_end.append(on_create)
    trace.on_connection_reuseconn.append(on_reuse)
    return trace, created, reused


async def test_plain_http_forwarded_to_nginx(nginx: Any, forward_proxy: URL) -> None:
    expected = served(nginx, "big.bin")
    trace, created, reused = counting_trace()
    async with ClientSession(trace_configs=[trace]) as session:
        for name in ["big.bin", "small.txt", "big.bin"]:
            async with session.get(
                nginx.url / name, proxy=forward_proxy, proxy_auth=AUTH
            ) as response:
                assert response.status == 200
                assert response.headers["Server"].startswith("nginx")
                body = await response.read()
            assert body == served(nginx, name)
        # A range through the proxy is the origin's answer, untouched.
        async with session.get(
            nginx.url / "big.bin",
            proxy=forward_proxy,
            proxy_auth=AUTH,
            headers={"Range": "bytes=10-19"},
        ) as response:
            assert response.status == 206
            assert await response.read() == expected[10:20]
    # One connection to the proxy, kept alive for all four.
    assert (len(created), len(reused)) == (1, 3)


async def test_https_tunnel_to_nginx_is_verified_and_reused(
    nginx: Any, forward_proxy: URL
) -> None:
    expected = hashlib.sha256(served(nginx, "big.bin")).digest()
    context = nginx.client_ssl()
    trace, created, reused = counting_trace()
    async with ClientSession(trace_configs=[trace]) as session:
        for _ in range(3):
            async with session.get(
                nginx.tls_url / "big.bin",
                ssl=context,
                proxy=forward_proxy,
                proxy_auth=AUTH,
            ) as response:
                assert response.status == 200
                digest = hashlib.sha256()
                async for chunk in response.content.iter_chunked(1 << 16):
                    digest.update(chunk)
            assert digest.digest() == expected
    # One tunnel, kept alive across the three requests.
    assert (len(created), len(reused)) == (1, 2)
