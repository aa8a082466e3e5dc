"""StreamReader buffering: bodies in one block or none, blocks queued behind
one being read, and what an idle reader holds (no queue, no list)."""

from __future__ import annotations

import asyncio
import collections
import gc
import tracemalloc

import pytest

from aioweb.protocol import BaseProtocol, StreamReader


def make_reader(protocol: BaseProtocol, limit: int = 2**16) -> StreamReader:
    return StreamReader(protocol, limit, loop=asyncio.get_running_loop())


def containers(reader: StreamReader) -> list[type]:
    """The types of the containers among the reader's attributes."""
    return [
        type(value)
        for value in vars(reader).values()
        if isinstance(value, (collections.deque, list, dict, bytearray))
    ]


# -- one block ----------------------------------------------------------------


async def one_block(
    protocol: BaseProtocol, data: bytes = b"one\ntwo\n"
) -> StreamReader:
    reader = make_reader(protocol)
    reader.feed_data(data)
    reader.feed_eof()
    return reader


async def test_one_block_read_whole(protocol: BaseProtocol) -> None:
    reader = await one_block(protocol)
    assert await reader.read() == b"one\ntwo\n"
    assert reader.at_eof()
    assert await reader.read() == b""


async def test_one_block_read_in_parts(protocol: BaseProtocol) -> None:
    reader = await one_block(protocol)
    assert await reader.read(2) == b"on"
    assert reader.read_nowait(3) == b"e\nt"
    assert await reader.readany() == b"wo\n"
    assert reader.at_eof()
    assert await reader.readany() == b""


async def test_one_block_readexactly(protocol: BaseProtocol) -> None:
    reader = await one_block(protocol)
    assert await reader.readexactly(4) == b"one\n"
    with pytest.raises(asyncio.IncompleteReadError) as caught:
        await reader.readexactly(5)
    assert caught.value.partial == b"two\n"
    assert caught.value.expected == 5


async def test_one_block_lines(protocol: BaseProtocol) -> None:
    reader = await one_block(protocol, b"one\ntwo\nend")
    assert await reader.readline() == b"one\n"
    assert await reader.readuntil(b"wo") == b"two"
    assert await reader.readline() == b"\n"
    assert await reader.readline() == b"end"
    assert await reader.readline() == b""


async def test_one_block_iterators(protocol: BaseProtocol) -> None:
    assert [line async for line in await one_block(protocol)] == [b"one\n", b"two\n"]
    reader = await one_block(protocol)
    assert [piece async for piece in reader.iter_chunked(3)] == [
        b"one",
        b"\ntw",
        b"o\n",
    ]
    reader = await one_block(protocol)
    assert [piece async for piece in reader.iter_any()] == [b"one\ntwo\n"]


