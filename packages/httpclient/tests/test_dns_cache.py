"""DNSCache and HostResolver: TTL, size bound, rotation, coalescing, traces."""

from __future__ import annotations

import asyncio
import socket
from types import SimpleNamespace

import pytest

from aioweb.client.dns_cache import DNSCache, HostResolver, ip_literal
from aioweb.client.exceptions import ClientConnectionError, InvalidUrlClientError
from aioweb.client.resolver import AbstractResolver, ResolveResult, ThreadedResolver
from aioweb.client.tracing import Trace, TraceConfig


def result(host: str, address: str, port: int = 80) -> ResolveResult:
    return ResolveResult(
        hostname=host, host=address, port=port, family=socket.AF_INET, proto=0, flags=0
    )


class CountingResolver(AbstractResolver):
    """Answers from a table, counting calls; can be made to wait or fail."""

    def __init__(self, table: dict[str, list[str]] | None = None) -> None:
        self.table = table or {"a.test": ["10.0.0.1", "10.0.0.2", "10.0.0.3"]}
        self.calls: list[tuple[str, int, int]] = []
        self.gate: asyncio.Event | None = None
        self.error: Exception | None = None
        self.closed = False

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.calls.append((host, port, family))
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error
        return [result(host, a, port) for a in self.table[host]]

    async def close(self) -> None:
        self.closed = True


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_cache_ttl() -> None:
    clock = Clock()
    cache = DNSCache(ttl=10, clock=clock)
    cache.add(("h", 80), [result("h", "10.0.0.1")])
    assert ("h", 80) in cache
    clock.now += 10
    assert not cache.expired(("h", 80))
    clock.now += 0.5
    assert cache.expired(("h", 80))


def test_cache_without_ttl_never_expires() -> None:
    clock = Clock()
    cache = DNSCache(ttl=None, clock=clock)
    cache.add(("h", 80), [])
    clock.now += 1e9
    assert not cache.expired(("h", 80))
    assert cache.next_addrs(("h", 80)) == []


def test_cache_rotates_addresses() -> None:
    cache = DNSCache()
    addresses = [result("h", f"10.0.0.{i}") for i in (1, 2, 3)]
    cache.add(("h", 80), addresses)
    firsts = [cache.next_addrs(("h", 80))[0]["host"] for _ in range(4)]
    assert firsts == ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1"]
    assert sorted(a["host"] for a in cache.next_addrs(("h", 80))) == [
        "10.0.0.1",
        "10.0.0.2",
        "10.0.0.3",
    ]


def test_cache_evicts_least_recently_used() -> None:
    cache = DNSCache(max_size=2)
    cache.add(("a", 80), [])
    cache.add(("b", 80), [])
    cache.next_addrs(("a", 80))  # a is now the most recently used
    cache.add(("c", 80), [])
    assert ("a", 80) in cache
    assert ("b", 80) not in cache
    assert ("c", 80) in cache
    assert len(cache) == 2


def test_cache_remove_and_clear() -> None:
    cache = DNSCache()
    cache.add(("a", 80), [])
    cache.add(("b", 80), [])
    cache.remove(("a", 80))
    cache.remove(("missing", 1))
    assert len(cache) == 1
    cache.clear()
    assert len(cache) == 0
    with pytest.raises(KeyError):
        cache.next_addrs(("b", 80))


@pytest.mark.parametrize(("ttl", "size"), [(-1, 10), (10, 0)])
def test_cache_rejects_bad_limits(ttl: float, size: int) -> None:
    with pytest.raises(ValueError):
        DNSCache(ttl=ttl, max_size=size)


async def test_cached_lookups_hit_the_resolver_once() -> None:
    fake = CountingResolver()
    hosts = HostResolver(fake, family=socket.AF_INET)
    first = await hosts.resolve_host("a.test", 80)
    second = await hosts.resolve_host("a.test", 80)
    assert fake.calls == [("a.test", 80, socket.AF_INET)]
    assert [a["host"] for a in first] == ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    assert [a["host"] for a in second] == ["10.0.0.2", "10.0.0.3", "10.0.0.1"]
    await hosts.resolve_host("a.test", 443)  # another port, another key
    assert len(fake.calls) == 2
    await hosts.close()
    assert fake.closed


