"""A recording handler and a driver shared by the tests (loaded by conftest)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aioweb.parser import HttpParserError

Event = tuple[Any, ...]


def head_summary(head: Any) -> tuple[Any, ...]:
    """Every attribute of a head, headers as a list, for comparisons."""
    if hasattr(head, "method"):
        first: tuple[Any, ...] = ("request", head.method, head.target)
    else:
        first = ("response", head.status, head.reason)
    return (
        *first,
        tuple(head.version),
        list(head.headers.items()),
        head.raw_headers,
        head.keep_alive,
        head.upgrade,
        head.chunked,
        head.content_length,
    )


class Recorder:
    """A ParserHandler that records every call as a tuple.

    Chunk ends (the optional ``on_chunk_complete``) are kept apart, in
    ``chunks``: the data of each chunk that ended, so that the events of a
    body read in chunks compare equal to those of the same body sized.
    """

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.heads: list[Any] = []
        self.chunks: list[bytes] = []
        self._chunk = b""  # the body bytes since the last chunk end

    def on_message_begin(self) -> None:
        self.events.append(("begin",))

    def on_headers_complete(self, head: Any) -> None:
        self.heads.append(head)
        self.events.append(("head", head_summary(head)))

    def on_body(self, data: bytes) -> None:
        assert type(data) is bytes and data
        self._chunk += data
        if self.events and self.events[-1][0] == "body":
            self.events[-1] = ("body", self.events[-1][1] + data)
        else:
            self.events.append(("body", data))

    def on_chunk_complete(self) -> None:
        assert self.events[-1][0] == "body", "a chunk ends after its data"
        self.chunks.append(self._chunk)
        self._chunk = b""

    def on_message_complete(self, trailers: Any) -> None:
        self._chunk = b""
        self.events.append(
            ("complete", None if trailers is None else list(trailers.items()))
        )

    def on_informational(self, head: Any) -> None:
        self.events.append(("informational", head_summary(head)))


@dataclass
class Outcome:
    """What feeding some input produced."""

    events: list[Event]
    heads: list[Any]
    chunks: list[bytes] = field(default_factory=list)  # see Recorder
    tail: bytes | None = None
    error: HttpParserError | None = None
    fed: int = 0  # bytes fed before the tail or the error
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def error_type(self) -> type[HttpParserError] | None:
        return None if self.error is None else type(self.error)


def pieces(data: bytes, size: int) -> Iterable[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def feed(
    parser_class: Any,
    data: bytes | Sequence[bytes],
    *,
    step: int | None = None,
    eof: bool = False,
    methods: Sequence[str] = (),
    **options: Any,
) -> Outcome:
    """Feed ``data`` (whole, in ``step``-byte pieces, or the given pieces)."""
    recorder = Recorder()
    parser = parser_class(recorder, **options)
    for method in methods:
        parser.expect_response(method)
    if isinstance(data, (bytes, bytearray)):
        chunks = list(pieces(bytes(data), step or max(len(data), 1)))
    else:
        chunks = list(data)
    outcome = Outcome(recorder.events, recorder.heads, recorder.chunks)
    try:
        for index, chunk in enumerate(chunks):
            outcome.fed += len(chunk)
            tail = parser.feed_data(chunk)
            if tail is not None:
                # Bytes in later pieces belong to the new protocol too.
                outcome.tail = tail + b"".join(chunks[index + 1 :])
                break
        else:
            if eof:
                parser.feed_eof()
    except HttpParserError as exc:
        outcome.error = exc
    outcome.extra["parser"] = parser
    return outcome