async def test_one_http_chunk_in_one_block(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    reader.begin_http_chunk_receiving()
    reader.feed_data(b"abcdef")
    reader.end_http_chunk_receiving()
    reader.feed_eof()
    assert await reader.readchunk() == (b"abcdef", True)
    assert await reader.readchunk() == (b"", False)
    reader = make_reader(protocol)
    reader.begin_http_chunk_receiving()
    reader.feed_data(b"abc")
    reader.end_http_chunk_receiving()
    reader.feed_data(b"def")
    reader.end_http_chunk_receiving()
    reader.feed_eof()
    assert [c async for c in reader.iter_chunks()] == [(b"abc", True), (b"def", True)]


async def test_one_block_wakes_a_waiting_reader(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    task = asyncio.create_task(reader.readline())
    await asyncio.sleep(0)
    assert not task.done()
    reader.feed_data(b"line\nrest")
    assert await task == b"line\n"
    assert reader.read_nowait() == b"rest"


async def test_one_block_pauses_and_resumes(
    protocol: BaseProtocol, transport: object
) -> None:
    calls: list[str] = transport.calls  # type: ignore[attr-defined]
    reader = make_reader(protocol, limit=4)
    reader.feed_data(b"x" * 9)  # above the high mark (8) in one block
    assert calls == ["pause_reading"]
    assert await reader.read(5) == b"x" * 5  # 4 left: not below the low mark
    assert calls == ["pause_reading"]
    assert await reader.read(1) == b"x"
    assert calls == ["pause_reading", "resume_reading"]


async def test_one_block_then_an_error(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    reader.feed_data(b"abc")
    reader.set_exception(ValueError("broken"))
    with pytest.raises(ValueError, match="broken"):
        await reader.read()
    with pytest.raises(ValueError, match="broken"):
        await reader.readchunk()


# -- no block at all ------------------------------------------------------------


async def test_an_empty_body(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    seen: list[str] = []
    reader.on_eof(lambda: seen.append("eof"))
    reader.feed_eof()
    assert seen == ["eof"]
    assert reader.at_eof()
    assert await reader.read() == b""
    assert await reader.read(3) == b""
    assert await reader.readany() == b""
    assert await reader.readline() == b""
    assert await reader.readuntil(b"!") == b""
    assert await reader.readchunk() == (b"", False)
    assert reader.read_nowait() == b""
    assert await reader.readexactly(0) == b""
    with pytest.raises(asyncio.IncompleteReadError) as caught:
        await reader.readexactly(2)
    assert caught.value.partial == b""
    assert [piece async for piece in reader.iter_any()] == []
    assert [line async for line in reader] == []
    assert reader.total_bytes == 0


async def test_an_empty_block_is_ignored(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    reader.feed_data(b"")
    reader.feed_data(b"ab")
    reader.feed_data(b"")
    reader.feed_eof()
    assert await reader.read() == b"ab"


async def test_an_empty_body_reading_while_paused(
    protocol: BaseProtocol, transport: object
) -> None:
    # Reading nothing at the end of the body leaves the transport as it is.
    calls: list[str] = transport.calls  # type: ignore[attr-defined]
    reader = make_reader(protocol, limit=1)
    protocol.pause_reading()
    reader.feed_eof()
    assert await reader.read() == b""
    assert calls == ["pause_reading"]


# -- blocks queued behind the first -----------------------------------------------


async def test_blocks_queue_behind_a_partly_read_one(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    reader.feed_data(b"abcd")
    assert await reader.read(1) == b"a"
    reader.feed_data(b"efg")
    reader.feed_data(b"hi")
    assert await reader.read(4) == b"bcde"
    assert await reader.readany() == b"fghi"  # all that is buffered
    # Emptied, then refilled: the order holds across the queue's reuse.
    reader.feed_data(b"jk")
    reader.feed_data(b"lm")
    reader.feed_data(b"n\n")
    assert await reader.readline() == b"jklmn\n"
    reader.feed_data(b"op")
    reader.feed_eof()
    assert await reader.read() == b"op"
    assert reader.total_bytes == 17


async def test_a_separator_across_queued_blocks(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    for piece in (b"ab\r", b"\nc", b"d\r", b"\n"):
        reader.feed_data(piece)
    assert await reader.readuntil(b"\r\n") == b"ab\r\n"
    assert await reader.readuntil(b"\r\n") == b"cd\r\n"
    assert reader.read_nowait() == b""


# -- memory ---------------------------------------------------------------------


async def test_an_idle_reader_holds_no_container(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    assert containers(reader) == []
    reader.feed_data(b"one block")
    assert containers(reader) == []
    assert await reader.readany() == b"one block"
    reader.on_eof(lambda: None)
    assert containers(reader) == [list]  # the callback waits for the end
    reader.feed_eof()
    assert containers(reader) == []


async def test_a_second_block_makes_the_queue(protocol: BaseProtocol) -> None:
    reader = make_reader(protocol)
    reader.feed_data(b"a")
    reader.feed_data(b"b")
    assert collections.deque in containers(reader)
    reader.feed_eof()
    assert await reader.read() == b"ab"


async def test_an_idle_reader_costs_under_half_a_kilobyte(
    protocol: BaseProtocol,
) -> None:
    # With an empty deque and list made up front a reader held about 1.1 KB
    # on CPython 3.11; without them, about 0.3 KB.
    loop = asyncio.get_running_loop()
    count = 200
    readers: list[StreamReader | None] = [None] * count
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for index in range(count):
            readers[index] = StreamReader(protocol, 2**16, loop=loop)
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert all(reader is not None for reader in readers)
    assert 0 < grown / count < 512
