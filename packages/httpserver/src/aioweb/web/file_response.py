"""A response that sends a file: :class:`FileResponse`.

How this works: :meth:`FileResponse.prepare` opens the file in a thread
(choosing a precompressed ``.br`` or ``.gz`` sidecar when the client accepts
its coding), then answers in the order RFC 9110 §13.2.2 sets:

1. ``If-Match``, or else ``If-Unmodified-Since``: 412 when it fails;
2. ``If-None-Match``, or else ``If-Modified-Since``: 304 (412 for a method
   other than GET and HEAD) when the client's copy is current;
3. ``Range`` (with ``If-Range``): 206 with one range, or a
   ``multipart/byteranges`` body for several (§14.6); 416 with
   ``Content-Range: bytes */size`` when nothing asked for is in the file;
4. otherwise the whole file, 200.

The body goes out through the protocol writer's ``sendfile`` (zero-copy on a
plain socket; read and written in a thread under TLS); with on-the-fly
compression enabled it is read in ``chunk_size`` pieces and compressed. A
file of at most :data:`PRELOAD_LIMIT` bytes asked for by a GET that is not
conditional is read whole by the thread that opens it and written with the
head.

The entity-tag is made from the modification time in nanoseconds and the
size, as aiohttp makes it, so tags survive a switch between the two servers.
"""

from __future__ import annotations

import asyncio
import functools
import math
import os
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass
from mimetypes import MimeTypes
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final

from aioweb.protocol import ETag, StreamWriter, etag_matches, parse_etag

from .byte_ranges import RangeNotSatisfiable, parse_byte_ranges
from .stream_response import StreamResponse, _accepts

if TYPE_CHECKING:
    from .request import BaseRequest

__all__ = ("FileResponse",)

PathLike = str | os.PathLike[str]

_FALLBACK_CONTENT_TYPE: Final = "application/octet-stream"

#: Files up to this size are read whole in the thread that opens them and
#: leave with their head in one write: for a small file, the event-loop
#: round trips of ``sendfile`` cost more than the copy.
PRELOAD_LIMIT: Final = 64 * 1024

# Sidecars in order of preference: brotli compresses text better than gzip.
_SIDECARS: Final = (("br", ".br"), ("gzip", ".gz"))

# A private table, so that ``.gz`` and friends are types, not encodings: a
# ``.tar.gz`` is sent as what it is, ``application/gzip``, with no
# Content-Encoding that would make a browser unpack it on the fly.
_CONTENT_TYPES: Final = MimeTypes()
_CONTENT_TYPES.encodings_map.clear()
for _type, _extension in (
    ("application/gzip", ".gz"),
    ("application/x-brotli", ".br"),
    ("application/x-bzip2", ".bz2"),
    ("application/x-compress", ".Z"),
    ("application/x-xz", ".xz"),
    ("text/javascript", ".js"),  # RFC 9239
    ("text/javascript", ".mjs"),
):
    _CONTENT_TYPES.add_type(_type, _extension)


def guess_content_type(name: str) -> str:
    """The ``Content-Type`` for a file name (``charset=utf-8`` on text).

    Args:
        name: the file's name or path; only its suffix counts.

    Returns:
        A media type, ``application/octet-stream`` when the suffix is unknown.
    """
    guessed = _CONTENT_TYPES.guess_type(name, strict=False)[0]
    if guessed is None:
        return _FALLBACK_CONTENT_TYPE
    if guessed.startswith("text/"):
        return f"{guessed}; charset=utf-8"
    return guessed


@dataclass(slots=True)
class _Selected:
    """The file chosen to answer, opened, with its metadata."""

    file: BinaryIO | None
    status: os.stat_result | None
    coding: str | None
    has_sidecar: bool
    data: bytes | None = None
    #: 304 or 412 when a precondition decided the answer (nothing opened).
    outcome: int | None = None


def _preloaded(file: BinaryIO, status: os.stat_result, preload: bool) -> bytes | None:
    """The whole of a small file, read now, or None."""
    if not preload or status.st_size > PRELOAD_LIMIT:
        return None
    data = file.read(status.st_size + 1)
    # A file that changed size since fstat goes out through sendfile, which
    # sends what the head announced.
    return data if len(data) == status.st_size else None


