"""Type stub of the compiled parsers; they mirror ``_heads`` and ``_parser``."""

from multidict import CIMultiDictProxy

from ._version import HttpVersion
from .handler import ParserHandler

class RequestHead:
    @property
    def method(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def version(self) -> HttpVersion: ...
    @property
    def headers(self) -> CIMultiDictProxy[str]: ...
    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]: ...
    @property
    def keep_alive(self) -> bool: ...
    @property
    def upgrade(self) -> bool: ...
    @property
    def chunked(self) -> bool: ...
    @property
    def content_length(self) -> int | None: ...
    def __init__(
        self,
        method: str,
        target: str,
        version: HttpVersion,
        headers: CIMultiDictProxy[str],
        raw_headers: tuple[tuple[bytes, bytes], ...],
        keep_alive: bool,
        upgrade: bool,
        chunked: bool,
        content_length: int | None,
    ) -> None: ...

class ResponseHead:
    @property
    def version(self) -> HttpVersion: ...
    @property
    def status(self) -> int: ...
    @property
    def reason(self) -> str: ...
    @property
    def headers(self) -> CIMultiDictProxy[str]: ...
    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]: ...
    @property
    def keep_alive(self) -> bool: ...
    @property
    def upgrade(self) -> bool: ...
    @property
    def chunked(self) -> bool: ...
    @property
    def content_length(self) -> int | None: ...
    def __init__(
        self,
        version: HttpVersion,
        status: int,
        reason: str,
        headers: CIMultiDictProxy[str],
        raw_headers: tuple[tuple[bytes, bytes], ...],
        keep_alive: bool,
        upgrade: bool,
        chunked: bool,
        content_length: int | None,
    ) -> None: ...

class _Parser:
    @property
    def lenient(self) -> bool: ...
    def __init__(
        self,
        handler: ParserHandler,
        *,
        max_line_size: int = ...,
        max_field_size: int = ...,
        max_headers: int = ...,
        max_trailer_size: int = ...,
        max_chunk_size_digits: int = ...,
        lenient: bool = ...,
    ) -> None: ...
    def feed_data(self, data: bytes | bytearray | memoryview) -> bytes | None: ...
    def feed_eof(self) -> None: ...

class RequestParser(_Parser): ...

class ResponseParser(_Parser):
    def expect_response(self, method: str) -> None: ...