async def test_expired_entries_are_looked_up_again() -> None:
    fake = CountingResolver()
    hosts = HostResolver(fake, ttl_dns_cache=0.01)
    await hosts.resolve_host("a.test", 80)
    await asyncio.sleep(0.05)
    await hosts.resolve_host("a.test", 80)
    assert len(fake.calls) == 2
    await hosts.close()


async def test_without_cache_every_request_resolves() -> None:
    fake = CountingResolver()
    hosts = HostResolver(fake, use_dns_cache=False)
    assert not hosts.use_dns_cache
    for _ in range(3):
        await hosts.resolve_host("a.test", 80)
    assert len(fake.calls) == 3
    assert len(hosts.cache) == 0
    await hosts.close()


async def test_concurrent_lookups_are_coalesced() -> None:
    fake = CountingResolver()
    fake.gate = asyncio.Event()
    hosts = HostResolver(fake)
    tasks = [asyncio.create_task(hosts.resolve_host("a.test", 80)) for _ in range(5)]
    await asyncio.sleep(0.01)
    assert len(fake.calls) == 1
    fake.gate.set()
    answers = await asyncio.gather(*tasks)
    assert len(fake.calls) == 1
    # Each waiter gets every address; the rotation spreads their first choice.
    assert {a[0]["host"] for a in answers} == {"10.0.0.1", "10.0.0.2", "10.0.0.3"}
    await hosts.close()


async def test_coalesced_failure_reaches_every_waiter() -> None:
    fake = CountingResolver()
    fake.gate = asyncio.Event()
    fake.error = OSError(None, "no such host")
    hosts = HostResolver(fake)
    tasks = [asyncio.create_task(hosts.resolve_host("a.test", 80)) for _ in range(3)]
    await asyncio.sleep(0.01)
    fake.gate.set()
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(o, OSError) for o in outcomes)
    assert len(fake.calls) == 1
    # A failure is not cached: the next request tries again.
    fake.error = None
    fake.gate = None
    assert await hosts.resolve_host("a.test", 80)
    assert len(fake.calls) == 2
    await hosts.close()


async def test_cancelled_waiter_does_not_cancel_the_lookup() -> None:
    fake = CountingResolver()
    fake.gate = asyncio.Event()
    hosts = HostResolver(fake)
    first = asyncio.create_task(hosts.resolve_host("a.test", 80))
    second = asyncio.create_task(hosts.resolve_host("a.test", 80))
    await asyncio.sleep(0.01)
    first.cancel()
    await asyncio.sleep(0)
    fake.gate.set()
    assert (await second)[0]["host"] in {"10.0.0.1", "10.0.0.2"}
    with pytest.raises(asyncio.CancelledError):
        await first
    assert len(fake.calls) == 1
    assert ("a.test", 80) in hosts.cache
    await hosts.close()


async def test_cancelled_lone_waiter_failure_is_retrieved() -> None:
    fake = CountingResolver()
    fake.gate = asyncio.Event()
    fake.error = OSError(None, "boom")
    hosts = HostResolver(fake)
    waiter = asyncio.create_task(hosts.resolve_host("a.test", 80))
    await asyncio.sleep(0.01)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    fake.gate.set()
    await asyncio.sleep(0.01)
    assert not hosts._in_flight
    await hosts.close()


async def test_close_cancels_lookups_in_flight() -> None:
    fake = CountingResolver()
    fake.gate = asyncio.Event()
    hosts = HostResolver(fake)
    waiter = asyncio.create_task(hosts.resolve_host("a.test", 80))
    await asyncio.sleep(0.01)
    await hosts.close()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    with pytest.raises(ClientConnectionError, match="closed"):
        await hosts.resolve_host("a.test", 80)


