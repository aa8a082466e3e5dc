"""Payloads: bodies to send, from bytes, text, files, async iterables or JSON.

How this works: a :class:`Payload` wraps one value with the headers it
implies (Content-Type, and Content-Disposition once set) and its size when
that is known, and writes itself to anything with an ``async write(bytes)``
(a :class:`~aioweb.protocol.StreamWriter`, or a multipart writer's part).
Files are read piece by piece in a thread so a large file never sits in
memory nor blocks the loop; a file payload remembers where it started, so
it can be written again (a redirect, a retry).

:func:`get_payload` picks the payload class for a value from
:data:`PAYLOAD_REGISTRY`; :func:`payload_type` registers another class.
"""

from __future__ import annotations

import asyncio
import enum
import io
import json
import os
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping
from typing import IO, Any, ClassVar, Final, Protocol, TypeVar

from multidict import CIMultiDict

from .content_disposition import content_disposition_header
from .mimetypes import parse_charset

__all__ = (
    "PAYLOAD_REGISTRY",
    "AsyncIterablePayload",
    "BufferedReaderPayload",
    "BytesIOPayload",
    "BytesPayload",
    "IOBasePayload",
    "JsonPayload",
    "Order",
    "Payload",
    "PayloadRegistry",
    "PayloadWriter",
    "StringIOPayload",
    "StringPayload",
    "TextIOPayload",
    "get_payload",
    "payload_type",
)

READ_SIZE: Final = 2**16
_SENTINEL: Any = object()


class PayloadWriter(Protocol):
    """Where a payload writes its bytes."""

    async def write(self, chunk: bytes) -> None:
        """Write body bytes."""


class Payload:
    """A body to send: a value, its headers, and its size if known.

    Args:
        value: what to send.
        headers: extra headers for the body (e.g. for a multipart part).
        content_type: the Content-Type; the class's default when omitted.
        filename: a file name; also used to guess the content type.
        encoding: the text encoding, for payloads that hold text.

    Subclasses implement :meth:`write` (and :meth:`decode` for text).
    """

    _default_content_type: ClassVar[str] = "application/octet-stream"
    _size: int | None = None

    def __init__(
        self,
        value: Any,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = _SENTINEL,
        filename: str | None = None,
        encoding: str | None = None,
        **kwargs: Any,
    ) -> None:
        self._value = value
        self._encoding = encoding
        self._filename = filename
        self._headers: CIMultiDict[str] = CIMultiDict()
        if headers:
            self._headers.extend(headers)
        if content_type is _SENTINEL:
            if "Content-Type" not in self._headers:
                self._headers["Content-Type"] = self._guess_content_type(filename)
        elif content_type is not None:
            self._headers["Content-Type"] = content_type

    def _guess_content_type(self, filename: str | None) -> str:
        if filename is not None:
            import mimetypes  # the standard library's, by file extension

            guessed, _ = mimetypes.guess_type(filename)
            if guessed is not None:
                return guessed
        return self._default_content_type

    @property
    def size(self) -> int | None:
        """The body's length in bytes, or None when it is not known ahead."""
        return self._size

    @property
    def filename(self) -> str | None:
        """The file name given, if any."""
        return self._filename

    @property
    def headers(self) -> CIMultiDict[str]:
        """The body's own headers (Content-Type, Content-Disposition...)."""
        return self._headers

    @property
    def encoding(self) -> str | None:
        """The text encoding, if the payload holds text."""
        return self._encoding

    @property
    def content_type(self) -> str:
        """The Content-Type header value."""
        return self._headers.get("Content-Type", self._default_content_type)

    def set_content_disposition(
        self,
        disptype: str,
        quote_fields: bool = True,
        _charset: str = "utf-8",
        **params: str,
    ) -> None:
        """Set the Content-Disposition header (see ``content_disposition_header``)."""
        self._headers["Content-Disposition"] = content_disposition_header(
            disptype, quote_fields=quote_fields, _charset=_charset, **params
        )

    async def write(self, writer: PayloadWriter) -> None:
        """Write the body to ``writer``."""
        raise NotImplementedError

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The body as text (only for payloads held in memory)."""
        raise TypeError(f"{type(self).__name__} cannot be decoded without I/O")

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Collect the whole body in memory (for small bodies and tests)."""
        collected = _Collector()
        await self.write(collected)
        return b"".join(collected.chunks)

    async def close(self) -> None:
        """Release what the payload holds (open files); idempotent."""


class _Collector:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    async def write(self, chunk: bytes) -> None:
        self.chunks.append(chunk)


