"""Content codings (RFC 9110 §8.4.1): gzip, deflate, br and zstd.

How this works: :func:`get_decoder` gives a streaming decoder for one body;
each :meth:`~ContentDecoder.decompress` call turns a piece of the coded body
into decoded bytes and :meth:`~ContentDecoder.flush` checks that the coded
stream really ended. Decoders never produce more than they must: input is
fed in small slices and output taken in bounded pieces, and two limits are
checked after every piece, before the next one is made:

* ``max_size``: decoded bytes in all; past it, :class:`PayloadTooLargeError`.
* ``max_ratio``: decoded bytes per coded byte, once more than
  :data:`RATIO_FLOOR` bytes were decoded; past it, :class:`DecompressionError`.
  No real body compresses 200 to 1 (text does about 3 to 10); a
  decompression bomb (a gigabyte of zeros in a megabyte) does 1000 to 1.

So a hostile body costs at most about ``max(RATIO_FLOOR, max_ratio * coded)``
bytes of memory, whatever it would expand to.

:func:`get_encoder` gives the matching streaming encoders. ``br`` needs the
``brotli`` (or ``brotlicffi``) package and ``zstd`` needs ``compression.zstd``
(Python 3.14) or ``backports.zstd``: the extras ``aioweb-protocol[brotli]``
and ``aioweb-protocol[zstd]``. :data:`SUPPORTED_ENCODINGS` lists what this
interpreter can decode, in the order :data:`ACCEPT_ENCODING` advertises it.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Iterator
from typing import Any, Final, Protocol

from .exceptions import DecompressionError, PayloadTooLargeError

__all__ = (
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_RATIO",
    "RATIO_FLOOR",
    "SUPPORTED_ENCODINGS",
    "ContentDecoder",
    "ContentEncoder",
    "get_decoder",
    "get_encoder",
)


def _first_importable(*names: str) -> Any:
    """The first of the optional modules that imports, or None."""
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


brotli: Any = _first_importable("brotli", "brotlicffi")
# Python 3.14 has zstd in the standard library; older ones use the backport.
zstd: Any = _first_importable("compression.zstd", "backports.zstd")

DEFAULT_MAX_RATIO: Final = 200
"""Decoded bytes allowed per coded byte, once past :data:`RATIO_FLOOR`."""

RATIO_FLOOR: Final = 2**20
"""Decoded bytes below which the ratio is not checked (1 MiB)."""

_INPUT_SLICE: Final = 4096
_OUTPUT_PIECE: Final = 2**17

SUPPORTED_ENCODINGS: Final[tuple[str, ...]] = (
    "gzip",
    "deflate",
    *(("br",) if brotli is not None else ()),
    *(("zstd",) if zstd is not None else ()),
)
"""The content codings this interpreter decodes and encodes."""

ACCEPT_ENCODING: Final = ", ".join(SUPPORTED_ENCODINGS)
"""An ``Accept-Encoding`` value naming :data:`SUPPORTED_ENCODINGS`."""


class ContentDecoder(Protocol):
    """A streaming decoder of one coded body."""

    @property
    def eof(self) -> bool:
        """True once the coded stream's end marker was read."""

    def decompress(self, data: bytes) -> bytes:
        """Decode a piece of the coded body.

        Raises:
            DecompressionError: the data is not valid for the coding, or
                expands past the ratio limit.
            PayloadTooLargeError: the decoded body passed ``max_size``.
        """

    def flush(self) -> bytes:
        """Finish: return what is left and check the stream was complete.

        Raises:
            DecompressionError: the coded stream was cut short.
        """


class ContentEncoder(Protocol):
    """A streaming encoder of one body."""

    def compress(self, data: bytes) -> bytes:
        """Encode a piece of the body (the result may be empty)."""

    def flush(self) -> bytes:
        """End the coded stream and return its last bytes."""


def get_decoder(
    encoding: str,
    *,
    max_size: int | None = None,
    max_ratio: float | None = DEFAULT_MAX_RATIO,
) -> ContentDecoder:
    """Return a streaming decoder for a ``Content-Encoding`` value.

    Args:
        encoding: ``gzip`` (or ``x-gzip``), ``deflate`` (zlib-wrapped or raw,
            told apart by the first bytes), ``br`` or ``zstd``; any case.
        max_size: the most decoded bytes accepted; None for no limit.
        max_ratio: the most decoded bytes per coded byte once past
            :data:`RATIO_FLOOR`; None for no limit.

    Raises:
        DecompressionError: the coding is unknown or its package is not
            installed (``status`` 415).

    Example:
        >>> import gzip
        >>> decoder = get_decoder("gzip", max_size=100)
        >>> decoder.decompress(gzip.compress(b"hello")) + decoder.flush()
        b'hello'
    """
    name = encoding.strip().lower()
    decoder: _Decoder
    if name in ("gzip", "x-gzip"):
        decoder = _ZlibDecoder(16 + zlib.MAX_WBITS, max_size, max_ratio)
    elif name == "deflate":
        decoder = _ZlibDecoder(None, max_size, max_ratio)
    elif name == "br" and brotli is not None:
        decoder = _BrotliDecoder(max_size, max_ratio)
    elif name == "zstd" and zstd is not None:
        decoder = _ZstdDecoder(max_size, max_ratio)
    else:
        raise DecompressionError(
            f"content coding {encoding!r} is not supported here"
            f" (supported: {ACCEPT_ENCODING})",
            status=415,
        )
    return decoder


