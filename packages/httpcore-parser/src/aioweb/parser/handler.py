"""The callbacks a parser calls: the :class:`ParserHandler` protocol."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from multidict import CIMultiDictProxy

if TYPE_CHECKING:
    from ._heads import RequestHead, ResponseHead

__all__ = ("ParserHandler",)


class ParserHandler(Protocol):
    """What a parser calls as it reads, in this order for each message.

    ``on_message_begin`` once at the first byte of a message's head;
    ``on_informational`` for each interim (1xx, not 101) response, whose head
    is reported and skipped; ``on_headers_complete`` with the final head;
    ``on_body`` zero or more times; ``on_message_complete`` once.
    An exception raised by a callback propagates out of ``feed_data``.

    One more method is optional, so that handlers which do not need it pay
    nothing: ``on_chunk_complete()``, called in a chunked body after each
    chunk's data and the CRLF that ends it were read (RFC 9112 §7.1), so
    the ``on_body`` calls since the previous one make up exactly that chunk.
    It is not called for the last chunk (size 0): ``on_message_complete``
    follows that one. The parser looks it up once, like the others, when it
    is made; a handler without it is not told where chunks end.
    """

    def on_message_begin(self) -> None:
        """A new message starts."""

    def on_headers_complete(self, head: RequestHead | ResponseHead) -> None:
        """The head of the message is parsed."""

    def on_body(self, data: bytes) -> None:
        """A piece of the body, de-chunked; pieces split arbitrarily."""

    def on_message_complete(self, trailers: CIMultiDictProxy[str] | None) -> None:
        """The message ends; ``trailers`` holds a chunked body's trailer fields."""

    def on_informational(self, head: ResponseHead) -> None:
        """An interim 1xx response (other than 101) was read and skipped."""