class BytesPayload(Payload):
    """``bytes``, ``bytearray`` or ``memoryview`` held in memory."""

    def __init__(
        self, value: bytes | bytearray | memoryview, *args: Any, **kwargs: Any
    ) -> None:
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise TypeError(
                f"bytes, bytearray or memoryview expected, not {type(value)!r}"
            )
        super().__init__(value, *args, **kwargs)
        self._size = value.nbytes if isinstance(value, memoryview) else len(value)

    async def write(self, writer: PayloadWriter) -> None:
        await writer.write(
            bytes(self._value) if not isinstance(self._value, bytes) else self._value
        )

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return bytes(self._value).decode(encoding, errors)


class StringPayload(BytesPayload):
    """Text, encoded with the Content-Type's charset (UTF-8 by default)."""

    def __init__(
        self,
        value: str,
        *args: Any,
        encoding: str | None = None,
        content_type: str | None = None,
        **kwargs: Any,
    ) -> None:
        if encoding is None:
            encoding = parse_charset(content_type) or "utf-8"
        if content_type is None:
            content_type = f"text/plain; charset={encoding}"
        super().__init__(
            value.encode(encoding),
            *args,
            encoding=encoding,
            content_type=content_type,
            **kwargs,
        )


class StringIOPayload(StringPayload):
    """An ``io.StringIO``: its text from the current position."""

    def __init__(self, value: io.StringIO, *args: Any, **kwargs: Any) -> None:
        super().__init__(value.read(), *args, **kwargs)


class IOBasePayload(Payload):
    """A binary file object, read in pieces in a thread and streamed.

    The position at construction is where every :meth:`write` starts.
    """

    _value: Any  # file-likes share no precise static type

    def __init__(
        self,
        value: IO[Any] | io.IOBase,
        *args: Any,
        disposition: str | None = "attachment",
        **kwargs: Any,
    ) -> None:
        if "filename" not in kwargs:
            name = getattr(value, "name", None)
            kwargs["filename"] = (
                os.path.basename(name) if isinstance(name, str) else None
            )
        super().__init__(value, *args, **kwargs)
        self._start: int | None = None
        try:
            self._start = value.tell()
        except (OSError, AttributeError, ValueError):
            self._start = None
        if (
            self._filename is not None
            and disposition is not None
            and "Content-Disposition" not in self._headers
        ):
            self.set_content_disposition(disposition, filename=self._filename)

    def _read(self, size: int) -> bytes:
        data: bytes = self._value.read(size)
        return data

    def _rewind(self) -> None:
        if self._start is not None:
            self._value.seek(self._start)

    async def write(self, writer: PayloadWriter) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._rewind)
        remaining = self._size
        while remaining is None or remaining > 0:
            size = READ_SIZE if remaining is None else min(READ_SIZE, remaining)
            chunk = await loop.run_in_executor(None, self._read, size)
            if not chunk:
                break
            await writer.write(chunk)
            if remaining is not None:
                remaining -= len(chunk)

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self._value.close)