def get_encoder(
    encoding: str, *, level: int | None = None, strategy: int | None = None
) -> ContentEncoder:
    """Return a streaming encoder for a ``Content-Encoding`` value.

    Args:
        encoding: ``gzip``, ``deflate`` (zlib-wrapped, RFC 9110 §8.4.1.2),
            ``br`` or ``zstd``; any case.
        level: the coding's compression level; its default when None.
        strategy: a zlib strategy for ``gzip`` and ``deflate``
            (``zlib.Z_DEFAULT_STRATEGY`` when None).

    Raises:
        ValueError: the coding is unknown or its package is not installed.

    Example:
        >>> encoder = get_encoder("deflate")
        >>> import zlib
        >>> zlib.decompress(encoder.compress(b"hi") + encoder.flush())
        b'hi'
    """
    name = encoding.strip().lower()
    if name in ("gzip", "x-gzip", "deflate"):
        wbits = 16 + zlib.MAX_WBITS if name != "deflate" else zlib.MAX_WBITS
        return _ZlibEncoder(
            wbits,
            zlib.Z_DEFAULT_COMPRESSION if level is None else level,
            zlib.Z_DEFAULT_STRATEGY if strategy is None else strategy,
        )
    if name == "br" and brotli is not None:
        return _BrotliEncoder(level)
    if name == "zstd" and zstd is not None:
        return _ZstdEncoder(level)
    raise ValueError(
        f"content coding {encoding!r} is not supported here"
        f" (supported: {ACCEPT_ENCODING})"
    )


class _Decoder:
    """Limit accounting shared by the decoders; subclasses make the pieces."""

    def __init__(self, max_size: int | None, max_ratio: float | None) -> None:
        self._max_size = max_size
        self._max_ratio = max_ratio
        self._coded = 0
        self._decoded = 0
        self._eof = False

    @property
    def eof(self) -> bool:
        return self._eof

    def decompress(self, data: bytes) -> bytes:
        out: list[bytes] = []
        view = memoryview(data)
        step = self._input_slice
        for start in range(0, len(view), step):
            piece = view[start : start + step]
            if not self._counts_input:
                self._coded += len(piece)
            for decoded in self._pieces(bytes(piece)):
                self._account(decoded)
                out.append(decoded)
        return b"".join(out)

    def flush(self) -> bytes:
        out = [*self._pieces(b"")]
        for decoded in out:
            self._account(decoded)
        if not self._eof:
            raise DecompressionError(f"the {self._name} stream was cut short")
        return b"".join(out)

    _name = "coded"
    # Decoders that cannot say how much input they consumed take it in small
    # slices and count each slice as consumed; zlib says, so it takes more.
    _input_slice = _INPUT_SLICE
    _counts_input = False

    def _pieces(self, data: bytes) -> Iterator[bytes]:
        """Decode ``data`` in pieces of at most ``_OUTPUT_PIECE`` bytes."""
        raise NotImplementedError

    def _account(self, decoded: bytes) -> None:
        self._decoded += len(decoded)
        if self._max_size is not None and self._decoded > self._max_size:
            raise PayloadTooLargeError(
                f"decoded body passed its limit of {self._max_size} bytes"
            )
        if (
            self._max_ratio is not None
            and self._decoded > RATIO_FLOOR
            and self._decoded > self._max_ratio * self._coded
        ):
            raise DecompressionError(
                f"{self._name} body expands more than {self._max_ratio} to 1:"
                " refused as a likely decompression bomb"
            )


