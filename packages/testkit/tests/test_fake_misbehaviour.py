"""Every scripted misbehaviour, observed by a real client call.

Raw asyncio streams see the bytes; httpx and aiohttp, real HTTP clients,
show what an application would get.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from typing import Any

import aiohttp
import httpx
import pytest

from aioweb.testkit import (
    End,
    FakeServer,
    Hang,
    RawReply,
    Reply,
    gzip_bomb,
    malformed_header,
    malformed_status_line,
    oversized_headers,
    redirect,
    redirect_loop,
    reset_mid_response,
    routes,
    truncated,
)


async def test_delay_trips_a_read_timeout(connect: Any) -> None:
    async with FakeServer(Reply(body=b"late", delay=1.0)) as server:
        peer = await connect(server)
        await peer.get()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(peer.reader.read(1), 0.2)
        async with httpx.AsyncClient(timeout=httpx.Timeout(0.2)) as client:
            with pytest.raises(httpx.ReadTimeout):
                await client.get(server.url)


async def test_delay_shorter_than_the_timeout_is_only_slow(connect: Any) -> None:
    async with FakeServer(Reply(body=b"late", delay=0.2)) as server:
        peer = await connect(server)
        started = time.monotonic()
        await peer.get()
        assert (await peer.read_response())[2] == b"late"
        assert time.monotonic() - started >= 0.2


async def test_drip_feeds_bytes_with_pauses(connect: Any) -> None:
    reply = Reply(body=b"abcdef", drip=0.05, drip_size=2)
    async with FakeServer(reply) as server:
        peer = await connect(server)
        started = time.monotonic()
        await peer.get()
        reads = []
        while True:
            data = await asyncio.wait_for(peer.reader.read(65536), 5)
            reads.append(data)
            if b"".join(reads).endswith(b"abcdef"):
                break
    whole = b"".join(reads)
    # 2-byte pieces with 50 ms between them: the head alone is ~19 pieces.
    assert len(reads) >= 10
    assert max(map(len, reads)) <= 4
    assert time.monotonic() - started >= 0.05 * (len(whole) // 2 - 1)


async def test_drip_trips_a_total_timeout_but_not_a_read_timeout() -> None:
    # ~25 two-byte pieces 10 ms apart: no single read waits 0.5 s, the whole
    # response takes longer than 0.1 s.
    async with FakeServer(Reply(body=b"x" * 10, drip=0.01, drip_size=2)) as server:
        async with httpx.AsyncClient(timeout=httpx.Timeout(0.5)) as client:
            response = await client.get(server.url)
        assert response.content == b"x" * 10
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.1)) as s:
            with pytest.raises(asyncio.TimeoutError):
                async with s.get(server.url) as resp:
                    await resp.read()


async def test_reset_mid_response_raises_connection_reset(connect: Any) -> None:
    async with FakeServer(reset_mid_response(after=20)) as server:
        peer = await connect(server)
        await peer.get()
        received = b""
        with pytest.raises(ConnectionResetError):
            while True:
                data = await asyncio.wait_for(peer.reader.read(65536), 5)
                if not data:
                    break  # a FIN: the test fails below, no reset was seen
                received += data
        assert len(received) <= 20
        assert server.requests[0].method == "GET"
        async with httpx.AsyncClient() as client:
            with pytest.raises(httpx.ReadError):
                await client.get(server.url)


async def test_reset_before_any_byte(connect: Any) -> None:
    async with FakeServer(Reply(cut_after=0, end=End.RESET)) as server:
        peer = await connect(server)
        await peer.get()
        with pytest.raises(ConnectionResetError):
            await asyncio.wait_for(peer.reader.read(65536), 5)


async def test_close_mid_response_ends_the_stream(connect: Any) -> None:
    async with FakeServer(
        Reply(body=b"y" * 100, cut_after=50, end=End.CLOSE)
    ) as server:
        peer = await connect(server)
        await peer.get()
        data = await asyncio.wait_for(peer.reader.read(), 5)
    assert len(data) == 50
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")


async def test_truncated_body_is_short_of_its_content_length(connect: Any) -> None:
    async with FakeServer(truncated(b"partial", missing=10)) as server:
        peer = await connect(server)
        await peer.get()
        _status, headers = await peer.read_head()
        assert headers["content-length"] == "17"
        with pytest.raises(asyncio.IncompleteReadError) as caught:
            await asyncio.wait_for(peer.reader.readexactly(17), 5)
        assert caught.value.partial == b"partial"
        async with httpx.AsyncClient() as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get(server.url)
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.ClientPayloadError):
                async with session.get(server.url) as response:
                    await response.read()


async def test_malformed_status_line_is_a_client_error() -> None:
    async with FakeServer(malformed_status_line()) as server:
        async with httpx.AsyncClient() as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get(server.url)
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.ClientResponseError):
                async with session.get(server.url):
                    pass
    assert len(server.requests) == 2


async def test_malformed_header_is_a_client_error() -> None:
    async with FakeServer(malformed_header()) as server, httpx.AsyncClient() as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(server.url)


async def test_oversized_headers_exceed_a_client_limit() -> None:
    async with FakeServer(oversized_headers(64 * 1024)) as server:
        async with aiohttp.ClientSession(max_field_size=8190) as session:
            with pytest.raises(aiohttp.ClientResponseError) as caught:
                async with session.get(server.url):
                    pass
        assert "8190 bytes" in str(caught.value)


async def test_gzip_bomb_inflates_beyond_a_limit(connect: Any) -> None:
    limit = 32 << 20
    async with FakeServer(gzip_bomb(size=1 << 30)) as server:
        peer = await connect(server)
        await peer.get()
        _status, headers = await peer.read_head()
        assert headers["content-encoding"] == "gzip"
        assert headers["transfer-encoding"] == "chunked"
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        compressed = inflated = 0
        while inflated <= limit:
            size_line = await asyncio.wait_for(peer.reader.readuntil(b"\r\n"), 5)
            size = int(size_line, 16)
            assert size > 0, "the bomb ended before reaching the limit"
            chunk = await asyncio.wait_for(peer.reader.readexactly(size + 2), 5)
            compressed += size
            # max_length bounds each step, as a careful client would.
            out = inflater.decompress(chunk[:-2], 1 << 20)
            while True:
                assert out.strip(b"\0") == b"", "the bomb inflates to zeros"
                inflated += len(out)
                if not inflater.unconsumed_tail:
                    break
                out = inflater.decompress(inflater.unconsumed_tail, 1 << 20)
    assert inflated > limit
    # Zeros compress ~1000:1: crossing 32 MiB took well under 1 MiB.
    assert compressed < limit // 100


async def test_redirect_to_itself_loops_until_the_client_gives_up() -> None:
    async with (
        FakeServer(redirect_loop()) as server,
        httpx.AsyncClient(follow_redirects=True, max_redirects=5) as client,
    ):
        with pytest.raises(httpx.TooManyRedirects):
            await client.get(server.make_url("/loop"))
    assert [r.target for r in server.requests] == ["/loop"] * 6


async def test_redirects_between_two_paths_loop() -> None:
    table = {"/a": redirect("/b"), "/b": redirect("/a")}
    async with FakeServer(routes(table)) as server, aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.TooManyRedirects):
            async with session.get(server.make_url("/a"), max_redirects=4):
                pass
    assert [r.path for r in server.requests] == ["/a", "/b", "/a", "/b"]


async def test_hang_never_answers_until_closed(connect: Any) -> None:
    server = FakeServer(Hang())
    await server.start()
    try:
        peer = await connect(server)
        await peer.get()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(peer.reader.read(1), 0.3)
        assert server.open_connections == 1
        assert len(server.requests) == 1
    finally:
        await server.close()
    assert server.open_connections == 0
    # The client now sees the connection gone: an end or a reset.
    try:
        data = await asyncio.wait_for(peer.reader.read(1), 5)
    except ConnectionResetError:
        data = b""
    assert data == b""


async def test_head_then_stall_trips_a_body_read_timeout(connect: Any) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n"
    reply = Reply(body=b"body", cut_after=len(head), end=End.HANG)
    async with FakeServer(reply) as server:
        peer = await connect(server)
        await peer.get()
        _status, headers = await peer.read_head()
        assert headers["content-length"] == "4"
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(peer.reader.readexactly(4), 0.2)
        async with (
            aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(sock_read=0.2)
            ) as session,
            session.get(server.url) as response,
        ):
            assert response.status == 200
            with pytest.raises(asyncio.TimeoutError):
                await response.read()


async def test_one_gzip_bomb_answers_every_request(connect: Any) -> None:
    async with FakeServer(gzip_bomb(size=1 << 20)) as server:
        for _ in range(2):
            peer = await connect(server)
            await peer.get(extra=b"Connection: close\r\n")
            _status, headers = await peer.read_head()
            assert headers["content-encoding"] == "gzip"
            rest = await asyncio.wait_for(peer.reader.read(), 5)
            compressed = b""
            while rest:
                size_line, _, rest = rest.partition(b"\r\n")
                size = int(size_line, 16)
                compressed, rest = compressed + rest[:size], rest[size + 2 :]
            assert zlib.decompress(compressed, 16 + zlib.MAX_WBITS) == bytes(1 << 20)


async def test_continue_delay_answers_an_early_body_with_417(connect: Any) -> None:
    async with FakeServer(Reply(body=b"stored"), continue_delay=0.2) as server:
        # A client that waits for the go-ahead gets it, then the answer.
        peer = await connect(server)
        await peer.send(
            b"PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            b"Content-Length: 5\r\n\r\n"
        )
        started = time.monotonic()
        status, _ = await peer.read_head()
        assert status == b"HTTP/1.1 100 Continue"
        assert time.monotonic() - started >= 0.2
        await peer.send(b"hello")
        assert (await peer.read_response())[2] == b"stored"
        assert server.requests[0].body == b"hello"
        # One that sends the body with the head is refused.
        peer = await connect(server)
        await peer.send(
            b"PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            b"Content-Length: 5\r\n\r\nhello"
        )
        status, _ = await peer.read_head()
        assert status.startswith(b"HTTP/1.1 417 ")
        assert len(server.requests) == 1
        assert [getattr(e, "status", None) for e in server.errors] == [417]


async def test_continue_delay_observed_by_real_clients() -> None:
    async with FakeServer(Reply(body=b"stored"), continue_delay=0.1) as server:
        # aiohttp waits for 100 Continue before the body.
        async with (
            aiohttp.ClientSession() as session,
            session.put(server.url, data=b"hello", expect100=True) as response,
        ):
            assert response.status == 200
            assert await response.read() == b"stored"
        assert server.requests[-1].body == b"hello"
        assert server.errors == []
        # httpx sends the body at once, whatever Expect says.
        async with httpx.AsyncClient() as client:
            response = await client.put(
                server.url, content=b"hello", headers={"Expect": "100-continue"}
            )
        assert response.status_code == 417
        assert len(server.requests) == 1
        assert len(server.errors) == 1


async def test_reset_before_any_byte_seen_by_a_real_client() -> None:
    async with (
        FakeServer(Reply(cut_after=0, end=End.RESET)) as server,
        httpx.AsyncClient() as client,
    ):
        with pytest.raises(httpx.ReadError):
            await client.get(server.url)


async def test_close_mid_head_seen_by_a_real_client() -> None:
    reply = Reply(body=b"y" * 100, cut_after=20, end=End.CLOSE)
    async with FakeServer(reply) as server, httpx.AsyncClient() as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(server.url)


async def test_hang_trips_a_real_client_read_timeout() -> None:
    async with (
        FakeServer(Hang()) as server,
        httpx.AsyncClient(timeout=httpx.Timeout(5, read=0.2)) as client,
    ):
        with pytest.raises(httpx.ReadTimeout):
            await client.get(server.url)
        assert len(server.requests) == 1


async def test_gzip_bomb_inflates_in_a_real_client() -> None:
    limit = 32 << 20
    async with (
        FakeServer(gzip_bomb(size=1 << 30)) as server,
        httpx.AsyncClient() as client,
        client.stream("GET", server.url) as response,
    ):
        assert response.headers["Content-Encoding"] == "gzip"
        inflated = 0
        async for piece in response.aiter_bytes():
            inflated += len(piece)
            if inflated > limit:
                break
        # Zeros inflate about a thousandfold: a small download, a large body.
        assert inflated > limit
        assert response.num_bytes_downloaded < limit // 100


async def test_hang_keeps_what_the_client_still_sends(connect: Any) -> None:
    async with FakeServer(Hang()) as server:
        peer = await connect(server)
        await peer.get()
        await server.wait_for_requests(1)
        await peer.send(b"more bytes")
        await peer.close()
        await server.wait_for_client_closes(1)
    assert server.discarded == {0: b"more bytes"}


async def test_connections_closed_by_the_client_are_counted(connect: Any) -> None:
    async with FakeServer(Reply(body=b"ok")) as server:
        peer = await connect(server)
        await peer.get()
        await peer.read_response()
        await peer.close()  # at a request boundary
        await server.wait_for_client_closes(1)
        # A connection the server ends is not counted.
        closing = await connect(server)
        await closing.get(extra=b"Connection: close\r\n")
        await closing.read_response()
        assert await asyncio.wait_for(closing.reader.read(), 5) == b""
    assert server.connections_closed_by_client == 1
    assert server.connections_accepted == 2


async def test_reusable_raw_reply_keeps_the_connection() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nsize"
    async with (
        FakeServer(RawReply(raw, reusable=True)) as server,
        aiohttp.ClientSession() as session,
    ):
        for _ in range(2):
            async with session.get(server.url) as response:
                assert await response.read() == b"size"
    assert server.connections_accepted == 1


async def test_answer_before_body_sees_a_client_withhold_it(connect: Any) -> None:
    refusal = Reply(417, body=b"no!")
    async with FakeServer(refusal, answer_before_body=True) as server:
        # A raw client that withholds the body after the refusal, then leaves.
        peer = await connect(server)
        await peer.send(
            b"PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            b"Content-Length: 5\r\n\r\n"
        )
        status, _, body = await peer.read_response()
        assert (status, body) == (b"HTTP/1.1 417 Expectation Failed", b"no!")
        await peer.close()
        await server.wait_for_client_closes(1)
        # One that sends it anyway: the bytes are kept, not read as a request.
        peer = await connect(server)
        await peer.send(
            b"PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            b"Content-Length: 5\r\n\r\n"
        )
        await peer.read_response()
        await peer.send(b"hello")
        await peer.close()
        await server.wait_for_client_closes(2)
    assert server.discarded == {0: b"", 1: b"hello"}
    assert [r.body for r in server.requests] == [b"", b""]
    assert server.requests[0].raw.endswith(b"Content-Length: 5\r\n\r\n")


async def test_answer_before_body_observed_by_a_real_client() -> None:
    refusal = Reply(417, body=b"no!")
    async with FakeServer(refusal, answer_before_body=True) as server:
        async with (
            aiohttp.ClientSession() as session,
            session.put(server.url, data=b"B" * 1000, expect100=True) as response,
        ):
            assert response.status == 417
            assert await response.read() == b"no!"
        await server.wait_for_client_closes(1)
    [request] = server.requests
    assert request.headers["Content-Length"] == "1000"
    assert server.discarded == {0: b""}  # aiohttp withheld the body
