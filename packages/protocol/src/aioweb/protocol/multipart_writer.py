"""Writing multipart bodies (RFC 2046 §5.1, RFC 7578): :class:`MultipartWriter`.

A :class:`MultipartWriter` is itself a :class:`~aioweb.protocol.Payload`: a
list of payloads, each written as a delimiter, its headers and its body, then
the closing delimiter. Writers nest (a writer is a valid part). A part with a
``Content-Encoding`` (gzip, deflate, br, zstd) or a
``Content-Transfer-Encoding`` (base64, quoted-printable) is coded as it is
written; its size is then unknown, and so is the whole body's.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlencode

from .codings import ContentEncoder, get_encoder
from .http_head import validate_field
from .payloads import Payload, PayloadWriter, StringPayload, get_payload

__all__ = ("MultipartWriter",)

# RFC 2046 §5.1.1: 1 to 70 bchars, not ending with a space.
_BOUNDARY: Final = re.compile(
    r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]"
)
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_TRANSFER_ENCODINGS: Final = (
    "",
    "binary",
    "8bit",
    "7bit",
    "base64",
    "quoted-printable",
)
# 57 input bytes make one 76-character base64 line (RFC 2045 §6.8).
_B64_LINE: Final = 57


class MultipartWriter(Payload):
    """A multipart body built from payloads.

    Args:
        subtype: ``mixed``, ``form-data``, ``related``...
        boundary: the boundary; a random one when None.

    Raises:
        ValueError: the boundary is not 1 to 70 of RFC 2046's characters.

    Example:
        >>> import asyncio
        >>> writer = MultipartWriter("mixed", boundary="b")
        >>> _ = writer.append("hello")
        >>> for line in asyncio.run(writer.as_bytes()).split(b"\\r\\n"):
        ...     print(line)
        b'--b'
        b'Content-Type: text/plain; charset=utf-8'
        b''
        b'hello'
        b'--b--'
        b''
    """

    _value: None

    def __init__(self, subtype: str = "mixed", boundary: str | None = None) -> None:
        if boundary is None:
            boundary = os.urandom(16).hex()
        if not _BOUNDARY.fullmatch(boundary):
            raise ValueError(f"invalid multipart boundary {boundary!r}")
        if not _TOKEN.fullmatch(subtype):
            raise ValueError(f"invalid multipart subtype {subtype!r}")
        self._boundary = boundary.encode("ascii")
        quoted = boundary if _TOKEN.fullmatch(boundary) else f'"{boundary}"'
        super().__init__(None, content_type=f"multipart/{subtype}; boundary={quoted}")
        self._parts: list[Payload] = []
        self._is_form_data = subtype == "form-data"

    def __enter__(self) -> MultipartWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def __iter__(self) -> Iterator[Payload]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)

    def __bool__(self) -> bool:
        return True

    @property
    def boundary(self) -> str:
        """The boundary string."""
        return self._boundary.decode("ascii")

    def append(self, obj: Any, headers: Mapping[str, str] | None = None) -> Payload:
        """Add a part from any value :func:`get_payload` takes, or a payload."""
        if isinstance(obj, Payload):
            if headers:
                obj.headers.update(headers)
            return self.append_payload(obj)
        return self.append_payload(get_payload(obj, headers=headers))

    def append_payload(self, payload: Payload) -> Payload:
        """Add a payload as a part.

        A form-data part needs a Content-Disposition with a name by the time
        the body is written; it may be set on the returned payload.

        Raises:
            ValueError: an unknown coding, or a header that could inject (CR,
                LF, NUL).
        """
        for name, value in payload.headers.items():
            validate_field(name, value)
        coding = payload.headers.get("Content-Encoding", "").strip().lower()
        if coding not in ("", "identity"):
            get_encoder(coding)  # raises ValueError for an unknown coding
        transfer = payload.headers.get("Content-Transfer-Encoding", "").strip().lower()
        if transfer not in _TRANSFER_ENCODINGS:
            raise ValueError(f"unknown Content-Transfer-Encoding {transfer!r}")
        self._parts.append(payload)
        return payload

    def append_json(
        self, obj: Any, headers: Mapping[str, str] | None = None
    ) -> Payload:
        """Add a part holding ``obj`` as JSON."""
        return self.append_payload(
            StringPayload(
                json.dumps(obj), content_type="application/json", headers=headers
            )
        )

    def append_form(
        self,
        obj: Mapping[str, str] | Sequence[tuple[str, str]],
        headers: Mapping[str, str] | None = None,
    ) -> Payload:
        """Add a part holding ``obj`` URL-encoded."""
        items = list(obj.items()) if isinstance(obj, Mapping) else list(obj)
        return self.append_payload(
            StringPayload(
                urlencode(items, doseq=True),
                content_type="application/x-www-form-urlencoded",
                headers=headers,
            )
        )

    def _part_head(self, part: Payload) -> bytes:
        if self._is_form_data and "name=" not in part.headers.get(
            "Content-Disposition", ""
        ):
            raise ValueError("a form-data part needs a Content-Disposition with a name")
        for name, value in part.headers.items():
            validate_field(name, value)  # headers may have changed since append
        lines = [b"--" + self._boundary]
        lines += [f"{name}: {value}".encode() for name, value in part.headers.items()]
        lines.append(b"\r\n")
        return b"\r\n".join(lines)

    @staticmethod
    def _is_coded(part: Payload) -> bool:
        coding = part.headers.get("Content-Encoding", "").strip().lower()
        transfer = part.headers.get("Content-Transfer-Encoding", "").strip().lower()
        return coding not in ("", "identity") or transfer in (
            "base64",
            "quoted-printable",
        )

    @property
    def size(self) -> int | None:
        """The body's length, or None if a part's is unknown or coded."""
        total = 0
        for part in self._parts:
            if part.size is None or self._is_coded(part):
                return None
            total += len(self._part_head(part)) + part.size + 2
        return total + len(self._boundary) + 6

    async def write(self, writer: PayloadWriter, close_boundary: bool = True) -> None:
        """Write every part, then the closing delimiter if asked."""
        for part in self._parts:
            await writer.write(self._part_head(part))
            if self._is_coded(part):
                coder = _PartCoder(writer, part.headers)
                await part.write(coder)
                await coder.finish()
            else:
                await part.write(writer)
            await writer.write(b"\r\n")
        if close_boundary:
            await writer.write(b"--" + self._boundary + b"--\r\n")

    async def close(self) -> None:
        """Close every part."""
        for part in self._parts:
            await part.close()


class _PartCoder:
    """Applies a part's Content-Encoding, then its Content-Transfer-Encoding."""

    def __init__(self, writer: PayloadWriter, headers: Mapping[str, str]) -> None:
        self._writer = writer
        coding = headers.get("Content-Encoding", "").strip().lower()
        self._encoder: ContentEncoder | None = (
            get_encoder(coding) if coding not in ("", "identity") else None
        )
        self._transfer = headers.get("Content-Transfer-Encoding", "").strip().lower()
        self._pending = bytearray()

    async def write(self, chunk: bytes) -> None:
        if self._encoder is not None:
            chunk = self._encoder.compress(chunk)
        await self._transfer_write(chunk, final=False)

    async def finish(self) -> None:
        tail = self._encoder.flush() if self._encoder is not None else b""
        await self._transfer_write(tail, final=True)

    async def _transfer_write(self, chunk: bytes, *, final: bool) -> None:
        if self._transfer == "base64":
            self._pending += chunk
            whole = (
                len(self._pending)
                if final
                else len(self._pending) // _B64_LINE * _B64_LINE
            )
            if whole:
                lines = base64.encodebytes(bytes(self._pending[:whole]))
                del self._pending[:whole]
                data = lines.replace(b"\n", b"\r\n")
                await self._writer.write(data[:-2] if final else data)
        elif self._transfer == "quoted-printable":
            # Soft line breaks depend on what follows: encode the whole part.
            self._pending += chunk
            if final and self._pending:
                encoded = binascii.b2a_qp(bytes(self._pending))
                await self._writer.write(encoded.replace(b"\n", b"\r\n"))
        elif chunk:
            await self._writer.write(chunk)