class BufferedReaderPayload(IOBasePayload):
    """A file opened in binary mode; its size comes from the file system.

    Written to a :class:`~aioweb.protocol.StreamWriter`, it goes out with the
    writer's ``sendfile()`` (zero-copy where the connection allows it);
    elsewhere it is read and written in pieces.
    """

    def __init__(
        self, value: io.BufferedReader | io.BufferedRandom, *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(value, *args, **kwargs)
        try:
            size = os.fstat(value.fileno()).st_size
        except (OSError, AttributeError, io.UnsupportedOperation):
            return
        if self._start is not None:
            self._size = max(size - self._start, 0)

    async def write(self, writer: PayloadWriter) -> None:
        sendfile = getattr(writer, "sendfile", None)
        if sendfile is None or self._size is None or self._start is None:
            await super().write(writer)
            return
        await sendfile(self._value, self._start, self._size)


class BytesIOPayload(IOBasePayload):
    """An ``io.BytesIO``: its bytes from the current position."""

    def __init__(self, value: io.BytesIO, *args: Any, **kwargs: Any) -> None:
        super().__init__(value, *args, **kwargs)
        self._size = len(value.getbuffer()) - value.tell()

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        data: bytes = self._value.getvalue()[self._start or 0 :]
        return data.decode(encoding, errors)


class TextIOPayload(IOBasePayload):
    """A file opened in text mode, encoded as it is read."""

    def __init__(
        self,
        value: io.TextIOBase,
        *args: Any,
        encoding: str | None = None,
        content_type: str | None = None,
        **kwargs: Any,
    ) -> None:
        if encoding is None:
            encoding = parse_charset(content_type) or "utf-8"
        if content_type is None:
            content_type = f"text/plain; charset={encoding}"
        super().__init__(
            value, *args, encoding=encoding, content_type=content_type, **kwargs
        )
        # The encoded size is not known without reading the whole file.

    def _read(self, size: int) -> bytes:
        text: str = self._value.read(size)
        assert self._encoding is not None
        return text.encode(self._encoding)


class AsyncIterablePayload(Payload):
    """An async iterable (or async generator) of byte chunks; size unknown.

    An iterator can be consumed once only: a second :meth:`write` sends
    nothing.
    """

    def __init__(self, value: AsyncIterable[bytes], *args: Any, **kwargs: Any) -> None:
        if not isinstance(value, AsyncIterable):
            raise TypeError(f"an async iterable expected, not {type(value)!r}")
        super().__init__(value, *args, **kwargs)
        self._iter: AsyncIterator[bytes] | None = value.__aiter__()

    async def write(self, writer: PayloadWriter) -> None:
        iterator, self._iter = self._iter, None
        if iterator is None:
            return
        async for chunk in iterator:
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                raise TypeError(
                    f"an async iterable payload yielded {type(chunk)!r}, not bytes"
                )
            await writer.write(bytes(chunk))


class JsonPayload(BytesPayload):
    """A value serialised as JSON.

    Args:
        value: anything ``dumps`` accepts.
        dumps: the serialiser (``json.dumps`` by default; ``orjson.dumps``
            and the like may return bytes).
    """

    def __init__(
        self,
        value: Any,
        encoding: str = "utf-8",
        content_type: str = "application/json",
        dumps: Callable[[Any], str | bytes] = json.dumps,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        dumped = dumps(value)
        data = dumped.encode(encoding) if isinstance(dumped, str) else dumped
        super().__init__(
            data, *args, content_type=content_type, encoding=encoding, **kwargs
        )


class Order(str, enum.Enum):
    """Where a registered payload type is tried: before, among, or after the rest."""

    normal = "normal"
    try_first = "try_first"
    try_last = "try_last"


_PayloadT = TypeVar("_PayloadT", bound=type[Payload])


class PayloadRegistry:
    """Maps value types to payload classes, in three tiers of precedence."""

    def __init__(self) -> None:
        self._first: list[tuple[type[Payload], Any]] = []
        self._normal: list[tuple[type[Payload], Any]] = []
        self._last: list[tuple[type[Payload], Any]] = []

    def get(self, data: Any, *args: Any, **kwargs: Any) -> Payload:
        """Wrap ``data`` in the first matching payload class.

        Raises:
            LookupError: no payload class takes this type.
        """
        if isinstance(data, Payload):
            return data
        for tier in (self._first, self._normal, self._last):
            for factory, types in tier:
                if isinstance(data, types):
                    return factory(data, *args, **kwargs)
        raise LookupError(f"no payload type for {type(data)!r}")

    def register(
        self, factory: type[Payload], type: Any, *, order: Order = Order.normal
    ) -> None:
        """Send values of ``type`` (a type or tuple of types) through ``factory``."""
        tiers = {
            Order.try_first: self._first,
            Order.normal: self._normal,
            Order.try_last: self._last,
        }
        tiers[order].append((factory, type))


PAYLOAD_REGISTRY: Final = PayloadRegistry()
"""The registry :func:`get_payload` consults."""


def get_payload(data: Any, *args: Any, **kwargs: Any) -> Payload:
    """Wrap a value in the payload class registered for its type.

    Example:
        >>> get_payload("text").content_type
        'text/plain; charset=utf-8'
        >>> get_payload(b"\\x00\\x01").size
        2
    """
    return PAYLOAD_REGISTRY.get(data, *args, **kwargs)


class payload_type:
    """Class decorator: register a payload class for a value type.

    Example:
        >>> class Point: ...
        >>> @payload_type(Point)
        ... class PointPayload(BytesPayload):
        ...     def __init__(self, value: Point, *args, **kwargs) -> None:
        ...         super().__init__(b"point", *args, **kwargs)
        >>> get_payload(Point()).size
        5
    """

    def __init__(self, type: Any, *, order: Order = Order.normal) -> None:
        self.type = type
        self.order = order

    def __call__(self, factory: _PayloadT) -> _PayloadT:
        PAYLOAD_REGISTRY.register(factory, self.type, order=self.order)
        return factory


PAYLOAD_REGISTRY.register(BytesPayload, (bytes, bytearray, memoryview))
PAYLOAD_REGISTRY.register(StringPayload, str)
PAYLOAD_REGISTRY.register(StringIOPayload, io.StringIO)
PAYLOAD_REGISTRY.register(TextIOPayload, io.TextIOBase)
PAYLOAD_REGISTRY.register(BytesIOPayload, io.BytesIO)
PAYLOAD_REGISTRY.register(BufferedReaderPayload, (io.BufferedReader, io.BufferedRandom))
PAYLOAD_REGISTRY.register(IOBasePayload, io.IOBase)
# Last: many objects are async iterable without being meant as bodies.
PAYLOAD_REGISTRY.register(AsyncIterablePayload, AsyncIterable, order=Order.try_last)