async def test_clear_dns_cache() -> None:
    fake = CountingResolver({"a.test": ["10.0.0.1"], "b.test": ["10.0.0.2"]})
    hosts = HostResolver(fake)
    await hosts.resolve_host("a.test", 80)
    await hosts.resolve_host("b.test", 80)
    hosts.clear_dns_cache("a.test", 80)
    assert ("a.test", 80) not in hosts.cache
    assert ("b.test", 80) in hosts.cache
    with pytest.raises(ValueError, match="both host and port"):
        hosts.clear_dns_cache("b.test")
    with pytest.raises(ValueError, match="both host and port"):
        hosts.clear_dns_cache(port=80)
    hosts.clear_dns_cache()
    assert len(hosts.cache) == 0
    await hosts.close()


async def test_size_bound() -> None:
    fake = CountingResolver({f"h{i}.test": ["10.0.0.1"] for i in range(5)})
    hosts = HostResolver(fake, max_size=3)
    for i in range(5):
        await hosts.resolve_host(f"h{i}.test", 80)
    assert len(hosts.cache) == 3
    assert ("h0.test", 80) not in hosts.cache
    await hosts.close()


@pytest.mark.parametrize(
    ("host", "family"),
    [
        ("127.0.0.1", socket.AF_INET),
        ("::1", socket.AF_INET6),
        ("fe80::1%eth0", socket.AF_INET6),
    ],
)
async def test_ip_literals_skip_the_resolver(host: str, family: int) -> None:
    fake = CountingResolver()
    hosts = HostResolver(fake)
    (address,) = await hosts.resolve_host(host, 8080)
    assert address["host"] == host
    assert address["family"] == family
    assert address["port"] == 8080
    assert fake.calls == []
    await hosts.close()


@pytest.mark.parametrize(
    "host", ["127.1", "2130706433", "0x7f.0.0.1", "017.0.0.1", "0x7f", "0X7F000001"]
)
async def test_legacy_numeric_ipv4_is_refused(host: str) -> None:
    hosts = HostResolver(CountingResolver())
    with pytest.raises(InvalidUrlClientError, match="canonical IPv4"):
        await hosts.resolve_host(host, 80)
    await hosts.close()


def test_ip_literal_names() -> None:
    assert ip_literal("example.com", 80) is None
    assert ip_literal("not:an:address", 80) is None
    assert ip_literal("cafe.bad", 80) is None  # hex-looking labels, still a name
    assert ip_literal("", 80) is None


def tracer(events: list[str]) -> TraceConfig:
    config = TraceConfig()
    for name in (
        "dns_cache_hit",
        "dns_cache_miss",
        "dns_resolvehost_start",
        "dns_resolvehost_end",
    ):

        async def handler(
            session: object, ctx: SimpleNamespace, params: object, name: str = name
        ) -> None:
            events.append(f"{name}:{params.host}")  # type: ignore[attr-defined]

        getattr(config, f"on_{name}").append(handler)
    config.freeze()
    return config


async def test_trace_signals() -> None:
    events: list[str] = []
    traces = Trace.for_request(None, [tracer(events)])
    hosts = HostResolver(CountingResolver())
    await hosts.resolve_host("a.test", 80, traces)
    await hosts.resolve_host("a.test", 80, traces)
    assert events == [
        "dns_cache_miss:a.test",
        "dns_resolvehost_start:a.test",
        "dns_resolvehost_end:a.test",
        "dns_cache_hit:a.test",
    ]
    events.clear()
    uncached = HostResolver(CountingResolver(), use_dns_cache=False)
    await uncached.resolve_host("a.test", 80, traces)
    assert events == ["dns_resolvehost_start:a.test", "dns_resolvehost_end:a.test"]
    await hosts.close()
    await uncached.close()


async def test_with_the_threaded_resolver() -> None:
    hosts = HostResolver(ThreadedResolver(), family=socket.AF_INET)
    addresses = await hosts.resolve_host("localhost", 80)
    assert "127.0.0.1" in [a["host"] for a in addresses]
    assert ("localhost", 80) in hosts.cache
    await hosts.close()
