"""StreamReader: reads, chunk boundaries, errors, EOF and read flow control."""

from __future__ import annotations

import asyncio

import pytest

from aioweb.protocol import (
    EMPTY_PAYLOAD,
    BaseProtocol,
    EmptyStreamReader,
    LineTooLongError,
    StreamReader,
)


def make_reader(
    protocol: BaseProtocol, limit: int = 2**16, **kwargs: object
) -> StreamReader:
    return StreamReader(protocol, limit, loop=asyncio.get_running_loop(), **kwargs)  # type: ignore[arg-type]


async def test_read_all_and_eof(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    reader.feed_data(b"hello ")
    reader.feed_data(b"world")
    assert not reader.at_eof()
    reader.feed_eof()
    assert reader.is_eof()
    assert not reader.at_eof()
    assert await reader.read() == b"hello world"
    assert reader.at_eof()
    assert await reader.read() == b""
    assert reader.total_bytes == 11


async def test_read_n_spans_blocks(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    for piece in (b"ab", b"cd", b"ef"):
        reader.feed_data(piece)
    assert await reader.read(3) == b"abc"
    assert await reader.read(0) == b""
    assert await reader.read(10) == b"def"


async def test_read_waits_for_data(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    task = asyncio.create_task(reader.read(5))
    await asyncio.sleep(0)
    assert not task.done()
    reader.feed_data(b"xyz")
    assert await task == b"xyz"


async def test_second_waiter_is_refused(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    first = asyncio.create_task(reader.readany())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="already waiting"):
        await reader.readany()
    with pytest.raises(RuntimeError):
        reader.read_nowait()
    reader.feed_data(b"x")
    assert await first == b"x"


async def test_readexactly(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    reader.feed_data(b"1234")
    reader.feed_data(b"5678")
    assert await reader.readexactly(6) == b"123456"
    reader.feed_eof()
    with pytest.raises(asyncio.IncompleteReadError) as info:
        await reader.readexactly(5)
    assert info.value.partial == b"78"
    assert info.value.expected == 5


async def test_readline_and_iteration(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    reader.feed_data(b"first\nsec")
    reader.feed_data(b"ond\n")
    reader.feed_data(b"last")
    reader.feed_eof()
    assert [line async for line in reader] == [b"first\n", b"second\n", b"last"]


async def test_readuntil_separator_split_across_blocks(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    reader.feed_data(b"abc\r")
    reader.feed_data(b"\ndef\r\n")
    assert await reader.readuntil(b"\r\n") == b"abc\r\n"
    assert await reader.readuntil(b"\r\n") == b"def\r\n"
    reader.feed_data(b"--bou")
    reader.feed_data(b"nd")
    reader.feed_data(b"ary--tail")
    assert await reader.readuntil(b"--boundary--") == b"--boundary--"
    assert await reader.read(4) == b"tail"


async def test_readuntil_empty_separator(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    with pytest.raises(ValueError):
        await reader.readuntil(b"")


async def test_readline_limit_while_streaming(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol, max_line_length=10)
    task = asyncio.create_task(reader.readline())
    for _ in range(3):
        reader.feed_data(b"aaaa")
        await asyncio.sleep(0)
    # Refused once 12 bytes came without a newline; no need for the rest.
    with pytest.raises(LineTooLongError):
        await task


async def test_readline_limit_default_is_high_water(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol, limit=4)
    reader.feed_data(b"1234567\n")
    assert await reader.readline() == b"1234567\n"
    reader.feed_data(b"12345678\n")
    with pytest.raises(LineTooLongError):
        await reader.readline()


async def test_readchunk_reports_http_chunk_ends(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    reader.begin_http_chunk_receiving()
    reader.feed_data(b"part1")
    reader.feed_data(b"-more")
    reader.end_http_chunk_receiving()
    reader.begin_http_chunk_receiving()
    reader.end_http_chunk_receiving()  # an empty chunk adds no boundary
    reader.feed_data(b"part2")
    reader.end_http_chunk_receiving()
    reader.feed_data(b"tail")
    reader.feed_eof()
    assert [c async for c in reader.iter_chunks()] == [
        (b"part1-more", True),
        (b"part2", True),
        (b"tail", False),
    ]


async def test_readchunk_without_tracking(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    reader.feed_data(b"a")
    reader.feed_data(b"b")
    assert await reader.readchunk() == (b"a", False)
    assert await reader.readchunk() == (b"b", False)
    reader.feed_eof()
    assert await reader.readchunk() == (b"", False)


async def test_begin_chunks_after_data_is_an_error(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    reader.feed_data(b"x")
    with pytest.raises(RuntimeError):
        reader.begin_http_chunk_receiving()
    with pytest.raises(RuntimeError):
        reader.end_http_chunk_receiving()


async def test_iter_chunked_and_iter_any(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    reader.feed_data(b"abcdefg")
    reader.feed_eof()
    assert [c async for c in reader.iter_chunked(3)] == [b"abc", b"def", b"g"]
    reader = make_reader(protocol)
    reader.feed_data(b"ab")
    reader.feed_data(b"cd")
    reader.feed_eof()
    assert [c async for c in reader.iter_any()] == [b"abcd"]


async def test_set_exception_wakes_waiter_and_sticks(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    task = asyncio.create_task(reader.read(1))
    eof_task = asyncio.create_task(reader.wait_eof())
    await asyncio.sleep(0)
    error = ValueError("broken")
    cause = OSError("reset")
    reader.set_exception(error, cause)
    with pytest.raises(ValueError, match="broken"):
        await task
    with pytest.raises(ValueError):
        await eof_task
    assert error.__cause__ is cause
    assert reader.exception() is error
    for call in (reader.read, reader.readany, reader.readline, reader.readchunk):
        with pytest.raises(ValueError):
            await call()
    with pytest.raises(ValueError):
        reader.read_nowait()


async def test_eof_wakes_waiters_and_callbacks(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    seen: list[str] = []
    reader.on_eof(lambda: seen.append("cb"))
    task = asyncio.create_task(reader.readany())
    eof_task = asyncio.create_task(reader.wait_eof())
    await asyncio.sleep(0)
    reader.feed_eof()
    assert await task == b""
    await eof_task
    assert seen == ["cb"]
    reader.on_eof(lambda: seen.append("late"))
    assert seen == ["cb", "late"]
    await reader.wait_eof()


async def test_pause_above_high_water_resume_below_low(
    protocol: BaseProtocol, transport: object
) -> None:
    calls: list[str] = transport.calls  # type: ignore[attr-defined]
    reader = make_reader(protocol, limit=10)
    assert reader.get_read_buffer_limits() == (10, 20)
    reader.feed_data(b"x" * 20)
    assert calls == []  # at the high mark, not above it
    reader.feed_data(b"x")
    assert calls == ["pause_reading"]
    assert protocol.reading_paused
    reader.feed_data(b"x" * 5)  # already paused: no second call
    assert calls == ["pause_reading"]
    assert await reader.read(10) == b"x" * 10  # 16 left: still above low
    assert calls == ["pause_reading"]
    await reader.read(7)  # 9 left: below low
    assert calls == ["pause_reading", "resume_reading"]
    assert not protocol.reading_paused


async def test_waiting_on_paused_transport_resumes_it(
    protocol: BaseProtocol, transport: object
) -> None:
    calls: list[str] = transport.calls  # type: ignore[attr-defined]
    reader = make_reader(protocol, limit=2, max_line_length=100)
    reader.feed_data(b"12345")
    assert calls == ["pause_reading"]
    task = asyncio.create_task(reader.readuntil(b"!"))
    await asyncio.sleep(0)
    assert calls == ["pause_reading", "resume_reading"]
    reader.feed_data(b"!")
    assert await task == b"12345!"


async def test_empty_stream_reader() -> None:
    assert isinstance(EMPTY_PAYLOAD, EmptyStreamReader)
    assert EMPTY_PAYLOAD.at_eof() and EMPTY_PAYLOAD.is_eof()
    assert await EMPTY_PAYLOAD.read() == b""
    assert await EMPTY_PAYLOAD.readany() == b""
    assert await EMPTY_PAYLOAD.readline() == b""
    assert await EMPTY_PAYLOAD.readchunk() == (b"", False)
    assert await EMPTY_PAYLOAD.readexactly(0) == b""
    with pytest.raises(asyncio.IncompleteReadError):
        await EMPTY_PAYLOAD.readexactly(1)
    assert [c async for c in EMPTY_PAYLOAD.iter_any()] == []
    with pytest.raises(RuntimeError):
        EMPTY_PAYLOAD.feed_data(b"x")
    await EMPTY_PAYLOAD.wait_eof()
    EMPTY_PAYLOAD.begin_http_chunk_receiving()
    EMPTY_PAYLOAD.end_http_chunk_receiving()
    EMPTY_PAYLOAD.feed_eof()
    EMPTY_PAYLOAD.set_exception(ValueError("ignored"))
    assert EMPTY_PAYLOAD.exception() is None
    assert EMPTY_PAYLOAD.get_read_buffer_limits() == (0, 0)
    assert EMPTY_PAYLOAD.read_nowait() == b""
    assert await EMPTY_PAYLOAD.readuntil(b"x") == b""
    assert repr(EMPTY_PAYLOAD) == "<EmptyStreamReader>"
    seen: list[int] = []
    EMPTY_PAYLOAD.on_eof(lambda: seen.append(1))
    assert seen == [1]


async def test_limit_must_be_positive(protocol: BaseProtocol) -> None:
    with pytest.raises(ValueError):
        StreamReader(protocol, 0)


async def test_repr(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol, limit=8)
    reader.feed_data(b"abc")
    reader.feed_eof()
    assert repr(reader) == "<StreamReader 3 bytes eof low=8 high=16>"
