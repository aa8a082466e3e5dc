"""ThreadedResolver and AsyncResolver on local names, and their edge cases."""

from __future__ import annotations

import asyncio
import socket
import sys
from typing import Any

import pytest

from aioweb.client import resolver as resolver_module
from aioweb.client.resolver import (
    AbstractResolver,
    AsyncResolver,
    DefaultResolver,
    ThreadedResolver,
)

NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


async def test_threaded_resolves_localhost() -> None:
    resolver = ThreadedResolver()
    results = await resolver.resolve("localhost", 8080, family=socket.AF_INET)
    assert {"hostname": "localhost", "host": "127.0.0.1", "port": 8080} in [
        {k: r[k] for k in ("hostname", "host", "port")}  # type: ignore[literal-required]
        for r in results
    ]
    for result in results:
        assert result["family"] == socket.AF_INET
        assert result["flags"] == NUMERIC
        assert result["proto"] == socket.IPPROTO_TCP
    await resolver.close()


async def test_threaded_resolves_numeric_host() -> None:
    resolver = ThreadedResolver()
    results = await resolver.resolve("127.0.0.1", 80)
    assert results == [
        {
            "hostname": "127.0.0.1",
            "host": "127.0.0.1",
            "port": 80,
            "family": socket.AF_INET,
            "proto": socket.IPPROTO_TCP,
            "flags": NUMERIC,
        }
    ]


class FakeLoop:
    """Stands in for the loop's getaddrinfo/getnameinfo."""

    def __init__(self, infos: list[Any] | Exception) -> None:
        self.infos = infos
        self.calls: list[tuple[Any, ...]] = []

    async def getaddrinfo(self, *args: Any, **kwargs: Any) -> list[Any]:
        self.calls.append((args, kwargs))
        if isinstance(self.infos, Exception):
            raise self.infos
        return self.infos

    async def getnameinfo(self, address: Any, flags: int) -> tuple[str, str]:
        assert flags == socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
        return (f"{address[0]}%eth{address[3]}", str(address[1]))


async def test_threaded_asks_with_addrconfig_and_handles_ipv6() -> None:
    stream, tcp = socket.SOCK_STREAM, socket.IPPROTO_TCP
    loop = FakeLoop(
        [
            (socket.AF_INET6, stream, tcp, "", ("fe80::1", 443, 0, 2)),
            (socket.AF_INET6, stream, tcp, "", ("::1", 443, 0, 0)),
            (socket.AF_INET6, stream, tcp, "", ("::2", 443)),  # no IPv6 support
            (socket.AF_INET, stream, tcp, "", ("10.0.0.1", 443)),
        ]
    )
    resolver = ThreadedResolver(loop)  # type: ignore[arg-type]
    results = await resolver.resolve("h.test", 443, family=socket.AF_UNSPEC)
    assert [(r["host"], r["family"]) for r in results] == [
        ("fe80::1%eth2", socket.AF_INET6),
        ("::1", socket.AF_INET6),
        ("10.0.0.1", socket.AF_INET),
    ]
    (args, kwargs) = loop.calls[0]
    assert args == ("h.test", 443)
    assert kwargs["flags"] & socket.AI_ADDRCONFIG
    assert kwargs["type"] == socket.SOCK_STREAM
    assert kwargs["family"] == socket.AF_UNSPEC


async def test_threaded_errors() -> None:
    failing = ThreadedResolver(
        FakeLoop(socket.gaierror(-2, "Name or service not known"))
    )  # type: ignore[arg-type]
    with pytest.raises(OSError, match="not known"):
        await failing.resolve("h.test")
    empty = ThreadedResolver(FakeLoop([]))  # type: ignore[arg-type]
    with pytest.raises(OSError, match="no usable address"):
        await empty.resolve("h.test")


def test_abstract_resolver_cannot_be_instantiated() -> None:
    with pytest.raises(TypeError):
        AbstractResolver()  # type: ignore[abstract]


def test_default_resolver_is_async_when_aiodns_is_installed() -> None:
    pytest.importorskip("aiodns", reason="aiodns is in the test requirements")
    assert DefaultResolver is AsyncResolver


def test_default_resolver_without_aiodns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "aiodns", None)
    assert resolver_module._default_resolver() is ThreadedResolver


async def test_async_resolver_needs_aiodns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "aiodns", None)
    with pytest.raises(RuntimeError, match=r"aioweb-httpclient\[speedups\]"):
        AsyncResolver()


async def test_async_resolves_localhost() -> None:
    pytest.importorskip("aiodns", reason="aiodns is in the test requirements")
    resolver = AsyncResolver()
    try:
        results = await asyncio.wait_for(
            resolver.resolve("localhost", 80, family=socket.AF_INET), 10
        )
        assert [r["host"] for r in results] == ["127.0.0.1"]
        assert results[0]["hostname"] == "localhost"
        assert results[0]["port"] == 80
        assert results[0]["flags"] == NUMERIC
        numeric = await asyncio.wait_for(resolver.resolve("127.0.0.1", 443), 10)
        assert [(r["host"], r["port"]) for r in numeric] == [("127.0.0.1", 443)]
    finally:
        await resolver.close()


class FakeChannel:
    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.closed = False

    async def getaddrinfo(self, *args: Any, **kwargs: Any) -> Any:
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    async def getnameinfo(self, address: Any, flags: int) -> Any:
        class Info:
            node = f"{address[0]}%eth{address[3]}"

        return Info()

    async def close(self) -> None:
        self.closed = True


class Node:
    def __init__(self, family: int, addr: tuple[Any, ...]) -> None:
        self.family = family
        self.addr = addr


class Answer:
    def __init__(self, nodes: list[Node]) -> None:
        self.nodes = nodes


async def test_async_resolver_translates_errors_and_ipv6() -> None:
    aiodns = pytest.importorskip("aiodns", reason="aiodns is in the test requirements")
    resolver = AsyncResolver()
    await resolver.close()
    resolver._resolver = FakeChannel(aiodns.error.DNSError(4, "Domain name not found"))  # type: ignore[assignment]
    with pytest.raises(OSError, match="Domain name not found") as info:
        await resolver.resolve("h.test")
    assert isinstance(info.value.__cause__, aiodns.error.DNSError)

    resolver._resolver = FakeChannel(Answer([]))  # type: ignore[assignment]
    with pytest.raises(OSError, match="DNS lookup failed"):
        await resolver.resolve("h.test")

    channel = FakeChannel(
        Answer(
            [
                Node(socket.AF_INET6, (b"fe80::1", 80, 0, 3)),
                Node(socket.AF_INET6, (b"::1", 80, 0, 0)),
                Node(socket.AF_INET, ("127.0.0.1", 80)),
            ]
        )
    )
    resolver._resolver = channel  # type: ignore[assignment]
    results = await resolver.resolve("h.test", 80, family=socket.AF_UNSPEC)
    assert [r["host"] for r in results] == ["fe80::1%eth3", "::1", "127.0.0.1"]
    await resolver.close()
    assert channel.closed