def _open_no_follow(path: Path) -> BinaryIO:
    """Open a regular file for reading, refusing a symbolic link swapped in
    since it was checked (``O_NOFOLLOW``)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _open_selected(
    path: Path,
    accept_encoding: str,
    preload: bool,
    precondition: Callable[[os.stat_result], int | None],
) -> _Selected:
    """Open ``path`` or the best sidecar the client accepts (in a thread);
    with ``preload``, read a small file whole in the same trip. A file whose
    preconditions decide the answer (304, 412) is not opened at all.

    Raises:
        PermissionError: the file cannot be read.
        OSError: the file does not exist (or its name is unusable).
    """
    has_sidecar = False
    for coding, suffix in _SIDECARS:
        sidecar = path.with_name(path.name + suffix)
        try:
            # lstat: a sidecar that is a symbolic link is not one. The static
            # resource checked the requested name, not its siblings, so a
            # link named "page.html.gz" could lead anywhere.
            sidecar_status = sidecar.lstat()
        except (OSError, ValueError):
            continue
        if not stat.S_ISREG(sidecar_status.st_mode):
            continue
        has_sidecar = True
        if _accepts(accept_encoding, coding):
            outcome = precondition(sidecar_status)
            if outcome is not None:
                return _Selected(None, sidecar_status, coding, True, outcome=outcome)
            try:
                file = _open_no_follow(sidecar)
            except OSError:
                continue
            sidecar_status = os.fstat(file.fileno())
            data = _preloaded(file, sidecar_status, preload)
            return _Selected(file, sidecar_status, coding, True, data)
    status = path.stat()
    if not stat.S_ISREG(status.st_mode):
        return _Selected(None, None, None, has_sidecar)
    outcome = precondition(status)
    if outcome is not None:
        return _Selected(None, status, None, has_sidecar, outcome=outcome)
    file = path.open("rb")
    status = os.fstat(file.fileno())
    return _Selected(file, status, None, has_sidecar, _preloaded(file, status, preload))


def _etag_of(file_status: os.stat_result) -> ETag:
    return ETag(f"{file_status.st_mtime_ns:x}-{file_status.st_size:x}")


def _modified_of(file_status: os.stat_result) -> int:
    # HTTP dates have whole seconds: compare the time the client saw
    # (Last-Modified rounds up, as in aiohttp).
    return math.ceil(file_status.st_mtime)


def _precondition_outcome(
    request: BaseRequest, file_status: os.stat_result
) -> int | None:
    """412, 304 or None (go on): RFC 9110 §13.2.2, steps 1 to 4."""
    etag = _etag_of(file_status)
    modified = _modified_of(file_status)
    if_match = request.if_match
    if if_match is not None:
        if not etag_matches(if_match, etag, weak=False):
            return 412
    else:
        unmodified_since = request.if_unmodified_since
        if unmodified_since is not None and modified > unmodified_since.timestamp():
            return 412
    safe = request.method in ("GET", "HEAD")
    if_none_match = request.if_none_match
    if if_none_match is not None:
        if etag_matches(if_none_match, etag, weak=True):
            return 304 if safe else 412
    elif safe:
        modified_since = request.if_modified_since
        if modified_since is not None and modified <= modified_since.timestamp():
            return 304
    return None


def _close_opened(opening: asyncio.Future[_Selected]) -> None:
    if opening.cancelled() or opening.exception() is not None:
        return
    file = opening.result().file
    if file is not None:
        file.close()


class FileResponse(StreamResponse):
    """Sends the file at ``path``, with conditional requests and ranges.

    Args:
        path: the file to send.
        chunk_size: piece size when the file is read rather than sent with
            ``sendfile`` (on-the-fly compression).
        status: the status of a full answer.
        reason: its reason phrase.
        headers: initial headers; a ``Content-Type`` given here is kept.

    A missing file is answered with 404 and one that is not a regular file,
    or cannot be read, with 403 (both with an empty body), as in aiohttp.
    """

    def __init__(
        self,
        path: PathLike,
        chunk_size: int = 256 * 1024,
        status: int = 200,
        reason: str | None = None,
        headers: Any = None,
    ) -> None:
        super().__init__(status=status, reason=reason, headers=headers)
        self._path = Path(path)
        self._chunk_size = chunk_size
        self._preloaded_data: bytes | None = None

    async def prepare(self, request: BaseRequest) -> StreamWriter | None:
        """Choose the answer, send the head and the body (once only)."""
        if self.prepared:
            return await super().prepare(request)
        loop = asyncio.get_running_loop()
        accept_encoding = request.headers.get("Accept-Encoding", "")
        opening = loop.run_in_executor(
            None,
            _open_selected,
            self._path,
            accept_encoding,
            self._should_preload(request),
            functools.partial(_precondition_outcome, request),
        )
        try:
            selected = await asyncio.shield(opening)
        except asyncio.CancelledError:
            # The thread still opens the file: close it when it has.
            opening.add_done_callback(_close_opened)
            raise
        except PermissionError:
            return await self._empty(request, 403)
        except (OSError, ValueError):
            # A missing file, a name too long, a symlink loop, a NUL byte.
            return await self._empty(request, 404)
        if selected.has_sidecar:
            # RFC 9110 §12.5.5: the answer depends on Accept-Encoding.
            self._add_vary("Accept-Encoding")
        if selected.outcome == 304 and selected.status is not None:
            return await self._not_modified(request, selected.status)
        if selected.outcome is not None:
            return await self._empty(request, selected.outcome)
        if selected.file is None or selected.status is None:
            return await self._empty(request, 403)
        self._preloaded_data = selected.data
        try:
            return await self._answer(request, selected.file, selected)
        finally:
            # Closing a file opened for reading does not block: no thread,
            # which a cancelled handler might never get to run.
            selected.file.close()
            self._preloaded_data = None

    async def _empty(
        self, request: BaseRequest, status: int, **headers: str
    ) -> StreamWriter | None:
        self.set_status(status)
        self.headers.update(headers)
        self.content_length = 0
        writer = await super().prepare(request)
        await self.write_eof()
        return writer

    async def _answer(
        self, request: BaseRequest, file: BinaryIO, selected: _Selected
    ) -> StreamWriter | None:
        assert selected.status is not None
        file_status = selected.status
        size = file_status.st_size
        etag = _etag_of(file_status)
        modified = _modified_of(file_status)

        self.etag = etag
        self.last_modified = file_status.st_mtime
        self.headers["Accept-Ranges"] = "bytes"
        if "Content-Type" not in self.headers:
            self.headers["Content-Type"] = guess_content_type(self._path.name)
        if selected.coding is not None:
            self.headers["Content-Encoding"] = selected.coding
            self._compression = False  # already compressed on disk

        ranges = None
        range_header = request.headers.get("Range")
        if range_header is not None and self._range_applies(request, etag, modified):
            try:
                ranges = parse_byte_ranges(range_header, size)
            except RangeNotSatisfiable:
                self.headers.popall("Content-Encoding", None)
                return await self._empty(
                    request, 416, **{"Content-Range": f"bytes */{size}"}
                )
            if ranges is not None and len(ranges) > 1 and selected.coding is not None:
                # Parts of a compressed stream, each labelled with the plain
                # type, would not decode: send the whole representation.
                ranges = None

        if ranges is None:
            self.content_length = size
            writer = await super().prepare(request)
            await self._send(file, 0, size)
        elif len(ranges) == 1:
            start, stop = ranges[0]
            self.set_status(206)
            self.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
            self.content_length = stop - start
            writer = await super().prepare(request)
            await self._send(file, start, stop - start)
        else:
            writer = await self._send_parts(request, file, ranges, size)
        await self.write_eof()
        return writer

    def _range_applies(self, request: BaseRequest, etag: ETag, modified: int) -> bool:
        # RFC 9110 §14.2: Range is for GET (aiohttp also honours it on HEAD).
        if request.method not in ("GET", "HEAD"):
            return False
        if_range = request.headers.get("If-Range")
        if if_range is None:
            return True
        stripped = if_range.strip()
        if stripped.startswith(('"', "W/")):
            # §13.1.5: an entity-tag must match strongly.
            try:
                return parse_etag(stripped).strong_equals(etag)
            except ValueError:
                return False
        date = request.if_range
        return date is not None and modified <= date.timestamp()

    async def _not_modified(
        self, request: BaseRequest, file_status: os.stat_result
    ) -> StreamWriter | None:
        self.set_status(304)
        self.etag = _etag_of(file_status)
        self.last_modified = file_status.st_mtime
        self.headers.popall("Content-Length", None)
        writer = await super().prepare(request)
        await self.write_eof()
        return writer

    async def _send_parts(
        self,
        request: BaseRequest,
        file: BinaryIO,
        ranges: list[tuple[int, int]],
        size: int,
    ) -> StreamWriter | None:
        # RFC 9110 §14.6: multipart/byteranges, each part with its type and
        # Content-Range; the length is known beforehand, so no chunking.
        boundary = secrets.token_hex(16)
        part_type = self.headers["Content-Type"]
        heads = [
            (
                f"--{boundary}\r\nContent-Type: {part_type}\r\n"
                f"Content-Range: bytes {start}-{stop - 1}/{size}\r\n\r\n"
            ).encode("latin-1")
            for start, stop in ranges
        ]
        closing = f"--{boundary}--\r\n".encode("ascii")
        body_size = sum(
            len(head) + stop - start + 2
            for head, (start, stop) in zip(heads, ranges, strict=True)
        )
        self.set_status(206)
        self.headers["Content-Type"] = f"multipart/byteranges; boundary={boundary}"
        self.content_length = body_size + len(closing)
        writer = await super().prepare(request)
        if self._must_be_empty_body:
            return writer
        for head, (start, stop) in zip(heads, ranges, strict=True):
            await self.write(head)
            await self._send(file, start, stop - start)
            await self.write(b"\r\n")
        await self.write(closing)
        return writer

    @staticmethod
    def _should_preload(request: BaseRequest) -> bool:
        # A request likely to be answered with 304 would read for nothing.
        headers = request.headers
        return (
            request.method == "GET"
            and "If-None-Match" not in headers
            and "If-Modified-Since" not in headers
        )

    async def _send(self, file: BinaryIO, offset: int, count: int) -> None:
        writer = self._payload_writer
        if self._must_be_empty_body or writer is None or count == 0:
            return
        if self._preloaded_data is not None:
            await self.write(self._preloaded_data[offset : offset + count])
            return
        if self._encoder is None:
            await writer.sendfile(file, offset, count)
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, file.seek, offset)
        while count > 0:
            data = await loop.run_in_executor(
                None, file.read, min(self._chunk_size, count)
            )
            if not data:
                break
            count -= len(data)
            await self.write(data)

    def _add_vary(self, name: str) -> None:
        vary = self.headers.get("Vary", "")
        if name.lower() not in vary.lower():
            self.headers["Vary"] = f"{vary}, {name}" if vary else name
