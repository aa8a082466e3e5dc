"""Reading a request body into memory, within ``client_max_size``.

The limit is enforced while the body streams in: reading stops (and
:class:`~aioweb.web.HTTPRequestEntityTooLarge` is raised) as soon as one
byte too many has arrived, or at once when ``Content-Length`` already says
the body is too large, so a client cannot make the server buffer more than
the limit. Form bodies (``application/x-www-form-urlencoded`` and
``multipart/form-data``) become a ``MultiDict`` of strings and
:class:`FileField` objects, with at most ``client_max_fields`` fields.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from typing import BinaryIO, cast
from urllib.parse import parse_qsl

from multidict import CIMultiDictProxy, MultiDict

from aioweb.protocol import BodyPartReader, MultipartReader, StreamReader

from .http_exceptions import HTTPBadRequest, HTTPRequestEntityTooLarge

__all__ = ("FileField", "read_limited", "parse_urlencoded", "read_multipart_form")

# Files larger than this spill from memory to disk while a form is read.
_SPOOL_SIZE = 2**20


@dataclass(frozen=True)
class FileField:
    """A file uploaded in a ``multipart/form-data`` body.

    Attributes:
        name: the form field's name.
        filename: the file name the client sent.
        file: the content, positioned at its start; closed with the request.
        content_type: the part's media type.
        headers: the part's headers.
    """

    name: str
    filename: str
    file: BinaryIO
    content_type: str
    headers: CIMultiDictProxy[str]


async def read_limited(
    payload: StreamReader, max_size: int, content_length: int | None
) -> bytes:
    """Read a whole body, refusing one larger than ``max_size`` (0: no limit).

    Raises:
        HTTPRequestEntityTooLarge: the body passes ``max_size``.
    """
    if max_size and content_length is not None and content_length > max_size:
        raise HTTPRequestEntityTooLarge(max_size, content_length)
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await payload.readany()
        if not chunk:
            break
        size += len(chunk)
        if max_size and size > max_size:
            raise HTTPRequestEntityTooLarge(max_size, size)
        chunks.append(chunk)
        if payload.at_eof():
            break  # no need to ask again for the empty read that says so
    # A body that came in one piece is returned as it is, without a copy.
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def parse_urlencoded(
    data: bytes, charset: str, max_fields: int
) -> MultiDict[str | bytes | FileField]:
    """Parse an ``application/x-www-form-urlencoded`` body.

    Raises:
        HTTPBadRequest: more than ``max_fields`` fields, or a body that is
            not text in ``charset``.
    """
    try:
        text = data.decode(charset)
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding=charset,
            errors="strict",
            max_num_fields=max_fields or None,
        )
    except UnicodeDecodeError as exc:
        raise HTTPBadRequest(text=f"form body is not {charset}") from exc
    except ValueError as exc:
        raise HTTPBadRequest(text=f"more than {max_fields} form fields") from exc
    return MultiDict(pairs)


async def read_multipart_form(
    reader: MultipartReader,
    max_size: int,
    max_fields: int,
    opened: list[BinaryIO],
) -> MultiDict[str | bytes | FileField]:
    """Read a ``multipart/form-data`` body into fields and files.

    Args:
        reader: the body's multipart reader.
        max_size: the most bytes of all parts together (0: no limit).
        max_fields: the most fields (0: no limit).
        opened: files created for uploads are appended, for the request to
            close them.

    Raises:
        HTTPRequestEntityTooLarge: the parts pass ``max_size``.
        HTTPBadRequest: more than ``max_fields`` fields, or a nested
            multipart part.
    """
    form: MultiDict[str | bytes | FileField] = MultiDict()
    size = 0
    async for part in reader:
        if not isinstance(part, BodyPartReader):
            raise HTTPBadRequest(text="nested multipart parts are not form fields")
        if max_fields and len(form) >= max_fields:
            raise HTTPBadRequest(text=f"more than {max_fields} form fields")
        name = part.name or ""
        content_type = part.headers.get("Content-Type", "")
        if part.filename is not None:
            spool = cast(
                BinaryIO,
                tempfile.SpooledTemporaryFile(max_size=_SPOOL_SIZE),  # noqa: SIM115
            )
            opened.append(spool)
            while chunk := await part.read_chunk():
                chunk = part.decode(chunk)
                size += len(chunk)
                if max_size and size > max_size:
                    raise HTTPRequestEntityTooLarge(max_size, size)
                spool.write(chunk)
            spool.seek(0)
            form.add(
                name,
                FileField(
                    name,
                    part.filename,
                    spool,
                    content_type or "application/octet-stream",
                    part.headers,
                ),
            )
            continue
        value = bytearray()
        while chunk := await part.read_chunk():
            size += len(chunk)
            if max_size and size > max_size:
                raise HTTPRequestEntityTooLarge(max_size, size)
            value += chunk
        raw = part.decode(bytes(value))
        if content_type and not content_type.startswith("text/"):
            form.add(name, raw)
            continue
        charset = part.get_charset(default="utf-8")
        try:
            form.add(name, raw.decode(charset))
        except (LookupError, UnicodeDecodeError) as exc:
            raise HTTPBadRequest(text=f"form field {name!r} is not {charset}") from exc
    return form
