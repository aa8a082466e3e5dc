"""Default limits of the parsers, each a constructor argument.

The defaults follow common servers: 8190 bytes per line as in aiohttp and
Apache's ``LimitRequestLine`` (8190), 128 fields per section.
"""

from __future__ import annotations

__all__ = (
    "MAX_LINE_SIZE",
    "MAX_FIELD_SIZE",
    "MAX_HEADERS",
    "MAX_TRAILER_SIZE",
    "MAX_CHUNK_SIZE_DIGITS",
    "MAX_CONTENT_LENGTH_DIGITS",
    "check_limits",
)

#: Longest request line or status line, in bytes, without CRLF (414 / 400).
MAX_LINE_SIZE = 8190
#: Longest field line, in bytes, without CRLF (431). Also bounds a chunk-size
#: line with its extensions.
MAX_FIELD_SIZE = 8190
#: Most field lines in a header section (431).
MAX_HEADERS = 128
#: Largest trailer section, in bytes, CRLFs included (431).
MAX_TRAILER_SIZE = 8190
#: Most hex digits in a chunk size: 16 digits hold any 64-bit size (413).
MAX_CHUNK_SIZE_DIGITS = 16
#: Most decimal digits in Content-Length: 18 digits stay below 2**63 (413).
MAX_CONTENT_LENGTH_DIGITS = 18


def check_limits(
    max_line_size: int,
    max_field_size: int,
    max_headers: int,
    max_trailer_size: int,
    max_chunk_size_digits: int,
) -> None:
    """Raise ValueError for a limit out of its range."""
    for name, value in (
        ("max_line_size", max_line_size),
        ("max_field_size", max_field_size),
        ("max_headers", max_headers),
        ("max_trailer_size", max_trailer_size),
    ):
        if value < 1:
            raise ValueError(f"{name} must be positive, not {value}")
    if not 1 <= max_chunk_size_digits <= MAX_CHUNK_SIZE_DIGITS:
        raise ValueError(
            f"max_chunk_size_digits must be within 1..{MAX_CHUNK_SIZE_DIGITS}"
        )
