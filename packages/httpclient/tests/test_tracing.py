"""TraceConfig signals and the Trace dispatcher."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import pytest
from multidict import CIMultiDict
from yarl import URL

from aioweb.client import tracing
from aioweb.client.tracing import Trace, TraceConfig

URL_ = URL("http://example.com/path")
HEADERS = CIMultiDict({"Accept": "*/*"})
RESPONSE = object()
ERROR = RuntimeError("boom")

# signal name -> (Trace method name, its arguments, the params it must carry)
CASES: dict[str, tuple[str, tuple[Any, ...], object]] = {
    "on_request_start": (
        "send_request_start",
        ("GET", URL_, HEADERS),
        tracing.TraceRequestStartParams("GET", URL_, HEADERS),
    ),
    "on_request_chunk_sent": (
        "send_request_chunk_sent",
        ("POST", URL_, b"abc"),
        tracing.TraceRequestChunkSentParams("POST", URL_, b"abc"),
    ),
    "on_response_chunk_received": (
        "send_response_chunk_received",
        ("GET", URL_, b"xyz"),
        tracing.TraceResponseChunkReceivedParams("GET", URL_, b"xyz"),
    ),
    "on_request_end": (
        "send_request_end",
        ("GET", URL_, HEADERS, RESPONSE),
        tracing.TraceRequestEndParams("GET", URL_, HEADERS, RESPONSE),
    ),
    "on_request_exception": (
        "send_request_exception",
        ("GET", URL_, HEADERS, ERROR),
        tracing.TraceRequestExceptionParams("GET", URL_, HEADERS, ERROR),
    ),
    "on_request_redirect": (
        "send_request_redirect",
        ("GET", URL_, HEADERS, RESPONSE),
        tracing.TraceRequestRedirectParams("GET", URL_, HEADERS, RESPONSE),
    ),
    "on_request_headers_sent": (
        "send_request_headers",
        ("PUT", URL_, HEADERS),
        tracing.TraceRequestHeadersSentParams("PUT", URL_, HEADERS),
    ),
    "on_connection_queued_start": (
        "send_connection_queued_start",
        (),
        tracing.TraceConnectionQueuedStartParams(),
    ),
    "on_connection_queued_end": (
        "send_connection_queued_end",
        (),
        tracing.TraceConnectionQueuedEndParams(),
    ),
    "on_connection_create_start": (
        "send_connection_create_start",
        (),
        tracing.TraceConnectionCreateStartParams(),
    ),
    "on_connection_create_end": (
        "send_connection_create_end",
        (),
        tracing.TraceConnectionCreateEndParams(),
    ),
    "on_connection_reuseconn": (
        "send_connection_reuseconn",
        (),
        tracing.TraceConnectionReuseconnParams(),
    ),
    "on_dns_resolvehost_start": (
        "send_dns_resolvehost_start",
        ("example.com",),
        tracing.TraceDnsResolveHostStartParams("example.com"),
    ),
    "on_dns_resolvehost_end": (
        "send_dns_resolvehost_end",
        ("example.com",),
        tracing.TraceDnsResolveHostEndParams("example.com"),
    ),
    "on_dns_cache_hit": (
        "send_dns_cache_hit",
        ("example.com",),
        tracing.TraceDnsCacheHitParams("example.com"),
    ),
    "on_dns_cache_miss": (
        "send_dns_cache_miss",
        ("example.com",),
        tracing.TraceDnsCacheMissParams("example.com"),
    ),
}


def test_every_signal_is_covered() -> None:
    signals = {name for name in dir(TraceConfig) if name.startswith("on_")}
    assert signals == set(CASES)
    params = {name for name in tracing.__all__ if name.endswith("Params")}
    assert params == {type(p).__name__ for _, _, p in CASES.values()}


@pytest.mark.parametrize("signal_name", sorted(CASES))
async def test_trace_sends_each_signal(signal_name: str) -> None:
    method, args, expected = CASES[signal_name]
    config = TraceConfig()
    received: list[tuple[object, SimpleNamespace, object]] = []
    other: list[object] = []

    async def handler(session: object, ctx: SimpleNamespace, params: object) -> None:
        received.append((session, ctx, params))

    async def unrelated(session: object, ctx: SimpleNamespace, params: object) -> None:
        other.append(params)

    getattr(config, signal_name).append(handler)
    for name in CASES:
        if name != signal_name:
            getattr(config, name).append(unrelated)
    config.freeze()
    session = object()
    (trace,) = Trace.for_request(session, [config], trace_request_ctx={"id": 7})
    await getattr(trace, method)(*args)
    assert len(received) == 1
    got_session, ctx, params = received[0]
    assert got_session is session
    assert ctx.trace_request_ctx == {"id": 7}
    assert params == expected
    assert type(params) is type(expected)
    assert other == []


def test_params_are_frozen_with_slots() -> None:
    params = tracing.TraceRequestStartParams("GET", URL_, HEADERS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.method = "POST"  # type: ignore[misc]
    assert not hasattr(params, "__dict__")
    assert [f.name for f in dataclasses.fields(tracing.TraceRequestEndParams)] == [
        "method",
        "url",
        "headers",
        "response",
    ]


async def test_handlers_run_in_order_and_share_the_context() -> None:
    config = TraceConfig()
    order: list[str] = []

    async def first(session: object, ctx: SimpleNamespace, params: object) -> None:
        ctx.started = True
        order.append("first")

    async def second(session: object, ctx: SimpleNamespace, params: object) -> None:
        assert ctx.started
        order.append("second")

    config.on_request_start.append(first)
    config.on_request_end.append(second)
    config.freeze()
    (trace,) = Trace.for_request(None, [config])
    await trace.send_request_start("GET", URL_, HEADERS)
    await trace.send_request_end("GET", URL_, HEADERS, RESPONSE)
    assert order == ["first", "second"]


async def test_each_request_gets_a_fresh_context() -> None:
    config = TraceConfig()
    seen: list[SimpleNamespace] = []

    async def handler(session: object, ctx: SimpleNamespace, params: object) -> None:
        seen.append(ctx)

    config.on_dns_cache_hit.append(handler)
    config.freeze()
    for _ in range(2):
        for trace in Trace.for_request(None, [config]):
            await trace.send_dns_cache_hit("h")
    assert seen[0] is not seen[1]
    assert seen[0].trace_request_ctx is None


def test_custom_context_factory() -> None:
    class Context(SimpleNamespace):
        pass

    config = TraceConfig(trace_config_ctx_factory=Context)
    ctx = config.trace_config_ctx(trace_request_ctx="r")
    assert type(ctx) is Context
    assert ctx.trace_request_ctx == "r"


def test_freeze_forbids_new_handlers() -> None:
    config = TraceConfig()
    assert not config.frozen
    config.freeze()
    assert config.frozen

    async def handler(session: object, ctx: SimpleNamespace, params: object) -> None:
        return None

    for name in CASES:
        with pytest.raises(RuntimeError):
            getattr(config, name).append(handler)


async def test_unfrozen_signal_cannot_be_sent() -> None:
    config = TraceConfig()
    (trace,) = Trace.for_request(None, [config])
    with pytest.raises(RuntimeError, match="non-frozen"):
        await trace.send_dns_cache_miss("h")


async def test_several_configs() -> None:
    calls: list[str] = []

    def make(tag: str) -> TraceConfig:
        config = TraceConfig()

        async def handler(
            session: object, ctx: SimpleNamespace, params: object
        ) -> None:
            calls.append(tag)

        config.on_connection_create_start.append(handler)
        config.freeze()
        return config

    traces = Trace.for_request(None, [make("a"), make("b")])
    for trace in traces:
        await trace.send_connection_create_start()
    assert calls == ["a", "b"]
