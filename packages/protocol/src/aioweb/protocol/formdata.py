"""HTML form bodies: :class:`FormData`.

A form becomes ``application/x-www-form-urlencoded`` while every field is a
plain name and text value, and ``multipart/form-data`` (RFC 7578) as soon as
one field is a file, has a file name or a content type, or when asked.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from multidict import MultiDict, MultiDictProxy

from .multipart_writer import MultipartWriter
from .payloads import BytesPayload, Payload, get_payload

__all__ = ("FormData",)


def _file_name(value: Any, default: str) -> str:
    name = getattr(value, "name", None)
    if isinstance(name, str) and name and name[0] != "<" and name[-1] != ">":
        return os.path.basename(name)
    return default


class FormData:
    """Fields of a form, turned into a request body by calling it.

    Args:
        fields: a mapping, ``(name, value)`` pairs, a ``MultiDict``, or file
            objects (named after their file).
        quote_fields: see ``content_disposition_header``.
        charset: the charset of text fields (UTF-8 by default).
        boundary: the multipart boundary; random when None.
        default_to_multipart: send ``multipart/form-data`` even for text.

    Example:
        >>> import asyncio
        >>> form = FormData({"q": "a b", "page": "2"})
        >>> payload = form()
        >>> payload.content_type, asyncio.run(payload.as_bytes())
        ('application/x-www-form-urlencoded', b'q=a+b&page=2')
    """

    def __init__(
        self,
        fields: Iterable[Any] | Mapping[str, Any] = (),
        quote_fields: bool = True,
        charset: str | None = None,
        boundary: str | None = None,
        *,
        default_to_multipart: bool = False,
    ) -> None:
        self._fields: list[tuple[dict[str, str], dict[str, str], Any]] = []
        self._is_multipart = default_to_multipart
        self._quote_fields = quote_fields
        self._charset = charset
        self._boundary = boundary
        if isinstance(fields, Mapping):
            fields = list(fields.items())
        elif not isinstance(fields, (list, tuple)):
            fields = (fields,)
        self.add_fields(*fields)

    @property
    def is_multipart(self) -> bool:
        """True when the form will be sent as ``multipart/form-data``."""
        return self._is_multipart

    def add_field(
        self,
        name: str,
        value: Any,
        *,
        content_type: str | None = None,
        filename: str | None = None,
    ) -> None:
        """Add one field.

        Bytes and file objects become file fields (named after ``name`` or
        their file when no ``filename`` is given), as in aiohttp.

        Raises:
            TypeError: ``filename`` or ``content_type`` is not a string.
        """
        if filename is not None and not isinstance(filename, str):
            raise TypeError(f"filename must be a string, not {type(filename)!r}")
        if content_type is not None and not isinstance(content_type, str):
            raise TypeError(
                f"content_type must be a string, not {type(content_type)!r}"
            )
        if isinstance(value, io.IOBase):
            self._is_multipart = True
            if filename is None:
                filename = _file_name(value, name)
        elif isinstance(value, (bytes, bytearray, memoryview)) and filename is None:
            filename = name
        options = {"name": name}
        if filename is not None:
            options["filename"] = filename
            self._is_multipart = True
        headers = {}
        if content_type is not None:
            headers["Content-Type"] = content_type
            self._is_multipart = True
        self._fields.append((options, headers, value))

    def add_fields(self, *fields: Any) -> None:
        """Add fields: ``(name, value)`` pairs, multidicts or file objects.

        Raises:
            TypeError: a field of another kind.
        """
        for field in fields:
            if isinstance(field, io.IOBase):
                self.add_field(_file_name(field, "file"), field)
            elif isinstance(field, (MultiDict, MultiDictProxy)):
                for name, value in field.items():
                    self.add_field(name, value)
            elif isinstance(field, (list, tuple)) and len(field) == 2:
                self.add_field(field[0], field[1])
            else:
                raise TypeError(
                    "a form field is a (name, value) pair, a multidict or a file,"
                    f" not {field!r}"
                )

    def __call__(self) -> Payload:
        """The form as a body: multipart or URL-encoded."""
        if self._is_multipart:
            return self._multipart()
        return self._urlencoded()

    def _urlencoded(self) -> Payload:
        charset = self._charset or "utf-8"
        pairs = [(options["name"], value) for options, _, value in self._fields]
        content_type = "application/x-www-form-urlencoded"
        if charset.lower() != "utf-8":
            content_type += f"; charset={charset}"
        data = urlencode(pairs, doseq=True, encoding=charset).encode("ascii")
        return BytesPayload(data, content_type=content_type)

    def _multipart(self) -> MultipartWriter:
        writer = MultipartWriter("form-data", boundary=self._boundary)
        for options, headers, value in self._fields:
            kwargs: dict[str, Any] = {"headers": headers}
            if isinstance(value, str) and self._charset is not None:
                kwargs["encoding"] = self._charset
            if "filename" in options:
                kwargs["filename"] = options["filename"]
            try:
                part = get_payload(value, **kwargs)
            except LookupError as exc:
                raise TypeError(
                    f"form field {options['name']!r}: cannot send a {type(value)!r}"
                ) from exc
            part.set_content_disposition(
                "form-data", quote_fields=self._quote_fields, **options
            )
            writer.append_payload(part)
        return writer
