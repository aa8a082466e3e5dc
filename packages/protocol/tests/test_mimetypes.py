"""Media types: parse_mimetype, parameters and charsets."""

from __future__ import annotations

import pytest

from aioweb.protocol import MimeType, parse_charset, parse_header_params, parse_mimetype


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ("", "", "", {})),
        ("*", ("*", "*", "", {})),
        ("application/json", ("application", "json", "", {})),
        ("Application/JSON", ("application", "json", "", {})),
        ("application/rss+xml", ("application", "rss+xml", "xml", {})),
        ("text/plain; charset=UTF-8", ("text", "plain", "", {"charset": "UTF-8"})),
        ('text/plain; CharSet="utf-8"', ("text", "plain", "", {"charset": "utf-8"})),
        (
            "multipart/form-data; boundary=----x",
            ("multipart", "form-data", "", {"boundary": "----x"}),
        ),
        ('a/b; q="x\\"y;z"; r=1', ("a", "b", "", {"q": 'x"y;z', "r": "1"})),
        ("a/b; broken; r=1", ("a", "b", "", {"r": "1"})),
        ("a/b; =x; r=1", ("a", "b", "", {"r": "1"})),
        ('a/b; x="unterminated; r=1', ("a", "b", "", {})),
        ("a/b; x=; r=1", ("a", "b", "", {"r": "1"})),
        ("a/b;;; r = 1 ;", ("a", "b", "", {"r": "1"})),
    ],
)
def test_parse_mimetype(
    value: str, expected: tuple[str, str, str, dict[str, str]]
) -> None:
    parsed = parse_mimetype(value)
    assert isinstance(parsed, MimeType)
    assert (
        parsed.type,
        parsed.subtype,
        parsed.suffix,
        dict(parsed.parameters),
    ) == expected


def test_repeated_parameters_are_kept() -> None:
    params = parse_header_params("; a=1; A=2")
    assert params.getall("a") == ["1", "2"]


def test_named_tuple_unpacks() -> None:
    mtype, subtype, suffix, params = parse_mimetype("image/svg+xml")
    assert (mtype, subtype, suffix, len(params)) == ("image", "svg+xml", "xml", 0)


@pytest.mark.parametrize(
    ("value", "charset"),
    [
        (None, None),
        ("", None),
        ("text/html", None),
        ("text/html; charset=", None),
        ("text/html; charset=latin-1", "latin-1"),
        ('text/html; charset="utf-8"', "utf-8"),
    ],
)
def test_parse_charset(value: str | None, charset: str | None) -> None:
    assert parse_charset(value) == charset