class _ZlibDecoder(_Decoder):
    """gzip (RFC 1952, members may be concatenated) and deflate (RFC 1950/1951)."""

    _input_slice = 2**18
    _counts_input = True

    def __init__(
        self, wbits: int | None, max_size: int | None, max_ratio: float | None
    ) -> None:
        super().__init__(max_size, max_ratio)
        self._wbits = wbits
        self._name = "gzip" if wbits is not None else "deflate"
        self._head = b""
        self._obj: Any = zlib.decompressobj(wbits) if wbits is not None else None

    def _pieces(self, data: bytes) -> Iterator[bytes]:
        if self._obj is None:
            # RFC 9110 §8.4.1.2 says "deflate" is zlib-wrapped, yet some
            # servers send raw deflate: a zlib header is a CMF/FLG pair whose
            # 16-bit value is a multiple of 31 (RFC 1950 §2.2).
            self._head += data
            if len(self._head) < 2 and data:
                return
            data, self._head = self._head, b""
            if not data:
                return
            wrapped = data[0] & 0x0F == 8 and int.from_bytes(data[:2], "big") % 31 == 0
            self._obj = zlib.decompressobj(
                zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS
            )
        while True:
            obj = self._obj
            if obj.eof:
                data = obj.unused_data + data
                if not data:
                    return
                if self._wbits is None:
                    raise DecompressionError(
                        f"data after the end of the {self._name} stream"
                    )
                # Another gzip member follows (RFC 1952 §2.2).
                obj = self._obj = zlib.decompressobj(self._wbits)
            try:
                # With a max_length, unread input waits in unconsumed_tail;
                # a full piece may also leave output pending inside zlib.
                source = data or obj.unconsumed_tail
                out = obj.decompress(source, _OUTPUT_PIECE)
            except zlib.error as exc:
                raise DecompressionError(f"invalid {self._name} data: {exc}") from exc
            self._coded += len(source) - len(obj.unconsumed_tail)
            if obj.eof:
                self._coded -= len(obj.unused_data)
            data = b""
            self._eof = obj.eof
            if out:
                yield out
            if not obj.eof and not obj.unconsumed_tail and len(out) < _OUTPUT_PIECE:
                return


class _BrotliDecoder(_Decoder):
    """br (RFC 7932)."""

    _name = "br"

    def __init__(self, max_size: int | None, max_ratio: float | None) -> None:
        super().__init__(max_size, max_ratio)
        self._obj = brotli.Decompressor()
        # brotli 1.2 bounds each output; older releases and brotlicffi do not,
        # so there the input slices alone bound the memory per step.
        self._bounded = hasattr(self._obj, "can_accept_more_data")

    def _pieces(self, data: bytes) -> Iterator[bytes]:
        try:
            if not self._bounded:
                out = self._obj.process(data) if data else b""
                if out:
                    yield out
            else:
                # Output can stay pending inside brotli even when it says it
                # accepts more input: drain until a step yields nothing.
                out = self._obj.process(data, output_buffer_limit=_OUTPUT_PIECE)
                while out or not self._obj.can_accept_more_data():
                    if out:
                        yield out
                    out = self._obj.process(b"", output_buffer_limit=_OUTPUT_PIECE)
        except brotli.error as exc:
            raise DecompressionError(f"invalid br data: {exc}") from exc
        self._eof = self._obj.is_finished()


class _ZstdDecoder(_Decoder):
    """zstd (RFC 8878); frames may be concatenated."""

    _name = "zstd"

    def __init__(self, max_size: int | None, max_ratio: float | None) -> None:
        super().__init__(max_size, max_ratio)
        self._obj = zstd.ZstdDecompressor()

    def _pieces(self, data: bytes) -> Iterator[bytes]:
        try:
            while True:
                if self._obj.eof:
                    data = self._obj.unused_data + data
                    if not data:
                        return
                    self._obj = zstd.ZstdDecompressor()
                if not data and self._obj.needs_input:
                    return
                out = self._obj.decompress(data, _OUTPUT_PIECE)
                data = b""
                self._eof = self._obj.eof
                if out:
                    yield out
        except zstd.ZstdError as exc:
            raise DecompressionError(f"invalid zstd data: {exc}") from exc


class _ZlibEncoder:
    __slots__ = ("_obj",)

    def __init__(self, wbits: int, level: int, strategy: int) -> None:
        self._obj = zlib.compressobj(
            level, zlib.DEFLATED, wbits, zlib.DEF_MEM_LEVEL, strategy
        )

    def compress(self, data: bytes) -> bytes:
        return self._obj.compress(data)

    def flush(self) -> bytes:
        return self._obj.flush(zlib.Z_FINISH)


class _BrotliEncoder:
    __slots__ = ("_obj",)

    def __init__(self, level: int | None) -> None:
        self._obj = (
            brotli.Compressor() if level is None else brotli.Compressor(quality=level)
        )

    def compress(self, data: bytes) -> bytes:
        return bytes(self._obj.process(data))

    def flush(self) -> bytes:
        return bytes(self._obj.finish())


class _ZstdEncoder:
    __slots__ = ("_obj",)

    def __init__(self, level: int | None) -> None:
        self._obj = (
            zstd.ZstdCompressor() if level is None else zstd.ZstdCompressor(level)
        )

    def compress(self, data: bytes) -> bytes:
        return bytes(self._obj.compress(data))

    def flush(self) -> bytes:
        return bytes(self._obj.flush(zstd.ZstdCompressor.FLUSH_FRAME))
