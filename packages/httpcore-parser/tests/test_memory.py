"""What an idle parser holds: no buffer, no field lists, no queue (both twins).

A parser lives as long as its connection, and most connections sit idle
between messages, so everything a message needs is made for it and dropped
when it is done. The containers a parser refers to are read through
``gc.get_referents``, which sees the slots of the pure twin and the object
fields of the compiled one (but for its buffer: a bytearray field, which
cannot form a cycle, is not traversed; what the buffer costs is weighed with
tracemalloc instead).
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections import deque
from collections.abc import Callable
from typing import Any

import pytest

REQUEST = (
    b"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n"
    b"Content-Length: 2\r\n\r\nok"
)
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok"
CHUNKED = (
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"2\r\nok\r\n0\r\nX-Trailer: 1\r\n\r\n"
)

# What a parser makes for a message: buffers, field lists, queues.
CONTAINERS = (bytes, bytearray, list, deque, dict, set)


def held(parser: Any) -> list[type]:
    """The types of the buffers and containers the parser refers to."""
    return [type(o) for o in gc.get_referents(parser) if isinstance(o, CONTAINERS)]


def test_a_fresh_parser_holds_no_container(
    parser_impl: Any, recorder_class: Any
) -> None:
    assert held(parser_impl.RequestParser(recorder_class())) == []
    assert held(parser_impl.ResponseParser(recorder_class())) == []


def test_a_parser_between_messages_holds_no_container(
    parser_impl: Any, recorder_class: Any
) -> None:
    recorder = recorder_class()
    requests = parser_impl.RequestParser(recorder)
    assert requests.feed_data(REQUEST) is None
    responses = parser_impl.ResponseParser(recorder)
    for data, method in ((RESPONSE, "GET"), (CHUNKED, "POST")):
        responses.expect_response(method)
        assert responses.feed_data(data) is None
    assert [e[0] for e in recorder.events].count("complete") == 3
    assert held(requests) == []
    assert held(responses) == []


def test_an_unfinished_line_is_kept_then_released(
    parser_impl: Any, recorder_class: Any
) -> None:
    recorder = recorder_class()
    parser = parser_impl.RequestParser(recorder)
    parser.feed_data(REQUEST[:20])  # inside the Host field line
    if parser_impl.name == "pure":  # the compiled buffer is weighed below
        assert held(parser) == [bytes]
    parser.feed_data(REQUEST[20:])
    assert recorder.events[-1][0] == "complete"
    assert held(parser) == []


def test_the_buffer_of_an_unfinished_line_is_freed_when_it_completes(
    parser_impl: Any,
) -> None:
    # The compiled twin's buffer is not among its gc referents (a bytearray
    # cannot form a cycle), so what it holds is weighed instead: a parser
    # holding an unfinished line costs a buffer object more than one whose
    # line completed; an empty buffer kept around would cost nearly as much.
    def partial() -> Any:
        parser = parser_impl.RequestParser(Sink())
        parser.feed_data(REQUEST[:20])
        return parser

    def completed() -> Any:
        parser = partial()
        parser.feed_data(REQUEST[20:])
        return parser

    assert cost(partial) - cost(completed) >= sys.getsizeof(bytearray())


def test_pipelined_expectations_are_answered_in_order_then_dropped(
    parser_impl: Any, recorder_class: Any
) -> None:
    recorder = recorder_class()
    parser = parser_impl.ResponseParser(recorder)
    for method in ("HEAD", "GET", "HEAD", "GET"):
        parser.expect_response(method)
    head_answer = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"
    get_answer = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
    parser.feed_data(head_answer + get_answer)
    assert list in held(parser)  # the two still awaited after the first
    parser.feed_data(head_answer + get_answer)
    assert [e[1] for e in recorder.events if e[0] == "body"] == [b"abc", b"abc"]
    assert [e[0] for e in recorder.events].count("complete") == 4
    assert held(parser) == []
    # With nothing expected, GET is assumed again.
    parser.feed_data(get_answer)
    assert recorder.events[-2] == ("body", b"abc")


def test_a_failed_parser_drops_its_buffer(
    parser_impl: Any, recorder_class: Any
) -> None:
    parser = parser_impl.RequestParser(recorder_class())
    parser.feed_data(b"GET / HTTP/1.1\r\nHost: a")
    with pytest.raises(Exception, match="field"):
        parser.feed_data(b"\r\nBad Name: x\r\n\r\n")
    assert not {bytes, bytearray} & set(held(parser))


class Sink:
    """A handler that keeps nothing, so that only the parsers are counted."""

    def on_message_begin(self) -> None:
        pass

    def on_headers_complete(self, head: Any) -> None:
        pass

    def on_body(self, data: bytes) -> None:
        pass

    def on_message_complete(self, trailers: Any) -> None:
        pass

    def on_informational(self, head: Any) -> None:
        pass


def cost(make: Callable[[], Any], count: int = 200) -> float:
    """Bytes allocated per object by ``make`` and still held, by tracemalloc."""
    made: list[Any] = [None] * count  # the list is not counted
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for index in range(count):
            made[index] = make()
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    assert all(item is not None for item in made)
    return sum(s.size_diff for s in after.compare_to(before, "filename")) / count


@pytest.mark.parametrize("fed", [False, True], ids=["fresh", "after-a-message"])
def test_an_idle_parser_costs_under_a_kilobyte(parser_impl: Any, fed: bool) -> None:
    # Before the containers were made lazily, each parser held about 1.7 KB
    # (an empty deque alone is over 600 bytes); now it is the object and its
    # bound callbacks, about 0.6 KB on CPython 3.11.
    sink = Sink()

    def make() -> Any:
        parser = parser_impl.RequestParser(sink)
        if fed:
            parser.feed_data(REQUEST)
        return parser

    assert 0 < cost(make) < 1024
